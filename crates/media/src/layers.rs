//! Per-layer bitrates measured from incoming media, and the choice of
//! simulcast layer per subscriber under its egress bandwidth estimate.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use crate::ids::{Layer, ParticipantKey, TrackId, TrackKind};

/// How long bytes are counted before a rate is computed.
const WINDOW: Duration = Duration::from_secs(1);

/// A layer with no frame for this long counts as paused: a publisher's
/// browser adds its upper layers only as its uplink estimate grows, and
/// suspends them while it is low. A subscriber left on a paused layer sees
/// a frozen picture until then, so this is short; a camera at a few frames
/// per second still counts as arriving.
const PAUSED_AFTER: Duration = Duration::from_millis(500);

/// A higher layer than the one being sent must fit with this much room to
/// spare, so that a rate hovering near the estimate does not flap layers.
const UPGRADE_HEADROOM: f64 = 1.15;

#[derive(Debug, Default)]
struct Meter {
    start: Option<Instant>,
    bytes: u64,
    bps: Option<u64>,
    last: Option<Instant>,
    /// Whether the layer counts as arriving: a frame came within
    /// [`PAUSED_AFTER`] and str0m has not reported its stream paused since.
    live: bool,
}

impl Meter {
    /// Returns true if the layer was not arriving until this frame.
    fn record(&mut self, bytes: usize, at: Instant) -> bool {
        let started = !self.is_live(at);
        if started {
            // The rate of a layer coming back is measured from now: a window
            // stretched over the pause would make it look nearly free.
            self.start = None;
            self.bytes = 0;
        }
        // A frame held back for a retransmission carries an older time.
        self.last = self.last.max(Some(at));
        self.live = true;

        let start = *self.start.get_or_insert(at);
        let elapsed = at.saturating_duration_since(start);
        if elapsed >= WINDOW {
            let millis = elapsed.as_millis().max(1) as u64;
            let measured = self.bytes.saturating_mul(8_000) / millis;
            // Half-and-half smoothing: a keyframe in one window does not
            // double the layer's rate.
            self.bps = Some(self.bps.map_or(measured, |prev| (prev + measured) / 2));
            self.start = Some(at);
            self.bytes = 0;
        }
        self.bytes = self.bytes.saturating_add(bytes as u64);
        started
    }

    // The time check keeps the answer right even when `expire` runs late.
    fn is_live(&self, now: Instant) -> bool {
        self.live && self.expires().is_some_and(|at| now < at)
    }

    fn expires(&self) -> Option<Instant> {
        self.last.map(|at| at + PAUSED_AFTER)
    }
}

/// Measured bitrates of every layer of every published track, and which
/// layers are arriving.
#[derive(Debug, Default)]
pub(crate) struct Rates {
    meters: BTreeMap<(TrackId, Option<Layer>), Meter>,
    /// No live layer goes stale before this; `None` while none is live.
    next_expiry: Option<Instant>,
}

impl Rates {
    /// Counts a frame of `layer`. Returns true if that layer was not
    /// arriving until this frame (first frame, or back from a pause).
    pub(crate) fn record(
        &mut self,
        track: TrackId,
        layer: Option<Layer>,
        bytes: usize,
        at: Instant,
    ) -> bool {
        let meter = self.meters.entry((track, layer)).or_default();
        let started = meter.record(bytes, at);
        if started {
            let expires = at + PAUSED_AFTER;
            self.next_expiry = Some(self.next_expiry.map_or(expires, |n| n.min(expires)));
        }
        started
    }

    /// The measured rate in bits per second; `None` before one full window.
    pub(crate) fn bps(&self, track: TrackId, layer: Option<Layer>) -> Option<u64> {
        self.meters.get(&(track, layer)).and_then(|m| m.bps)
    }

    /// Whether the layer is arriving: it carried a frame lately and was
    /// not reported paused since.
    pub(crate) fn is_live(&self, track: TrackId, layer: Option<Layer>, now: Instant) -> bool {
        let meter = self.meters.get(&(track, layer));
        meter.is_some_and(|m| m.is_live(now))
    }

    /// str0m reports the layer's stream paused (no packets for a while).
    /// Returns true if the layer counted as arriving until now.
    ///
    /// The matching unpause comes with the stream's first packet, before
    /// any frame of it: the layer counts again once a frame is recorded.
    pub(crate) fn pause(&mut self, track: TrackId, layer: Option<Layer>) -> bool {
        let meter = self.meters.get_mut(&(track, layer));
        meter.is_some_and(|m| std::mem::replace(&mut m.live, false))
    }

