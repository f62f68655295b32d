//! The engine's state for one participant: its `Rtc` and what flows
//! through it.

use std::collections::BTreeMap;
use std::time::Instant;

use str0m::Rtc;
use str0m::change::SdpPendingOffer;
use tracing::Span;

use crate::forward::Forward;
use crate::ids::{Layer, ParticipantKey, RoomKey, TrackId};
use crate::tracks::TrackMap;

/// The state of the participant's ICE/DTLS connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Link {
    /// Not connected yet.
    New,
    /// ICE and DTLS are up; media may be written.
    Connected,
    /// ICE lost the peer; it may come back.
    Disconnected,
    /// The session is over (DTLS failure, remote close). Only a reset or a
    /// removal helps.
    Failed,
}

pub(crate) struct Participant {
    pub(crate) room: RoomKey,
    /// Carries the room and participant ids into every log line below it,
    /// str0m's own included.
    pub(crate) span: Span,
    pub(crate) rtc: Rtc,
    pub(crate) next_timeout: Instant,
    pub(crate) link: Link,
    /// Whether the client's first offer has been answered; before that we
    /// cannot send offers of our own.
    pub(crate) negotiated: bool,
    pub(crate) tracks: TrackMap,
    /// Our offer waiting for the client's answer: one at a time.
    pub(crate) pending: Option<SdpPendingOffer>,
    /// What this participant receives of each track, by track.
    pub(crate) forwards: BTreeMap<TrackId, Forward>,
    /// The layer asked for per camera track; absent means the highest.
    pub(crate) desired: BTreeMap<TrackId, Layer>,
    /// The latest egress estimate toward this participant. Before the
    /// first one, the initial estimate: str0m paces at it from the start,
    /// and a layer above it would queue in the pacer and freeze.
    pub(crate) estimate_bps: u64,
}

impl Participant {
    pub(crate) fn new(
        key: ParticipantKey,
        room: RoomKey,
        rtc: Rtc,
        now: Instant,
        estimate_bps: u64,
    ) -> Self {
        let span = tracing::debug_span!("media", room.id = %room, participant.id = %key);
        Self {
            room,
            span,
            rtc,
            next_timeout: now,
            link: Link::New,
            negotiated: false,
            tracks: TrackMap::default(),
            pending: None,
            forwards: BTreeMap::new(),
            desired: BTreeMap::new(),
            estimate_bps,
        }
    }

    pub(crate) fn is_connected(&self) -> bool {
        self.link == Link::Connected
    }

    /// Whether we may start an offer now.
    pub(crate) fn can_offer(&self) -> bool {
        self.negotiated && self.pending.is_none() && self.link != Link::Failed
    }
}
