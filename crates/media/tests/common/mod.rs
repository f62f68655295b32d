//! The test harness: an engine, str0m clients playing browsers, and an
//! in-memory network between them, all stepped on a virtual clock.
//!
//! Each step takes the earliest pending thing (a packet arriving, the
//! engine's timeout, a client's timeout or media tick) and advances the
//! clock to it. Signaling is delivered at once and in order, like a
//! WebSocket with no latency. Nothing sleeps.

#![allow(dead_code)]

pub mod client;
pub mod net;

use std::collections::{BTreeMap, VecDeque};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Once;
use std::time::{Duration, Instant};

use anteroom_media::{
    Engine, MediaConfig, MediaEvent, Output, ParticipantKey, RoomKey, Signal, TrackHint, TrackId,
    TrackKind,
};
use str0m::change::SdpPendingOffer;

pub use client::{Camera, Client, Publish};
use net::{Net, Packet};

const SERVER_IP: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1));

/// The engine's shared UDP socket.
pub const SERVER: SocketAddr = SocketAddr::new(SERVER_IP, 3478);

/// The engine's ICE-TCP listener.
pub const SERVER_TCP: SocketAddr = SocketAddr::new(SERVER_IP, 443);

/// One-way latency of every link.
const LATENCY: Duration = Duration::from_millis(10);

pub const AUDIO_VIDEO: Publish = Publish {
    audio: true,
    camera: Camera::Single,
    screen: false,
};

pub const SIMULCAST: Publish = Publish {
    audio: true,
    camera: Camera::Simulcast,
    screen: false,
};

pub const NOTHING: Publish = Publish {
    audio: false,
    camera: Camera::Off,
    screen: false,
};

pub struct World {
    pub start: Instant,
    pub now: Instant,
    pub engine: Engine,
    pub clients: BTreeMap<ParticipantKey, Client>,
    pub net: Net,
    pub events: Vec<(Instant, MediaEvent)>,
    /// While set, engine offers wait here instead of reaching the clients.
    pub hold_signals: bool,
    signals: VecDeque<(ParticipantKey, Signal)>,
    engine_next: Instant,
    next_key: u64,
}

impl World {
    pub fn new(seed: u64) -> Self {
        init_log();
        let start = Instant::now();
        let mut config = MediaConfig::new(SERVER);
        config.tcp_candidate = Some(SERVER_TCP);
        let engine = Engine::new(&config, start).expect("engine");
        Self {
            start,
            now: start,
            engine,
            clients: BTreeMap::new(),
            net: Net::new(seed, LATENCY),
            events: Vec::new(),
            hold_signals: false,
            signals: VecDeque::new(),
            engine_next: start,
            next_key: 1,
        }
    }

    /// A new participant in `room` whose client offers what it publishes.
    pub fn join(&mut self, room: u64, publish: Publish) -> ParticipantKey {
        self.join_with(room, publish, false)
    }

    /// Like [`World::join`], with a client that can only use ICE-TCP.
    pub fn join_tcp(&mut self, room: u64, publish: Publish) -> ParticipantKey {
        self.join_with(room, publish, true)
    }

    fn join_with(&mut self, room: u64, publish: Publish, tcp: bool) -> ParticipantKey {
        let key = ParticipantKey::new(self.next_key);
        self.next_key += 1;
        let addr = SocketAddr::from(([10, 0, 0, key.get() as u8], 5000));
        self.engine
            .add_participant(self.now, RoomKey::new(room), key)
            .expect("add participant");

        let mut client = Client::new(key, addr, self.now, tcp);
        let (offer, hints, pending) = client.offer(publish);
        let answer = self
            .engine
            .accept_offer(self.now, key, &offer, &hints)
            .expect("engine answers");
        client.accept_answer(pending, &answer);
        client.drain(self.now, &mut self.net);
        self.clients.insert(key, client);
        self.pump();
        key
    }

    /// The client makes an offer of its own (`make` changes its session).
    /// Engine offers held back for it are dropped: they crossed the
    /// client's offer, and a browser with an offer out ignores them.
    pub fn client_offer(
        &mut self,
        key: ParticipantKey,
        make: impl FnOnce(&mut Client) -> (String, Vec<TrackHint>, SdpPendingOffer),
    ) {
        self.signals.retain(|(k, _)| *k != key);
        let client = self.clients.get_mut(&key).expect("client");
        let (offer, hints, pending) = make(client);
        let answer = self
            .engine
            .accept_offer(self.now, key, &offer, &hints)
            .expect("engine answers");
        client.accept_answer(pending, &answer);
        client.drain(self.now, &mut self.net);
        self.pump();
    }

    /// Removes a participant from the engine; its client goes silent.
    pub fn leave(&mut self, key: ParticipantKey) {
        self.engine
            .remove_participant(self.now, key)
            .expect("remove participant");
        self.clients.remove(&key);
        self.pump();
    }

    pub fn client(&self, key: ParticipantKey) -> &Client {
        &self.clients[&key]
    }

