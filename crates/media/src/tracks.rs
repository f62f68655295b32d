//! The one place where our tracks meet str0m's m-lines.
//!
//! Per participant, a [`TrackMap`] knows which incoming mid carries which of
//! its published tracks, and which outgoing mid carries which track of
//! someone else. Everything else in the crate talks in [`TrackId`]s and asks
//! here when it needs a `Mid` to call str0m.

use std::collections::BTreeMap;

use str0m::media::{MediaKind, Mid, Rid};

use crate::ids::{Layer, TrackId, TrackKind};
use crate::negotiation::TrackHint;
use crate::output::OfferedTrack;

/// How far an outgoing m-line has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Negotiation {
    /// In an offer we sent; no answer yet.
    Offered,
    /// Answered: media can be written to it.
    Active,
}

#[derive(Debug)]
struct Published {
    kind: TrackKind,
    layers: Vec<Layer>,
}

#[derive(Debug)]
struct Received {
    track: TrackId,
    state: Negotiation,
}

/// The mid ↔ track tables of one participant.
#[derive(Debug, Default)]
pub(crate) struct TrackMap {
    hints: BTreeMap<Mid, TrackKind>,
    published: BTreeMap<Mid, Published>,
    received: BTreeMap<Mid, Received>,
}

impl TrackMap {
    /// Remembers what the client says its m-lines carry, for the
    /// `MediaAdded` events that follow its offer.
    pub(crate) fn add_hints(&mut self, hints: &[TrackHint]) {
        for hint in hints {
            self.hints.insert(Mid::from(hint.mid.as_str()), hint.kind);
        }
    }

    /// Records that the client sends on `mid`. Returns the track kind and
    /// simulcast layers, or `None` if the m-line is not a track we forward
    /// (a second camera, a hint that contradicts the media kind, ...).
    pub(crate) fn publish(
        &mut self,
        mid: Mid,
        media: MediaKind,
        rids: &[Rid],
    ) -> Option<(TrackKind, Vec<Layer>)> {
        if self.published.contains_key(&mid) {
            return None;
        }
        let kind = self.classify(mid, media)?;
        if self.published_mid(kind).is_some() {
            return None;
        }

        let mut layers: Vec<Layer> = rids.iter().filter_map(|r| Layer::from_rid(*r)).collect();
        layers.sort();
        layers.dedup();
        if !kind.is_video() {
            layers.clear();
        }

        let published = Published {
            kind,
            layers: layers.clone(),
        };
        self.published.insert(mid, published);
        Some((kind, layers))
    }

    // A hint wins; without one, the first audio m-line is the microphone,
    // the first video m-line the camera and the second the screen.
    fn classify(&self, mid: Mid, media: MediaKind) -> Option<TrackKind> {
        if let Some(kind) = self.hints.get(&mid) {
            return (kind.media_kind() == media).then_some(*kind);
        }

        match media {
            MediaKind::Audio => Some(TrackKind::Audio),
            MediaKind::Video => [TrackKind::Camera, TrackKind::Screen]
                .into_iter()
                .find(|k| self.published_mid(*k).is_none()),
        }
    }

    /// Forgets the track published on `mid`, returning its kind.
    pub(crate) fn unpublish(&mut self, mid: Mid) -> Option<TrackKind> {
        self.published.remove(&mid).map(|p| p.kind)
    }

    /// Forgets every published track, returning their kinds.
    pub(crate) fn unpublish_all(&mut self) -> Vec<TrackKind> {
        let kinds = self.published.values().map(|p| p.kind).collect();
        self.published.clear();
        kinds
    }

    /// The kind of track the client sends on `mid`.
    pub(crate) fn published_kind(&self, mid: Mid) -> Option<TrackKind> {
        self.published.get(&mid).map(|p| p.kind)
    }

    /// The mid the client sends its `kind` track on.
    pub(crate) fn published_mid(&self, kind: TrackKind) -> Option<Mid> {
        self.published
            .iter()
            .find(|(_, p)| p.kind == kind)
            .map(|(mid, _)| *mid)
    }

    /// The kinds this participant publishes.
    pub(crate) fn published_kinds(&self) -> impl Iterator<Item = TrackKind> + '_ {
        self.published.values().map(|p| p.kind)
    }

    /// The simulcast layers of the published `kind` track, lowest first.
    pub(crate) fn layers(&self, kind: TrackKind) -> &[Layer] {
        self.published
            .values()
            .find(|p| p.kind == kind)
            .map(|p| p.layers.as_slice())
            .unwrap_or(&[])
    }

    /// Records an outgoing m-line put in an offer for `track`.
    pub(crate) fn offer_received(&mut self, mid: Mid, track: TrackId) {
        let state = Negotiation::Offered;
        self.received.insert(mid, Received { track, state });
    }

    /// Marks every offered m-line answered, returning their tracks.
    pub(crate) fn activate_offered(&mut self) -> Vec<TrackId> {
        let offered = self
            .received
            .values_mut()
            .filter(|r| r.state == Negotiation::Offered);
        offered
            .map(|r| {
                r.state = Negotiation::Active;
                r.track
            })
            .collect()
    }

    /// Drops the m-lines of an offer that will never be answered.
    pub(crate) fn drop_offered(&mut self) {
        self.received.retain(|_, r| r.state == Negotiation::Active);
    }

    /// Forgets an outgoing m-line (it is being stopped).
    pub(crate) fn remove_received(&mut self, mid: Mid) -> Option<TrackId> {
        self.received.remove(&mid).map(|r| r.track)
    }

    /// The track carried on outgoing `mid`.
    pub(crate) fn received_track(&self, mid: Mid) -> Option<TrackId> {
        self.received.get(&mid).map(|r| r.track)
    }

    /// The answered outgoing mid that carries `track`, ready for writing.
    pub(crate) fn active_mid(&self, track: TrackId) -> Option<Mid> {
        self.received
            .iter()
            .find(|(_, r)| r.track == track && r.state == Negotiation::Active)
            .map(|(mid, _)| *mid)
    }

    /// Whether any outgoing m-line (offered or answered) carries `track`.
    pub(crate) fn receives(&self, track: TrackId) -> bool {
        self.received.values().any(|r| r.track == track)
    }

    /// Outgoing mids whose track fails `keep`.
    pub(crate) fn received_mids_not(&self, keep: impl Fn(TrackId) -> bool) -> Vec<Mid> {
        let stale = self.received.iter().filter(|(_, r)| !keep(r.track));
        stale.map(|(mid, _)| *mid).collect()
    }

    /// The labels a server offer carries: every outgoing m-line and its track.
    pub(crate) fn offered_tracks(&self) -> Vec<OfferedTrack> {
        let labels = self.received.iter().map(|(mid, r)| OfferedTrack {
            mid: mid.to_string(),
            track: r.track,
        });
        labels.collect()
    }
}
