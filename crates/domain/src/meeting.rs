//! Meetings and the people in them.

use time::OffsetDateTime;

use crate::ids::{
    AccessKey, GuestToken, MeetingId, ParticipantId, PermalinkId, RoomId, TeamId, UserId, UserToken,
};
use crate::lifecycle::EndReason;
use crate::options::RoomOptions;

/// Who someone is, as the API shows them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Profile {
    pub id: UserId,
    pub name: String,
    pub avatar: Option<String>,
}

/// Longest display name (D7).
pub const MAX_NAME_LEN: usize = 256;

/// Checks a display name (D7).
pub fn validate_name(name: &str) -> Result<(), &'static str> {
    if name.trim().is_empty() {
        return Err("must not be empty");
    }
    if name.chars().count() > MAX_NAME_LEN {
        return Err("must be at most 256 characters");
    }
    // Names are shown in the UI and written to logs; control characters
    // would only garble both.
    if name.chars().any(char::is_control) {
        return Err("must not contain control characters");
    }
    Ok(())
}

/// One run of a room, from its start to its end.
#[derive(Clone, Debug, PartialEq)]
pub struct Meeting {
    pub id: MeetingId,
    pub team_id: TeamId,
    pub room_id: RoomId,
    pub name: String,
    /// Fixed at the start; later changes to a permalink apply to the next
    /// meeting (D17).
    pub options: RoomOptions,
    pub guest_token: GuestToken,
    pub permalink_id: Option<PermalinkId>,
    pub started_at: OffsetDateTime,
    pub locked: bool,
    /// Whether any realtime connection was ever open; decides the grace
    /// period after a restart.
    pub ever_connected: bool,
    pub ended: Option<Ending>,
}

/// How a meeting ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ending {
    pub at: OffsetDateTime,
    pub reason: EndReason,
    /// The display name of whoever ended it, when a person did.
    pub by: Option<String>,
}

impl Meeting {
    /// Whether the meeting still runs.
    pub fn is_running(&self) -> bool {
        self.ended.is_none()
    }
}

/// A user's place in one meeting, reached by its access key.
#[derive(Clone, Debug, PartialEq)]
pub struct Participant {
    pub id: ParticipantId,
    pub access_key: AccessKey,
    pub meeting_id: MeetingId,
    pub user: Profile,
    pub guest: bool,
    pub joined_at: OffsetDateTime,
    /// The permalink host token this participant entered with, so that
    /// removing the host can close its sessions (D19).
    pub host_token: Option<UserToken>,
}
