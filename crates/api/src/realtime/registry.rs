//! The live connections of every meeting: one [`Roster`] per meeting with
//! the outbox of each open connection, and the carrying out of what the
//! roster decides.
//!
//! The lock is held only to decide and to queue messages, never across an
//! await. A connection whose outbox is full is too slow to follow the
//! meeting: it is detached as if it had dropped, so its client reconnects
//! and gets a fresh `welcome`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;

use anteroom_domain::{AccessKey, MeetingId, ParticipantId};

use super::forward;
use super::protocol::ParticipantInfo;
use super::roster::{Effects, Opened, Outbound, Roster, SessionId};
use crate::state::AppState;

/// How many messages may wait for a slow connection.
pub const OUTBOX_CAPACITY: usize = 512;

/// One meeting with open or dropped connections.
struct Room {
    roster: Roster,
    outboxes: HashMap<SessionId, mpsc::Sender<Outbound>>,
    /// Dropped with the room, which stops the meeting's forwarder.
    _forwarder: oneshot::Sender<()>,
}

/// Every meeting's live connections.
#[derive(Default)]
pub struct Sessions {
    rooms: Mutex<HashMap<MeetingId, Room>>,
    next_session: AtomicU64,
}

impl std::fmt::Debug for Sessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sessions").finish_non_exhaustive()
    }
}

impl Sessions {
    fn rooms(&self) -> MutexGuard<'_, HashMap<MeetingId, Room>> {
        self.rooms.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A fresh session id.
    pub fn next_id(&self) -> SessionId {
        SessionId(self.next_session.fetch_add(1, Ordering::Relaxed))
    }

    /// Whether a participant is in the meeting and the media engine has
    /// reported its media up.
    pub fn is_media_ready(&self, meeting: &MeetingId, participant: &ParticipantId) -> bool {
        self.rooms()
            .get(meeting)
            .is_some_and(|room| room.roster.is_media_ready(participant))
    }

    /// Runs a query on a meeting's roster, if it has one.
    pub fn inspect<R>(
        &self,
        meeting: &MeetingId,
        query: impl FnOnce(&mut Roster) -> R,
    ) -> Option<R> {
        self.rooms()
            .get_mut(meeting)
            .map(|room| query(&mut room.roster))
    }
}

/// A connection with `key` opened: registers its outbox and tells the
/// others. The meeting's forwarder starts with its first connection, and
/// subscribes to the hub before anyone checks that the meeting still runs,
/// so an end in between is never missed.
pub fn open(
    state: &AppState,
    meeting: &MeetingId,
    key: &AccessKey,
    fresh: ParticipantInfo,
    session: SessionId,
    outbox: mpsc::Sender<Outbound>,
) -> (bool, Vec<ParticipantInfo>) {
    let mut rooms = state.realtime.rooms();
    let room = rooms.entry(meeting.clone()).or_insert_with(|| {
        let events = state.meetings.hub().subscribe(meeting);
        let (stop, stopped) = oneshot::channel();
        tokio::spawn(forward::run(
            state.clone(),
            meeting.clone(),
            events,
            stopped,
        ));
        Room {
            roster: Roster::default(),
            outboxes: HashMap::new(),
            _forwarder: stop,
        }
    });
    room.outboxes.insert(session, outbox);
    let Opened {
        resumed,
        others,
        effects,
    } = room.roster.open(key, fresh, session, Instant::now());
    let effects = deliver(state, room, effects);
    drop(rooms);
    follow_up(state, meeting, effects);
    (resumed, others)
}

/// Runs a change on a meeting's roster and carries out its effects.
/// Nothing happens if the meeting has no live connections.
pub fn apply(state: &AppState, meeting: &MeetingId, change: impl FnOnce(&mut Roster) -> Effects) {
    let mut rooms = state.realtime.rooms();
    let Some(room) = rooms.get_mut(meeting) else {
        return;
    };
    let effects = change(&mut room.roster);
    let effects = deliver(state, room, effects);
    if room.roster.is_empty() {
        rooms.remove(meeting);
    }
    drop(rooms);
    follow_up(state, meeting, effects);
}

/// A connection ended on the client's side (or was detached): its
/// participant gets the grace period, unless it already left.
pub fn finished(state: &AppState, meeting: &MeetingId, session: SessionId) {
    let grace = state.config.realtime.grace;
    let mut rooms = state.realtime.rooms();
    if let Some(room) = rooms.get_mut(meeting) {
        room.outboxes.remove(&session);
    }
    drop(rooms);
    apply(state, meeting, |roster| {
        roster.drop_session(session, Instant::now(), grace)
    });
}

/// Queues the messages; returns what is left to do outside the lock. A
/// connection that cannot take a message is detached and given the grace
/// period, which may in turn produce messages for others.
fn deliver(state: &AppState, room: &mut Room, mut effects: Effects) -> Effects {
    let grace = state.config.realtime.grace;
    let mut rest = Effects::default();
    loop {
        let sends = std::mem::take(&mut effects.sends);
        rest.merge(std::mem::take(&mut effects));
        let mut stalled = Vec::new();
        for (session, out) in sends {
            let Some(outbox) = room.outboxes.get(&session) else {
                continue;
            };
            let closing = matches!(out, Outbound::Close(_));
            if outbox.try_send(out).is_err() && !closing {
                tracing::warn!(session = session.0, "connection too slow; detached");
                stalled.push(session);
            }
            if closing {
                // Nothing more goes to a connection told to close.
                room.outboxes.remove(&session);
            }
        }
        if stalled.is_empty() {
            return rest;
        }
        for session in stalled {
            // Dropping the outbox ends the connection's task once it has
            // written what is queued.
            room.outboxes.remove(&session);
            effects.merge(room.roster.drop_session(session, Instant::now(), grace));
        }
    }
}

/// What cannot be done under the lock: media goodbyes, and the timer that
/// ends a grace period.
fn follow_up(state: &AppState, meeting: &MeetingId, effects: Effects) {
    for participant in effects.gone {
        let media = state.media.clone();
        tokio::spawn(async move { media.leave(&participant).await });
    }
    if let Some(at) = effects.expire_at {
        let state = state.clone();
        let meeting = meeting.clone();
        tokio::spawn(async move {
            tokio::time::sleep_until(at).await;
            apply(&state, &meeting, |roster| roster.expire(Instant::now()));
        });
    }
}
