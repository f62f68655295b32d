//! The permalink API (spec 3.3, D12–D20).
//!
//! `/permalink/<x>` takes three kinds of identifier: a permalink id with
//! the team's API key, or a host's user token or a guest token without
//! one. Tokens are looked up first, so a token works whatever header is
//! sent; anything else needs the API key.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use time::OffsetDateTime;

use anteroom_domain::timestamp::parse_rfc3339;
use anteroom_domain::{
    GuestToken, Host, Meeting, Permalink, PermalinkId, Profile, RoomId, RoomOptions, Team, UserId,
    UserToken,
};
use anteroom_store::{ExpiryFilter, PageRequest};

use super::common::{new_user, optional_name, tag_span};
use crate::auth;
use crate::decode::Params;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Body, Path, Query};
use crate::meetings::os_rng;
use crate::state::AppState;
use crate::wire::options;
use crate::wire::permalink::{MeetingInfo, PermalinkList, PermalinkResponse};
use crate::wire::room::RoomResponse;

/// Reads `expires_at`: absent leaves it, null or empty clears it, a time
/// must be RFC 3339 and in the future (D16).
fn expires_at(params: &Params, now: OffsetDateTime) -> ApiResult<Option<Option<OffsetDateTime>>> {
    let Some(value) = params.get("expires_at") else {
        return Ok(None);
    };
    if value.is_null() {
        return Ok(Some(None));
    }
    let text = params.str("expires_at")?.unwrap_or_default();
    if text.trim().is_empty() {
        return Ok(Some(None));
    }
    let at = parse_rfc3339(&text)
        .ok_or_else(|| ApiError::bad_request("expires_at must be an RFC 3339 timestamp"))?;
    if at <= now {
        return Err(ApiError::bad_request("expires_at must be in the future"));
    }
    Ok(Some(Some(at)))
}

async fn running(state: &AppState, permalink: &Permalink) -> ApiResult<Option<Meeting>> {
    let room = RoomId::new(permalink.id.as_str());
    Ok(state
        .store
        .running_meeting(&permalink.team_id, &room)
        .await?)
}

/// The permalink as its team sees it, about one host (the first by default).
async fn view(
    state: &AppState,
    team: &Team,
    permalink: &Permalink,
    host: Option<Host>,
) -> ApiResult<PermalinkResponse> {
    let host = match host {
        Some(host) => Some(host),
        None => state
            .store
            .list_hosts(&permalink.id)
            .await?
            .into_iter()
            .next(),
    };
    let meeting = running(state, permalink).await?;
    Ok(PermalinkResponse::new(
        &state.config,
        team,
        permalink,
        host.as_ref(),
        meeting.as_ref(),
    ))
}

async fn team_permalink(state: &AppState, team: &Team, id: &str) -> ApiResult<Permalink> {
    let id = PermalinkId::new(id);
    tag_span(&RoomId::new(id.as_str()), None);
    state
        .store
        .find_permalink(&team.id, &id)
        .await?
        .ok_or_else(|| ApiError::not_found("unknown permalink"))
}

fn new_host(permalink: &PermalinkId, profile: Profile, now: OffsetDateTime) -> Host {
    Host {
        user_token: UserToken::generate(&mut os_rng()),
        permalink_id: permalink.clone(),
        user: profile,
        created_at: now,
    }
}

fn profile(user: crate::meetings::NewUser) -> Profile {
    Profile {
        id: user.id.unwrap_or_else(|| UserId::generate(&mut os_rng())),
        name: user.name,
        avatar: user.avatar,
    }
}

