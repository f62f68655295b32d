//! Throttling of keyframe requests toward publishers.
//!
//! Every subscriber that starts, switches layer or loses a frame wants a
//! keyframe, and browsers repeat their PLIs. A keyframe is large, so one
//! layer of one track is asked at most once per interval, whoever asks.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use crate::ids::{Layer, ParticipantKey, TrackId};

#[derive(Debug)]
pub(crate) struct KeyframeThrottle {
    interval: Duration,
    last: BTreeMap<(TrackId, Option<Layer>), Instant>,
}

impl KeyframeThrottle {
    pub(crate) fn new(interval: Duration) -> Self {
        Self {
            interval,
            last: BTreeMap::new(),
        }
    }

    /// Whether a request for `layer` of `track` may go out at `now`; if so,
    /// it counts as sent.
    pub(crate) fn allow(&mut self, track: TrackId, layer: Option<Layer>, now: Instant) -> bool {
        let key = (track, layer);
        let recent = self
            .last
            .get(&key)
            .is_some_and(|at| now.saturating_duration_since(*at) < self.interval);
        if recent {
            return false;
        }

        self.last.insert(key, now);
        true
    }

    /// Takes back a request counted by [`KeyframeThrottle::allow`] that
    /// could not be sent (the publisher's stream has no packet yet), so the
    /// next one is not held back for nothing.
    pub(crate) fn withdraw(&mut self, track: TrackId, layer: Option<Layer>, at: Instant) {
        if self.last.get(&(track, layer)) == Some(&at) {
            self.last.remove(&(track, layer));
        }
    }

    /// Forgets the tracks of a publisher that left.
    pub(crate) fn forget(&mut self, publisher: ParticipantKey) {
        self.last
            .retain(|(track, _), _| track.publisher != publisher);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::TrackKind;

    #[test]
    fn second_request_within_interval_is_held_back() {
        let t0 = Instant::now();
        let track = TrackId::new(ParticipantKey::new(1), TrackKind::Camera);
        let mut throttle = KeyframeThrottle::new(Duration::from_millis(500));

        assert!(throttle.allow(track, Some(Layer::High), t0));
        assert!(!throttle.allow(track, Some(Layer::High), t0 + Duration::from_millis(499)));
        assert!(throttle.allow(track, Some(Layer::Low), t0 + Duration::from_millis(10)));
        assert!(throttle.allow(track, Some(Layer::High), t0 + Duration::from_millis(500)));
    }

    #[test]
    fn a_withdrawn_request_does_not_hold_back_the_next() {
        let t0 = Instant::now();
        let track = TrackId::new(ParticipantKey::new(1), TrackKind::Camera);
        let mut throttle = KeyframeThrottle::new(Duration::from_millis(500));

        assert!(throttle.allow(track, None, t0));
        throttle.withdraw(track, None, t0);
        assert!(throttle.allow(track, None, t0 + Duration::from_millis(20)));
        // Only the request made at that time is taken back.
        throttle.withdraw(track, None, t0);
        assert!(!throttle.allow(track, None, t0 + Duration::from_millis(40)));
    }
}
