//! The prebuilt web UI (`ui/`) under `/app/` and the JS client library
//! (`client/`) under `/app/client/`, served from files embedded in the
//! binary (D1, D2).
//!
//! Both are plain ES modules without fingerprinted names, so every answer
//! says `no-cache` and carries an `ETag`: browsers revalidate and get a 304
//! while the binary is unchanged. Debug builds read the folders from disk,
//! so edits to the UI show without a rebuild.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use rust_embed::{EmbeddedFile, RustEmbed};

use crate::config::ApiConfig;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(RustEmbed)]
#[folder = "../../ui/"]
struct Ui;

#[derive(RustEmbed)]
#[folder = "../../client/"]
#[include = "*.js"]
#[include = "*.d.ts"]
#[exclude = "test/*"]
struct Client;

/// The page every UI link opens; it picks its flow from the path.
const PAGE: &str = "index.html";

/// Routes under `/app`, merged into the main router.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/app", get(to_app_root))
        .route("/app/", get(page))
        .route("/app/permalink", get(page))
        .route("/app/permalink/", get(page))
        .route("/app/client/{*path}", get(client_file))
        .route("/app/{*path}", get(ui_file))
}

/// `/app?<key>` has no base for the page's links; send it to `/app/?<key>`.
async fn to_app_root(uri: Uri) -> Redirect {
    match uri.query() {
        Some(query) => Redirect::permanent(&format!("/app/?{query}")),
        None => Redirect::permanent("/app/"),
    }
}

async fn page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    serve(&state.config, &headers, PAGE, Ui::get)
}

async fn ui_file(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(path): Path<String>,
) -> Response {
    serve(&state.config, &headers, &path, Ui::get)
}

async fn client_file(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(path): Path<String>,
) -> Response {
    serve(&state.config, &headers, &path, Client::get)
}

fn serve(
    config: &ApiConfig,
    headers: &HeaderMap,
    path: &str,
    get: fn(&str) -> Option<EmbeddedFile>,
) -> Response {
    // Unknown extensions are not served at all rather than guessed, so a
    // stray file in the folder can never be sniffed into something active.
    // Debug builds read from disk, so no path may climb out of the folder.
    let climbs = path.split(['/', '\\']).any(|part| part == "..");
    let file = if climbs { None } else { get(path) };
    let (Some(file), Some(kind)) = (file, content_type(path)) else {
        return ApiError::not_found("no such file").into_response();
    };
    let etag = format!("\"{}\"", hex::encode(&file.metadata.sha256_hash()[..16]));
    let etag = HeaderValue::from_str(&etag).expect("hex digits are a valid header value");

    let mut response = if headers.get(header::IF_NONE_MATCH) == Some(&etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut response = file.data.into_owned().into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
        response
    };
    let out = response.headers_mut();
    out.insert(header::ETAG, etag);
    out.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    security_headers(config, out);
    response
}

fn content_type(path: &str) -> Option<&'static str> {
    let ext = path.rsplit_once('.').map(|(_, ext)| ext)?;
    Some(match ext {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "ts" => "text/plain; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        _ => return None,
    })
}

fn security_headers(config: &ApiConfig, out: &mut HeaderMap) {
    // The API may live on another host name (D1); the page talks to it by
    // fetch, EventSource and WebSocket, and to nothing else.
    let csp = format!(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; \
         media-src 'self' blob:; connect-src 'self' {} {}; object-src 'none'; base-uri 'none'; \
         form-action 'self'",
        config.api_url,
        config.websocket_base(),
    );
    let fixed: [(HeaderName, &str); 4] = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        // Links carry secret tokens in their query; never pass them on,
        // least of all to the exit_url.
        (header::REFERRER_POLICY, "no-referrer"),
        (
            HeaderName::from_static("permissions-policy"),
            "camera=(self), microphone=(self), display-capture=(self)",
        ),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
    ];
    for (name, value) in fixed {
        out.insert(name, HeaderValue::from_static(value));
    }
    if let Ok(value) = HeaderValue::from_str(&csp) {
        out.insert(header::CONTENT_SECURITY_POLICY, value);
    }
}
