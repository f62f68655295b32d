//! Webhooks and their outbox.
//!
//! A webhook event is written as outbox rows in the same transaction as the
//! change that caused it: the calls of [`crate::MeetingStore`] that start
//! or end a meeting or mark someone connected take the rows to write. The
//! store fans each event out to every live webhook of the team that asked
//! for its type. A sender reads the head of each (webhook, room) queue with
//! [`WebhookStore::next_deliveries`] and reports every attempt back.

use async_trait::async_trait;
use time::OffsetDateTime;

use anteroom_domain::{ApiKeyId, MeetingId, Participant, ParticipantId, RoomId, TeamId, WebhookId};

use crate::Result;

/// A registered webhook (spec 3.13).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Webhook {
    pub id: WebhookId,
    pub team_id: TeamId,
    /// The key that registered it; each key has at most one webhook.
    pub api_key_id: ApiKeyId,
    pub url: String,
    /// Event types, in the order they were given.
    pub types: Vec<String>,
    /// What signs deliveries; opaque to the store.
    pub signing_key: Vec<u8>,
    pub created_at: OffsetDateTime,
    pub last_request_sent_at: Option<OffsetDateTime>,
    pub last_response_code: Option<u16>,
}

/// One event for the webhooks of a team.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutboxEvent {
    pub team_id: TeamId,
    /// Events of one room are delivered in the order they were written.
    pub room_id: RoomId,
    /// The webhook type, such as `room_update`.
    pub kind: String,
    /// The exact JSON body to send.
    pub body: String,
    pub created_at: OffsetDateTime,
}

/// The next undelivered event of one (webhook, room) queue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
    /// Position in the outbox; stable across attempts and restarts.
    pub seq: i64,
    pub webhook_id: WebhookId,
    pub room_id: RoomId,
    pub url: String,
    pub signing_key: Vec<u8>,
    pub kind: String,
    pub body: String,
    /// Failed attempts so far.
    pub attempts: u32,
}

/// What became of one delivery attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttemptOutcome {
    /// The receiver accepted it; the row goes.
    Delivered,
    /// It failed and will be tried again.
    Retry,
    /// It failed for the last time; the row goes.
    GaveUp,
}

/// One delivery attempt, as the sender reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attempt {
    pub seq: i64,
    pub webhook_id: WebhookId,
    /// When a request went out; none if none could be sent.
    pub sent_at: Option<OffsetDateTime>,
    /// The receiver's status code, if it answered.
    pub response_code: Option<u16>,
    pub outcome: AttemptOutcome,
}

/// Webhooks, their outbox, and the presence mirror that keeps online and
/// offline events paired.
#[async_trait]
pub trait WebhookStore {
    /// Registers a webhook, replacing the key's earlier one and dropping
    /// what was still queued for it.
    async fn put_webhook(&self, webhook: &Webhook) -> Result<()>;
    /// The webhook registered with this key.
    async fn find_webhook(&self, key: &ApiKeyId) -> Result<Option<Webhook>>;
    /// Deletes a team's webhook and its queue; false if there was none.
    async fn delete_webhook(&self, team: &TeamId, id: &WebhookId) -> Result<bool>;

    /// Writes events that no stored change goes with (guests waiting).
    async fn enqueue(&self, outbox: &[OutboxEvent]) -> Result<()>;
    /// Marks a participant offline and, if it was online, writes the
    /// events in the same transaction. Returns whether it was online.
    async fn mark_disconnected(
        &self,
        participant: &ParticipantId,
        outbox: &[OutboxEvent],
    ) -> Result<bool>;
    /// Participants marked online, of one meeting or of all.
    async fn online_participants(&self, meeting: Option<&MeetingId>) -> Result<Vec<Participant>>;

    /// The oldest undelivered event of every (webhook, room) queue.
    async fn next_deliveries(&self) -> Result<Vec<Delivery>>;
    /// Records an attempt on the webhook, and removes or keeps the row.
    async fn record_attempt(&self, attempt: &Attempt) -> Result<()>;
}
