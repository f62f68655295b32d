//! The whole route table, in one place.

use axum::Json;
use axum::Router;
use axum::extract::MatchedPath;
use axum::http::{Request, StatusCode};
use axum::routing::{get, post};
use tower_http::cors::CorsLayer;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;

use crate::access_log;
use crate::error::ApiError;
use crate::openapi::ApiDoc;
use crate::realtime::{self, RealtimeDoc};
use crate::routes::{messages, permalinks, rooms, users};
use crate::state::AppState;
use crate::webhooks::routes as webhooks;

/// The REST API of anteroom.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(crate::root::home))
        .route("/rooms", post(rooms::create).get(rooms::list))
        .route("/rooms/{key}", get(rooms::show).delete(rooms::stop))
        .route("/rooms/{key}/lock", post(rooms::lock))
        .route("/rooms/{key}/users", get(users::list))
        .route(
            "/rooms/{key}/users/{user_id}",
            get(users::show).delete(users::kick),
        )
        .route("/rooms/{key}/messages", post(messages::send))
        .route("/guests/{token}", post(users::register_guest))
        .route("/permalink", post(permalinks::create).get(permalinks::list))
        .route(
            "/permalink/{key}",
            get(permalinks::show)
                .post(permalinks::start)
                .put(permalinks::update)
                .delete(permalinks::delete),
        )
        .route("/permalink/{id}/users", post(permalinks::add_host))
        .route(
            "/permalink/{id}/users/{token}",
            axum::routing::delete(permalinks::remove_host),
        )
        .route("/permalink/{id}/events", get(realtime::waiting_events))
        .route("/realtime", get(realtime::connect))
        .route("/webhooks", post(webhooks::register).get(webhooks::show))
        .route("/webhooks/{id}", axum::routing::delete(webhooks::delete))
        .route("/rt", get(crate::observer::connect))
        .route("/openapi.json", get(openapi))
        .merge(crate::app::router())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
        // The browser library calls the token and access-key endpoints from
        // the embedding page's own origin; no cookies are involved, so any
        // origin may call.
        .layer(CorsLayer::very_permissive().allow_credentials(false))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request<_>| {
                    let path = request
                        .extensions()
                        .get::<MatchedPath>()
                        .map_or("unmatched", MatchedPath::as_str);
                    tracing::info_span!(
                        "request",
                        method = %request.method(),
                        path,
                        room.id = tracing::field::Empty,
                        user.id = tracing::field::Empty,
                    )
                })
                .on_request(())
                .on_response(access_log::on_response)
                .on_failure(()),
        )
}

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    let mut document = ApiDoc::openapi();
    // The live endpoints are described beside their handlers.
    document.merge(RealtimeDoc::openapi());
    Json(document)
}

async fn not_found() -> ApiError {
    ApiError::not_found("no such endpoint")
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method not allowed on this endpoint",
    )
}