/// Create a permalink with its first host.
#[utoipa::path(
    post, path = "/permalink", tag = "permalinks",
    request_body(content(
        (crate::openapi::PermalinkRequest = "application/json"),
        (crate::openapi::PermalinkRequest = "application/x-www-form-urlencoded"),
        (crate::openapi::PermalinkRequest = "multipart/form-data"),
    )),
    responses(
        (status = 201, description = "the new permalink", body = PermalinkResponse),
        (status = 400, description = "a parameter is missing or malformed", body = ErrorBody),
        (status = 401, description = "missing or unknown API key", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    Body(params): Body,
) -> ApiResult<(StatusCode, Json<PermalinkResponse>)> {
    let team = auth::team(&state, &headers).await?;
    let now = state.clock.now();
    let user = new_user(&params, Some("user"))?;
    let id = PermalinkId::generate(&mut os_rng());
    let name = optional_name(&params, "name", "name")?.unwrap_or_else(|| id.to_string());
    let mut room_options = RoomOptions::default();
    options::apply(&params, &mut room_options)?;
    let expires_at = expires_at(&params, now)?.flatten();

    let permalink = Permalink {
        id: id.clone(),
        team_id: team.id.clone(),
        name,
        options: room_options,
        guest_token: GuestToken::generate(&mut os_rng()),
        created_at: now,
        expires_at,
    };
    let host = new_host(&id, profile(user), now);
    state.store.insert_permalink(&permalink, &host).await?;
    tag_span(&RoomId::new(id.as_str()), Some(&host.user.id));
    let body = PermalinkResponse::new(&state.config, &team, &permalink, Some(&host), None);
    Ok((StatusCode::CREATED, Json(body)))
}

/// List the team's permalinks, newest first.
#[utoipa::path(
    get, path = "/permalink", tag = "permalinks",
    params(
        ("page" = Option<u32>, Query, description = "page number, from 1"),
        ("limit" = Option<u32>, Query, description = "items per page, 1 to 100, default 25"),
        ("expired" = Option<bool>, Query, description = "only expired (true) or only unexpired (false) permalinks"),
    ),
    responses(
        (status = 200, description = "one page of permalinks", body = PermalinkList),
        (status = 400, description = "page, limit or expired is malformed", body = ErrorBody),
        (status = 401, description = "missing or unknown API key", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query,
) -> ApiResult<Json<PermalinkList>> {
    let team = auth::team(&state, &headers).await?;
    let page = query.int("page")?.unwrap_or(1);
    let limit = query.int("limit")?.unwrap_or(25);
    let page = u32::try_from(page)
        .ok()
        .filter(|p| *p >= 1)
        .ok_or_else(|| ApiError::bad_request(format!("page must be between 1 and {}", u32::MAX)))?;
    let limit = u32::try_from(limit)
        .ok()
        .filter(|l| (1..=100).contains(l))
        .ok_or_else(|| ApiError::bad_request("limit must be between 1 and 100"))?;
    let filter = match query.bool("expired")? {
        None => ExpiryFilter::All,
        Some(true) => ExpiryFilter::OnlyExpired,
        Some(false) => ExpiryFilter::OnlyActive,
    };
    let request = PageRequest {
        limit,
        offset: u64::from(page - 1) * u64::from(limit),
    };
    let now = state.clock.now();
    let (permalinks, total) = state
        .store
        .list_permalinks(&team.id, filter, now, request)
        .await?;
    let mut items = Vec::with_capacity(permalinks.len());
    for permalink in &permalinks {
        items.push(view(&state, &team, permalink, None).await?);
    }
    Ok(Json(PermalinkList {
        page,
        limit,
        total,
        items,
    }))
}

/// With a host or guest token and no key: the meeting info (D15). With
/// a permalink id and the API key: the permalink.
#[utoipa::path(
    get, path = "/permalink/{id_or_token}", tag = "permalinks",
    params(("id_or_token" = String, Path, description = "a permalink id (with the API key), or a host's user token or the guest token (without)")),
    responses(
        (status = 200, description = "the permalink (by id) or its meeting info (by token)", body = PermalinkResponse),
        (status = 200, description = "the meeting info, for a token; with `user`, the host, for a host's user token", body = MeetingInfo),
        (status = 401, description = "an id with an unknown API key", body = ErrorBody),
        (status = 404, description = "unknown or deleted permalink or token; an id without an API key", body = ErrorBody),
    )
)]
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(key): Path<String>,
) -> ApiResult<Response> {
    if let Some(found) = permalink_for_token(&state, &key).await? {
        let ByToken { permalink, host } = found;
        tag_span(
            &RoomId::new(permalink.id.as_str()),
            host.as_ref().map(|h| &h.user.id),
        );
        let meeting = running(&state, &permalink).await?;
        let info = MeetingInfo::new(&permalink, host.as_ref(), meeting.as_ref());
        return Ok(Json(info).into_response());
    }
    // Without a key this can only have been a token: a waiting client must
    // learn that it is unknown or deleted, and stop waiting (D15).
    if auth::presented_key(&headers).is_none() {
        return Err(ApiError::not_found("unknown permalink or token"));
    }
    let team = auth::team(&state, &headers).await?;
    let permalink = team_permalink(&state, &team, &key).await?;
    Ok(Json(view(&state, &team, &permalink, None).await?).into_response())
}

