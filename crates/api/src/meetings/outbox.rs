//! Webhook events of meeting changes, written to the store's outbox in the
//! same transaction as the change.
//!
//! Starts, ends and connections happen under the write lock and carry their
//! events into their own store call. Two kinds of change happen outside it,
//! in synchronous hooks: a connection closing ([`Meetings::disconnected`])
//! and guests opening or closing a waiting page
//! ([`Meetings::waiting_started`]). Those are queued here at the moment they
//! happen, and written in that order before any later change under the
//! lock, or by the flusher task ([`Meetings::run_outbox_flusher`]). That
//! keeps each room's events in the order they happened.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use time::OffsetDateTime;
use tokio::sync::Notify;

use anteroom_domain::meeting::Ending;
use anteroom_domain::{Meeting, MeetingId, ParticipantId, Permalink, PermalinkId};
use anteroom_store::{OutboxEvent, StoreError};

use super::Meetings;
use super::live::PresenceChange;
use crate::webhooks::payload;

/// A change made outside the write lock whose events are still to write.
#[derive(Debug)]
pub(super) enum Deferred {
    /// A participant's last connection closed.
    Offline {
        meeting: MeetingId,
        participant: ParticipantId,
        at: OffsetDateTime,
    },
    /// Events with no stored change (guests waiting).
    Events(Vec<OutboxEvent>),
}

/// Guests on one permalink's waiting page.
#[derive(Clone, Copy, Debug)]
struct Waiting {
    count: u32,
    since: OffsetDateTime,
}

