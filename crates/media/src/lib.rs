//! The sans-IO media core of anteroom: an SFU on [str0m].
//!
//! The [`Engine`] holds rooms and participants. Each participant has one
//! str0m `Rtc` (one browser peer connection) and every participant of a room
//! receives every other participant's audio, camera and screen tracks. The
//! engine owns no socket, spawns nothing and never reads the clock: every
//! entry point takes `now`, and everything it wants done comes out of
//! [`Engine::poll_output`] as a value.
//!
//! # What the engine does
//!
//! - **Transport.** All sessions share one UDP socket (and optionally one
//!   ICE-TCP port), whose addresses go into each answer as host candidates
//!   ([`MediaConfig`]). A received packet goes to the session that
//!   `accepts` it. One DTLS certificate serves the whole process.
//! - **Signaling as data.** The client offers first, with what it sends
//!   ([`Engine::accept_offer`] returns the answer). The engine then offers
//!   the client one m-line per track of everyone else, and removes m-lines
//!   of tracks that end ([`Signal::Offer`], answered through
//!   [`Engine::accept_answer`]). One offer is in flight per participant; on
//!   glare the engine yields.
//! - **Forwarding** of whole frames, with keyframe requests routed from each
//!   subscriber to the publisher's layer it decodes, at most one per
//!   [`MediaConfig::keyframe_interval`] per layer.
//! - **Simulcast.** A camera may come in layers (rids `l`, `m`, `h`). Each
//!   subscriber gets the highest layer at or below what it asked for
//!   ([`Engine::set_desired_layer`]) that fits its egress bandwidth
//!   estimate; layers change on a keyframe of the new layer only. Only
//!   layers that are arriving count: browsers add upper layers late and
//!   pause them when their uplink is short, and a subscriber aimed at a
//!   missing layer would decode nothing. Without a frame for 500 ms (or on
//!   str0m's stream-paused report) a layer is left for the best one still
//!   arriving; when it comes back, its first keyframe moves subscribers
//!   back up.
//!
//! Track names follow [`TrackId`]: a publisher and a [`TrackKind`].
//!
//! # What the client must do
//!
//! - Offer first, with one **sendonly** m-line per track it publishes, and
//!   name them with [`TrackHint`]s (`a=mid` → audio, camera or screen).
//!   Without hints the first audio m-line is the microphone, the first
//!   video the camera, the second video the screen. A client with nothing
//!   to publish offers a data channel.
//! - Send the camera in simulcast with rids `l`, `m` and/or `h` (any two
//!   or more), or in one encoding.
//! - Receive on the m-lines the engine offers. [`Signal::Offer`] lists which
//!   track each carries; the msid stream id is the publisher's key.
//! - Stop a track by setting its transceiver inactive (or stopping it) in
//!   a new offer; start one with a new m-line and hint.
//! - Be the impolite peer of perfect negotiation: ignore an engine offer
//!   that arrives while its own offer is out. The engine forgets that
//!   offer and sends a fresh one after answering.
//! - After a new peer connection (a reload), have the server call
//!   [`Engine::reset_participant`] before offering.

//! # The loop around it
//!
//! The IO layer owns the engine (one task, no lock) and runs this loop:
//!
//! ```no_run
//! use std::net::UdpSocket;
//! use std::time::Instant;
//!
//! use anteroom_media::{Engine, MediaConfig, Output, Protocol};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let socket = UdpSocket::bind("0.0.0.0:3478")?;
//! let local = socket.local_addr()?;
//! let mut engine = Engine::new(&MediaConfig::new(local), Instant::now())?;
//! let mut buf = vec![0; 2000];
//!
//! loop {
//!     // 1. Do everything the engine asks for, until it names a deadline.
//!     let deadline = loop {
//!         match engine.poll_output() {
//!             Output::Transmit(t) => {
//!                 // `t.proto` is Tcp for ICE-TCP: frame it (RFC 4571) on the
//!                 // connection to `t.destination` instead.
//!                 socket.send_to(&t.contents, t.destination)?;
//!             }
//!             Output::Signal(_participant, _signal) => {
//!                 // Send the offer over the participant's WebSocket; its
//!                 // answer comes back through `engine.accept_answer`.
//!             }
//!             Output::Event(_event) => {
//!                 // Connected, tracks published, ...: tell the server.
//!             }
//!             Output::Timeout(at) => break at,
//!         }
//!     };
//!
//!     // 2. Wait for a packet, the deadline, or a command from the
//!     //    signaling side (add/remove participant, offers, answers).
//!     let wait = deadline.saturating_duration_since(Instant::now());
//!     socket.set_read_timeout(Some(wait.max(std::time::Duration::from_millis(1))))?;
//!     match socket.recv_from(&mut buf) {
//!         Ok((n, source)) => {
//!             engine.handle_receive(Instant::now(), Protocol::Udp, source, local, &buf[..n]);
//!         }
//!         Err(_) => engine.handle_timeout(Instant::now()),
//!     }
//! }
//! # }
//! ```
//!
//! A real loop also selects on a command channel. The order matters in one
//! place: send the answer [`Engine::accept_offer`] returns before any
//! [`Signal`] polled after that call.
//!
//! # Logging
//!
//! Only `debug` and `trace`, inside a span per participant carrying
//! `room.id` and `participant.id`. SDP is logged by length, never in full.
//!
//! [str0m]: https://docs.rs/str0m/0.25

mod config;
mod drive;
mod engine;
mod error;
mod forward;
mod ids;
mod keyframe;
mod layers;
mod negotiation;
mod output;
mod participant;
mod publish;
mod routing;
mod tracks;

pub use config::MediaConfig;
pub use engine::Engine;
pub use error::MediaError;
pub use ids::{Layer, ParticipantKey, RoomKey, TrackId, TrackKind, UnknownTrackKind};
pub use negotiation::TrackHint;
pub use output::{MediaEvent, OfferedTrack, Output, Signal, Transmit};
pub use str0m::net::Protocol;
