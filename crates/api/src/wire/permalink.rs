//! The permalink object (spec 2.4), its list, and the meeting info (D15).

use serde::Serialize;
use utoipa::ToSchema;

use anteroom_domain::timestamp::format_millis;
use anteroom_domain::{Host, Meeting, Permalink, Team};

use super::TeamView;
use super::options::OptionsView;
use crate::config::ApiConfig;

/// The permalink's own fields.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PermalinkInfo {
    pub id: String,
    pub created_at: String,
    /// The host token this response is about; null once no host is left.
    pub user_token: Option<String>,
    pub guest_token: String,
    pub expires_at: Option<String>,
}

/// The permalink's room: `started_at` is null while no meeting runs.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PermalinkRoom {
    pub id: String,
    pub name: String,
    pub started_at: Option<String>,
}

/// The host this response is about.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct HostView {
    pub id: String,
    pub name: String,
    pub avatar: Option<String>,
    pub guest: bool,
    pub joined_at: String,
}

/// Links of a permalink (D2).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PermalinkLinks {
    #[serde(rename = "self")]
    pub self_: String,
    /// The host link; null once no host is left.
    pub gui: Option<String>,
    pub guest_join: String,
}

/// A permalink as its team sees it (spec 2.4).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PermalinkResponse {
    pub permalink: PermalinkInfo,
    pub room: PermalinkRoom,
    pub team: TeamView,
    pub user: Option<HostView>,
    pub options: OptionsView,
    pub links: PermalinkLinks,
}

impl PermalinkResponse {
    /// The view of a permalink for one of its hosts, with its running
    /// meeting if there is one.
    pub fn new(
        config: &ApiConfig,
        team: &Team,
        permalink: &Permalink,
        host: Option<&Host>,
        running: Option<&Meeting>,
    ) -> Self {
        let guest = permalink.guest_token.as_str();
        Self {
            permalink: PermalinkInfo {
                id: permalink.id.to_string(),
                created_at: format_millis(permalink.created_at),
                user_token: host.map(|h| h.user_token.to_string()),
                guest_token: guest.to_owned(),
                expires_at: permalink.expires_at.map(format_millis),
            },
            room: PermalinkRoom {
                id: permalink.id.to_string(),
                name: permalink.name.clone(),
                started_at: running.map(|m| format_millis(m.started_at)),
            },
            team: TeamView {
                name: team.name.clone(),
            },
            user: host.map(|h| HostView {
                id: h.user.id.to_string(),
                name: h.user.name.clone(),
                avatar: h.user.avatar.clone(),
                guest: false,
                joined_at: format_millis(h.created_at),
            }),
            options: OptionsView::from(&permalink.options),
            links: PermalinkLinks {
                self_: format!("{}/permalink/{}", config.api_url, permalink.id),
                gui: host.map(|h| format!("{}/permalink?{}", config.app_url, h.user_token)),
                guest_join: format!("{}/permalink?guest={guest}", config.app_url),
            },
        }
    }
}

/// One page of permalinks.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PermalinkList {
    pub page: u32,
    pub limit: u32,
    pub total: u64,
    pub items: Vec<PermalinkResponse>,
}

/// The permalink part of meeting info.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct InfoPermalink {
    pub id: String,
    pub created_at: String,
    pub expires_at: Option<String>,
}

/// The room part of meeting info.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct InfoRoom {
    pub id: String,
    pub name: String,
    pub started_at: Option<String>,
    pub ready: bool,
}

/// The host a user token belongs to, in meeting info.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct InfoUser {
    pub id: String,
    pub name: String,
}

/// What anyone holding a host or guest token may know (D15). It never
/// carries a token.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct MeetingInfo {
    pub permalink: InfoPermalink,
    pub room: InfoRoom,
    pub options: OptionsView,
    /// The host whose user token was asked with, so a host link can greet
    /// its host by name. Left out, not null, for the guest token, whose
    /// answer stays exactly as D15 has it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub user: Option<InfoUser>,
}

impl MeetingInfo {
    /// The info of a permalink and its running meeting, if any, for the
    /// host whose token was used (none for the guest token). While a
    /// meeting runs its name and options are the ones it started with.
    pub fn new(permalink: &Permalink, host: Option<&Host>, running: Option<&Meeting>) -> Self {
        let (name, options) = match running {
            Some(meeting) => (&meeting.name, &meeting.options),
            None => (&permalink.name, &permalink.options),
        };
        Self {
            permalink: InfoPermalink {
                id: permalink.id.to_string(),
                created_at: format_millis(permalink.created_at),
                expires_at: permalink.expires_at.map(format_millis),
            },
            room: InfoRoom {
                id: permalink.id.to_string(),
                name: name.clone(),
                started_at: running.map(|m| format_millis(m.started_at)),
                ready: running.is_some(),
            },
            options: OptionsView::from(options),
            user: host.map(|host| InfoUser {
                id: host.user.id.to_string(),
                name: host.user.name.clone(),
            }),
        }
    }
}