    /// When [`Rates::expire`] may next find a layer gone stale.
    pub(crate) fn next_expiry(&self) -> Option<Instant> {
        self.next_expiry
    }

    /// Marks the layers that stopped arriving by `now` and returns them.
    pub(crate) fn expire(&mut self, now: Instant) -> Vec<(TrackId, Option<Layer>)> {
        if self.next_expiry.is_none_or(|at| now < at) {
            return Vec::new();
        }

        let mut stopped = Vec::new();
        let mut next: Option<Instant> = None;
        for (key, meter) in self.meters.iter_mut().filter(|(_, m)| m.live) {
            if meter.is_live(now) {
                next = [next, meter.expires()].into_iter().flatten().min();
            } else {
                meter.live = false;
                stopped.push(*key);
            }
        }
        self.next_expiry = next;
        stopped
    }

    pub(crate) fn forget(&mut self, publisher: ParticipantKey) {
        self.meters.retain(|(t, _), _| t.publisher != publisher);
    }
}

/// One simulcast track a subscriber receives.
#[derive(Debug)]
pub(crate) struct Want<'a> {
    pub(crate) track: TrackId,
    /// What the subscriber asked for.
    pub(crate) desired: Layer,
    /// What the publisher sends, lowest first. Never empty.
    pub(crate) layers: &'a [Layer],
    /// What is forwarded now, if anything.
    pub(crate) current: Option<Layer>,
}

/// The outcome of [`allocate`].
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Allocation {
    /// The layer to forward for each want, in the order given.
    pub(crate) layers: Vec<Layer>,
    /// What the chosen layers cost, in bits per second.
    pub(crate) allocated_bps: u64,
    /// What the desired layers would cost: the rate worth probing for.
    pub(crate) desired_bps: u64,
    /// What the chosen layers cost plus, for each track held below what its
    /// subscriber asked for, the step up to its next layer: padding up to
    /// this rate lets the estimate grow into that layer.
    pub(crate) next_bps: u64,
}

/// A guess at what a layer costs before it has been measured. It tells the
/// estimator early what to probe for, and keeps a subscriber off a layer
/// the estimate cannot carry yet: str0m paces at the estimate, so such a
/// layer would queue, arrive late and freeze. The subscriber starts lower
/// and moves up as padding proves the room for it.
fn prior_bps(kind: TrackKind, layer: Option<Layer>) -> u64 {
    match (kind, layer) {
        (TrackKind::Audio, _) => 40_000,
        (TrackKind::Screen, _) => 1_500_000,
        (TrackKind::Camera, Some(Layer::Low)) => 150_000,
        (TrackKind::Camera, Some(Layer::Medium)) => 500_000,
        (TrackKind::Camera, Some(Layer::High) | None) => 1_200_000,
    }
}

/// Each simulcast layer has twice the width and height of the one below,
/// so about four times its rate.
const STEP_FACTOR: u64 = 4;

/// What an unmeasured layer of a simulcast track likely costs: scaled from
/// the nearest measured layer below it, which tracks what this publisher's
/// encoder really sends, or else the fixed prior.
fn guess_bps(want: &Want<'_>, layer: Layer, rates: &Rates) -> u64 {
    let index = want.layers.iter().position(|l| *l == layer);
    let below = want.layers[..index.unwrap_or(0)].iter().enumerate().rev();
    let measured = below
        .filter_map(|(i, l)| Some((i, rates.bps(want.track, Some(*l))?)))
        .next();
    match (index, measured) {
        (Some(index), Some((i, bps))) => {
            let steps = u32::try_from(index - i).unwrap_or(u32::MAX);
            bps.saturating_mul(STEP_FACTOR.saturating_pow(steps))
        }
        _ => prior_bps(want.track.kind, Some(layer)),
    }
}

/// The tracks a subscriber gets whatever the estimate: audio, and video
/// sent in one encoding.
#[derive(Debug, Default)]
pub(crate) struct Fixed {
    /// What they are measured to cost.
    bps: u64,
    /// The same with guesses for what is not measured yet.
    expected_bps: u64,
}

impl Fixed {
    pub(crate) fn add(&mut self, track: TrackId, rates: &Rates) {
        let measured = rates.bps(track, None);
        self.bps += measured.unwrap_or(0);
        self.expected_bps += measured.unwrap_or_else(|| prior_bps(track.kind, None));
    }
}

