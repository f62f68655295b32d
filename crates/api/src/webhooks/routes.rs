//! `POST /webhooks`, `GET /webhooks`, `DELETE /webhooks/<id>` (spec 3.13).
//!
//! A webhook belongs to the API key that registered it, and each key has
//! one: registering again replaces it. Deliveries are signed with that key,
//! which is why the key itself must be presented here (see `signing`).

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use utoipa::ToSchema;

use anteroom_domain::team::hash_key;
use anteroom_domain::{ApiKey, Team, WebhookId};
use anteroom_store::Webhook;

use super::guard;
use super::payload;
use super::signing::SigningKey;
use crate::auth;
use crate::decode::Params;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Body, Path};
use crate::meetings::os_rng;
use crate::state::AppState;

/// A webhook as `GET /webhooks` shows it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct WebhookView {
    #[schema(example = "65f1c0ffee0ddba11ca7e5e1")]
    pub id: String,
    #[schema(example = json!(["room_update", "participant_update"]))]
    pub types: Vec<String>,
    pub url: String,
    /// When the last request went out, with an offset.
    #[schema(example = "2021-01-01T09:00:00.000+00:00")]
    pub last_request_sent_at: Option<String>,
    /// The receiver's status code of the last request, as text.
    #[schema(example = "201")]
    pub last_response_code: Option<String>,
}

/// `POST /webhooks`.
#[derive(Deserialize, ToSchema)]
pub struct WebhookRequest {
    /// Where events are posted: an http(s) URL.
    pub url: String,
    /// Comma-separated, or a list: `room_update`, `participant_update`,
    /// `waiting_update`; `recording_update` and `snapshot_update` are
    /// accepted and never sent.
    #[schema(example = "room_update,participant_update")]
    pub types: String,
}

/// `2021-01-01T09:00:00.000+00:00` (spec 1.5).
const OFFSET_MILLIS: &[BorrowedFormatItem<'static>] = format_description!(
    "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3][offset_hour sign:mandatory]:[offset_minute]"
);

fn offset_form(at: OffsetDateTime) -> Option<String> {
    at.format(OFFSET_MILLIS).ok()
}

impl WebhookView {
    fn of(webhook: &Webhook) -> Self {
        Self {
            id: webhook.id.to_string(),
            types: webhook.types.clone(),
            url: webhook.url.clone(),
            last_request_sent_at: webhook.last_request_sent_at.and_then(offset_form),
            last_response_code: webhook.last_response_code.map(|code| code.to_string()),
        }
    }
}

/// The key presented and its team; the plain key is needed to sign.
async fn caller(state: &AppState, headers: &HeaderMap) -> ApiResult<(String, ApiKey, Team)> {
    let plain =
        auth::presented_key(headers).ok_or_else(|| ApiError::unauthorized("missing API key"))?;
    match state.store.find_api_key(&hash_key(plain)).await? {
        Some((key, team)) => Ok((plain.to_owned(), key, team)),
        None => Err(ApiError::unauthorized("invalid API key")),
    }
}

fn types(params: &Params) -> ApiResult<Vec<String>> {
    let valid = payload::valid_types();
    let named = || format!("types must name one or more of {}", valid.join(", "));
    let given = params.str_list("types")?.unwrap_or_default();
    let mut types: Vec<String> = Vec::new();
    for kind in given.iter().flat_map(|item| item.split(',')).map(str::trim) {
        if kind.is_empty() {
            continue;
        }
        if !valid.contains(&kind) {
            return Err(ApiError::bad_request(format!(
                "unknown type {kind:?}: {}",
                named()
            )));
        }
        if !types.iter().any(|known| known == kind) {
            types.push(kind.to_owned());
        }
    }
    if types.is_empty() {
        return Err(ApiError::bad_request(named()));
    }
    Ok(types)
}

/// Register the key's webhook, replacing its earlier one.
#[utoipa::path(
    post, path = "/webhooks", tag = "webhooks",
    request_body(content(
        (WebhookRequest = "application/json"),
        (WebhookRequest = "application/x-www-form-urlencoded"),
        (WebhookRequest = "multipart/form-data"),
    )),
    responses(
        (status = 201, description = "the webhook", body = WebhookView),
        (status = 400, description = "url or types missing or invalid", body = ErrorBody),
        (status = 401, description = "missing or unknown API key", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn register(
    State(state): State<AppState>,
    headers: HeaderMap,
    Body(params): Body,
) -> ApiResult<(StatusCode, Json<WebhookView>)> {
    let (plain, key, team) = caller(&state, &headers).await?;
    let url = params
        .str("url")?
        .filter(|url| !url.trim().is_empty())
        .ok_or_else(|| ApiError::bad_request("url is required"))?;
    let url = guard::check_url(&url, state.config.webhooks.allow_private)
        .map_err(ApiError::bad_request)?;
    let webhook = Webhook {
        id: WebhookId::generate(&mut os_rng()),
        team_id: team.id,
        api_key_id: key.id,
        url: url.to_string(),
        types: types(&params)?,
        signing_key: SigningKey::from_api_key(&plain).to_bytes(),
        created_at: state.clock.now(),
        last_request_sent_at: None,
        last_response_code: None,
    };
    state.store.put_webhook(&webhook).await?;
    tracing::info!(webhook.id = %webhook.id, "webhook registered");
    Ok((StatusCode::CREATED, Json(WebhookView::of(&webhook))))
}

/// The key's webhook, or null when it has none.
#[utoipa::path(
    get, path = "/webhooks", tag = "webhooks",
    responses(
        (status = 200, description = "the webhook, or null", body = Option<WebhookView>),
        (status = 401, description = "missing or unknown API key", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> ApiResult<Json<Option<WebhookView>>> {
    let (_, key, _) = caller(&state, &headers).await?;
    let webhook = state.store.find_webhook(&key.id).await?;
    Ok(Json(webhook.as_ref().map(WebhookView::of)))
}

/// Delete a webhook of the team, and whatever was still queued for it.
#[utoipa::path(
    delete, path = "/webhooks/{webhook_id}", tag = "webhooks",
    params(("webhook_id" = String, Path, description = "the webhook's id")),
    responses(
        (status = 204, description = "deleted"),
        (status = 401, description = "missing or unknown API key", body = ErrorBody),
        (status = 404, description = "no such webhook in this team", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn delete(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let team = auth::team(&state, &headers).await?;
    if state
        .store
        .delete_webhook(&team.id, &WebhookId::new(id))
        .await?
    {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found("unknown webhook"))
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::offset_form;

    #[test]
    fn shows_times_in_the_offset_form() {
        let at = datetime!(2021-01-01 09:00:00.123 UTC);
        assert_eq!(
            offset_form(at).as_deref(),
            Some("2021-01-01T09:00:00.123+00:00")
        );
    }
}
