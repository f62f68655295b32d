//! `GET /`: whoever opens the API's bare address in a browser wants the
//! meeting UI, so they are sent on to `<app_url>/`, query and all (D1).
//!
//! A redirect that would land on this very address again is never sent:
//! when `<app_url>/` is the API's own root (the same place as `api_url`, or
//! the root of the host the request came to), the answer is a short JSON
//! note naming where this server keeps its UI and its API description.

use axum::Json;
use axum::extract::State;
use axum::http::header::{HOST, LOCATION};
use axum::http::uri::Authority;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::config::ApiConfig;
use crate::state::AppState;

/// What `GET /` says instead of redirecting.
#[derive(Debug, Serialize)]
struct Home {
    /// The UI this server serves itself.
    app: String,
    /// The OpenAPI document of the REST API.
    openapi: String,
}

/// Send a browser on to the UI, or say where it is.
pub async fn home(State(state): State<AppState>, headers: HeaderMap, uri: Uri) -> Response {
    let config = &state.config;
    // HTTP/2 carries the host in the URI, HTTP/1.1 in the header.
    let host = uri
        .authority()
        .map(Authority::as_str)
        .or_else(|| headers.get(HOST).and_then(|value| value.to_str().ok()));
    if !loops_back(config, host)
        && let Some(location) = location(&config.app_url, uri.query())
    {
        return (StatusCode::TEMPORARY_REDIRECT, [(LOCATION, location)]).into_response();
    }
    Json(Home {
        app: format!("{}/app/", config.api_url),
        openapi: format!("{}/openapi.json", config.api_url),
    })
    .into_response()
}

/// `<app_url>/`, with the request's query; none if that is no valid
/// header value (a misconfigured `app_url`).
fn location(app_url: &str, query: Option<&str>) -> Option<HeaderValue> {
    let location = match query {
        Some(query) => format!("{app_url}/?{query}"),
        None => format!("{app_url}/"),
    };
    HeaderValue::from_str(&location).ok()
}

/// Whether a redirect to `<app_url>/` would bring the browser straight back
/// here: the app url is the API url, or the root of the host this request
/// came to while the API sits at that root too. An app url that cannot be
/// read counts as looping, since where it leads is unknown.
fn loops_back(config: &ApiConfig, request_host: Option<&str>) -> bool {
    let Some(app) = Target::parse(&config.app_url) else {
        return true;
    };
    let api = Target::parse(&config.api_url);
    let api_path = api.as_ref().map_or("", |api| api.path.as_str());
    if app.path != api_path {
        return false;
    }
    let Some((host, port)) = &app.authority else {
        // A relative app url stays on whatever host this request came to.
        return true;
    };
    let same_as_api = api.is_some_and(|api| api.authority == app.authority);
    let same_as_request = request_host
        .and_then(|text| text.parse::<Authority>().ok())
        .is_some_and(|request| {
            request.host().eq_ignore_ascii_case(host)
                && request.port_u16().or(app.default_port) == *port
        });
    same_as_api || same_as_request
}

/// A URL reduced to where a request for it lands: host and port (the
/// scheme's default filled in), and the path without trailing slashes.
#[derive(Debug)]
struct Target {
    authority: Option<(String, Option<u16>)>,
    default_port: Option<u16>,
    path: String,
}

impl Target {
    fn parse(url: &str) -> Option<Self> {
        let uri: Uri = url.parse().ok()?;
        let default_port = match uri.scheme_str() {
            Some(scheme) if scheme.eq_ignore_ascii_case("https") => Some(443),
            Some(scheme) if scheme.eq_ignore_ascii_case("http") => Some(80),
            _ => None,
        };
        let authority = uri.authority().map(|authority| {
            let host = authority.host().to_ascii_lowercase();
            (host, authority.port_u16().or(default_port))
        });
        Some(Self {
            authority,
            default_port,
            path: uri.path().trim_end_matches('/').to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls(api_url: &str, app_url: &str) -> ApiConfig {
        ApiConfig {
            api_url: api_url.to_owned(),
            app_url: app_url.to_owned(),
            timeouts: anteroom_domain::Timeouts::default(),
            realtime: crate::config::RealtimeTimings::default(),
            webhooks: crate::webhooks::WebhookConfig::default(),
        }
    }

    #[test]
    fn the_default_app_url_is_a_redirect() {
        let config = urls("http://localhost:8080", "http://localhost:8080/app");
        assert!(!loops_back(&config, Some("localhost:8080")));
        assert!(!loops_back(&config, None));
    }

    #[test]
    fn an_app_url_on_another_host_is_a_redirect() {
        let config = urls("https://api.example.com", "https://meet.example.com");
        assert!(!loops_back(&config, Some("api.example.com")));
    }

    #[test]
    fn the_api_url_itself_loops() {
        for app in [
            "http://localhost:8080",
            "http://LOCALHOST:8080",
            "http://localhost:8080/",
        ] {
            let config = urls("http://localhost:8080", app);
            assert!(loops_back(&config, None), "{app}");
        }
        let config = urls("https://example.com/api", "https://example.com:443/api");
        assert!(loops_back(&config, Some("example.com")));
    }

    #[test]
    fn the_root_of_the_requested_host_loops() {
        let config = urls("http://localhost:8080", "http://127.0.0.1:8080");
        assert!(loops_back(&config, Some("127.0.0.1:8080")));
        assert!(!loops_back(&config, Some("localhost:8080")));
        let config = urls("http://localhost", "http://example.com");
        assert!(loops_back(&config, Some("Example.com")));
        assert!(!loops_back(&config, Some("example.com:8080")));
    }

    #[test]
    fn relative_or_unreadable_app_urls_at_the_root_loop() {
        assert!(loops_back(&urls("http://localhost:8080", ""), None));
        assert!(loops_back(
            &urls("http://localhost:8080", "not a url"),
            None
        ));
        assert!(!loops_back(&urls("http://localhost:8080", "/ui"), None));
    }

    #[test]
    fn the_location_keeps_the_query() {
        let at = |query| location("http://x/app", query).map(|v| v.to_str().unwrap().to_owned());
        assert_eq!(at(None).as_deref(), Some("http://x/app/"));
        assert_eq!(
            at(Some("guest=abc")).as_deref(),
            Some("http://x/app/?guest=abc")
        );
    }
}
