//! Users and guests (spec 3.2).

use std::collections::HashMap;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};

use anteroom_domain::{GuestToken, Meeting, RoomId, UserId};

use super::common::{new_user, participant, tag_span};
use crate::auth;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::events::{Place, RoomEvent};
use crate::extract::{Body, Path, Query};
use crate::state::AppState;
use crate::wire::room::RoomResponse;
use crate::wire::user::{ParticipantView, UserView};

/// One user of the caller's meeting.
#[utoipa::path(
    get, path = "/rooms/{access_key}/users/{user_id}", tag = "users",
    params(
        ("access_key" = String, Path, description = "the caller's access key"),
        ("user_id" = String, Path, description = "the user's id"),
    ),
    responses(
        (status = 200, description = "the user", body = UserView),
        (status = 404, description = "unknown access key or user", body = ErrorBody),
        (status = 410, description = "the meeting has ended", body = ErrorBody),
    )
)]
pub async fn show(
    State(state): State<AppState>,
    Path((key, user_id)): Path<(String, String)>,
) -> ApiResult<Json<UserView>> {
    let (_, meeting) = participant(&state, &key).await?;
    let everyone = state.store.list_participants(&meeting.id).await?;
    let user = everyone
        .iter()
        .rev()
        .find(|p| p.user.id.as_str() == user_id)
        .ok_or_else(|| ApiError::not_found("unknown user"))?;
    Ok(Json(UserView::of(user)))
}

/// Remove a user from the meeting; they may come back.
#[utoipa::path(
    delete, path = "/rooms/{access_key}/users/{user_id}", tag = "users",
    params(
        ("access_key" = String, Path, description = "the caller's access key"),
        ("user_id" = String, Path, description = "the user to remove"),
    ),
    responses(
        (status = 200, description = "the user was removed"),
        (status = 403, description = "kicking is switched off (kick_available), or the caller is a guest", body = ErrorBody),
        (status = 404, description = "unknown access key or user", body = ErrorBody),
        (status = 410, description = "the meeting has ended", body = ErrorBody),
    )
)]
pub async fn kick(
    State(state): State<AppState>,
    Path((key, user_id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let (who, meeting) = participant(&state, &key).await?;
    if who.guest {
        return Err(ApiError::forbidden("guests cannot remove users"));
    }
    if !meeting.options.kick_available {
        return Err(ApiError::forbidden(
            "kicking is not available in this meeting",
        ));
    }
    let everyone = state.store.list_participants(&meeting.id).await?;
    if !everyone.iter().any(|p| p.user.id.as_str() == user_id) {
        return Err(ApiError::not_found("unknown user"));
    }
    let event = RoomEvent::Kicked {
        user_id: UserId::new(user_id),
    };
    state.meetings.hub().publish(Place::of(&meeting), event);
    Ok(StatusCode::OK)
}

/// The users of a room's current or latest meeting.
#[utoipa::path(
    get, path = "/rooms/{room_id}/users", tag = "users",
    params(
        ("room_id" = String, Path, description = "the room id"),
        ("online" = Option<bool>, Query, description = "only users who are (true) or are not (false) connected"),
    ),
    responses(
        (status = 200, description = "the users", body = Vec<ParticipantView>),
        (status = 400, description = "online is not a boolean", body = ErrorBody),
        (status = 401, description = "missing or unknown API key", body = ErrorBody),
        (status = 404, description = "the room has had no meeting", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(room): Path<String>,
    Query(query): Query,
) -> ApiResult<Json<Vec<ParticipantView>>> {
    let team = auth::team(&state, &headers).await?;
    let online_filter = query.bool("online")?;
    let room = RoomId::new(room);
    tag_span(&room, None);
    let meeting = state
        .store
        .latest_meeting(&team.id, &room)
        .await?
        .ok_or_else(|| ApiError::not_found("unknown room"))?;
    let users = users_of(&state, &meeting).await?;
    let users = users
        .into_iter()
        .filter(|user| online_filter.is_none_or(|online| user.online == online))
        .collect();
    Ok(Json(users))
}

/// One entry per user, in joining order; a user is online while any of
/// their access keys has an open connection.
async fn users_of(state: &AppState, meeting: &Meeting) -> ApiResult<Vec<ParticipantView>> {
    let everyone = state.store.list_participants(&meeting.id).await?;
    let mut order: Vec<ParticipantView> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for p in &everyone {
        let online = state.meetings.is_online(&meeting.id, &p.access_key);
        match index.get(p.user.id.as_str()) {
            Some(&at) => {
                let newest = ParticipantView::of(meeting, p, online || order[at].online);
                order[at] = newest;
            }
            None => {
                index.insert(p.user.id.to_string(), order.len());
                order.push(ParticipantView::of(meeting, p, online));
            }
        }
    }
    Ok(order)
}

/// Register a guest in a running meeting, by a room's or a permalink's
/// guest token.
#[utoipa::path(
    post, path = "/guests/{guest_token}", tag = "users",
    params(("guest_token" = String, Path, description = "the room's or permalink's guest token")),
    request_body(content(
        (crate::openapi::GuestRequest = "application/json"),
        (crate::openapi::GuestRequest = "application/x-www-form-urlencoded"),
        (crate::openapi::GuestRequest = "multipart/form-data"),
    )),
    responses(
        (status = 201, description = "the guest's room response", body = RoomResponse),
        (status = 400, description = "name is missing or malformed", body = ErrorBody),
        (status = 404, description = "unknown guest token", body = ErrorBody),
        (status = 405, description = "guest access is switched off (guest_token_available)", body = ErrorBody),
        (status = 409, description = "the permalink's meeting has not started", body = ErrorBody),
        (status = 410, description = "the room's meeting has ended", body = ErrorBody),
        (status = 423, description = "the meeting is locked", body = ErrorBody),
    )
)]
pub async fn register_guest(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Body(params): Body,
) -> ApiResult<(StatusCode, Json<RoomResponse>)> {
    let meeting = meeting_for_guest_token(&state, &token).await?;
    tag_span(&meeting.room_id, None);
    if !meeting.options.guest_token_available {
        return Err(ApiError::not_available(
            "guest access is not available in this meeting",
        ));
    }
    let user = new_user(&params, None)?;
    let guest = state.meetings.add_guest(&meeting.id, user).await?;
    let team = state.team(&meeting.team_id).await?;
    let body = RoomResponse::new(&state.config, &team, &meeting, &guest);
    Ok((StatusCode::CREATED, Json(body)))
}

/// The meeting a guest token leads to: a permalink's running meeting, or
/// the one meeting a room guest token was made for.
async fn meeting_for_guest_token(state: &AppState, token: &str) -> ApiResult<Meeting> {
    if !GuestToken::is_well_formed(token) {
        return Err(ApiError::not_found("unknown guest token"));
    }
    let token = GuestToken::new(token);
    if let Some(permalink) = state.store.find_permalink_by_guest_token(&token).await? {
        let room = RoomId::new(permalink.id.as_str());
        return state
            .store
            .running_meeting(&permalink.team_id, &room)
            .await?
            .ok_or_else(|| ApiError::conflict("meeting not started"));
    }
    let meeting = state
        .store
        .find_meeting_by_guest_token(&token)
        .await?
        // A permalink meeting carries its permalink's token; once the
        // permalink is deleted that token must be unknown (D18).
        .filter(|meeting| meeting.permalink_id.is_none())
        .ok_or_else(|| ApiError::not_found("unknown guest token"))?;
    if !meeting.is_running() {
        return Err(ApiError::gone("guest token expired: the meeting has ended"));
    }
    Ok(meeting)
}
