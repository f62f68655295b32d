//! Per-layer bitrates measured from incoming media, and the choice of
//! simulcast layer per subscriber under its egress bandwidth estimate.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use crate::ids::{Layer, ParticipantKey, TrackId, TrackKind};

/// How long bytes are counted before a rate is computed.
const WINDOW: Duration = Duration::from_secs(1);

/// A layer with no frame for this long counts as paused: a publisher's
/// browser suspends its upper layers while its own uplink estimate is low.
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
}

impl Meter {
    fn record(&mut self, bytes: usize, at: Instant) {
        self.last = Some(at);
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
    }
}

/// Measured bitrates of every layer of every published track.
#[derive(Debug, Default)]
pub(crate) struct Rates {
    meters: BTreeMap<(TrackId, Option<Layer>), Meter>,
}

impl Rates {
    pub(crate) fn record(
        &mut self,
        track: TrackId,
        layer: Option<Layer>,
        bytes: usize,
        at: Instant,
    ) {
        self.meters
            .entry((track, layer))
            .or_default()
            .record(bytes, at);
    }

    /// The measured rate in bits per second; `None` before one full window.
    pub(crate) fn bps(&self, track: TrackId, layer: Option<Layer>) -> Option<u64> {
        self.meters.get(&(track, layer)).and_then(|m| m.bps)
    }

    /// Whether the layer carried a frame lately (it was ever measured, and
    /// has not paused since).
    pub(crate) fn is_live(&self, track: TrackId, layer: Option<Layer>, now: Instant) -> bool {
        let last = self.meters.get(&(track, layer)).and_then(|m| m.last);
        last.is_some_and(|at| now.saturating_duration_since(at) < PAUSED_AFTER)
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

/// A guess at what a layer costs before it has been measured, so the
/// estimator is told early what to probe for. Allocation itself treats an
/// unmeasured layer as free: the guess must not hold a subscriber back.
fn prior_bps(kind: TrackKind, layer: Option<Layer>) -> u64 {
    match (kind, layer) {
        (TrackKind::Audio, _) => 40_000,
        (TrackKind::Screen, _) => 1_500_000,
        (TrackKind::Camera, Some(Layer::Low)) => 150_000,
        (TrackKind::Camera, Some(Layer::Medium)) => 500_000,
        (TrackKind::Camera, Some(Layer::High) | None) => 1_200_000,
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
/// subscriber asked for that still fits in `budget_bps` (after the `fixed`
/// tracks), screen shares first. When nothing fits the
/// lowest layer is sent anyway; pausing video is not our call to make.
pub(crate) fn allocate(
    budget_bps: Option<u64>,
    fixed: &Fixed,
    wants: &[Want<'_>],
    rates: &Rates,
) -> Allocation {
    let cost = |w: &Want<'_>, l: Layer| rates.bps(w.track, Some(l)).unwrap_or(0);
    let expected = |w: &Want<'_>, l: Layer| {
        let measured = rates.bps(w.track, Some(l));
        measured.unwrap_or_else(|| prior_bps(w.track.kind, Some(l)))
    };

    // Screens carry text people must read; cameras give way first.
    let mut order: Vec<usize> = (0..wants.len()).collect();
    order.sort_by_key(|i| (wants[*i].track.kind != TrackKind::Screen, *i));

    let mut remaining = budget_bps.map(|b| b.saturating_sub(fixed.bps));
    let mut layers = vec![Layer::Low; wants.len()];
    let mut desired_bps = fixed.expected_bps;
    let mut step_bps = 0;

    for i in order {
        let want = &wants[i];
        let lowest = want.layers.first().copied().unwrap_or(Layer::Low);
        let ceiling = want.layers.iter().rev().find(|l| **l <= want.desired);
        desired_bps += ceiling.map_or(0, |l| expected(want, *l));

        let fits = |l: Layer| {
            let Some(remaining) = remaining else {
                return true;
            };
            let needed = cost(want, l) as f64;
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
        remaining = remaining.map(|r| r.saturating_sub(cost(want, chosen)));

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

    fn measured(track: TrackId, low_bps: u64, high_bps: u64) -> Rates {
        let mut rates = Rates::default();
        let t0 = Instant::now();
        for (layer, bps) in [(Layer::Low, low_bps), (Layer::High, high_bps)] {
            // One window of bytes, then one more record to close it.
            rates.record(track, Some(layer), (bps / 8) as usize, t0);
            rates.record(track, Some(layer), 0, t0 + WINDOW);
        }
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
        let rates = measured(camera(1), 100_000, 500_000);
        let wants = [want(camera(1), Layer::High, None)];
        let a = allocate(Some(1_000_000), &Fixed::default(), &wants, &rates);
        assert_eq!(a.layers, vec![Layer::High]);
        assert_eq!(a.desired_bps, 500_000);
    }

    #[test]
    fn estimate_caps_the_layer_and_lowest_is_the_floor() {
        let rates = measured(camera(1), 100_000, 500_000);
        let wants = [want(camera(1), Layer::High, Some(Layer::High))];
        assert_eq!(
            allocate(Some(300_000), &Fixed::default(), &wants, &rates).layers,
            [Layer::Low]
        );
        assert_eq!(
            allocate(Some(10_000), &Fixed::default(), &wants, &rates).layers,
            [Layer::Low]
        );
    }

    #[test]
    fn upgrade_needs_headroom() {
        let rates = measured(camera(1), 100_000, 500_000);
        let holding = [want(camera(1), Layer::High, Some(Layer::High))];
        let upgrading = [want(camera(1), Layer::High, Some(Layer::Low))];
        assert_eq!(
            allocate(Some(520_000), &Fixed::default(), &holding, &rates).layers,
            [Layer::High]
        );
        assert_eq!(
            allocate(Some(520_000), &Fixed::default(), &upgrading, &rates).layers,
            [Layer::Low]
        );
    }

    #[test]
    fn subscriber_asking_low_gets_low() {
        let rates = Rates::default();
        let wants = [want(camera(1), Layer::Low, Some(Layer::High))];
        assert_eq!(
            allocate(None, &Fixed::default(), &wants, &rates).layers,
            [Layer::Low]
        );
    }
}
