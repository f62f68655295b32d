//! What one subscriber gets of one track: which layer flows, when a switch
//! may happen, and the media time it is written with.
//!
//! Video starts, and changes layer, only on a keyframe of the layer wanted,
//! so the subscriber's decoder never gets a frame it cannot decode. Until
//! that keyframe arrives, the old layer keeps flowing.

use std::time::Instant;

use str0m::media::MediaTime;

use crate::ids::Layer;

/// Which layer reaches the subscriber.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flow {
    /// Nothing yet: waiting for a keyframe of the target.
    Waiting,
    /// This layer (`None`: the only encoding) is being forwarded.
    Sending(Option<Layer>),
}

/// What to do with one incoming frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Admit {
    /// Write it; `switched` when it is the first frame of a new layer.
    Forward { switched: bool },
    /// Skip it; `want_keyframe` when it is the target layer and only a
    /// keyframe would let us start forwarding it.
    Drop { want_keyframe: bool },
}

#[derive(Debug)]
pub(crate) struct Forward {
    video: bool,
    target: Option<Layer>,
    flow: Flow,
    rebase: Rebase,
}

impl Forward {
    /// Audio needs no keyframe: it flows from the first packet.
    pub(crate) fn audio() -> Self {
        Self {
            video: false,
            target: None,
            flow: Flow::Sending(None),
            rebase: Rebase::default(),
        }
    }

    /// Video waits for a keyframe of `target` (`None` for one encoding).
    pub(crate) fn video(target: Option<Layer>) -> Self {
        Self {
            video: true,
            target,
            flow: Flow::Waiting,
            rebase: Rebase::default(),
        }
    }

    pub(crate) fn flow(&self) -> Flow {
        self.flow
    }

    /// The layer aimed at: the one flowing, or the one to switch to.
    pub(crate) fn target(&self) -> Option<Layer> {
        self.target
    }

    /// The layer a keyframe request on behalf of this subscriber should name:
    /// the one it decodes, or the one it waits for.
    pub(crate) fn keyframe_layer(&self) -> Option<Layer> {
        match self.flow {
            Flow::Sending(layer) => layer,
            Flow::Waiting => self.target,
        }
    }

    /// Aims at another layer; returns true if that needs a keyframe.
    pub(crate) fn retarget(&mut self, target: Option<Layer>) -> bool {
        let changed = self.target != target;
        self.target = target;
        changed && self.flow != Flow::Sending(target)
    }

    /// After the subscriber's connection came back, video waits for a
    /// keyframe again; what was sent meanwhile was lost.
    pub(crate) fn restart(&mut self) {
        if self.video {
            self.flow = Flow::Waiting;
        }
    }

    pub(crate) fn admit(&mut self, layer: Option<Layer>, keyframe: bool) -> Admit {
        if layer == self.target {
            if self.flow == Flow::Sending(layer) {
                return Admit::Forward { switched: false };
            }
            if keyframe {
                self.flow = Flow::Sending(layer);
                return Admit::Forward { switched: true };
            }
            return Admit::Drop {
                want_keyframe: true,
            };
        }

        if self.flow == Flow::Sending(layer) {
            // The old layer keeps the picture alive until the switch.
            return Admit::Forward { switched: false };
        }
        Admit::Drop {
            want_keyframe: false,
        }
    }

    /// The media time to write a frame with, continuous across switches.
    pub(crate) fn media_time(&mut self, time: MediaTime, at: Instant, switched: bool) -> MediaTime {
        self.rebase.apply(time, at, switched)
    }
}

/// Keeps outgoing media time continuous. Each simulcast layer has its own
/// RTP timestamp base, so on a switch the new layer's times are shifted to
/// continue from the last written frame, advanced by the arrival gap.
#[derive(Debug, Default)]
struct Rebase {
    last: Option<(u64, Instant)>,
    offset: i128,
}

impl Rebase {
    fn apply(&mut self, time: MediaTime, at: Instant, switched: bool) -> MediaTime {
        let freq = time.frequency();
        let input = i128::from(time.numer());

        if let (true, Some((last_out, last_at))) = (switched, self.last) {
            let gap = at.saturating_duration_since(last_at).as_micros();
            let ticks = (gap * u128::from(freq.get()) / 1_000_000).max(1);
            self.offset = i128::from(last_out) + ticks as i128 - input;
        }

        let out = (input + self.offset).clamp(0, i128::from(u64::MAX)) as u64;
        self.last = Some((out, at));
        MediaTime::new(out, freq)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use str0m::media::Frequency;

    use super::*;

    #[test]
    fn video_starts_on_a_keyframe_of_the_target() {
        let mut f = Forward::video(Some(Layer::High));
        let drop_want = Admit::Drop {
            want_keyframe: true,
        };
        assert_eq!(f.admit(Some(Layer::High), false), drop_want);
        assert_eq!(
            f.admit(Some(Layer::Low), true),
            Admit::Drop {
                want_keyframe: false
            }
        );
        assert_eq!(
            f.admit(Some(Layer::High), true),
            Admit::Forward { switched: true }
        );
        assert_eq!(f.flow(), Flow::Sending(Some(Layer::High)));
    }

    #[test]
    fn old_layer_flows_until_the_new_one_has_a_keyframe() {
        let mut f = Forward::video(Some(Layer::High));
        f.admit(Some(Layer::High), true);
        assert!(f.retarget(Some(Layer::Low)));

        let old = f.admit(Some(Layer::High), false);
        assert_eq!(old, Admit::Forward { switched: false });
        let new_delta = f.admit(Some(Layer::Low), false);
        assert_eq!(
            new_delta,
            Admit::Drop {
                want_keyframe: true
            }
        );
        let new_key = f.admit(Some(Layer::Low), true);
        assert_eq!(new_key, Admit::Forward { switched: true });
        let old_after = f.admit(Some(Layer::High), true);
        assert_eq!(
            old_after,
            Admit::Drop {
                want_keyframe: false
            }
        );
    }

    #[test]
    fn media_time_continues_across_a_switch() {
        let t0 = Instant::now();
        let mut f = Forward::video(Some(Layer::High));
        let hz = Frequency::NINETY_KHZ;

        let first = f.media_time(MediaTime::new(1_000, hz), t0, true);
        assert_eq!(first.numer(), 1_000);
        let at = t0 + Duration::from_millis(50);
        let switched = f.media_time(MediaTime::new(900_000, hz), at, true);
        assert_eq!(switched.numer(), 1_000 + 4_500);
        let at = t0 + Duration::from_millis(100);
        let next = f.media_time(MediaTime::new(904_500, hz), at, false);
        assert_eq!(next.numer(), 1_000 + 9_000);
    }
}
