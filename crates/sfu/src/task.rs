//! The SFU task: the one owner of the engine and every socket.
//!
//! Each turn of the loop first carries out everything the engine asks for
//! (packets, offers, events) until it names a deadline, then waits for the
//! first of: a command, a UDP datagram, an ICE-TCP packet, the deadline.
//! The clock is read here and nowhere in the engine.

mod commands;

use std::collections::{HashMap, HashSet};
use std::io;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anteroom_media::{Engine, MediaEvent, Output, ParticipantKey, Protocol, Signal, Transmit};
use tokio::net::UdpSocket;
use tokio::sync::mpsc;
use tokio::time::sleep_until;
use tracing::{Instrument, debug, debug_span, info, trace};

use crate::handle::{Command, MediaSession, MediaStatus, OfferedTrack, ServerOffer};
use crate::keys::KeyMap;
use crate::tcp::{TcpEvent, TcpSide};

/// Largest datagram read; WebRTC packets stay well under the MTU.
const RECV_BUFFER: usize = 2048;

/// Datagrams read in one go before the engine's output is carried out.
const RECV_BATCH: usize = 32;

/// How often idle ICE-TCP connections are looked for.
const TCP_SWEEP_EVERY: Duration = Duration::from_secs(5);

/// The shortest wait when the engine's deadline did not move after its
/// timeout ran: str0m reports "nothing scheduled" as the time it last saw.
const MIN_WAIT: Duration = Duration::from_millis(1);

/// Where one participant's offers and news go.
struct Outlet {
    offers: mpsc::UnboundedSender<ServerOffer>,
    events: mpsc::UnboundedSender<MediaStatus>,
}

impl Outlet {
    fn open() -> (Self, MediaSession) {
        let (offers, offers_rx) = mpsc::unbounded_channel();
        let (events, events_rx) = mpsc::unbounded_channel();
        let session = MediaSession {
            offers: offers_rx,
            events: events_rx,
        };
        (Self { offers, events }, session)
    }
}

pub(crate) struct Task {
    engine: Engine,
    udp: UdpSocket,
    udp_candidate: SocketAddr,
    tcp: Option<(TcpSide, SocketAddr)>,
    commands: mpsc::Receiver<Command>,
    keys: KeyMap,
    outlets: HashMap<ParticipantKey, Outlet>,
    /// Participants with an offer of ours unanswered: their own offers are
    /// ignored meanwhile (we are the impolite peer, docs/realtime.md).
    offer_out: HashSet<ParticipantKey>,
    /// Participants whose realtime connection was re-attached: their next
    /// offer is taken even over an unanswered one of ours, which may have
    /// been lost with the old connection.
    resuming: HashSet<ParticipantKey>,
    /// The DTLS fingerprint of each participant's peer connection, from its
    /// last offer: another one means a new peer connection (a reload).
    fingerprints: HashMap<ParticipantKey, String>,
    buf: Vec<u8>,
    /// When the engine's timeout last ran.
    last_timeout: Option<Instant>,
    next_sweep: Instant,
    udp_dropped: u64,
}

impl Task {
    pub(crate) fn new(
        engine: Engine,
        udp: UdpSocket,
        udp_candidate: SocketAddr,
        tcp: Option<(TcpSide, SocketAddr)>,
        commands: mpsc::Receiver<Command>,
    ) -> Self {
        Self {
            engine,
            udp,
            udp_candidate,
            tcp,
            commands,
            keys: KeyMap::default(),
            outlets: HashMap::new(),
            offer_out: HashSet::new(),
            resuming: HashSet::new(),
            fingerprints: HashMap::new(),
            buf: vec![0; RECV_BUFFER],
            last_timeout: None,
            next_sweep: Instant::now() + TCP_SWEEP_EVERY,
            udp_dropped: 0,
        }
    }

    pub(crate) async fn run(mut self) {
        loop {
            let deadline = self.pump();
            let stuck = self.last_timeout.is_some_and(|t| deadline <= t);
            let mut wake = if stuck {
                Instant::now() + MIN_WAIT
            } else {
                deadline
            };
            if self.tcp.is_some() {
                wake = wake.min(self.next_sweep);
            }

            tokio::select! {
                command = self.commands.recv() => match command {
                    Some(Command::Shutdown { reply }) => {
                        self.close_all();
                        let _ = reply.send(());
                        break;
                    }
                    Some(command) => self.command(command),
                    // Every handle is gone: nobody can reach us any more.
                    None => {
                        self.close_all();
                        break;
                    }
                },
                received = self.udp.recv_from(&mut self.buf) => self.on_udp(received),
                event = next_tcp(&mut self.tcp) => self.on_tcp(event),
                () = sleep_until(wake.into()) => self.on_timeout(),
            }
        }
        debug!(udp_dropped = self.udp_dropped, "sfu stopped");
    }

    /// Carries out the engine's output; returns its next deadline.
    fn pump(&mut self) -> Instant {
        loop {
            match self.engine.poll_output() {
                Output::Transmit(t) => self.transmit(t),
                Output::Signal(key, signal) => self.signal(key, signal),
                Output::Event(event) => self.event(event),
                Output::Timeout(at) => return at,
            }
        }
    }