    pub fn client_mut(&mut self, key: ParticipantKey) -> &mut Client {
        self.clients.get_mut(&key).expect("client")
    }

    pub fn elapsed(&self) -> Duration {
        self.now - self.start
    }

    /// Steps until `done` holds; panics after `limit` of virtual time.
    pub fn run_until(&mut self, limit: Duration, what: &str, done: impl Fn(&World) -> bool) {
        let deadline = self.now + limit;
        while !done(self) {
            assert!(self.now < deadline, "timed out waiting for {what}");
            self.step();
        }
    }

    pub fn run_for(&mut self, duration: Duration) {
        let until = self.now + duration;
        while self.now < until {
            self.step();
        }
    }

    /// Runs until the latest frame `subscriber` got of `track` has `tag`,
    /// and returns how many frames of it came before that one. Subscribers
    /// start on a low layer until the estimate has room for more.
    pub fn run_until_on_layer(
        &mut self,
        subscriber: ParticipantKey,
        track: TrackId,
        tag: u8,
    ) -> usize {
        let what = format!("{subscriber} on layer {}", tag as char);
        self.run_until(Duration::from_secs(5), &what, |w| {
            let frames = w.client(subscriber).frames_of(track);
            frames.last().is_some_and(|f| f.tag == tag)
        });
        self.client(subscriber).frames_of(track).len() - 1
    }

    /// Runs until every client is connected and every engine offer answered.
    pub fn settle_in(&mut self) {
        self.run_until(Duration::from_secs(5), "all connected", |w| {
            let connected = w.clients.values().all(|c| c.connected);
            let ready = w.clients.keys().all(|k| w.engine.is_connected(*k));
            connected && ready
        });
        self.run_for(Duration::from_millis(300));
    }

    /// Lets held engine offers through.
    pub fn release_signals(&mut self) {
        self.hold_signals = false;
        self.pump();
    }

    /// How many engine offers are held.
    pub fn held_signals(&self) -> usize {
        self.signals.len()
    }

    /// Events the engine emitted of one kind.
    pub fn events_matching(&self, f: impl Fn(&MediaEvent) -> bool) -> Vec<(Instant, MediaEvent)> {
        let matching = self.events.iter().filter(|(_, e)| f(e));
        matching.cloned().collect()
    }

    fn step(&mut self) {
        let next_client = self.clients.values().map(|c| c.next_event()).min();
        let next_net = self.net.next_at();
        let candidates = [Some(self.engine_next), next_net, next_client];
        let at = candidates
            .into_iter()
            .flatten()
            .min()
            .expect("something to do");
        self.now = self.now.max(at);

        while let Some(packet) = self.net.pop_due(self.now) {
            self.deliver(packet);
        }
        if self.engine_next <= self.now {
            self.engine.handle_timeout(self.now);
            self.pump();
        }
        for client in self.clients.values_mut() {
            if client.next_event() <= self.now {
                client.tick(self.now, &mut self.net);
            }
        }
    }

    fn deliver(&mut self, packet: Packet) {
        if packet.destination == SERVER || packet.destination == SERVER_TCP {
            let Packet {
                proto,
                source,
                destination,
                contents,
            } = packet;
            self.engine
                .handle_receive(self.now, proto, source, destination, &contents);
            self.pump();
            return;
        }
        let client = self
            .clients
            .values_mut()
            .find(|c| c.addr == packet.destination);
        if let Some(client) = client {
            client.receive(self.now, &packet, &mut self.net);
        }
    }

    /// Carries out everything the engine asks for, signaling included.
    fn pump(&mut self) {
        loop {
            match self.engine.poll_output() {
                Output::Transmit(t) => {
                    let packet = Packet {
                        proto: t.proto,
                        source: t.source,
                        destination: t.destination,
                        contents: t.contents,
                    };
                    self.net.send(self.now, packet);
                }
                Output::Signal(key, signal) => self.signals.push_back((key, signal)),
                Output::Event(e) => self.events.push((self.now, e)),
                Output::Timeout(at) => {
                    // Like the clients: "now" means nothing is scheduled.
                    self.engine_next = at.max(self.now + Duration::from_micros(100));
                    break;
                }
            }
        }

        if self.hold_signals {
            return;
        }
        while let Some((key, Signal::Offer { sdp, tracks })) = self.signals.pop_front() {
            let Some(client) = self.clients.get_mut(&key) else {
                continue;
            };
            let answer = client.answer(&sdp, &tracks);
            client.drain(self.now, &mut self.net);
            self.engine
                .accept_answer(self.now, key, &answer)
                .expect("engine takes the answer");
            self.pump();
        }
    }
}

pub fn track(publisher: ParticipantKey, kind: TrackKind) -> TrackId {
    TrackId::new(publisher, kind)
}

/// Logs to the test output when `RUST_LOG` is set.
pub fn init_log() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        let filter = tracing_subscriber::EnvFilter::try_from_default_env()
            .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("off"));
        tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_test_writer()
            .init();
    });
}
