//! The meeting domain of anteroom.
//!
//! Everything here is plain data and pure decisions: teams and their API keys,
//! rooms and the meetings held in them, the users taking part, permalinks with
//! their hosts, the tokens that grant access, and the lifecycle that decides
//! when a meeting ends. Nothing in this crate performs IO or reads a clock;
//! callers pass the current time and a random source in.

pub mod ids;
pub mod lifecycle;
pub mod meeting;
pub mod options;
pub mod permalink;
pub mod team;
pub mod timestamp;

pub use ids::{
    AccessKey, ApiKeyId, GuestToken, MeetingId, ParticipantId, PermalinkId, RoomId, TeamId, UserId,
    UserToken, WebhookId,
};
pub use lifecycle::{EndReason, Lifecycle, Timeouts};
pub use meeting::{Meeting, Participant, Profile};
pub use options::{AudioInsert, RoomOptions, SfuMode};
pub use permalink::{Host, Permalink};
pub use team::{ApiKey, Team};