/// The queue of deferred changes and the waiting counters.
#[derive(Debug, Default)]
pub(super) struct OutboxState {
    deferred: Mutex<VecDeque<Deferred>>,
    waiting: Mutex<HashMap<PermalinkId, Waiting>>,
    /// Deferred changes wait to be written.
    pending: Notify,
    /// Outbox rows were committed; the webhook sender listens.
    committed: Arc<Notify>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Meetings {
    /// Wakes whoever delivers webhooks whenever outbox rows are committed.
    pub fn outbox_committed(&self) -> Arc<Notify> {
        self.outbox.committed.clone()
    }

    pub(super) fn notify_committed(&self) {
        self.outbox.committed.notify_one();
    }

    fn defer(&self, item: Deferred) {
        lock(&self.outbox.deferred).push_back(item);
        self.outbox.pending.notify_one();
    }

    /// Queues the offline event of a closed connection. Called while the
    /// live state is locked, so the queue has the order of the changes.
    pub(super) fn defer_offline(
        &self,
        meeting: &MeetingId,
        change: &PresenceChange,
        at: OffsetDateTime,
    ) {
        self.defer(Deferred::Offline {
            meeting: meeting.clone(),
            participant: change.participant.clone(),
            at,
        });
    }

    /// Takes everything queued so far.
    pub(super) fn take_deferred(&self) -> Vec<Deferred> {
        lock(&self.outbox.deferred).drain(..).collect()
    }

    /// Writes deferred changes in order, each in its own transaction. Must
    /// run under the write lock. What a failure leaves unwritten goes back
    /// to the front of the queue.
    pub(super) async fn write_deferred(&self, items: Vec<Deferred>) -> Result<(), StoreError> {
        let mut items = VecDeque::from(items);
        while let Some(item) = items.pop_front() {
            if let Err(error) = self.write_one(&item).await {
                let mut queue = lock(&self.outbox.deferred);
                items.push_front(item);
                for item in items.into_iter().rev() {
                    queue.push_front(item);
                }
                return Err(error);
            }
        }
        Ok(())
    }

    async fn write_one(&self, item: &Deferred) -> Result<(), StoreError> {
        match item {
            Deferred::Offline {
                meeting,
                participant,
                at,
            } => {
                let Some(meeting) = self.store.find_meeting(meeting).await? else {
                    return Ok(());
                };
                let who = self.store.list_participants(&meeting.id).await?;
                let Some(who) = who.iter().find(|p| &p.id == participant) else {
                    return Ok(());
                };
                let event = payload::participant_update(&meeting, who, false, *at);
                if self.store.mark_disconnected(participant, &[event]).await? {
                    self.notify_committed();
                }
            }
            Deferred::Events(events) => {
                self.store.enqueue(events).await?;
                self.notify_committed();
            }
        }
        Ok(())
    }

    /// Writes what is queued. Must run under the write lock.
    pub(super) async fn flush_locked(&self) -> Result<(), StoreError> {
        let items = self.take_deferred();
        self.write_deferred(items).await
    }

    /// Writes what is queued now.
    pub async fn flush_outbox(&self) -> Result<(), StoreError> {
        let _write = self.write.lock().await;
        self.flush_locked().await
    }

    /// Writes deferred changes as they come; runs until the process ends.
    pub async fn run_outbox_flusher(self: Arc<Self>) {
        loop {
            self.outbox.pending.notified().await;
            if let Err(error) = self.flush_outbox().await {
                tracing::error!(%error, "writing webhook events failed; trying again");
                tokio::time::sleep(Duration::from_secs(1)).await;
                self.outbox.pending.notify_one();
            }
        }
    }

    /// The events of a meeting's end: everyone still online goes offline,
    /// then the room shuts down. Must run under the write lock.
    pub(super) async fn end_events(
        &self,
        meeting: &Meeting,
        ending: &Ending,
    ) -> Result<Vec<OutboxEvent>, StoreError> {
        self.flush_locked().await?;
        let mut ended = meeting.clone();
        ended.ended = Some(ending.clone());
        let online = self.store.online_participants(Some(&meeting.id)).await?;
        let mut events: Vec<_> = online
            .iter()
            .map(|p| payload::participant_update(&ended, p, false, ending.at))
            .collect();
        events.push(payload::room_update(&ended, ending.at));
        Ok(events)
    }

    /// After a restart nobody is connected: whoever was marked online goes
    /// offline, with its event.
    pub(super) async fn clear_stale_presence(&self) -> Result<usize, StoreError> {
        let now = self.clock.now();
        let stale = self.store.online_participants(None).await?;
        for participant in &stale {
            let Some(meeting) = self.store.find_meeting(&participant.meeting_id).await? else {
                continue;
            };
            let event = payload::participant_update(&meeting, participant, false, now);
            self.store
                .mark_disconnected(&participant.id, &[event])
                .await?;
        }
        if !stale.is_empty() {
            self.notify_committed();
        }
        Ok(stale.len())
    }

    /// A guest opened the waiting page of a permalink: the realtime side
    /// calls this when a `/permalink/<guest_token>/events` stream opens,
    /// and [`Meetings::waiting_ended`] when it closes.
    pub fn waiting_started(&self, permalink: &Permalink) {
        let now = self.clock.now();
        let mut waiting = lock(&self.outbox.waiting);
        let entry = waiting.entry(permalink.id.clone()).or_insert(Waiting {
            count: 0,
            since: now,
        });
        entry.count += 1;
        let event = payload::waiting_update(permalink, entry.count, Some(entry.since), now);
        self.defer(Deferred::Events(vec![event]));
    }

    /// A guest's waiting page closed (see [`Meetings::waiting_started`]).
    pub fn waiting_ended(&self, permalink: &Permalink) {
        let now = self.clock.now();
        let mut waiting = lock(&self.outbox.waiting);
        let Some(entry) = waiting.get_mut(&permalink.id) else {
            return;
        };
        entry.count -= 1;
        let (count, since) = (entry.count, entry.since);
        if count == 0 {
            waiting.remove(&permalink.id);
        }
        let since = (count > 0).then_some(since);
        let event = payload::waiting_update(permalink, count, since, now);
        self.defer(Deferred::Events(vec![event]));
    }

    /// How many guests wait on a permalink, and since when.
    pub fn waiting(&self, permalink: &PermalinkId) -> Option<(u32, OffsetDateTime)> {
        let waiting = lock(&self.outbox.waiting);
        waiting.get(permalink).map(|w| (w.count, w.since))
    }
}

/// Counts one guest as waiting for as long as it lives: the waiting page
/// stream holds one while it is open.
pub struct WaitingGuest {
    meetings: Arc<Meetings>,
    permalink: Permalink,
}

impl WaitingGuest {
    /// Starts counting a guest on this permalink's waiting page.
    pub fn new(meetings: Arc<Meetings>, permalink: Permalink) -> Self {
        meetings.waiting_started(&permalink);
        Self {
            meetings,
            permalink,
        }
    }
}

impl Drop for WaitingGuest {
    fn drop(&mut self) {
        self.meetings.waiting_ended(&self.permalink);
    }
}
