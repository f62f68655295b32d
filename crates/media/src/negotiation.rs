//! SDP offer/answer with each client.
//!
//! The client offers first, with the tracks it sends. After that the engine
//! offers whenever the tracks the participant should receive change: one
//! sendonly m-line per track of every other participant in the room, and
//! stopped m-lines for tracks that ended. One offer is in flight at a time;
//! changes meanwhile are picked up by re-planning after the answer, since a
//! plan compares what the room publishes with what the participant has.
//!
//! On glare the engine is the polite peer: a client offer replaces ours,
//! which is forgotten (the client ignores it) and planned again afterwards.

use std::collections::BTreeSet;
use std::time::Instant;

use str0m::change::{SdpAnswer, SdpOffer};
use str0m::media::{Direction, Mid};
use tracing::debug;

use crate::engine::Engine;
use crate::error::MediaError;
use crate::forward::Forward;
use crate::ids::{ParticipantKey, TrackId, TrackKind};
use crate::output::{Output, Signal};
use crate::participant::Link;

/// The client's word on what one of its offered m-lines carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackHint {
    /// The SDP `a=mid` of the m-line.
    pub mid: String,
    /// What it carries.
    pub kind: TrackKind,
}

impl Engine {
    /// Applies the client's offer and returns the answer to send back.
    ///
    /// `hints` name what the client's m-lines carry (by `a=mid`); without a
    /// hint, the first audio m-line is the microphone, the first video the
    /// camera and the second video the screen. Send the answer before any
    /// [`Signal`] polled after this call: an offer of ours may follow.
    ///
    /// An offer to a failed session starts a fresh one, as
    /// [`Engine::reset_participant`] does.
    pub fn accept_offer(
        &mut self,
        now: Instant,
        key: ParticipantKey,
        sdp: &str,
        hints: &[TrackHint],
    ) -> Result<String, MediaError> {
        let offer =
            SdpOffer::from_sdp_string(sdp).map_err(|e| MediaError::MalformedSdp(e.into()))?;
        if self.participant_mut(key)?.link == Link::Failed {
            self.reset_participant(now, key)?;
        }
        self.advance(now);

        let p = self.participant_mut(key)?;
        let span = p.span.clone();
        let entered = span.enter();
        if p.pending.take().is_some() {
            debug!("our offer gives way to the client's");
            p.tracks.drop_offered();
        }
        p.tracks.add_hints(hints);

        let result = p.rtc.sdp_api().accept_offer(offer);
        let accepted = result.is_ok();
        if accepted {
            p.negotiated = true;
        }
        let answer = result.map(|a| a.to_sdp_string());
        match &answer {
            Ok(a) => debug!(
                offer.len = sdp.len(),
                answer.len = a.len(),
                "offer answered"
            ),
            Err(e) => debug!(offer.len = sdp.len(), error = %e, "offer rejected"),
        }
        drop(entered);

        if accepted {
            self.publish_offered(key, sdp);
        }
        self.replan.insert(key);
        self.drain(key);
        self.settle();
        answer.map_err(MediaError::SdpRejected)
    }

    /// Applies the client's answer to our latest offer.
    pub fn accept_answer(
        &mut self,
        now: Instant,
        key: ParticipantKey,
        sdp: &str,
    ) -> Result<(), MediaError> {
        let answer =
            SdpAnswer::from_sdp_string(sdp).map_err(|e| MediaError::MalformedSdp(e.into()))?;
        self.advance(now);

        let p = self.participant_mut(key)?;
        let span = p.span.clone();
        let entered = span.enter();
        let Some(pending) = p.pending.take() else {
            debug!("answer to no offer");
            return Err(MediaError::NoPendingOffer(key));
        };

        let result = p.rtc.sdp_api().accept_answer(pending, answer);
        let activated = match &result {
            Ok(()) => p.tracks.activate_offered(),
            Err(_) => {
                p.tracks.drop_offered();
                Vec::new()
            }
        };
        debug!(
            answer.len = sdp.len(),
            tracks = activated.len(),
            ok = result.is_ok(),
            "answer applied"
        );
        drop(entered);

        for track in activated {
            self.start_forward(key, track);
        }
        self.drain(key);
        self.replan.insert(key);
        self.reallocate.insert(key);
        self.settle();
        result.map_err(MediaError::SdpRejected)
    }

    /// Offers the participant the m-lines its room now calls for, unless an
    /// offer is already in flight (the answer triggers another plan).
    pub(crate) fn plan_offer(&mut self, key: ParticipantKey) {
        let wanted: BTreeSet<TrackId> = self
            .room_peers(key)
            .into_iter()
            .filter_map(|peer| Some((peer, self.participants.get(&peer)?)))
            .flat_map(|(peer, p)| {
                p.tracks
                    .published_kinds()
                    .map(move |k| TrackId::new(peer, k))
            })
            .collect();

        let Some(p) = self.participants.get_mut(&key) else {
            return;
        };
        if !p.can_offer() {
            return;
        }
        let stale = p.tracks.received_mids_not(|t| wanted.contains(&t));
        let missing: Vec<TrackId> = wanted
            .into_iter()
            .filter(|t| !p.tracks.receives(*t))
            .collect();
        if stale.is_empty() && missing.is_empty() {
            return;
        }

        let _entered = p.span.enter();
        let mut change = p.rtc.sdp_api();
        for mid in stale {
            change.stop_media(mid);
            p.tracks.remove_received(mid);
        }
        // The msid stream id groups a publisher's tracks in the browser.
        let added: Vec<(Mid, TrackId)> = missing
            .into_iter()
            .map(|track| {
                let stream = Some(track.publisher.to_string());
                let kind = track.kind.media_kind();
                let mid = change.add_media(
                    kind,
                    Direction::SendOnly,
                    stream,
                    Some(track.to_string()),
                    None,
                );
                (mid, track)
            })
            .collect();

        if let Some((offer, pending)) = change.apply() {
            for (mid, track) in added {
                p.tracks.offer_received(mid, track);
            }
            p.pending = Some(pending);
            let sdp = offer.to_sdp_string();
            debug!(offer.len = sdp.len(), "offer sent");
            let tracks = p.tracks.offered_tracks();
            self.outbox
                .push_back(Output::Signal(key, Signal::Offer { sdp, tracks }));
        }
        drop(_entered);
        self.drain(key);
    }

    /// Starts forwarding `track` on the participant's newly answered m-line.
    fn start_forward(&mut self, key: ParticipantKey, track: TrackId) {
        if !self.is_published(track) {
            // Ended while our offer was out; the next plan stops the m-line.
            return;
        }
        let layers = self.live_layers(track);
        let Some(p) = self.participants.get_mut(&key) else {
            return;
        };

        let forward = if track.kind.is_video() {
            let desired = p.desired.get(&track).copied();
            let target = layers
                .iter()
                .rev()
                .find(|l| desired.is_none_or(|d| **l <= d));
            Forward::video(target.or(layers.first()).copied())
        } else {
            Forward::audio()
        };
        p.forwards.insert(track, forward);

        if p.is_connected() && track.kind.is_video() {
            self.request_for_subscriber(key, track);
        }
    }
}
