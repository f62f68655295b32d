//! Typed ids of the media engine.
//!
//! The server maps its own meeting and participant ids to these keys; the
//! engine never sees a user-chosen name. A track needs no id of its own: a
//! participant publishes at most one track of each [`TrackKind`], so the pair
//! (publisher, kind) names it.

use std::fmt;
use std::str::FromStr;

use str0m::media::{MediaKind, Rid};

/// A room: the set of participants that receive each other's media.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RoomKey(u64);

impl RoomKey {
    /// Wraps the server's number for a room (e.g. its meeting row id).
    pub const fn new(value: u64) -> Self {
        Self(value)
    }

    /// The number this key was made from.
    pub const fn get(self) -> u64 {
        self.0
    }
}

impl fmt::Display for RoomKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "r{}", self.0)
    }
}

/// One participant: one peer connection of one user in one room.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ParticipantKey(u64);

impl ParticipantKey {
    /// Wraps the server's number for a participant.
    pub const fn new(value: u64) -> Self {
        Self(value)
    }

    /// The number this key was made from.
    pub const fn get(self) -> u64 {
        self.0
    }
}

impl fmt::Display for ParticipantKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "p{}", self.0)
    }
}

/// What a published track carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TrackKind {
    /// The microphone.
    Audio,
    /// The camera; may be sent in simulcast.
    Camera,
    /// A shared screen or window.
    Screen,
}

impl TrackKind {
    /// The name used on the wire (`audio`, `camera`, `screen`).
    pub const fn as_str(self) -> &'static str {
        match self {
            TrackKind::Audio => "audio",
            TrackKind::Camera => "camera",
            TrackKind::Screen => "screen",
        }
    }

    /// Whether the track is video (camera or screen).
    pub const fn is_video(self) -> bool {
        !matches!(self, TrackKind::Audio)
    }

    pub(crate) fn media_kind(self) -> MediaKind {
        if self.is_video() {
            MediaKind::Video
        } else {
            MediaKind::Audio
        }
    }
}

impl fmt::Display for TrackKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text was not `audio`, `camera` or `screen`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown track kind")]
pub struct UnknownTrackKind;

impl FromStr for TrackKind {
    type Err = UnknownTrackKind;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "audio" => Ok(TrackKind::Audio),
            "camera" => Ok(TrackKind::Camera),
            "screen" => Ok(TrackKind::Screen),
            _ => Err(UnknownTrackKind),
        }
    }
}

/// A published track: its publisher and what it carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TrackId {
    /// The participant sending the track.
    pub publisher: ParticipantKey,
    /// What the track carries.
    pub kind: TrackKind,
}

impl TrackId {
    /// The track of `kind` published by `publisher`.
    pub const fn new(publisher: ParticipantKey, kind: TrackKind) -> Self {
        Self { publisher, kind }
    }
}

impl fmt::Display for TrackId {
    // Only token characters (RFC 8830), so the same text can be the msid track id.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.publisher, self.kind)
    }
}

/// A simulcast layer of a camera track, from the rid the client gave it.
///
/// Clients name their encodings `l`, `m` and `h` (low to high); other rids
/// are not forwarded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Layer {
    /// rid `l`: the smallest encoding.
    Low,
    /// rid `m`.
    Medium,
    /// rid `h`: the full-size encoding.
    High,
}

impl Layer {
    /// All layers, lowest first.
    pub const ALL: [Layer; 3] = [Layer::Low, Layer::Medium, Layer::High];

    /// The rid clients use for this layer.
    pub const fn rid_str(self) -> &'static str {
        match self {
            Layer::Low => "l",
            Layer::Medium => "m",
            Layer::High => "h",
        }
    }

    /// The layer a rid names, if it is one of ours.
    pub fn from_rid_str(rid: &str) -> Option<Layer> {
        Layer::ALL.into_iter().find(|l| l.rid_str() == rid)
    }

    pub(crate) fn rid(self) -> Rid {
        Rid::from(self.rid_str())
    }

    pub(crate) fn from_rid(rid: Rid) -> Option<Layer> {
        Layer::from_rid_str(&rid)
    }
}

impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.rid_str())
    }
}
