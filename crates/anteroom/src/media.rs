//! The SFU behind the realtime connections: [`SfuMedia`] implements the
//! API's [`MediaPort`] over an [`SfuHandle`].
//!
//! Both sides speak the server's ids; this module only translates types,
//! chooses between adding, re-attaching and restarting a participant's
//! media, and merges the SFU's two per-participant channels (offers, media
//! news) into the one the realtime connection reads.

use async_trait::async_trait;
use tokio::sync::mpsc;

use anteroom_api::realtime::media::{
    self as port, ClientOffer, MediaError, MediaJoin, MediaPort, MediaSignal, SdpAnswer, TrackLabel,
};
use anteroom_domain::ParticipantId;
use anteroom_sfu::{MediaSession, MediaStatus, ServerOffer, SfuError, SfuHandle};

/// Signals that may wait for a slow realtime connection. Offers come one at
/// a time and news is rare, so this is only reached by a stuck connection,
/// which then holds up only its own forwarding task.
const SIGNAL_QUEUE: usize = 64;

/// The embedded SFU as the realtime connections' media engine.
#[derive(Debug, Clone)]
pub struct SfuMedia {
    sfu: SfuHandle,
}

impl SfuMedia {
    pub fn new(sfu: SfuHandle) -> Self {
        Self { sfu }
    }
}

#[async_trait]
impl MediaPort for SfuMedia {
    async fn join(&self, join: MediaJoin) -> Result<mpsc::Receiver<MediaSignal>, MediaError> {
        let (meeting, participant) = (join.meeting.as_str(), join.participant.as_str());
        let session = if join.resumed {
            // The peer connection may still be up: keep its session. A new
            // one (a reload) is recognised by the SFU from its offer.
            match self.sfu.attach(participant).await {
                Err(SfuError::UnknownParticipant) => {
                    self.sfu.add_participant(meeting, participant).await
                }
                attached => attached,
            }
        } else {
            match self.sfu.add_participant(meeting, participant).await {
                // Known from an earlier connection that was never let go.
                Err(SfuError::DuplicateParticipant) => {
                    self.sfu.reset_participant(participant).await
                }
                added => added,
            }
        }
        .map_err(refused)?;

        let (signals, receiver) = mpsc::channel(SIGNAL_QUEUE);
        tokio::spawn(forward(session, signals));
        Ok(receiver)
    }

    async fn offer(
        &self,
        participant: &ParticipantId,
        offer: ClientOffer,
    ) -> Result<Option<SdpAnswer>, MediaError> {
        let hints = offer
            .hints
            .into_iter()
            .map(|h| anteroom_sfu::TrackHint {
                mid: h.mid,
                kind: track_kind(h.kind),
            })
            .collect();
        let answer = self
            .sfu
            .offer(participant.as_str(), offer.sdp, hints)
            .await
            .map_err(refused)?;
        // The answer labels nothing: what the client receives comes in
        // offers of ours, with their labels.
        Ok(answer.map(|sdp| SdpAnswer {
            sdp,
            tracks: Vec::new(),
        }))
    }

    async fn answer(&self, participant: &ParticipantId, sdp: String) -> Result<(), MediaError> {
        self.sfu
            .answer(participant.as_str(), sdp)
            .await
            .map_err(refused)
    }

    async fn set_layer(
        &self,
        subscriber: &ParticipantId,
        publisher: &ParticipantId,
        layer: port::Layer,
    ) -> Result<(), MediaError> {
        let layer = match layer {
            port::Layer::High => Some(anteroom_sfu::Layer::High),
            port::Layer::Low => Some(anteroom_sfu::Layer::Low),
            port::Layer::Auto => None,
        };
        self.sfu
            .set_layer(subscriber.as_str(), publisher.as_str(), layer)
            .await
            .map_err(refused)
    }

    async fn leave(&self, participant: &ParticipantId) {
        match self.sfu.remove_participant(participant.as_str()).await {
            // Never joined the media side, or already gone.
            Ok(()) | Err(SfuError::UnknownParticipant) => {}
            Err(error) => tracing::debug!(%error, "removing a participant's media failed"),
        }
    }
}

