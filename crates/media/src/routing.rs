//! Media between participants: frames from a publisher to its room, keyframe
//! requests back from subscribers, and the layer each subscriber gets.

use std::time::Instant;

use str0m::bwe::Bitrate;
use str0m::media::{KeyframeRequest, KeyframeRequestKind, MediaData};
use str0m::rtp::StreamPaused;
use tracing::{debug, trace};

use crate::engine::Engine;
use crate::error::MediaError;
use crate::forward::{Admit, Flow};
use crate::ids::{Layer, ParticipantKey, TrackId};
use crate::layers::{Fixed, Want, allocate};
use crate::output::MediaEvent;

impl Engine {
    /// Sets the layer `subscriber` wants of a camera track (the default is
    /// the highest). The egress estimate may still cap it; the switch
    /// happens at the next keyframe of the new layer, which is requested.
    pub fn set_desired_layer(
        &mut self,
        now: Instant,
        subscriber: ParticipantKey,
        track: TrackId,
        layer: Layer,
    ) -> Result<(), MediaError> {
        self.advance(now);
        if !self.is_published(track) {
            return Err(MediaError::UnknownTrack(track));
        }
        self.participant_mut(subscriber)?
            .desired
            .insert(track, layer);
        self.reallocate.insert(subscriber);
        self.settle();
        Ok(())
    }

    pub(crate) fn on_media_data(&mut self, key: ParticipantKey, data: MediaData) {
        let publisher = self.participants.get(&key);
        let Some(kind) = publisher.and_then(|p| p.tracks.published_kind(data.mid)) else {
            return;
        };
        let track = TrackId::new(key, kind);
        let layer = match data.rid {
            None => None,
            Some(rid) => match Layer::from_rid(rid) {
                Some(layer) => Some(layer),
                None => {
                    trace!(%rid, "rid of no layer we know");
                    return;
                }
            },
        };

        let started = self
            .rates
            .record(track, layer, data.data.len(), data.network_time);
        if !data.contiguous && kind.is_video() {
            // Frames were lost upstream; decoders downstream need a fresh start.
            self.request_keyframe(track, layer);
        }

        // A layer coming up is chosen before its first frame is forwarded:
        // browsers start a layer with a keyframe, and that one can carry a
        // switch without waiting for another.
        let mut switches = Vec::new();
        if started && layer.is_some() {
            debug!(%track, ?layer, "layer arriving");
            for subscriber in self.room_peers(key) {
                let retargeted = self.choose_layers(subscriber);
                switches.extend(retargeted.into_iter().map(|(t, l)| (subscriber, t, l)));
            }
        }

        let keyframe = kind.is_video() && data.is_keyframe();
        for subscriber in self.room_peers(key) {
            if self.forward_to(subscriber, track, layer, keyframe, &data) {
                self.request_keyframe(track, layer);
            }
        }

        for (subscriber, track, layer) in switches {
            if self.awaits_layer(subscriber, track, layer) {
                self.request_keyframe(track, Some(layer));
            }
        }
    }

    /// str0m reports one of a publisher's streams paused (no packet for a
    /// while) or going again. A paused layer is left at once, whatever our
    /// own timeout says; one going again counts from its first frame.
    pub(crate) fn on_stream_paused(&mut self, key: ParticipantKey, paused: StreamPaused) {
        let publisher = self.participants.get(&key);
        let Some(kind) = publisher.and_then(|p| p.tracks.published_kind(paused.mid)) else {
            return;
        };
        let Some(layer) = paused.rid.and_then(Layer::from_rid) else {
            return;
        };
        let track = TrackId::new(key, kind);
        debug!(%track, %layer, paused = paused.paused, "layer stream state reported");

        if paused.paused && self.rates.pause(track, Some(layer)) {
            self.reallocate.extend(self.room_peers(key));
        }
    }

    /// Reallocates the subscribers of tracks whose layers stopped arriving.
    pub(crate) fn expire_layers(&mut self) {
        for (track, layer) in self.rates.expire(self.now) {
            if layer.is_some() {
                debug!(%track, ?layer, "layer stopped arriving");
                self.reallocate.extend(self.room_peers(track.publisher));
            }
        }
    }

    /// Writes one frame to one subscriber if its layer state lets it through.
    /// Returns whether the subscriber is waiting for a keyframe of this layer.
    fn forward_to(
        &mut self,
        subscriber: ParticipantKey,
        track: TrackId,
        layer: Option<Layer>,
        keyframe: bool,
        data: &MediaData,
    ) -> bool {
        let Some(s) = self.participants.get_mut(&subscriber) else {
            return false;
        };
        if !s.is_connected() {
            return false;
        }
        let Some(mid) = s.tracks.active_mid(track) else {
            return false;
        };
        let Some(forward) = s.forwards.get_mut(&track) else {
            return false;
        };

        let switched = match forward.admit(layer, keyframe) {
            Admit::Drop { want_keyframe } => return want_keyframe,
            Admit::Forward { switched } => switched,
        };
        let time = forward.media_time(data.time, data.network_time, switched);

        let _entered = s.span.enter();
        let Some(writer) = s.rtc.writer(mid) else {
            return false;
        };
        let Some(pt) = writer.match_params(data.params) else {
            trace!(%track, "subscriber lacks the publisher's codec");
            return false;
        };
        if let Err(e) = writer.write(pt, data.network_time, time, data.data.clone()) {
            debug!(error = %e, %track, "write failed");
        }
        drop(_entered);

        if switched && track.kind.is_video() {
            debug!(%subscriber, %track, ?layer, "layer switched");
            self.emit(MediaEvent::LayerSwitched {
                subscriber,
                track,
                layer,
            });
        }
        self.drain(subscriber);
        false
    }