/// Picks a layer for each want: the highest one at or below what the
/// subscriber asked for whose measured (or, before that, guessed) rate
/// still fits in `budget_bps` after the `fixed` tracks, screen shares
/// first. When nothing fits the lowest layer is sent anyway; pausing video
/// is not our call to make.
pub(crate) fn allocate(
    budget_bps: u64,
    fixed: &Fixed,
    wants: &[Want<'_>],
    rates: &Rates,
) -> Allocation {
    let cost = |w: &Want<'_>, l: Layer| rates.bps(w.track, Some(l)).unwrap_or(0);
    let expected = |w: &Want<'_>, l: Layer| {
        let measured = rates.bps(w.track, Some(l));
        measured.unwrap_or_else(|| guess_bps(w, l, rates))
    };

    // Screens carry text people must read; cameras give way first.
    let mut order: Vec<usize> = (0..wants.len()).collect();
    order.sort_by_key(|i| (wants[*i].track.kind != TrackKind::Screen, *i));

    let mut remaining = budget_bps.saturating_sub(fixed.expected_bps);
    let mut layers = vec![Layer::Low; wants.len()];
    let mut desired_bps = fixed.expected_bps;
    let mut step_bps = 0;

    for i in order {
        let want = &wants[i];
        let lowest = want.layers.first().copied().unwrap_or(Layer::Low);
        let ceiling = want.layers.iter().rev().find(|l| **l <= want.desired);
        desired_bps += ceiling.map_or(0, |l| expected(want, *l));

        let fits = |l: Layer| {
            let needed = expected(want, l) as f64;
            let headroom = if Some(l) > want.current {
                UPGRADE_HEADROOM
            } else {
                1.0
            };
            needed * headroom <= remaining as f64
        };
        let candidates = want.layers.iter().rev().filter(|l| **l <= want.desired);
        let chosen = candidates.copied().find(|l| fits(*l)).unwrap_or(lowest);

        layers[i] = chosen;
        remaining = remaining.saturating_sub(expected(want, chosen));

        let above = want
            .layers
            .iter()
            .find(|l| **l > chosen && **l <= want.desired);
        if let Some(next) = above {
            step_bps += expected(want, *next).saturating_sub(cost(want, chosen));
        }
    }

    let allocated_bps = fixed.bps
        + wants
            .iter()
            .zip(&layers)
            .map(|(w, l)| cost(w, *l))
            .sum::<u64>();

    Allocation {
        layers,
        allocated_bps,
        desired_bps,
        next_bps: allocated_bps.max(fixed.expected_bps) + step_bps,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOTH: [Layer; 2] = [Layer::Low, Layer::High];

    fn camera(n: u64) -> TrackId {
        TrackId::new(ParticipantKey::new(n), TrackKind::Camera)
    }

    /// One window of frames at `bps` from `from`, then one more frame to
    /// close the window.
    fn feed(rates: &mut Rates, track: TrackId, layer: Layer, bps: u64, from: Instant) {
        for i in 0..10 {
            let at = from + WINDOW * i / 10;
            rates.record(track, Some(layer), (bps / 80) as usize, at);
        }
        rates.record(track, Some(layer), 0, from + WINDOW);
    }

    fn measured(track: TrackId, low_bps: u64, high_bps: u64, t0: Instant) -> Rates {
        let mut rates = Rates::default();
        feed(&mut rates, track, Layer::Low, low_bps, t0);
        feed(&mut rates, track, Layer::High, high_bps, t0);
        rates
    }

    fn want(track: TrackId, desired: Layer, current: Option<Layer>) -> Want<'static> {
        Want {
            track,
            desired,
            layers: &BOTH,
            current,
        }
    }

    #[test]
    fn desired_layer_is_sent_when_budget_allows() {
        let rates = measured(camera(1), 100_000, 500_000, Instant::now());
        let wants = [want(camera(1), Layer::High, None)];
        let a = allocate(1_000_000, &Fixed::default(), &wants, &rates);
        assert_eq!(a.layers, vec![Layer::High]);
        assert_eq!(a.desired_bps, 500_000);
    }

    #[test]
    fn estimate_caps_the_layer_and_lowest_is_the_floor() {
        let rates = measured(camera(1), 100_000, 500_000, Instant::now());
        let wants = [want(camera(1), Layer::High, Some(Layer::High))];
        assert_eq!(
            allocate(300_000, &Fixed::default(), &wants, &rates).layers,
            [Layer::Low]
        );
        assert_eq!(
            allocate(10_000, &Fixed::default(), &wants, &rates).layers,
            [Layer::Low]
        );
    }

    #[test]
    fn upgrade_needs_headroom() {
        let rates = measured(camera(1), 100_000, 500_000, Instant::now());
        let holding = [want(camera(1), Layer::High, Some(Layer::High))];
        let upgrading = [want(camera(1), Layer::High, Some(Layer::Low))];
        assert_eq!(
            allocate(520_000, &Fixed::default(), &holding, &rates).layers,
            [Layer::High]
        );
        assert_eq!(
            allocate(520_000, &Fixed::default(), &upgrading, &rates).layers,
            [Layer::Low]
        );
    }

    #[test]
    fn a_layer_arrives_until_its_frames_stop() {
        let (track, t0) = (camera(1), Instant::now());
        let at = |ms| t0 + Duration::from_millis(ms);
        let mut rates = Rates::default();

        assert!(rates.record(track, Some(Layer::High), 1_000, t0));
        assert!(!rates.record(track, Some(Layer::High), 1_000, at(100)));
        assert_eq!(rates.next_expiry(), Some(t0 + PAUSED_AFTER));
        assert!(rates.expire(at(599)).is_empty());
        assert!(rates.is_live(track, Some(Layer::High), at(599)));

        assert!(!rates.is_live(track, Some(Layer::High), at(600)));
        assert_eq!(rates.expire(at(600)), [(track, Some(Layer::High))]);
        assert_eq!(rates.next_expiry(), None);
        assert!(rates.record(track, Some(Layer::High), 1_000, at(5_000)));
    }

    #[test]
    fn a_paused_report_stops_a_layer_until_its_next_frame() {
        let (track, t0) = (camera(1), Instant::now());
        let mut rates = Rates::default();
        assert!(!rates.pause(track, Some(Layer::High)), "never seen");

        rates.record(track, Some(Layer::High), 1_000, t0);
        assert!(rates.pause(track, Some(Layer::High)));
        assert!(!rates.is_live(track, Some(Layer::High), t0));
        assert!(!rates.pause(track, Some(Layer::High)), "already paused");
        assert!(rates.expire(t0 + PAUSED_AFTER).is_empty());
        assert!(rates.record(track, Some(Layer::High), 1_000, t0));
    }

    #[test]
    fn a_layer_back_from_a_pause_keeps_its_rate() {
        let (track, t0) = (camera(1), Instant::now());
        let mut rates = measured(track, 100_000, 500_000, t0);
        assert_eq!(rates.bps(track, Some(Layer::High)), Some(500_000));

        // Ten seconds off, then one window at the old rate: the pause is
        // not counted as a window with nothing in it.
        let back = t0 + WINDOW + Duration::from_secs(10);
        feed(&mut rates, track, Layer::High, 500_000, back);
        assert_eq!(rates.bps(track, Some(Layer::High)), Some(500_000));
    }

    #[test]
    fn an_unmeasured_layer_counts_its_guess_against_the_estimate() {
        let wants = [want(camera(1), Layer::High, None)];
        let unmeasured = Rates::default();
        let starting = allocate(1_000_000, &Fixed::default(), &wants, &unmeasured);
        assert_eq!(starting.layers, [Layer::Low]);
        assert_eq!(
            starting.desired_bps,
            prior_bps(TrackKind::Camera, Some(Layer::High))
        );
        let roomy = allocate(2_000_000, &Fixed::default(), &wants, &unmeasured);
        assert_eq!(roomy.layers, [Layer::High]);
    }

    #[test]
    fn an_unmeasured_layer_is_guessed_from_the_measured_one_below() {
        let (track, t0) = (camera(1), Instant::now());
        let mut rates = Rates::default();
        feed(&mut rates, track, Layer::Low, 100_000, t0);
        let wants = [want(track, Layer::High, Some(Layer::Low))];

        // Four times 100 kbit/s, with headroom, fits in 500 kbit/s.
        let a = allocate(500_000, &Fixed::default(), &wants, &rates);
        assert_eq!(a.layers, [Layer::High]);
        assert_eq!(a.desired_bps, 400_000);
        let a = allocate(450_000, &Fixed::default(), &wants, &rates);
        assert_eq!(a.layers, [Layer::Low]);
    }

    #[test]
    fn subscriber_asking_low_gets_low() {
        let rates = Rates::default();
        let wants = [want(camera(1), Layer::Low, Some(Layer::High))];
        assert_eq!(
            allocate(u64::MAX, &Fixed::default(), &wants, &rates).layers,
            [Layer::Low]
        );
    }
}
