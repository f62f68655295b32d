//! The IO layer of anteroom's SFU: the sockets and the clock around the
//! sans-IO media engine ([`anteroom_media::Engine`]).
//!
//! [`start`] binds one UDP socket for every participant (receive buffer
//! raised to 4 MiB) and, optionally, one ICE-TCP listener, makes the engine
//! with those addresses as candidates, and spawns **one tokio task** that
//! owns the engine and every socket. Nothing else touches them: the rest of
//! the server talks to the task through a cheap-to-clone [`SfuHandle`],
//! naming meetings and participants by its own ids.
//!
//! ```no_run
//! # async fn demo() -> Result<(), anteroom_sfu::SfuError> {
//! use anteroom_sfu::SfuConfig;
//!
//! let sfu = anteroom_sfu::start(SfuConfig::loopback()).await?;
//! let handle = sfu.handle();
//! println!("udp={}", handle.addrs().udp);
//!
//! // A participant's realtime connection:
//! let mut media = handle.add_participant("meeting-1", "participant-1").await?;
//! # let client_offer = String::new();
//! let answer = handle.offer("participant-1", client_offer, Vec::new()).await?;
//! // (`None` if an offer of ours was unanswered: the client answers that first)
//! // ... send `answer` to the client first, then relay what comes:
//! while let Some(offer) = media.offers.recv().await {
//!     // send offer.sdp and offer.tracks; the client's answer goes to
//!     // handle.answer("participant-1", sdp)
//! #   let _ = offer;
//! }
//! # let _ = answer;
//! sfu.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! # A participant's life
//!
//! - [`SfuHandle::add_participant`] when its realtime connection opens;
//!   the [`MediaSession`] it returns carries the server's offers and the
//!   media news (connected, disconnected, tracks published).
//! - [`SfuHandle::offer`] / [`SfuHandle::answer`] for the client's SDP. We
//!   are the impolite peer: a client offer made while an offer of ours is
//!   unanswered gets `None`, and the client answers ours first.
//! - [`SfuHandle::attach`] when its realtime connection comes back (new
//!   channels, same session); an offer from a new peer connection (another
//!   DTLS fingerprint, as after a reload) starts a fresh session by itself.
//!   [`SfuHandle::reset_participant`] does that explicitly.
//! - [`SfuHandle::remove_participant`] when it leaves for good.
//!
//! # Addresses
//!
//! Candidates carry `--public-ip` (when set) with the bound ports; else the
//! bound IP. A socket bound to every interface without a public IP gets
//! loopback candidates, with a warning: only clients on the same host could
//! reach anything else it might guess.
//!
//! # ICE-TCP
//!
//! The listener is the passive side. Each connection carries RFC 4571
//! frames (a two-byte length before each packet); packets go into the
//! engine as `Protocol::Tcp` from the connection's peer address, and the
//! engine's TCP transmits go back on the connection to their destination.
//! A connection that cannot keep up loses packets rather than stall the
//! task; one silent for 30 s is closed.
//!
//! # Logging
//!
//! `info` when a participant's media connects or disconnects (with
//! `room.id` and `participant.id`), `warn` for a degraded setup (small
//! socket buffer, loopback-only candidates), everything else at `debug` and
//! below. SDP is never logged.

mod config;
mod error;
mod handle;
mod keys;
mod task;
mod tcp;

use std::time::Instant;

use anteroom_media::{Engine, MediaConfig};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tracing::info;

pub use anteroom_media::{Layer, TrackHint, TrackKind};
pub use config::{SfuAddrs, SfuConfig, UDP_BUFFER_BYTES};
pub use error::SfuError;
pub use handle::{MediaSession, MediaStatus, OfferedTrack, ServerOffer, SfuHandle};

use crate::tcp::TcpSide;

/// Commands that may wait for the task before senders wait in turn.
const COMMAND_QUEUE: usize = 256;

/// A running SFU: its handle and its task.
#[derive(Debug)]
pub struct Sfu {
    handle: SfuHandle,
    task: JoinHandle<()>,
}

/// Binds the sockets, makes the engine (and the process' DTLS certificate)
/// and spawns the SFU task.
pub async fn start(config: SfuConfig) -> Result<Sfu, SfuError> {
    let udp = config::bind_udp(config.udp)?;
    let udp_bound = udp.local_addr().map_err(|source| SfuError::Bind {
        what: "udp",
        addr: config.udp,
        source,
    })?;
    let udp_candidate = config::candidate_addr(udp_bound, config.public_ip);

    let mut tcp = None;
    if let Some(addr) = config.tcp {
        let listener = config::bind_tcp(addr).await?;
        let bound = listener.local_addr().map_err(|source| SfuError::Bind {
            what: "tcp",
            addr,
            source,
        })?;
        let candidate = config::candidate_addr(bound, config.public_ip);
        tcp = Some((TcpSide::new(listener), bound, candidate));
    }

    let addrs = SfuAddrs {
        udp: udp_bound,
        tcp: tcp.as_ref().map(|(_, bound, _)| *bound),
        udp_candidate,
        tcp_candidate: tcp.as_ref().map(|(_, _, candidate)| *candidate),
    };
    let mut media = MediaConfig::new(udp_candidate);
    media.tcp_candidate = addrs.tcp_candidate;
    let engine = Engine::new(&media, Instant::now())?;

    let off = || "off".to_owned();
    info!(
        udp = %addrs.udp,
        tcp = addrs.tcp.map_or_else(off, |a| a.to_string()),
        udp_candidate = %addrs.udp_candidate,
        tcp_candidate = addrs.tcp_candidate.map_or_else(off, |a| a.to_string()),
        "media listening"
    );
    let (commands_tx, commands) = mpsc::channel(COMMAND_QUEUE);
    let tcp = tcp.map(|(side, _, candidate)| (side, candidate));
    let task = task::Task::new(engine, udp, udp_candidate, tcp, commands);
    let task = tokio::spawn(task::run_in_span(task));

    let handle = SfuHandle {
        commands: commands_tx,
        addrs,
    };
    Ok(Sfu { handle, task })
}

impl Sfu {
    /// A handle to the task; clone it freely.
    pub fn handle(&self) -> SfuHandle {
        self.handle.clone()
    }

    /// The bound sockets and the addresses in candidates.
    pub fn addrs(&self) -> SfuAddrs {
        self.handle.addrs()
    }

    /// Closes every session and waits for the task to end.
    pub async fn shutdown(self) {
        self.handle.shutdown().await;
        let _ = self.task.await;
    }
}
