//! `/rt`: the meeting observer (spec 7) and the ActionCable view of one
//! participant (`links.websocket`, spec 8.2), in the ActionCable JSON
//! protocol.
//!
//! `/rt?room_id=<room_id>` observes the running meeting of a room of the
//! caller's team, authorised by the API key in the `Authorization` header,
//! the `api_key` query parameter, or a sub-protocol entry
//! `anteroom-api-key.<key>` (or AnyCable's `anycable-token.<key>`) next to
//! `actioncable-v1-json`. `/rt?access_key=<access_key>` is one
//! participant's view. `docs/realtime.md` is the contract.
//!
//! A WebSocket request that cannot be let in is upgraded anyway and told
//! why with `{"type":"disconnect","reason":...,"reconnect":false}`, the way
//! Rails refuses: ActionCable clients stop reconnecting on that, while a
//! failed upgrade would make them retry for ever. A plain HTTP request gets
//! the usual `{"error"}` answer.

mod cable;
mod messages;
mod session;

use axum::extract::State;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use anteroom_domain::team::hash_key;
use anteroom_domain::{AccessKey, RoomId};

use crate::auth;
use crate::decode::Params;
use crate::error::ApiError;
use crate::extract::Query;
use crate::state::AppState;
use session::{Mode, Session};

/// Largest frame a client may send; commands are small.
const MAX_FRAME: usize = 64 * 1024;

/// Sub-protocol prefixes that carry an API key, for browsers, which cannot
/// set headers on a WebSocket.
const KEY_PROTOCOLS: [&str; 2] = ["anteroom-api-key.", "anycable-token."];

/// Why a session is not let in: the ActionCable reason and the HTTP error.
struct Refusal {
    reason: &'static str,
    error: ApiError,
}

impl Refusal {
    fn new(reason: &'static str, error: ApiError) -> Self {
        Self { reason, error }
    }
}

impl From<anteroom_store::StoreError> for Refusal {
    fn from(error: anteroom_store::StoreError) -> Self {
        Self::new("server_error", ApiError::from(error))
    }
}

/// Open an observer or participant session.
pub async fn connect(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    let admitted = admit(&state, &headers, &params).await;
    match (upgrade, admitted) {
        (Ok(upgrade), Ok(session)) => upgrade
            .protocols([cable::PROTOCOL])
            .max_message_size(MAX_FRAME)
            .on_upgrade(move |socket| session.run(socket)),
        (Ok(upgrade), Err(refusal)) => upgrade
            .protocols([cable::PROTOCOL])
            .on_upgrade(move |socket| session::refuse(socket, refusal.reason)),
        (Err(_), Err(refusal)) => refusal.error.into_response(),
        (Err(_), Ok(_)) => ApiError::new(
            StatusCode::UPGRADE_REQUIRED,
            "this endpoint speaks ActionCable over a WebSocket",
        )
        .into_response(),
    }
}

async fn admit(state: &AppState, headers: &HeaderMap, params: &Params) -> Result<Session, Refusal> {
    let invalid = |message: &str| Refusal::new("invalid_request", ApiError::bad_request(message));
    let room_id = params
        .str("room_id")
        .map_err(|_| invalid("room_id must be text"))?;
    let access_key = params
        .str("access_key")
        .map_err(|_| invalid("access_key must be text"))?;
    match (room_id, access_key) {
        (Some(room), _) if !room.is_empty() => observer(state, headers, params, &room).await,
        (_, Some(key)) if !key.is_empty() => participant(state, &key).await,
        _ => Err(invalid("room_id or access_key is required")),
    }
}

/// The API key from the header, the query, or a sub-protocol entry.
fn presented_key(headers: &HeaderMap, params: &Params) -> Option<String> {
    if let Some(key) = auth::presented_key(headers) {
        return Some(key.to_owned());
    }
    if let Ok(Some(key)) = params.str("api_key")
        && !key.is_empty()
    {
        return Some(key);
    }
    let offered = headers.get_all("sec-websocket-protocol");
    offered
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .find_map(|entry| {
            KEY_PROTOCOLS
                .iter()
                .find_map(|prefix| entry.strip_prefix(prefix))
        })
        .filter(|key| !key.is_empty())
        .map(str::to_owned)
}

async fn observer(
    state: &AppState,
    headers: &HeaderMap,
    params: &Params,
    room: &str,
) -> Result<Session, Refusal> {
    let unauthorized =
        |message: &str| Refusal::new("unauthorized", ApiError::unauthorized(message));
    let key = presented_key(headers, params).ok_or_else(|| unauthorized("missing API key"))?;
    let Some((_, team)) = state.store.find_api_key(&hash_key(&key)).await? else {
        return Err(unauthorized("invalid API key"));
    };
    // Another team's room is as unknown as no room at all (D3); a
    // permalink's meetings run under its id (D12).
    let meeting = state
        .store
        .running_meeting(&team.id, &RoomId::new(room))
        .await?
        .ok_or_else(|| {
            Refusal::new(
                "not_found",
                ApiError::not_found("no running meeting in this room"),
            )
        })?;
    Ok(Session {
        state: state.clone(),
        meeting,
        mode: Mode::Observer,
    })
}

async fn participant(state: &AppState, key: &str) -> Result<Session, Refusal> {
    let found = if AccessKey::is_well_formed(key) {
        state.store.find_participant(&AccessKey::new(key)).await?
    } else {
        None
    };
    let Some((participant, meeting)) = found else {
        let error = ApiError::not_found("unknown access key");
        return Err(Refusal::new("unauthorized", error));
    };
    if !meeting.is_running() {
        let error = ApiError::gone("access key expired: the meeting has ended");
        return Err(Refusal::new("meeting_ended", error));
    }
    let team = state
        .team(&meeting.team_id)
        .await
        .map_err(|error| Refusal::new("unauthorized", error))?;
    Ok(Session {
        state: state.clone(),
        meeting,
        mode: Mode::Participant {
            participant: Box::new(participant),
            team,
        },
    })
}
