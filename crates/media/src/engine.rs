//! The engine: rooms, participants, and the entry points the IO loop calls.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use str0m::Input;
use str0m::net::{Protocol, Receive};
use tracing::{debug, trace};

use crate::config::{MediaConfig, RtcFactory};
use crate::error::MediaError;
use crate::ids::{ParticipantKey, RoomKey, TrackId, TrackKind};
use crate::keyframe::KeyframeThrottle;
use crate::layers::Rates;
use crate::output::{MediaEvent, Output};
use crate::participant::{Link, Participant};

/// How often layer choices are revisited as measured rates change.
pub(crate) const ALLOCATION_INTERVAL: Duration = Duration::from_secs(1);

/// The media engine of one process: every room's participants, their
/// sessions, and what flows between them. See the crate docs for the loop
/// to drive it with.
pub struct Engine {
    pub(crate) factory: RtcFactory,
    pub(crate) rooms: BTreeMap<RoomKey, BTreeSet<ParticipantKey>>,
    pub(crate) participants: BTreeMap<ParticipantKey, Participant>,
    pub(crate) rates: Rates,
    pub(crate) throttle: KeyframeThrottle,
    /// str0m events waiting to be handled, drained from one Rtc at a time so
    /// that no Rtc is touched while its output is half polled.
    pub(crate) inbox: VecDeque<(ParticipantKey, str0m::Event)>,
    pub(crate) outbox: VecDeque<Output>,
    /// Participants whose outgoing m-lines may no longer match the room.
    pub(crate) replan: BTreeSet<ParticipantKey>,
    /// Participants whose layer choice may have to change.
    pub(crate) reallocate: BTreeSet<ParticipantKey>,
    /// Which participant last accepted packets from a remote address.
    by_source: HashMap<SocketAddr, ParticipantKey>,
    pub(crate) now: Instant,
    next_allocation: Instant,
}

impl Engine {
    /// Makes the process' DTLS certificate (once: every session presents it)
    /// and an empty engine.
    pub fn new(config: &MediaConfig, now: Instant) -> Result<Self, MediaError> {
        Ok(Self {
            factory: RtcFactory::new(config)?,
            rooms: BTreeMap::new(),
            participants: BTreeMap::new(),
            rates: Rates::default(),
            throttle: KeyframeThrottle::new(config.keyframe_interval),
            inbox: VecDeque::new(),
            outbox: VecDeque::new(),
            replan: BTreeSet::new(),
            reallocate: BTreeSet::new(),
            by_source: HashMap::new(),
            now,
            next_allocation: now + ALLOCATION_INTERVAL,
        })
    }

    /// Creates the participant's session in `room` (made on first use). It
    /// waits for the client's first offer ([`Engine::accept_offer`]).
    pub fn add_participant(
        &mut self,
        now: Instant,
        room: RoomKey,
        key: ParticipantKey,
    ) -> Result<(), MediaError> {
        self.advance(now);
        if self.participants.contains_key(&key) {
            return Err(MediaError::DuplicateParticipant(key));
        }

        let rtc = self.factory.build(self.now);
        let estimate = self.factory.initial_bitrate_bps();
        let participant = Participant::new(key, room, rtc, self.now, estimate);
        participant.span.in_scope(|| debug!("participant added"));
        self.participants.insert(key, participant);
        self.rooms.entry(room).or_default().insert(key);

        self.drain(key);
        self.settle();
        Ok(())
    }

    /// Removes the participant: its tracks stop reaching the others (whose
    /// m-lines for them are removed by renegotiation) and its session closes.
    pub fn remove_participant(
        &mut self,
        now: Instant,
        key: ParticipantKey,
    ) -> Result<(), MediaError> {
        self.advance(now);
        self.withdraw_all(key)?;

        let Some(mut participant) = self.participants.remove(&key) else {
            return Err(MediaError::UnknownParticipant(key));
        };
        if let Some(members) = self.rooms.get_mut(&participant.room) {
            members.remove(&key);
            if members.is_empty() {
                self.rooms.remove(&participant.room);
            }
        }
        self.by_source.retain(|_, k| *k != key);
        self.replan.remove(&key);
        self.reallocate.remove(&key);

        // Send the goodbyes (RTCP BYE, DTLS close_notify) the client would
        // otherwise wait seconds to notice; its events no longer matter.
        let _entered = participant.span.enter();
        if participant.rtc.close().is_ok() {
            while let Ok(output) = participant.rtc.poll_output() {
                match output {
                    str0m::Output::Transmit(t) => self.outbox.push_back(Output::Transmit(t.into())),
                    str0m::Output::Event(_) => {}
                    str0m::Output::Timeout(_) => break,
                }
            }
        }
        debug!("participant removed");
        drop(_entered);

        self.settle();
        Ok(())
    }

    /// Replaces the participant's session with a fresh one, for a client
    /// that made a new peer connection (after a reload or a failure). Its
    /// tracks are unpublished until its next offer publishes them again.
    pub fn reset_participant(
        &mut self,
        now: Instant,
        key: ParticipantKey,
    ) -> Result<(), MediaError> {
        self.advance(now);
        self.withdraw_all(key)?;

        let now = self.now;
        let rtc = self.factory.build(now);
        let estimate = self.factory.initial_bitrate_bps();
        let participant = self.participant_mut(key)?;
        let room = participant.room;
        *participant = Participant::new(key, room, rtc, now, estimate);
        self.by_source.retain(|_, k| *k != key);

        self.drain(key);
        self.settle();
        Ok(())
    }

