//! Users and participants (spec 2.2).

use serde::Serialize;
use utoipa::ToSchema;

use anteroom_domain::timestamp::format_millis;
use anteroom_domain::{Meeting, Participant};

/// A user of a meeting.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct UserView {
    pub id: String,
    pub name: String,
    pub avatar: Option<String>,
    pub guest: bool,
    #[schema(example = "2025-03-13T15:50:21.347Z")]
    pub joined_at: String,
}

impl UserView {
    /// The view of a participant.
    pub fn of(participant: &Participant) -> Self {
        Self {
            id: participant.user.id.to_string(),
            name: participant.user.name.clone(),
            avatar: participant.user.avatar.clone(),
            guest: participant.guest,
            joined_at: format_millis(participant.joined_at),
        }
    }
}

/// A participant in a room's user list.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ParticipantView {
    pub id: String,
    pub room_id: String,
    pub name: String,
    pub avatar: Option<String>,
    pub guest: bool,
    pub online: bool,
}

impl ParticipantView {
    /// The view of a participant, online or not.
    pub fn of(meeting: &Meeting, participant: &Participant, online: bool) -> Self {
        Self {
            id: participant.user.id.to_string(),
            room_id: meeting.room_id.to_string(),
            name: participant.user.name.clone(),
            avatar: participant.user.avatar.clone(),
            guest: participant.guest,
            online,
        }
    }
}
