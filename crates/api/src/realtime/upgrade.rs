//! `GET /realtime?access_key=...`: the access key is checked before the
//! upgrade, so a client learns of an unknown key (404) or an ended meeting
//! (410) from a plain HTTP answer it can read.

use axum::extract::State;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::response::Response;
use tracing::Instrument;

use anteroom_domain::{AccessKey, Meeting, Participant};

use super::protocol::MAX_FRAME_BYTES;
use super::session;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::Query;
use crate::state::AppState;

/// What the socket reads before it can refuse a frame itself: frames up to
/// this size get a clean 4400 after being read whole; beyond it the reader
/// gives up, and the connection closes with 4400 all the same.
const READ_LIMIT_BYTES: usize = 4 * MAX_FRAME_BYTES;

/// Open a participant's realtime connection: a WebSocket of JSON messages,
/// as `docs/realtime.md` describes.
#[utoipa::path(
    get, path = "/realtime", tag = "realtime",
    operation_id = "realtime_connect",
    params(("access_key" = String, Query, description = "the participant's access key")),
    responses(
        (status = 101, description = "the WebSocket is open; the first message is `welcome`"),
        (status = 400, description = "not a WebSocket upgrade request", body = ErrorBody),
        (status = 404, description = "unknown access key", body = ErrorBody),
        (status = 410, description = "the meeting has ended", body = ErrorBody),
    )
)]
pub async fn connect(
    State(state): State<AppState>,
    Query(query): Query,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> ApiResult<Response> {
    let key = query.str("access_key")?.unwrap_or_default();
    let (me, meeting) = admit(&state, &key).await?;
    let upgrade = upgrade.map_err(|rejection| {
        ApiError::new(rejection.status(), "a WebSocket upgrade is required")
    })?;

    let span = tracing::info_span!(
        "realtime",
        room.id = %meeting.room_id,
        participant.id = %me.id,
        user.id = %me.user.id,
    );
    let response = upgrade
        .max_message_size(READ_LIMIT_BYTES)
        .max_frame_size(READ_LIMIT_BYTES)
        .on_upgrade(move |socket| session::run(state, socket, me, meeting).instrument(span));
    Ok(response)
}

/// The participant of an access key, in a meeting that still runs, who
/// was not a permalink host since removed.
async fn admit(state: &AppState, key: &str) -> ApiResult<(Participant, Meeting)> {
    let found = if AccessKey::is_well_formed(key) {
        state.store.find_participant(&AccessKey::new(key)).await?
    } else {
        None
    };
    let (me, meeting) = found.ok_or_else(|| ApiError::not_found("unknown access key"))?;
    let span = tracing::Span::current();
    span.record("room.id", meeting.room_id.as_str());
    span.record("user.id", me.user.id.as_str());
    if !meeting.is_running() {
        return Err(ApiError::gone("access key expired: the meeting has ended"));
    }
    // A removed permalink host's sessions were closed as `removed` (D19);
    // its access key must not open a new one.
    if let Some(token) = &me.host_token
        && state.store.find_host(token).await?.is_none()
    {
        return Err(ApiError::not_found("unknown access key"));
    }
    Ok((me, meeting))
}
