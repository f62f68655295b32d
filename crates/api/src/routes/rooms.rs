//! Rooms and meetings (spec 3.1).

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};

use anteroom_domain::ids::validate_custom_id;
use anteroom_domain::{AccessKey, EndReason, RoomId, RoomOptions};

use super::common::{new_user, optional_name, participant, tag_span};
use crate::auth;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Body, Path};
use crate::meetings::RoomSpec;
use crate::state::AppState;
use crate::wire::options;
use crate::wire::room::{RoomResponse, RoomView};

/// Start a meeting, or join the running meeting of that room id.
/// `DELETE /rooms/<x>` without any key, when `x` is no access key.
const NO_ACCESS_KEY_MATCHED: &str = "missing API key: no meeting has this access key, and ending a meeting by room id needs the API key";

#[utoipa::path(
    post, path = "/rooms", tag = "rooms",
    request_body(content(
        (crate::openapi::RoomRequest = "application/json"),
        (crate::openapi::RoomRequest = "application/x-www-form-urlencoded"),
        (crate::openapi::RoomRequest = "multipart/form-data"),
    )),
    responses(
        (status = 201, description = "the new participant's room response", body = RoomResponse),
        (status = 400, description = "a parameter is missing or malformed", body = ErrorBody),
        (status = 401, description = "missing or unknown API key", body = ErrorBody),
        (status = 409, description = "the id is one of the team's permalinks", body = ErrorBody),
        (status = 423, description = "the running meeting is locked", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    Body(params): Body,
) -> ApiResult<(StatusCode, Json<RoomResponse>)> {
    let team = auth::team(&state, &headers).await?;
    let id = match params.str("id")? {
        Some(id) if id.is_empty() => None,
        Some(id) => {
            validate_custom_id(&id).map_err(|why| ApiError::bad_request(format!("id {why}")))?;
            Some(RoomId::new(id))
        }
        None => None,
    };
    let name = optional_name(&params, "name", "name")?;
    let user = new_user(&params, Some("user"))?;
    let mut room_options = RoomOptions::default();
    options::apply(&params, &mut room_options)?;

    let spec = RoomSpec {
        id,
        name,
        options: room_options,
    };
    let (who, meeting) = state.meetings.join_room(&team, spec, user).await?;
    tag_span(&meeting.room_id, Some(&who.user.id));
    let body = RoomResponse::new(&state.config, &team, &meeting, &who);
    Ok((StatusCode::CREATED, Json(body)))
}

/// The meetings of this team that run now.
#[utoipa::path(
    get, path = "/rooms", tag = "rooms",
    responses(
        (status = 200, description = "running meetings, possibly none", body = Vec<RoomView>),
        (status = 401, description = "missing or unknown API key", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> ApiResult<Json<Vec<RoomView>>> {
    let team = auth::team(&state, &headers).await?;
    let running = state.store.running_meetings(Some(&team.id)).await?;
    Ok(Json(running.iter().map(RoomView::of).collect()))
}

/// The room response of one participant; poll it for `ready`.
#[utoipa::path(
    get, path = "/rooms/{access_key}", tag = "rooms",
    params(("access_key" = String, Path, description = "the participant's access key")),
    responses(
        (status = 200, description = "the room response", body = RoomResponse),
        (status = 404, description = "unknown access key", body = ErrorBody),
        (status = 410, description = "the meeting has ended", body = ErrorBody),
    )
)]
pub async fn show(
    State(state): State<AppState>,
    Path(key): Path<String>,
) -> ApiResult<Json<RoomResponse>> {
    let (who, meeting) = participant(&state, &key).await?;
    let team = state.team(&meeting.team_id).await?;
    Ok(Json(RoomResponse::new(
        &state.config,
        &team,
        &meeting,
        &who,
    )))
}

/// End a meeting for everyone: by a participant's access key (no API key
/// needed), or by room id with the team's API key.
#[utoipa::path(
    delete, path = "/rooms/{access_key}", tag = "rooms",
    params(("access_key" = String, Path, description = "an access key, or a room id together with the API key")),
    responses(
        (status = 204, description = "the meeting ended"),
        (status = 401, description = "a room id without a known API key; without any key, the message says no access key matched", body = ErrorBody),
        (status = 403, description = "a guest's access key: guests cannot end the meeting", body = ErrorBody),
        (status = 404, description = "no running meeting", body = ErrorBody),
        (status = 410, description = "the access key's meeting has already ended", body = ErrorBody),
    )
)]
pub async fn stop(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(key): Path<String>,
) -> ApiResult<StatusCode> {
    if AccessKey::is_well_formed(&key)
        && let Some((who, meeting)) = state.store.find_participant(&AccessKey::new(&key)).await?
    {
        tag_span(&meeting.room_id, Some(&who.user.id));
        if !meeting.is_running() {
            return Err(ApiError::gone("access key expired: the meeting has ended"));
        }
        // The guest link is shared widely; whoever holds it must not be able
        // to end the meeting for everyone.
        if who.guest {
            return Err(ApiError::forbidden("guests cannot end the meeting"));
        }
        let by = Some(who.user.name.clone());
        state
            .meetings
            .end(&meeting.id, EndReason::Stopped, by)
            .await?;
        return Ok(StatusCode::NO_CONTENT);
    }

    // Still a missing key (D3), but the caller most likely meant an access
    // key: say that none matched, not only that a key is missing.
    if auth::presented_key(&headers).is_none() {
        return Err(ApiError::unauthorized(NO_ACCESS_KEY_MATCHED));
    }
    let team = auth::team(&state, &headers).await?;
    let room = RoomId::new(key);
    tag_span(&room, None);
    let meeting = state
        .store
        .running_meeting(&team.id, &room)
        .await?
        .ok_or_else(|| ApiError::not_found("no running meeting in this room"))?;
    state
        .meetings
        .end(&meeting.id, EndReason::Shutdown, None)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Lock the meeting: nobody new may enter. There is no unlock.
#[utoipa::path(
    post, path = "/rooms/{access_key}/lock", tag = "rooms",
    params(("access_key" = String, Path, description = "the participant's access key")),
    responses(
        (status = 201, description = "the meeting is locked"),
        (status = 403, description = "locking is switched off (lock_available), or the caller is a guest", body = ErrorBody),
        (status = 404, description = "unknown access key", body = ErrorBody),
        (status = 410, description = "the meeting has ended", body = ErrorBody),
    )
)]
pub async fn lock(State(state): State<AppState>, Path(key): Path<String>) -> ApiResult<StatusCode> {
    let (who, meeting) = participant(&state, &key).await?;
    if who.guest {
        return Err(ApiError::forbidden("guests cannot lock the meeting"));
    }
    if !meeting.options.lock_available {
        return Err(ApiError::forbidden(
            "locking is not available in this meeting",
        ));
    }
    state.meetings.lock(&meeting).await?;
    Ok(StatusCode::CREATED)
}
