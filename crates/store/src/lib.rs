//! Persistence for anteroom.
//!
//! Everything the server must remember across restarts sits behind the
//! [`Store`] trait: teams and API keys, permalinks and their hosts, meetings
//! and their participants. [`SqliteStore`] is the embedded default; its
//! migrations are compiled into the binary. Another backend implements the
//! same trait with its own SQL and migration folder, and nothing above this
//! crate changes.
//!
//! The trait is deliberately plain reads and writes. The HTTP layer
//! serialises changes to meetings itself, so the store needs no
//! multi-statement transactions beyond the ones it runs internally; the
//! calls that change a meeting take the webhook outbox rows to write in
//! the same transaction ([`WebhookStore`]).

mod error;
mod sqlite;
mod webhooks;

use async_trait::async_trait;
use time::OffsetDateTime;

use anteroom_domain::meeting::Ending;
use anteroom_domain::{
    AccessKey, ApiKey, ApiKeyId, GuestToken, Host, Meeting, MeetingId, Participant, ParticipantId,
    Permalink, PermalinkId, RoomId, Team, TeamId, UserToken,
};

pub use error::StoreError;
pub use sqlite::SqliteStore;
pub use webhooks::{Attempt, AttemptOutcome, Delivery, OutboxEvent, Webhook, WebhookStore};

/// Shorthand for store results.
pub type Result<T> = std::result::Result<T, StoreError>;

/// Which permalinks a listing returns, by expiry (spec 3.3 #2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExpiryFilter {
    All,
    OnlyExpired,
    OnlyActive,
}

/// One page of a listing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageRequest {
    pub limit: u32,
    pub offset: u64,
}

/// Everything anteroom keeps.
pub trait Store:
    TeamStore + PermalinkStore + MeetingStore + WebhookStore + Send + Sync + 'static
{
}

impl<T: TeamStore + PermalinkStore + MeetingStore + WebhookStore + Send + Sync + 'static> Store
    for T
{
}

/// Teams and their API keys.
#[async_trait]
pub trait TeamStore {
    /// Adds a team.
    async fn insert_team(&self, team: &Team) -> Result<()>;
    /// Whether any team exists yet.
    async fn has_teams(&self) -> Result<bool>;
    /// Adds an API key.
    async fn insert_api_key(&self, key: &ApiKey) -> Result<()>;
    /// The live key with this hash and its team.
    async fn find_api_key(&self, hash: &str) -> Result<Option<(ApiKey, Team)>>;
    /// Every key with its team, oldest first.
    async fn list_api_keys(&self) -> Result<Vec<(ApiKey, Team)>>;
    /// Marks a key revoked; false if no live key has that id.
    async fn revoke_api_key(&self, id: &ApiKeyId, at: OffsetDateTime) -> Result<bool>;
    /// A team by id.
    async fn find_team(&self, id: &TeamId) -> Result<Option<Team>>;
    /// A team by name.
    async fn find_team_by_name(&self, name: &str) -> Result<Option<Team>>;
}

/// Permalinks and their hosts.
#[async_trait]
pub trait PermalinkStore {
    /// Adds a permalink with its first host.
    async fn insert_permalink(&self, permalink: &Permalink, host: &Host) -> Result<()>;
    /// A permalink of a team.
    async fn find_permalink(&self, team: &TeamId, id: &PermalinkId) -> Result<Option<Permalink>>;
    /// The permalink holding this guest token.
    async fn find_permalink_by_guest_token(&self, token: &GuestToken) -> Result<Option<Permalink>>;
    /// The host holding this user token, with its permalink.
    async fn find_host(&self, token: &UserToken) -> Result<Option<(Host, Permalink)>>;
    /// The hosts of a permalink, oldest first.
    async fn list_hosts(&self, id: &PermalinkId) -> Result<Vec<Host>>;
    /// Stores a changed name, options or expiry.
    async fn update_permalink(&self, permalink: &Permalink) -> Result<()>;
    /// Deletes a permalink and its hosts; false if there was none.
    async fn delete_permalink(&self, team: &TeamId, id: &PermalinkId) -> Result<bool>;
    /// A page of a team's permalinks, newest first, and the total count.
    async fn list_permalinks(
        &self,
        team: &TeamId,
        filter: ExpiryFilter,
        now: OffsetDateTime,
        page: PageRequest,
    ) -> Result<(Vec<Permalink>, u64)>;
    /// Adds a host to a permalink.
    async fn insert_host(&self, host: &Host) -> Result<()>;
    /// Removes a host; false if the permalink has no such host.
    async fn delete_host(&self, id: &PermalinkId, token: &UserToken) -> Result<bool>;
}

/// Meetings and their participants.
#[async_trait]
pub trait MeetingStore {
    /// Adds a meeting and writes its webhook events in the same
    /// transaction. Fails if the room already has a running meeting.
    async fn insert_meeting(&self, meeting: &Meeting, outbox: &[OutboxEvent]) -> Result<()>;
    /// A meeting by id.
    async fn find_meeting(&self, id: &MeetingId) -> Result<Option<Meeting>>;
    /// The running meeting of a room.
    async fn running_meeting(&self, team: &TeamId, room: &RoomId) -> Result<Option<Meeting>>;
    /// The newest meeting of a room, running or not.
    async fn latest_meeting(&self, team: &TeamId, room: &RoomId) -> Result<Option<Meeting>>;
    /// The newest meeting that was given this guest token.
    async fn find_meeting_by_guest_token(&self, token: &GuestToken) -> Result<Option<Meeting>>;
    /// Every running meeting of a team, or of all teams.
    async fn running_meetings(&self, team: Option<&TeamId>) -> Result<Vec<Meeting>>;
    /// Marks a meeting ended and its participants offline, and writes the
    /// webhook events in the same transaction.
    async fn end_meeting(
        &self,
        id: &MeetingId,
        ending: &Ending,
        outbox: &[OutboxEvent],
    ) -> Result<()>;
    /// Locks a meeting.
    async fn lock_meeting(&self, id: &MeetingId) -> Result<()>;
    /// Records that a participant connected to a meeting, and writes the
    /// webhook events in the same transaction.
    async fn mark_connected(
        &self,
        id: &MeetingId,
        participant: &ParticipantId,
        outbox: &[OutboxEvent],
    ) -> Result<()>;

    /// Adds a participant.
    async fn insert_participant(&self, participant: &Participant) -> Result<()>;
    /// The participant holding this access key, with its meeting.
    async fn find_participant(&self, key: &AccessKey) -> Result<Option<(Participant, Meeting)>>;
    /// Every participant of a meeting, in joining order.
    async fn list_participants(&self, meeting: &MeetingId) -> Result<Vec<Participant>>;
}