    fn transmit(&mut self, t: Transmit) {
        match t.proto {
            Protocol::Udp => match self.udp.try_send_to(&t.contents, t.destination) {
                Ok(_) => {}
                // A full send buffer drops the packet, as the network would.
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => self.udp_dropped += 1,
                Err(error) => trace!(%error, destination = %t.destination, "udp send failed"),
            },
            Protocol::Tcp => {
                if let Some((tcp, _)) = &mut self.tcp {
                    tcp.send(t.destination, &t.contents);
                }
            }
            // No SSL-TCP or TLS candidates are offered.
            _ => trace!(proto = ?t.proto, "transmit on a protocol we do not serve"),
        }
    }

    fn signal(&mut self, key: ParticipantKey, Signal::Offer { sdp, tracks }: Signal) {
        let tracks = tracks
            .into_iter()
            .filter_map(|t| {
                let participant = self.keys.id(t.track.publisher)?.to_owned();
                Some(OfferedTrack {
                    mid: t.mid,
                    participant,
                    kind: t.track.kind,
                })
            })
            .collect();
        // Out as far as the engine knows, even if nobody listens: the
        // engine waits for an answer either way.
        self.offer_out.insert(key);
        if let Some(outlet) = self.outlets.get(&key) {
            // A closed receiver means the connection is going away.
            let _ = outlet.offers.send(ServerOffer { sdp, tracks });
        }
    }

    fn event(&mut self, event: MediaEvent) {
        let (key, status) = match event {
            MediaEvent::Connected(key) => (key, MediaStatus::Connected),
            MediaEvent::Disconnected(key) => (key, MediaStatus::Disconnected),
            MediaEvent::TrackPublished { track, layers } => {
                let kind = track.kind;
                (track.publisher, MediaStatus::Published { kind, layers })
            }
            MediaEvent::TrackUnpublished(track) => {
                let kind = track.kind;
                (track.publisher, MediaStatus::Unpublished { kind })
            }
            MediaEvent::LayerSwitched { .. } => {
                trace!(?event, "layer switched");
                return;
            }
        };

        let id = self.keys.id(key).unwrap_or_default();
        let meeting = self.keys.meeting(id).unwrap_or_default();
        match status {
            MediaStatus::Connected => {
                info!(room.id = %meeting, participant.id = %id, "media connected");
            }
            MediaStatus::Disconnected => {
                info!(room.id = %meeting, participant.id = %id, "media disconnected");
            }
            _ => debug!(room.id = %meeting, participant.id = %id, ?status, "track"),
        }
        if let Some(outlet) = self.outlets.get(&key) {
            let _ = outlet.events.send(status);
        }
    }

    fn on_udp(&mut self, first: io::Result<(usize, SocketAddr)>) {
        let mut received = first;
        for _ in 0..RECV_BATCH {
            match received {
                Ok((n, source)) => {
                    let now = Instant::now();
                    let (proto, local) = (Protocol::Udp, self.udp_candidate);
                    let packet = &self.buf[..n];
                    self.engine
                        .handle_receive(now, proto, source, local, packet);
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
                // ICMP errors from a peer that went away, and the like.
                Err(error) => trace!(%error, "udp receive failed"),
            }
            received = self.udp.try_recv_from(&mut self.buf);
        }
    }

    fn on_tcp(&mut self, event: TcpEvent) {
        let Some((_, candidate)) = self.tcp else {
            return;
        };
        match event {
            TcpEvent::Packet { peer, packet } => {
                let now = Instant::now();
                self.engine
                    .handle_receive(now, Protocol::Tcp, peer, candidate, &packet);
            }
            // ICE notices a dead path by itself; nothing to tell the engine.
            TcpEvent::Closed { peer } => trace!(%peer, "ice-tcp peer gone"),
        }
    }

    fn on_timeout(&mut self) {
        let now = Instant::now();
        self.engine.handle_timeout(now);
        self.last_timeout = Some(now);
        if now >= self.next_sweep {
            self.next_sweep = now + TCP_SWEEP_EVERY;
            if let Some((tcp, _)) = &mut self.tcp {
                tcp.close_idle(now);
            }
        }
    }

    /// Removes everyone, so clients get their goodbyes (DTLS close) now
    /// instead of noticing a silence seconds later.
    fn close_all(&mut self) {
        let now = Instant::now();
        for participant in self.keys.participant_ids() {
            let _ = self.remove(now, &participant);
        }
        self.pump();
    }
}

/// The next ICE-TCP event, or never without ICE-TCP.
async fn next_tcp(tcp: &mut Option<(TcpSide, SocketAddr)>) -> TcpEvent {
    match tcp {
        Some((side, _)) => side.next_event().await,
        None => std::future::pending().await,
    }
}

/// Runs the task inside the crate's span.
pub(crate) async fn run_in_span(task: Task) {
    task.run().instrument(debug_span!("sfu")).await;
}
