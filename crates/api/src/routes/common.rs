//! Pieces several routes share: finding a participant by access key,
//! reading a user from the body, and tagging the request span.

use anteroom_domain::ids::validate_custom_id;
use anteroom_domain::meeting::validate_name;
use anteroom_domain::{AccessKey, Meeting, Participant, RoomId, UserId};

use crate::decode::Params;
use crate::error::{ApiError, ApiResult};
use crate::meetings::NewUser;
use crate::state::AppState;

/// Adds the room and user to the request's span, so the access line and
/// everything below it carries them.
pub fn tag_span(room: &RoomId, user: Option<&UserId>) {
    let span = tracing::Span::current();
    span.record("room.id", room.as_str());
    if let Some(user) = user {
        span.record("user.id", user.as_str());
    }
}

/// The participant holding an access key, in a meeting that still runs.
/// Unknown keys are 404; keys of ended meetings are 410 (D9).
pub async fn participant(state: &AppState, key: &str) -> ApiResult<(Participant, Meeting)> {
    let found = if AccessKey::is_well_formed(key) {
        state.store.find_participant(&AccessKey::new(key)).await?
    } else {
        None
    };
    let (participant, meeting) = found.ok_or_else(|| ApiError::not_found("unknown access key"))?;
    tag_span(&meeting.room_id, Some(&participant.user.id));
    if !meeting.is_running() {
        return Err(ApiError::gone("access key expired: the meeting has ended"));
    }
    Ok((participant, meeting))
}

/// Reads a user from `<prefix>[name]`, `<prefix>[id]` and `<prefix>[avatar]`,
/// or from the top level when there is no prefix (guests).
pub fn new_user(params: &Params, prefix: Option<&str>) -> ApiResult<NewUser> {
    let path = |field: &str| match prefix {
        Some(prefix) => format!("{prefix}.{field}"),
        None => field.to_owned(),
    };
    let shown = |field: &str| match prefix {
        Some(prefix) => format!("{prefix}[{field}]"),
        None => field.to_owned(),
    };

    // An empty value is how a form sends a null one (D6).
    let name = params
        .str(&path("name"))?
        .filter(|name| !name.is_empty())
        .ok_or_else(|| ApiError::bad_request(format!("{} is required", shown("name"))))?;
    validate_name(&name)
        .map_err(|why| ApiError::bad_request(format!("{} {why}", shown("name"))))?;

    let id = match params.str(&path("id"))? {
        Some(id) if id.is_empty() => None,
        Some(id) => {
            validate_custom_id(&id)
                .map_err(|why| ApiError::bad_request(format!("{} {why}", shown("id"))))?;
            Some(UserId::new(id))
        }
        None => None,
    };

    let avatar = match params.str(&path("avatar"))? {
        Some(url) if url.trim().is_empty() => None,
        Some(url) => Some(checked_url(&url, &shown("avatar"))?),
        None => None,
    };

    Ok(NewUser {
        id,
        name: name.trim().to_owned(),
        avatar,
    })
}

/// An http(s) URL of sane length.
pub fn checked_url(url: &str, shown: &str) -> ApiResult<String> {
    let url = url.trim();
    if (url.starts_with("https://") || url.starts_with("http://")) && url.len() <= 2048 {
        Ok(url.to_owned())
    } else {
        Err(ApiError::bad_request(format!(
            "{shown} must be an http or https URL"
        )))
    }
}

/// An optional display name such as a room's.
pub fn optional_name(params: &Params, path: &str, shown: &str) -> ApiResult<Option<String>> {
    match params.str(path)? {
        None => Ok(None),
        Some(name) if name.trim().is_empty() => Ok(None),
        Some(name) => {
            validate_name(&name).map_err(|why| ApiError::bad_request(format!("{shown} {why}")))?;
            Ok(Some(name.trim().to_owned()))
        }
    }
}
