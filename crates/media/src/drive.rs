//! Polling the sessions and reacting to what they report.
//!
//! str0m wants every `Rtc` polled until it returns a timeout after each
//! change (input, a write, an SDP change) before it is touched again. So
//! [`Engine::drain`] polls one session dry, queueing its events, and
//! [`Engine::settle`] handles the queued events one by one; handling one may
//! write into other sessions, which are drained right there.

use std::time::Duration;

use str0m::bwe::BweKind;
use str0m::{Event, IceConnectionState};
use tracing::debug;

use crate::engine::Engine;
use crate::ids::ParticipantKey;
use crate::output::{MediaEvent, Output};
use crate::participant::Link;

/// A failed session has no timers; this keeps it out of the way.
const IDLE: Duration = Duration::from_secs(3600);

impl Engine {
    /// Polls the participant's session until it has nothing more to say.
    pub(crate) fn drain(&mut self, key: ParticipantKey) {
        let Some(p) = self.participants.get_mut(&key) else {
            return;
        };
        let _entered = p.span.enter();

        loop {
            match p.rtc.poll_output() {
                Ok(str0m::Output::Timeout(at)) => {
                    p.next_timeout = at;
                    break;
                }
                Ok(str0m::Output::Transmit(t)) => self.outbox.push_back(Output::Transmit(t.into())),
                Ok(str0m::Output::Event(e)) => self.inbox.push_back((key, e)),
                Err(e) => {
                    debug!(error = %e, "session failed");
                    p.rtc.disconnect();
                    break;
                }
            }
        }

        if !p.rtc.is_alive() && p.link != Link::Failed {
            let was = p.link;
            p.link = Link::Failed;
            p.next_timeout = self.now + IDLE;
            debug!("session closed");
            if was != Link::Disconnected {
                self.outbox
                    .push_back(Output::Event(MediaEvent::Disconnected(key)));
            }
        }
    }

    /// Handles queued events, then re-plans offers and layers, until quiet.
    pub(crate) fn settle(&mut self) {
        loop {
            if let Some((key, event)) = self.inbox.pop_front() {
                self.handle_event(key, event);
            } else if let Some(key) = self.reallocate.pop_first() {
                self.allocate_layers(key);
            } else if let Some(key) = self.replan.pop_first() {
                self.plan_offer(key);
            } else {
                break;
            }
        }
    }

    fn handle_event(&mut self, key: ParticipantKey, event: Event) {
        // Events of a participant removed since they were queued are moot.
        let Some(p) = self.participants.get(&key) else {
            return;
        };
        let span = p.span.clone();
        let _entered = span.enter();

        match event {
            Event::Connected => self.link_up(key),
            Event::IceConnectionStateChange(state) => match state {
                IceConnectionState::Disconnected => self.link_down(key),
                IceConnectionState::Connected | IceConnectionState::Completed => {
                    // Only a comeback; the first connection waits for DTLS.
                    let link = self.participants.get(&key).map(|p| p.link);
                    if link == Some(Link::Disconnected) {
                        self.link_up(key);
                    }
                }
                _ => {}
            },
            Event::MediaAdded(added) => self.on_media_added(key, added),
            Event::MediaChanged(changed) => self.on_media_changed(key, changed),
            Event::MediaData(data) => self.on_media_data(key, data),
            Event::KeyframeRequest(request) => self.on_keyframe_request(key, request),
            Event::StreamPaused(paused) => self.on_stream_paused(key, paused),
            Event::EgressBitrateEstimate(BweKind::Twcc { estimate, .. }) => {
                if let Some(p) = self.participants.get_mut(&key) {
                    p.estimate_bps = estimate.as_u64();
                }
                self.reallocate.insert(key);
            }
            _ => {}
        }
    }

    fn link_up(&mut self, key: ParticipantKey) {
        let Some(p) = self.participants.get_mut(&key) else {
            return;
        };
        if p.link == Link::Connected || p.link == Link::Failed {
            return;
        }
        debug!("media connected");
        p.link = Link::Connected;
        for forward in p.forwards.values_mut() {
            forward.restart();
        }
        self.emit(MediaEvent::Connected(key));
        self.request_subscribed_keyframes(key);
    }

    fn link_down(&mut self, key: ParticipantKey) {
        let Some(p) = self.participants.get_mut(&key) else {
            return;
        };
        if p.link != Link::Connected {
            return;
        }
        debug!("media disconnected");
        p.link = Link::Disconnected;
        self.emit(MediaEvent::Disconnected(key));
    }
}
