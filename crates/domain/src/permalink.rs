//! Permalinks: stored meeting definitions with permanent links.

use time::OffsetDateTime;

use crate::ids::{GuestToken, PermalinkId, TeamId, UserToken};
use crate::meeting::Profile;
use crate::options::RoomOptions;

/// A permalink: name, options and guest token that outlive its meetings.
#[derive(Clone, Debug, PartialEq)]
pub struct Permalink {
    pub id: PermalinkId,
    pub team_id: TeamId,
    pub name: String,
    pub options: RoomOptions,
    pub guest_token: GuestToken,
    pub created_at: OffsetDateTime,
    pub expires_at: Option<OffsetDateTime>,
}

impl Permalink {
    /// Whether new meetings can no longer be started (D16).
    pub fn is_expired(&self, now: OffsetDateTime) -> bool {
        self.expires_at.is_some_and(|at| at <= now)
    }
}

/// A host of a permalink, holding a user token.
#[derive(Clone, Debug, PartialEq)]
pub struct Host {
    pub user_token: UserToken,
    pub permalink_id: PermalinkId,
    pub user: Profile,
    pub created_at: OffsetDateTime,
}
