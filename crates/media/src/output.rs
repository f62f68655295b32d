//! What comes out of [`Engine::poll_output`](crate::Engine::poll_output).

use std::net::SocketAddr;
use std::time::Instant;

use str0m::net::Protocol;

use crate::ids::{Layer, ParticipantKey, TrackId};

/// One thing for the IO loop to do.
#[derive(Debug)]
pub enum Output {
    /// Send a packet.
    Transmit(Transmit),
    /// Send signaling to a participant's realtime connection.
    Signal(ParticipantKey, Signal),
    /// Something the server may care about.
    Event(MediaEvent),
    /// Nothing more to do until this time (or new input): then call
    /// [`Engine::handle_timeout`](crate::Engine::handle_timeout).
    Timeout(Instant),
}

/// A packet to send, UDP or ICE-TCP.
#[derive(Debug)]
pub struct Transmit {
    /// `Udp`: send from the shared socket. `Tcp`: write with RFC 4571
    /// framing on the connection whose peer is `destination`.
    pub proto: Protocol,
    /// The local address (one of the configured candidates).
    pub source: SocketAddr,
    /// The remote address.
    pub destination: SocketAddr,
    /// The packet.
    pub contents: Vec<u8>,
}

impl From<str0m::net::Transmit> for Transmit {
    fn from(t: str0m::net::Transmit) -> Self {
        Self {
            proto: t.proto,
            source: t.source,
            destination: t.destination,
            contents: t.contents.into(),
        }
    }
}

/// Signaling the engine starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signal {
    /// Apply this offer and answer it with
    /// [`Engine::accept_answer`](crate::Engine::accept_answer).
    Offer {
        /// The SDP offer.
        sdp: String,
        /// Every m-line of the offer that carries another participant's
        /// track, so the client can label what it receives.
        tracks: Vec<OfferedTrack>,
    },
}

/// An m-line of a server offer and the track it carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferedTrack {
    /// The SDP `a=mid` (a transceiver's `mid` in the browser).
    pub mid: String,
    /// The track sent on it.
    pub track: TrackId,
}

/// Media-side news for the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MediaEvent {
    /// ICE and DTLS are up: the participant's media works (its room
    /// response may say `ready`). Sent again after a `Disconnected` heals.
    Connected(ParticipantKey),
    /// ICE lost the participant, or its session failed for good.
    Disconnected(ParticipantKey),
    /// A participant started sending a track.
    TrackPublished {
        /// The new track.
        track: TrackId,
        /// Its simulcast layers, lowest first; empty for one encoding.
        layers: Vec<Layer>,
    },
    /// A track ended: its publisher stopped it or left.
    TrackUnpublished(TrackId),
    /// A subscriber now receives another layer of a camera track (or the
    /// first frames of it). Switches happen on keyframes only.
    LayerSwitched {
        /// Who receives.
        subscriber: ParticipantKey,
        /// The camera track.
        track: TrackId,
        /// The layer now forwarded; `None` for a single-encoding track.
        layer: Option<Layer>,
    },
}
