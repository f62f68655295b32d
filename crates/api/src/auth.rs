//! API key authentication (D3).

use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;

use anteroom_domain::Team;
use anteroom_domain::team::hash_key;

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// The API key sent with a request, if any: the raw key, or `Bearer <key>`.
pub fn presented_key(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?.trim();
    let key = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .unwrap_or(value)
        .trim();
    (!key.is_empty()).then_some(key)
}

/// The team whose API key the request carries; 401 without a known key.
pub async fn team(state: &AppState, headers: &HeaderMap) -> ApiResult<Team> {
    let key = presented_key(headers).ok_or_else(|| ApiError::unauthorized("missing API key"))?;
    team_for_key(state, key).await
}

/// The team holding this plain key; 401 if none does.
pub async fn team_for_key(state: &AppState, key: &str) -> ApiResult<Team> {
    match state.store.find_api_key(&hash_key(key)).await? {
        Some((_, team)) => Ok(team),
        None => Err(ApiError::unauthorized("invalid API key")),
    }
}