    /// A subscriber's PLI or FIR goes to the layer it decodes.
    pub(crate) fn on_keyframe_request(&mut self, subscriber: ParticipantKey, req: KeyframeRequest) {
        let Some(s) = self.participants.get(&subscriber) else {
            return;
        };
        let Some(track) = s.tracks.received_track(req.mid) else {
            return;
        };
        let Some(forward) = s.forwards.get(&track) else {
            return;
        };
        let layer = forward.keyframe_layer();
        self.request_keyframe(track, layer);
    }

    /// Asks for keyframes of every video track the subscriber receives, as
    /// it starts decoding them.
    pub(crate) fn request_subscribed_keyframes(&mut self, subscriber: ParticipantKey) {
        let Some(s) = self.participants.get(&subscriber) else {
            return;
        };
        let video = s.forwards.keys().filter(|t| t.kind.is_video());
        for track in video.copied().collect::<Vec<_>>() {
            self.request_for_subscriber(subscriber, track);
        }
    }

    pub(crate) fn request_for_subscriber(&mut self, subscriber: ParticipantKey, track: TrackId) {
        let forwards = self.participants.get(&subscriber).map(|s| &s.forwards);
        if let Some(forward) = forwards.and_then(|f| f.get(&track)) {
            let layer = forward.keyframe_layer();
            self.request_keyframe(track, layer);
        }
    }

    /// Sends a keyframe request to the publisher of `track` for `layer`,
    /// unless one went out recently.
    pub(crate) fn request_keyframe(&mut self, track: TrackId, layer: Option<Layer>) {
        let now = self.now;
        let Some(p) = self.participants.get_mut(&track.publisher) else {
            return;
        };
        let Some(mid) = p.tracks.published_mid(track.kind) else {
            return;
        };

        let _entered = p.span.enter();
        let Some(mut writer) = p.rtc.writer(mid) else {
            return;
        };
        let kind = [KeyframeRequestKind::Pli, KeyframeRequestKind::Fir]
            .into_iter()
            .find(|k| writer.is_request_keyframe_possible(*k));
        let Some(kind) = kind else {
            trace!(%track, "publisher negotiated no keyframe requests");
            return;
        };
        if !self.throttle.allow(track, layer, now) {
            return;
        }

        match writer.request_keyframe(layer.map(Layer::rid), kind) {
            Ok(()) => debug!(%track, ?layer, "keyframe requested"),
            Err(e) => {
                debug!(error = %e, %track, ?layer, "keyframe request failed");
                self.throttle.withdraw(track, layer, now);
            }
        }
        drop(_entered);
        self.drain(track.publisher);
    }

    /// Chooses the layer of every simulcast track the subscriber receives,
    /// and asks for keyframes of the layers it is to switch to.
    pub(crate) fn allocate_layers(&mut self, subscriber: ParticipantKey) {
        for (track, layer) in self.choose_layers(subscriber) {
            self.request_keyframe(track, Some(layer));
        }
    }

    /// Whether the subscriber aims at `layer` of `track` and has yet to get
    /// a keyframe of it.
    fn awaits_layer(&self, subscriber: ParticipantKey, track: TrackId, layer: Layer) -> bool {
        let s = self.participants.get(&subscriber);
        let forward = s.and_then(|s| s.forwards.get(&track));
        forward.is_some_and(|f| f.target() == Some(layer) && f.flow() != Flow::Sending(Some(layer)))
    }

    /// Chooses the layer of every simulcast track the subscriber receives
    /// from the layers arriving, what it asked for and its egress estimate,
    /// and tells the estimator what to probe for. Returns the tracks aimed
    /// at a new layer that needs a keyframe.
    fn choose_layers(&mut self, subscriber: ParticipantKey) -> Vec<(TrackId, Layer)> {
        let Some(s) = self.participants.get(&subscriber) else {
            return Vec::new();
        };
        let mut fixed = Fixed::default();
        let mut simulcast = Vec::new();
        for (track, forward) in &s.forwards {
            if self.track_layers(*track).is_empty() {
                fixed.add(*track, &self.rates);
                continue;
            }
            let current = match forward.flow() {
                Flow::Sending(layer) => layer,
                Flow::Waiting => None,
            };
            let desired = s.desired.get(track).copied().unwrap_or(Layer::High);
            simulcast.push((*track, desired, current, self.live_layers(*track)));
        }
        let wants: Vec<Want<'_>> = simulcast
            .iter()
            .map(|(track, desired, current, layers)| Want {
                track: *track,
                desired: *desired,
                layers,
                current: *current,
            })
            .collect();
        let allocation = allocate(s.estimate_bps, &fixed, &wants, &self.rates);
        trace!(estimate = ?s.estimate_bps, ?allocation, "layers allocated");
        let choices: Vec<(TrackId, Layer)> = wants
            .iter()
            .map(|w| w.track)
            .zip(allocation.layers)
            .collect();

        let Some(s) = self.participants.get_mut(&subscriber) else {
            return Vec::new();
        };
        let connected = s.is_connected();
        let mut retargeted = Vec::new();
        for (track, layer) in choices {
            let needs_keyframe = s
                .forwards
                .get_mut(&track)
                .is_some_and(|f| f.retarget(Some(layer)));
            if needs_keyframe && connected {
                retargeted.push((track, layer));
            }
        }
        if allocation.desired_bps > 0 {
            // Padding up to the next layer's rate lets the estimate grow
            // into it; probing aims at what was asked for.
            let minimum = Bitrate::bps(allocation.next_bps);
            let desired = Bitrate::bps(allocation.desired_bps);
            s.rtc.bwe().set_bitrate(minimum, desired);
        }

        self.drain(subscriber);
        retargeted
    }
}