/// What a host or guest token opens.
#[derive(Clone, Debug)]
pub(crate) struct ByToken {
    pub permalink: Permalink,
    /// The host a user token belongs to; none for the guest token.
    pub host: Option<Host>,
}

/// The permalink a host or guest token belongs to; the waiting-page stream
/// finds it the same way.
pub(crate) async fn permalink_for_token(
    state: &AppState,
    token: &str,
) -> ApiResult<Option<ByToken>> {
    if !UserToken::is_well_formed(token) {
        return Ok(None);
    }
    if let Some((host, permalink)) = state.store.find_host(&UserToken::new(token)).await? {
        let host = Some(host);
        return Ok(Some(ByToken { permalink, host }));
    }
    let permalink = state
        .store
        .find_permalink_by_guest_token(&GuestToken::new(token))
        .await?;
    Ok(permalink.map(|permalink| ByToken {
        permalink,
        host: None,
    }))
}

/// Change a permalink's name, options or expiry; they apply from the next
/// meeting (D17).
#[utoipa::path(
    put, path = "/permalink/{id_or_token}", tag = "permalinks",
    params(("id_or_token" = String, Path, description = "the permalink id")),
    request_body(content(
        (crate::openapi::PermalinkUpdate = "application/json"),
        (crate::openapi::PermalinkUpdate = "application/x-www-form-urlencoded"),
        (crate::openapi::PermalinkUpdate = "multipart/form-data"),
    )),
    responses(
        (status = 200, description = "the changed permalink", body = PermalinkResponse),
        (status = 400, description = "a parameter is malformed", body = ErrorBody),
        (status = 401, description = "missing or unknown API key", body = ErrorBody),
        (status = 404, description = "unknown permalink", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn update(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Body(params): Body,
) -> ApiResult<Json<PermalinkResponse>> {
    let team = auth::team(&state, &headers).await?;
    let mut permalink = team_permalink(&state, &team, &id).await?;
    let now = state.clock.now();
    if let Some(name) = optional_name(&params, "name", "name")? {
        permalink.name = name;
    }
    options::apply(&params, &mut permalink.options)?;
    if let Some(expiry) = expires_at(&params, now)? {
        permalink.expires_at = expiry;
    }
    state.store.update_permalink(&permalink).await?;
    Ok(Json(view(&state, &team, &permalink, None).await?))
}

/// Delete a permalink: every token of it stops working and its running
/// meeting ends (D18).
#[utoipa::path(
    delete, path = "/permalink/{id_or_token}", tag = "permalinks",
    params(("id_or_token" = String, Path, description = "the permalink id")),
    responses(
        (status = 200, description = "the permalink is gone"),
        (status = 401, description = "missing or unknown API key", body = ErrorBody),
        (status = 404, description = "unknown permalink", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn delete(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let team = auth::team(&state, &headers).await?;
    tag_span(&RoomId::new(id.as_str()), None);
    let id = PermalinkId::new(id);
    if !state.meetings.delete_permalink(&team, &id).await? {
        return Err(ApiError::not_found("unknown permalink"));
    }
    Ok(StatusCode::OK)
}

/// Add a host; the response carries the new host's token and link (D19).
#[utoipa::path(
    post, path = "/permalink/{permalink_id}/users", tag = "permalinks",
    params(("permalink_id" = String, Path, description = "the permalink id")),
    request_body(content(
        (crate::openapi::HostRequest = "application/json"),
        (crate::openapi::HostRequest = "application/x-www-form-urlencoded"),
        (crate::openapi::HostRequest = "multipart/form-data"),
    )),
    responses(
        (status = 201, description = "the permalink, about the new host", body = PermalinkResponse),
        (status = 400, description = "user[name] is missing or malformed", body = ErrorBody),
        (status = 401, description = "missing or unknown API key", body = ErrorBody),
        (status = 404, description = "unknown permalink", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn add_host(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Body(params): Body,
) -> ApiResult<(StatusCode, Json<PermalinkResponse>)> {
    let team = auth::team(&state, &headers).await?;
    let permalink = team_permalink(&state, &team, &id).await?;
    let user = new_user(&params, Some("user"))?;
    let host = new_host(&permalink.id, profile(user), state.clock.now());
    state.store.insert_host(&host).await?;
    let body = view(&state, &team, &permalink, Some(host)).await?;
    Ok((StatusCode::CREATED, Json(body)))
}

/// Remove a host: the token stops working and its sessions close (D19).
#[utoipa::path(
    delete, path = "/permalink/{permalink_id}/users/{user_token}", tag = "permalinks",
    params(
        ("permalink_id" = String, Path, description = "the permalink id"),
        ("user_token" = String, Path, description = "the host's user token"),
    ),
    responses(
        (status = 200, description = "the host is removed"),
        (status = 401, description = "missing or unknown API key", body = ErrorBody),
        (status = 404, description = "unknown permalink or host", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn remove_host(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((id, token)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let team = auth::team(&state, &headers).await?;
    let permalink = team_permalink(&state, &team, &id).await?;
    if !state
        .meetings
        .remove_host(&permalink, &UserToken::new(token))
        .await?
    {
        return Err(ApiError::not_found("unknown host"));
    }
    Ok(StatusCode::OK)
}

/// Start the permalink's meeting, or join it if it runs, as a host (D13).
#[utoipa::path(
    post, path = "/permalink/{id_or_token}", tag = "permalinks",
    description = "The body is usually empty. `user[name]`, if given, is the name this \
        host shows in this meeting; the stored host keeps its name.",
    params(("id_or_token" = String, Path, description = "a host's user token")),
    responses(
        (status = 201, description = "a fresh room response for this host", body = RoomResponse),
        (status = 404, description = "unknown user token, or its permalink was deleted", body = ErrorBody),
        (status = 400, description = "user[name] is given but malformed", body = ErrorBody),
        (status = 410, description = "the permalink has expired and no meeting runs", body = ErrorBody),
    )
)]
pub async fn start(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Body(params): Body,
) -> ApiResult<(StatusCode, Json<RoomResponse>)> {
    // The body is usually empty; a host may give the name to show in this
    // meeting, as the prebuilt UI's lobby lets them.
    let shown_name = optional_name(&params, "user.name", "user[name]")?;
    let found = if UserToken::is_well_formed(&token) {
        state.store.find_host(&UserToken::new(token)).await?
    } else {
        None
    };
    let (mut host, permalink) = found.ok_or_else(|| ApiError::not_found("unknown user token"))?;
    tag_span(&RoomId::new(permalink.id.as_str()), Some(&host.user.id));
    if let Some(name) = shown_name {
        host.user.name = name;
    }
    let team = state.team(&permalink.team_id).await?;
    let (who, meeting) = state
        .meetings
        .join_permalink(&team, &permalink, &host)
        .await?;
    let body = RoomResponse::new(&state.config, &team, &meeting, &who);
    Ok((StatusCode::CREATED, Json(body)))
}