    /// Feeds one received packet (a UDP datagram, or one RFC 4571 frame from
    /// an ICE-TCP connection). Returns whether a participant took it; stray
    /// packets are normal (late STUN, a removed participant's media).
    pub fn handle_receive(
        &mut self,
        now: Instant,
        proto: Protocol,
        source: SocketAddr,
        destination: SocketAddr,
        contents: &[u8],
    ) -> bool {
        self.advance(now);
        let receive = match Receive::new(proto, source, destination, contents) {
            Ok(receive) => receive,
            Err(e) => {
                trace!(error = %e, "unparseable packet");
                return false;
            }
        };
        let input = Input::Receive(self.now, receive);
        let Some(key) = self.route(&input, source) else {
            trace!("packet for no participant");
            return false;
        };

        if let Some(p) = self.participants.get_mut(&key) {
            let _entered = p.span.enter();
            if let Err(e) = p.rtc.handle_input(input) {
                // A bad packet is not a dead session; str0m disconnects
                // itself when it is, and drain notices.
                debug!(error = %e, "packet rejected");
            }
        }
        self.drain(key);
        self.settle();
        true
    }

    /// Runs the timers that are due at `now`.
    pub fn handle_timeout(&mut self, now: Instant) {
        self.advance(now);
        let due: Vec<ParticipantKey> = self
            .participants
            .iter()
            .filter(|(_, p)| p.next_timeout <= self.now)
            .map(|(k, _)| *k)
            .collect();

        for key in due {
            if let Some(p) = self.participants.get_mut(&key) {
                let _entered = p.span.enter();
                if let Err(e) = p.rtc.handle_input(Input::Timeout(self.now)) {
                    debug!(error = %e, "timeout failed");
                }
            }
            self.drain(key);
        }

        self.expire_layers();
        if self.now >= self.next_allocation {
            self.next_allocation = self.now + ALLOCATION_INTERVAL;
            self.reallocate.extend(self.participants.keys().copied());
        }
        self.settle();
    }

    /// The next thing to do. Call until it returns [`Output::Timeout`].
    pub fn poll_output(&mut self) -> Output {
        if let Some(output) = self.outbox.pop_front() {
            return output;
        }
        let sessions = self.participants.values().map(|p| p.next_timeout);
        let next = sessions
            .chain(self.rates.next_expiry())
            .fold(self.next_allocation, Instant::min);
        Output::Timeout(next)
    }

    /// The room the participant is in.
    pub fn room_of(&self, key: ParticipantKey) -> Option<RoomKey> {
        self.participants.get(&key).map(|p| p.room)
    }

    /// Whether the participant's media is connected (ICE and DTLS up).
    pub fn is_connected(&self, key: ParticipantKey) -> bool {
        self.participants
            .get(&key)
            .is_some_and(|p| p.is_connected())
    }

    /// The tracks published in a room, for a late joiner's first view.
    pub fn published_tracks(&self, room: RoomKey) -> Vec<TrackId> {
        let members = self.rooms.get(&room).into_iter().flatten();
        let publishers = members.filter_map(|k| Some((*k, self.participants.get(k)?)));
        publishers
            .flat_map(|(k, p)| {
                p.tracks
                    .published_kinds()
                    .map(move |kind| TrackId::new(k, kind))
            })
            .collect()
    }

    pub(crate) fn participant_mut(
        &mut self,
        key: ParticipantKey,
    ) -> Result<&mut Participant, MediaError> {
        self.participants
            .get_mut(&key)
            .ok_or(MediaError::UnknownParticipant(key))
    }

    /// The other participants in `key`'s room.
    pub(crate) fn room_peers(&self, key: ParticipantKey) -> Vec<ParticipantKey> {
        let room = self.participants.get(&key).map(|p| p.room);
        let members = room.and_then(|r| self.rooms.get(&r)).into_iter().flatten();
        members.copied().filter(|k| *k != key).collect()
    }

    pub(crate) fn emit(&mut self, event: MediaEvent) {
        self.outbox.push_back(Output::Event(event));
    }

    // Time only moves forward, whatever the caller's clock does.
    pub(crate) fn advance(&mut self, now: Instant) {
        self.now = self.now.max(now);
    }

    /// Unpublishes every track of `key`, for a removal or a reset.
    fn withdraw_all(&mut self, key: ParticipantKey) -> Result<(), MediaError> {
        let p = self.participant_mut(key)?;
        let span = p.span.clone();
        let _entered = span.enter();

        let kinds: Vec<TrackKind> = p.tracks.unpublish_all();
        for kind in kinds {
            self.withdraw(TrackId::new(key, kind));
        }
        self.rates.forget(key);
        self.throttle.forget(key);
        Ok(())
    }

    /// Finds the participant a packet belongs to: the one that last took
    /// packets from this address if it still does, else the first that
    /// accepts it (ICE credentials for STUN, the nominated pair otherwise).
    fn route(&mut self, input: &Input<'_>, source: SocketAddr) -> Option<ParticipantKey> {
        let usable = |p: &Participant| p.link != Link::Failed && p.rtc.accepts(input);

        if let Some(key) = self.by_source.get(&source)
            && self.participants.get(key).is_some_and(usable)
        {
            return Some(*key);
        }

        let (key, _) = self.participants.iter().find(|(_, p)| usable(p))?;
        self.by_source.insert(source, *key);
        Some(*key)
    }
}
