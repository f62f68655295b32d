//! Messages to everyone in a meeting (spec 3.4).

use axum::extract::State;
use axum::http::StatusCode;

use anteroom_domain::timestamp::format_millis;

use super::common::participant;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::events::{Message, Place, RoomEvent};
use crate::extract::{Body, Path};
use crate::state::AppState;

/// Longest message accepted.
const MAX_CONTENT_LEN: usize = 64 * 1024;

/// Send a chat or custom message to everyone connected now.
#[utoipa::path(
    post, path = "/rooms/{access_key}/messages", tag = "messages",
    params(("access_key" = String, Path, description = "the sender's access key")),
    request_body(content(
        (crate::openapi::MessageRequest = "application/json"),
        (crate::openapi::MessageRequest = "application/x-www-form-urlencoded"),
        (crate::openapi::MessageRequest = "multipart/form-data"),
    )),
    responses(
        (status = 201, description = "the message was handed to the meeting"),
        (status = 400, description = "type or content is missing or malformed", body = ErrorBody),
        (status = 404, description = "unknown access key", body = ErrorBody),
        (status = 410, description = "the meeting has ended", body = ErrorBody),
    )
)]
pub async fn send(
    State(state): State<AppState>,
    Path(key): Path<String>,
    Body(params): Body,
) -> ApiResult<StatusCode> {
    let (who, meeting) = participant(&state, &key).await?;
    // An empty value is how a form sends a null one (D6).
    let kind = params
        .str("type")?
        .filter(|kind| !kind.is_empty())
        .ok_or_else(|| ApiError::bad_request("type is required"))?;
    let content = params
        .str("content")?
        .filter(|content| !content.is_empty())
        .ok_or_else(|| ApiError::bad_request("content is required"))?;
    if content.len() > MAX_CONTENT_LEN {
        return Err(ApiError::bad_request("content must be at most 64 KiB"));
    }
    let message = Message {
        content,
        user_id: Some(who.user.id.clone()),
        created_at: format_millis(state.clock.now()),
    };
    let event = match kind.as_str() {
        "chat" => RoomEvent::Chat(message),
        "custom" => RoomEvent::Custom(message),
        _ => return Err(ApiError::bad_request("type must be chat or custom")),
    };
    state.meetings.hub().publish(Place::of(&meeting), event);
    Ok(StatusCode::CREATED)
}