/// Relays one participant's offers and news until either side lets go: the
/// SFU closes the channels on removal or on a later `join`, the connection
/// drops its receiver when it ends.
async fn forward(mut session: MediaSession, signals: mpsc::Sender<MediaSignal>) {
    loop {
        let signal = tokio::select! {
            Some(offer) = session.offers.recv() => offer_signal(offer),
            Some(status) = session.events.recv() => match status_signal(status) {
                Some(signal) => signal,
                None => continue,
            },
            else => return,
        };
        if signals.send(signal).await.is_err() {
            return;
        }
    }
}

fn offer_signal(offer: ServerOffer) -> MediaSignal {
    let tracks = offer
        .tracks
        .into_iter()
        .map(|t| TrackLabel {
            mid: t.mid,
            participant_id: ParticipantId::new(t.participant),
            kind: port_kind(t.kind),
        })
        .collect();
    MediaSignal::Offer {
        sdp: offer.sdp,
        tracks,
    }
}

fn status_signal(status: MediaStatus) -> Option<MediaSignal> {
    use anteroom_sfu::TrackKind::Screen;
    match status {
        MediaStatus::Connected => Some(MediaSignal::Connected),
        MediaStatus::Disconnected => Some(MediaSignal::Disconnected),
        MediaStatus::Published { kind: Screen, .. } => Some(MediaSignal::Screen(true)),
        MediaStatus::Unpublished { kind: Screen } => Some(MediaSignal::Screen(false)),
        // Audio and camera state reach the others as mute messages.
        _ => None,
    }
}

fn track_kind(kind: port::TrackKind) -> anteroom_sfu::TrackKind {
    match kind {
        port::TrackKind::Audio => anteroom_sfu::TrackKind::Audio,
        port::TrackKind::Camera => anteroom_sfu::TrackKind::Camera,
        port::TrackKind::Screen => anteroom_sfu::TrackKind::Screen,
    }
}

fn port_kind(kind: anteroom_sfu::TrackKind) -> port::TrackKind {
    match kind {
        anteroom_sfu::TrackKind::Audio => port::TrackKind::Audio,
        anteroom_sfu::TrackKind::Camera => port::TrackKind::Camera,
        anteroom_sfu::TrackKind::Screen => port::TrackKind::Screen,
    }
}

/// What the client is told when the SFU refuses: the engine's reason
/// (lowercase, no SDP, no secrets), or that media is gone.
fn refused(error: SfuError) -> MediaError {
    match error {
        SfuError::Stopped => MediaError::Unavailable,
        SfuError::Media(cause) => MediaError::Refused(cause.to_string()),
        other => MediaError::Refused(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_screen_sharing_and_connection_news_reach_the_connection() {
        use anteroom_sfu::TrackKind::{Audio, Camera, Screen};
        let published = |kind| MediaStatus::Published {
            kind,
            layers: Vec::new(),
        };
        assert_eq!(
            status_signal(MediaStatus::Connected),
            Some(MediaSignal::Connected)
        );
        assert_eq!(
            status_signal(published(Screen)),
            Some(MediaSignal::Screen(true))
        );
        assert_eq!(
            status_signal(MediaStatus::Unpublished { kind: Screen }),
            Some(MediaSignal::Screen(false))
        );
        assert_eq!(status_signal(published(Camera)), None);
        assert_eq!(
            status_signal(MediaStatus::Unpublished { kind: Audio }),
            None
        );
    }

    #[test]
    fn track_kinds_survive_the_round_trip() {
        for kind in [
            port::TrackKind::Audio,
            port::TrackKind::Camera,
            port::TrackKind::Screen,
        ] {
            assert_eq!(port_kind(track_kind(kind)), kind);
        }
    }

    #[test]
    fn a_stopped_sfu_means_media_is_unavailable() {
        assert_eq!(refused(SfuError::Stopped), MediaError::Unavailable);
        assert!(matches!(
            refused(SfuError::UnknownParticipant),
            MediaError::Refused(_)
        ));
    }
}
