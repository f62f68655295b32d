//! What the SFU task does for each [`Command`] of a handle, and the
//! negotiation rules it adds around the engine.
//!
//! The engine yields on glare (a client offer replaces its own). Our
//! clients are the polite side instead (docs/realtime.md): so while an
//! offer of ours is unanswered, a client's offer is ignored, and the client
//! rolls its own back and answers ours. Two cases override that: the first
//! offer after a realtime connection is re-attached (ours may have been
//! lost with the old connection), and an offer from a new peer connection,
//! which gets a fresh session.

use std::time::Instant;

use anteroom_media::{Layer, MediaError, ParticipantKey, TrackHint, TrackId, TrackKind};
use tracing::debug;

use super::{Outlet, Task};
use crate::error::SfuError;
use crate::handle::{Command, MediaSession, MediaStatus};

impl Task {
    pub(super) fn command(&mut self, command: Command) {
        let now = Instant::now();
        match command {
            Command::Add {
                meeting,
                participant,
                reply,
            } => {
                let _ = reply.send(self.add(now, &meeting, &participant));
            }
            Command::Attach { participant, reply } => {
                let _ = reply.send(self.attach(&participant));
            }
            Command::Remove { participant, reply } => {
                let _ = reply.send(self.remove(now, &participant));
            }
            Command::Reset { participant, reply } => {
                let _ = reply.send(self.reset(now, &participant));
            }
            Command::Offer {
                participant,
                sdp,
                hints,
                reply,
            } => {
                // The reply goes out before the loop polls the engine again,
                // so the answer is ahead of any offer that follows it.
                let _ = reply.send(self.offer(now, &participant, &sdp, &hints));
            }
            Command::Answer {
                participant,
                sdp,
                reply,
            } => {
                let _ = reply.send(self.answer(now, &participant, &sdp));
            }
            Command::SetLayer {
                subscriber,
                publisher,
                layer,
                reply,
            } => {
                let result = self.set_layer(now, &subscriber, &publisher, layer);
                let _ = reply.send(result);
            }
            // Handled in the loop, which must stop.
            Command::Shutdown { reply } => {
                let _ = reply.send(());
            }
        }
    }

    fn key(&self, participant: &str) -> Result<ParticipantKey, SfuError> {
        self.keys
            .key(participant)
            .ok_or(SfuError::UnknownParticipant)
    }

    fn add(
        &mut self,
        now: Instant,
        meeting: &str,
        participant: &str,
    ) -> Result<MediaSession, SfuError> {
        let (room, key) = self
            .keys
            .add(meeting, participant)
            .ok_or(SfuError::DuplicateParticipant)?;
        if let Err(error) = self.engine.add_participant(now, room, key) {
            self.keys.remove(participant);
            return Err(error.into());
        }
        let (outlet, session) = Outlet::open();
        self.outlets.insert(key, outlet);
        debug!(room.id = %meeting, participant.id = %participant, "participant added");
        Ok(session)
    }

    /// New channels for a participant whose realtime connection came back.
    fn attach(&mut self, participant: &str) -> Result<MediaSession, SfuError> {
        let key = self.key(participant)?;
        let (outlet, session) = Outlet::open();
        if self.engine.is_connected(key) {
            // The new connection starts knowing nothing.
            let _ = outlet.events.send(MediaStatus::Connected);
        }
        self.outlets.insert(key, outlet);
        self.resuming.insert(key);
        debug!(participant.id = %participant, "participant re-attached");
        Ok(session)
    }

    pub(super) fn remove(&mut self, now: Instant, participant: &str) -> Result<(), SfuError> {
        let key = self.key(participant)?;
        let result = self.engine.remove_participant(now, key);
        self.keys.remove(participant);
        self.outlets.remove(&key);
        self.forget_negotiation(key);
        debug!(participant.id = %participant, "participant removed");
        Ok(result?)
    }

    fn reset(&mut self, now: Instant, participant: &str) -> Result<MediaSession, SfuError> {
        let key = self.key(participant)?;
        self.engine.reset_participant(now, key)?;
        self.forget_negotiation(key);
        let (outlet, session) = Outlet::open();
        self.outlets.insert(key, outlet);
        debug!(participant.id = %participant, "participant reset");
        Ok(session)
    }

    /// The answer to a client offer, or `None` when it is ignored because
    /// an offer of ours is unanswered.
    fn offer(
        &mut self,
        now: Instant,
        participant: &str,
        sdp: &str,
        hints: &[TrackHint],
    ) -> Result<Option<String>, SfuError> {
        let key = self.key(participant)?;
        let fingerprint = dtls_fingerprint(sdp);
        let known = self.fingerprints.get(&key);
        let new_connection =
            known.is_some() && fingerprint.is_some() && known != fingerprint.as_ref();

        if new_connection {
            debug!(participant.id = %participant, "offer from a new peer connection; session reset");
            self.engine.reset_participant(now, key)?;
            self.forget_negotiation(key);
        } else if self.offer_out.contains(&key) && !self.resuming.contains(&key) {
            debug!(participant.id = %participant, "client offer ignored: ours is unanswered");
            return Ok(None);
        }

        let result = self.engine.accept_offer(now, key, sdp, hints);
        // Whatever got past parsing made the engine drop its own offer.
        if !matches!(result, Err(MediaError::MalformedSdp(_))) {
            self.offer_out.remove(&key);
            self.resuming.remove(&key);
        }
        let answer = result?;
        if let Some(fingerprint) = fingerprint {
            self.fingerprints.insert(key, fingerprint);
        }
        Ok(Some(answer))
    }

    fn answer(&mut self, now: Instant, participant: &str, sdp: &str) -> Result<(), SfuError> {
        let key = self.key(participant)?;
        let result = self.engine.accept_answer(now, key, sdp);
        if !matches!(result, Err(MediaError::MalformedSdp(_))) {
            self.offer_out.remove(&key);
        }
        Ok(result?)
    }

    fn set_layer(
        &mut self,
        now: Instant,
        subscriber: &str,
        publisher: &str,
        layer: Option<Layer>,
    ) -> Result<(), SfuError> {
        let subscriber = self.key(subscriber)?;
        let track = TrackId::new(self.key(publisher)?, TrackKind::Camera);
        // "Automatic" is asking for the top: the bandwidth estimate caps it.
        let layer = layer.unwrap_or(Layer::High);
        Ok(self
            .engine
            .set_desired_layer(now, subscriber, track, layer)?)
    }

    fn forget_negotiation(&mut self, key: ParticipantKey) {
        self.offer_out.remove(&key);
        self.resuming.remove(&key);
        self.fingerprints.remove(&key);
    }
}

/// The first `a=fingerprint` of an SDP, which names the peer connection's
/// DTLS certificate: a browser makes one per `RTCPeerConnection`.
fn dtls_fingerprint(sdp: &str) -> Option<String> {
    sdp.lines()
        .find_map(|line| line.strip_prefix("a=fingerprint:"))
        .map(|value| value.trim().to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::dtls_fingerprint;

    #[test]
    fn the_fingerprint_is_read_from_the_first_line_that_has_one() {
        let sdp = "v=0\r\no=- 1 2 IN IP4 0.0.0.0\r\n\
                   a=fingerprint:sha-256 AB:CD \r\nm=audio 9\r\na=fingerprint:sha-256 EF\r\n";
        assert_eq!(dtls_fingerprint(sdp).as_deref(), Some("sha-256 ab:cd"));
        assert_eq!(dtls_fingerprint("v=0\r\n"), None);
    }
}
