//! The room response (spec 2.1) and the room summary.

use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use anteroom_domain::timestamp::format_millis;
use anteroom_domain::{Meeting, Participant, Team};

use super::TeamView;
use super::options::OptionsView;
use crate::config::ApiConfig;

/// A room as lists, webhooks and the observer show it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct RoomView {
    #[schema(example = "67d2febd7a286f59a7643884")]
    pub id: String,
    pub name: String,
    pub ready: bool,
    #[schema(example = "2025-03-13T15:50:21.347Z")]
    pub started_at: String,
    pub shutdown: bool,
    pub guest_token: String,
}

impl RoomView {
    /// The summary of one meeting.
    pub fn of(meeting: &Meeting) -> Self {
        Self {
            id: meeting.room_id.to_string(),
            name: meeting.name.clone(),
            ready: meeting.is_running(),
            started_at: format_millis(meeting.started_at),
            shutdown: !meeting.is_running(),
            guest_token: meeting.guest_token.to_string(),
        }
    }
}

/// A user as the room response shows them.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct RoomUserView {
    pub id: String,
    pub room_id: String,
    pub name: String,
    pub avatar: Option<String>,
    pub guest: bool,
    pub blocked: bool,
    pub ready: bool,
}

/// Links of a room response (D2).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct RoomLinks {
    #[serde(rename = "self")]
    pub self_: String,
    pub gui: String,
    /// Null when guest access is switched off for this meeting.
    pub guest_join: Option<String>,
    pub websocket: String,
}

/// How the participant's client reaches the realtime side.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Signaling {
    #[serde(rename = "type")]
    #[schema(example = "anteroom")]
    pub kind: String,
    pub options: SignalingOptions,
}

/// Where and as whom the participant's client connects to the realtime
/// side. anteroom speaks its own protocol there (`docs/realtime.md`), not
/// Eyeson's SEPP; the fields that SEPP clients type as strings and lists
/// are present so that their decoders accept the response.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SignalingOptions {
    /// This participant's id.
    pub client_id: String,
    /// The meeting's id.
    pub conf_id: String,
    /// The realtime WebSocket; the client adds `?access_key=<access_key>`.
    pub endpoint: String,
    /// STUN servers for the browser; empty, since the server has a public
    /// address of its own.
    pub stun_servers: Vec<String>,
    /// TURN servers; empty, since ICE over TCP covers networks without UDP.
    #[schema(value_type = Vec<Object>)]
    pub turn_servers: Vec<serde_json::Value>,
}

/// What a participant gets on joining (spec 2.1).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct RoomResponse {
    pub access_key: String,
    pub ready: bool,
    pub locked: bool,
    pub room: RoomView,
    pub team: TeamView,
    pub user: RoomUserView,
    pub links: RoomLinks,
    pub options: OptionsView,
    #[schema(value_type = Vec<Object>)]
    pub playbacks: Vec<Value>,
    #[schema(value_type = Option<Object>)]
    pub presentation: Option<Value>,
    #[schema(value_type = Vec<Object>)]
    pub broadcasts: Vec<Value>,
    #[schema(value_type = Option<Object>)]
    pub recording: Option<Value>,
    #[schema(value_type = Vec<Object>)]
    pub snapshots: Vec<Value>,
    pub signaling: Signaling,
}

impl RoomResponse {
    /// The response for one participant of one meeting.
    pub fn new(config: &ApiConfig, team: &Team, meeting: &Meeting, who: &Participant) -> Self {
        let room = RoomView::of(meeting);
        let key = who.access_key.as_str();
        let guest_join = meeting.options.guest_token_available.then(|| {
            let token = meeting.guest_token.as_str();
            match meeting.permalink_id {
                Some(_) => format!("{}/permalink?guest={token}", config.app_url),
                None => format!("{}/?guest={token}", config.app_url),
            }
        });
        Self {
            access_key: key.to_owned(),
            ready: room.ready,
            locked: meeting.locked,
            user: RoomUserView {
                id: who.user.id.to_string(),
                room_id: meeting.room_id.to_string(),
                name: who.user.name.clone(),
                avatar: who.user.avatar.clone(),
                guest: who.guest,
                blocked: false,
                ready: room.ready,
            },
            room,
            team: TeamView {
                name: team.name.clone(),
            },
            links: RoomLinks {
                self_: format!("{}/rooms/{key}", config.api_url),
                gui: format!("{}/?{key}", config.app_url),
                guest_join,
                websocket: format!("{}/rt?access_key={key}", config.websocket_base()),
            },
            options: OptionsView::from(&meeting.options),
            playbacks: Vec::new(),
            presentation: None,
            broadcasts: Vec::new(),
            recording: None,
            snapshots: Vec::new(),
            signaling: Signaling {
                kind: String::from("anteroom"),
                options: SignalingOptions {
                    client_id: who.id.to_string(),
                    conf_id: meeting.id.to_string(),
                    endpoint: format!("{}/realtime", config.websocket_base()),
                    stun_servers: Vec::new(),
                    turn_servers: Vec::new(),
                },
            },
        }
    }
}
