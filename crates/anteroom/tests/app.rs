//! The prebuilt UI and the JS client are served under `/app/` with the
//! right content types, caching and security headers (D1, D2), and the
//! bare root sends browsers there.

mod common;

use common::TestApp;
use reqwest::StatusCode;
use reqwest::header::{self, HeaderMap};
use serde_json::{Value, json};

async fn fetch(app: &TestApp, path: &str) -> (StatusCode, HeaderMap, String) {
    let response = app
        .client
        .get(format!("{}{path}", app.base))
        .send()
        .await
        .expect("request sent");
    let status = response.status();
    let headers = response.headers().clone();
    (status, headers, response.text().await.expect("body read"))
}

fn header(headers: &HeaderMap, name: header::HeaderName) -> &str {
    headers
        .get(&name)
        .unwrap_or_else(|| panic!("no {name} header"))
        .to_str()
        .expect("ascii header")
}

#[tokio::test]
async fn every_ui_link_serves_the_page() {
    let app = TestApp::start().await;
    for path in [
        "/app/",
        "/app/?AccessKey0123456789abcd",
        "/app/?guest=GuestToken0123456789abc",
        "/app/permalink?UserToken0123456789abcd",
        "/app/permalink/?UserToken0123456789abcd",
        "/app/permalink?guest=GuestToken0123456789abc",
    ] {
        let (status, headers, body) = fetch(&app, path).await;
        assert_eq!(status, 200, "{path}");
        assert_eq!(
            header(&headers, header::CONTENT_TYPE),
            "text/html; charset=utf-8"
        );
        assert!(
            body.contains(r#"<script type="module" src="/app/main.js">"#),
            "{path}"
        );
    }
}

#[tokio::test]
async fn the_page_has_no_inline_script_and_a_strict_policy() {
    let app = TestApp::start().await;
    let (_, headers, body) = fetch(&app, "/app/").await;

    // Every script tag loads a file; the policy would refuse anything else.
    for tag in body.split("<script").skip(1) {
        let open = &tag[..tag.find('>').expect("closed tag")];
        assert!(open.contains("src="), "inline script: <script{open}>");
    }
    let csp = header(&headers, header::CONTENT_SECURITY_POLICY);
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert!(!csp.contains("unsafe-eval"), "{csp}");
    assert!(csp.contains("object-src 'none'"), "{csp}");
    // The page talks to the API, also over WebSocket.
    assert!(csp.contains(&app.api_url()), "{csp}");
    assert!(
        csp.contains(&app.api_url().replacen("http", "ws", 1)),
        "{csp}"
    );

    assert_eq!(header(&headers, header::X_CONTENT_TYPE_OPTIONS), "nosniff");
    assert_eq!(header(&headers, header::REFERRER_POLICY), "no-referrer");
    assert_eq!(header(&headers, header::CACHE_CONTROL), "no-cache");
}

#[tokio::test]
async fn assets_have_their_content_types() {
    let app = TestApp::start().await;
    for (path, kind, contains) in [
        ("/app/main.js", "text/javascript; charset=utf-8", "import"),
        (
            "/app/i18n/de.js",
            "text/javascript; charset=utf-8",
            "export default",
        ),
        ("/app/style.css", "text/css; charset=utf-8", ":root"),
        ("/app/icon.svg", "image/svg+xml", "<svg"),
        (
            "/app/client/anteroom.js",
            "text/javascript; charset=utf-8",
            "export class Anteroom",
        ),
        (
            "/app/client/meeting.js",
            "text/javascript; charset=utf-8",
            "export class Meeting",
        ),
        (
            "/app/client/anteroom.d.ts",
            "text/plain; charset=utf-8",
            "export class Anteroom",
        ),
    ] {
        let (status, headers, body) = fetch(&app, path).await;
        assert_eq!(status, 200, "{path}");
        assert_eq!(header(&headers, header::CONTENT_TYPE), kind, "{path}");
        assert!(body.contains(contains), "{path}");
        assert!(headers.contains_key(header::ETAG), "{path}");
    }
}

#[tokio::test]
async fn tests_and_unknown_files_are_not_served() {
    let app = TestApp::start().await;
    for path in [
        "/app/client/test/fakes.mjs",
        "/app/client/package.json",
        "/app/nothing.js",
        "/app/client/",
        "/app/../Cargo.toml",
        "/app/%2e%2e/client/anteroom.js",
        "/app/client/%2e%2e/ui/main.js",
    ] {
        let (status, headers, _) = fetch(&app, path).await;
        assert_eq!(status, 404, "{path}");
        assert!(
            header(&headers, header::CONTENT_TYPE).starts_with("application/json"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn an_unchanged_file_is_not_sent_again() {
    let app = TestApp::start().await;
    let (_, headers, _) = fetch(&app, "/app/main.js").await;
    let etag = header(&headers, header::ETAG).to_owned();
    let again = app
        .client
        .get(format!("{}/app/main.js", app.base))
        .header(header::IF_NONE_MATCH, &etag)
        .send()
        .await
        .expect("request sent");
    assert_eq!(again.status(), 304);
    assert_eq!(again.headers()[header::ETAG], etag.as_str());
}

#[tokio::test]
async fn app_without_a_slash_redirects_and_keeps_the_key() {
    let app = TestApp::start().await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let response = client
        .get(format!("{}/app?AccessKey0123456789abcd", app.base))
        .send()
        .await
        .expect("request sent");
    assert_eq!(response.status(), 308);
    assert_eq!(
        response.headers()[header::LOCATION],
        "/app/?AccessKey0123456789abcd"
    );
}

/// The status, `Location` and body of a GET, without following redirects.
async fn fetch_once(app: &TestApp, path: &str) -> (StatusCode, Option<String>, String) {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let response = client
        .get(format!("{}{path}", app.base))
        .send()
        .await
        .expect("request sent");
    let status = response.status();
    let location = response
        .headers()
        .get(header::LOCATION)
        .map(|value| value.to_str().expect("ascii header").to_owned());
    (status, location, response.text().await.expect("body read"))
}

#[tokio::test]
async fn the_root_redirects_to_the_ui_keeping_the_query() {
    let app = TestApp::start().await;
    let ui = format!("{}/app/", app.api_url());
    for (path, to) in [
        ("/", ui.clone()),
        (
            "/?guest=GuestToken0123456789abc",
            format!("{ui}?guest=GuestToken0123456789abc"),
        ),
        (
            "/?AccessKey0123456789abcd",
            format!("{ui}?AccessKey0123456789abcd"),
        ),
    ] {
        let (status, location, _) = fetch_once(&app, path).await;
        assert_eq!(status, StatusCode::TEMPORARY_REDIRECT, "{path}");
        assert_eq!(location.as_deref(), Some(to.as_str()), "{path}");
    }
}

#[tokio::test]
async fn the_root_redirects_to_an_app_url_elsewhere() {
    let app =
        TestApp::start_with_links("https://api.example.com", "https://meet.example.com").await;
    let (status, location, _) = fetch_once(&app, "/?x=1").await;
    assert_eq!(status, StatusCode::TEMPORARY_REDIRECT);
    assert_eq!(location.as_deref(), Some("https://meet.example.com/?x=1"));
}

#[tokio::test]
async fn the_root_never_redirects_to_itself() {
    // The UI's address is the API's own root: a redirect would come back.
    let app =
        TestApp::start_with_links("https://meet.example.com", "https://meet.example.com/").await;
    for path in ["/", "/?AccessKey0123456789abcd"] {
        let (status, location, body) = fetch_once(&app, path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        assert_eq!(location, None, "{path}");
        let body: Value = serde_json::from_str(&body).expect("JSON body");
        assert_eq!(
            body,
            json!({
                "app": "https://meet.example.com/app/",
                "openapi": "https://meet.example.com/openapi.json",
            })
        );
    }
}
