//! Tracks coming and going: a client's m-lines that send to us become
//! published tracks, and ending ones are withdrawn from every subscriber.

use str0m::media::{MediaAdded, MediaChanged, MediaKind, Mid, Rid, Rids};
use tracing::debug;

use crate::engine::Engine;
use crate::ids::{Layer, ParticipantKey, TrackId};
use crate::output::MediaEvent;

impl Engine {
    pub(crate) fn on_media_added(&mut self, key: ParticipantKey, added: MediaAdded) {
        // Only what the client sends is a track; m-lines it offers to
        // receive on are ignored (it receives on the m-lines we offer).
        if !added.direction.is_receiving() {
            return;
        }
        let rids: Vec<Rid> = added
            .simulcast
            .iter()
            .flat_map(|s| s.recv.iter().chain(&s.send))
            .map(|layer| layer.rid)
            .collect();
        self.publish(key, added.mid, added.kind, &rids);
    }

    /// Publishes what an accepted client offer sends, at once. str0m tells
    /// of new m-lines only after the connection is up; waiting for that
    /// would offer the tracks to the room one connection set-up later, and
    /// two people joining together would each wait for the other.
    /// `MediaAdded` for the same m-lines later changes nothing.
    pub(crate) fn publish_offered(&mut self, key: ParticipantKey, offer: &str) {
        let mids = offer
            .lines()
            .filter_map(|line| line.strip_prefix("a=mid:"))
            .map(|mid| Mid::from(mid.trim()));
        for mid in mids.collect::<Vec<_>>() {
            let Some(media) = self.participants.get(&key).and_then(|p| p.rtc.media(mid)) else {
                continue;
            };
            if !media.direction().is_receiving() {
                continue;
            }
            let kind = media.kind();
            let rids = specific_rids(media.rids_rx());
            self.publish(key, mid, kind, &rids);
        }
    }

    pub(crate) fn on_media_changed(&mut self, key: ParticipantKey, changed: MediaChanged) {
        let Some(p) = self.participants.get_mut(&key) else {
            return;
        };
        let published = p.tracks.published_kind(changed.mid);
        let ours = p.tracks.received_track(changed.mid).is_some();
        let receiving = changed.direction.is_receiving();

        match published {
            // The client stopped sending (direction inactive, or the
            // transceiver stopped).
            Some(kind) if !receiving => {
                p.tracks.unpublish(changed.mid);
                self.withdraw(TrackId::new(key, kind));
            }
            // It sends again on an m-line it had stopped sending on.
            None if receiving && !ours => {
                let Some(media) = p.rtc.media(changed.mid) else {
                    return;
                };
                let kind = media.kind();
                let rids = specific_rids(media.rids_rx());
                self.publish(key, changed.mid, kind, &rids);
            }
            _ => {}
        }
    }

    fn publish(&mut self, key: ParticipantKey, mid: Mid, media: MediaKind, rids: &[Rid]) {
        let Some(p) = self.participants.get_mut(&key) else {
            return;
        };
        let Some((kind, layers)) = p.tracks.publish(mid, media, rids) else {
            debug!(%mid, "m-line carries no track we forward");
            return;
        };

        let track = TrackId::new(key, kind);
        debug!(%track, layers = layers.len(), "track published");
        self.emit(MediaEvent::TrackPublished { track, layers });
        self.replan.extend(self.room_peers(key));
    }

    /// Stops forwarding `track` to everyone and has their m-lines for it
    /// removed by renegotiation.
    pub(crate) fn withdraw(&mut self, track: TrackId) {
        debug!(%track, "track unpublished");
        for peer in self.room_peers(track.publisher) {
            if let Some(p) = self.participants.get_mut(&peer) {
                p.forwards.remove(&track);
                p.desired.remove(&track);
            }
            self.replan.insert(peer);
        }
        self.emit(MediaEvent::TrackUnpublished(track));
    }

    /// Whether the track is published right now.
    pub(crate) fn is_published(&self, track: TrackId) -> bool {
        let publisher = self.participants.get(&track.publisher);
        publisher.is_some_and(|p| p.tracks.published_mid(track.kind).is_some())
    }

    /// The simulcast layers of a published track; empty for one encoding.
    pub(crate) fn track_layers(&self, track: TrackId) -> &[Layer] {
        let publisher = self.participants.get(&track.publisher);
        publisher.map_or(&[], |p| p.tracks.layers(track.kind))
    }

    /// The layers of a track worth choosing from: those that carry frames
    /// now. A layer the publisher paused would leave its subscribers on a
    /// frozen picture. Before any layer has been seen, all of them; the
    /// first frame of a layer has the choice made again.
    pub(crate) fn live_layers(&self, track: TrackId) -> Vec<Layer> {
        let layers = self.track_layers(track);
        let live: Vec<Layer> = layers
            .iter()
            .copied()
            .filter(|l| self.rates.is_live(track, Some(*l), self.now))
            .collect();
        if live.is_empty() {
            layers.to_vec()
        } else {
            live
        }
    }
}

/// The simulcast rids an m-line receives; none for a single encoding.
fn specific_rids(rids: &Rids) -> Vec<Rid> {
    match rids {
        Rids::Specific(rids) => rids.clone(),
        Rids::None | Rids::Any => Vec::new(),
    }
}
