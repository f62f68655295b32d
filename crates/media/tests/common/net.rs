//! An in-memory network: packets arrive after a fixed latency, a seeded
//! share of them can be dropped, and the link into one address can be
//! narrowed to a bitrate (with a queue that drops what waits too long).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anteroom_media::Protocol;

/// A packet on the wire.
#[derive(Debug, Clone)]
pub struct Packet {
    pub proto: Protocol,
    pub source: SocketAddr,
    pub destination: SocketAddr,
    pub contents: Vec<u8>,
}

pub struct Net {
    // Keyed by arrival time, then by send order, so ties are deterministic.
    queue: BTreeMap<(Instant, u64), Packet>,
    seq: u64,
    latency: Duration,
    loss_percent: u64,
    rng: Rng,
    /// Per destination: bits per second, and when the link is free again.
    links: BTreeMap<SocketAddr, (u64, Instant)>,
    pub sent: u64,
    pub dropped: u64,
    /// Every distinct (protocol, source, destination) that carried a packet.
    pub seen: Vec<(Protocol, SocketAddr, SocketAddr)>,
}

/// A packet waiting longer than this for a narrow link is dropped.
const MAX_QUEUE: Duration = Duration::from_millis(250);

impl Net {
    pub fn new(seed: u64, latency: Duration) -> Self {
        Self {
            queue: BTreeMap::new(),
            seq: 0,
            latency,
            loss_percent: 0,
            rng: Rng::new(seed),
            links: BTreeMap::new(),
            sent: 0,
            dropped: 0,
            seen: Vec::new(),
        }
    }

    /// Drops this share of every packet sent from now on.
    pub fn set_loss_percent(&mut self, percent: u64) {
        self.loss_percent = percent;
    }

    /// Narrows the link into `destination` to `bps`; `None` widens it.
    pub fn set_link(&mut self, destination: SocketAddr, bps: Option<u64>, now: Instant) {
        match bps {
            Some(bps) => self.links.insert(destination, (bps, now)),
            None => self.links.remove(&destination),
        };
    }

    pub fn send(&mut self, now: Instant, packet: Packet) {
        self.sent += 1;
        let route = (packet.proto, packet.source, packet.destination);
        if !self.seen.contains(&route) {
            self.seen.push(route);
        }
        if self.loss_percent > 0 && self.rng.below(100) < self.loss_percent {
            self.dropped += 1;
            return;
        }

        let mut departs = now;
        if let Some((bps, free)) = self.links.get_mut(&packet.destination) {
            let start = (*free).max(now);
            if start - now > MAX_QUEUE {
                self.dropped += 1;
                return;
            }
            let bits = packet.contents.len() as u64 * 8;
            *free = start + Duration::from_micros(bits * 1_000_000 / *bps);
            departs = *free;
        }

        self.seq += 1;
        self.queue
            .insert((departs + self.latency, self.seq), packet);
    }

    /// When the next packet arrives.
    pub fn next_at(&self) -> Option<Instant> {
        self.queue.keys().next().map(|(at, _)| *at)
    }

    /// The next packet that has arrived by `now`.
    pub fn pop_due(&mut self, now: Instant) -> Option<Packet> {
        let (at, _) = self.queue.keys().next()?;
        if *at > now {
            return None;
        }
        self.queue.pop_first().map(|(_, p)| p)
    }
}

/// xorshift64*: small, seeded, good enough to pick packets to drop.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n
    }
}
