//! D6: the same logical request gives the same result in every encoding.
//!
//! Each body-taking endpoint gets a table of requests, valid and invalid.
//! The whole table runs once per encoding, each time against a fresh server
//! that sees the same sequence of requests, so that the answers can be
//! compared case by case: the same status and, once generated ids, tokens,
//! timestamps and the server's port are masked, the same body.
//!
//! The table runner is in `table`, the tables in `rooms` and `permalinks`;
//! here are the bodies no encoder makes, such as the empty ones, sent raw.

mod common;
#[path = "encodings/permalinks.rs"]
mod permalinks;
#[path = "encodings/rooms.rs"]
mod rooms;
#[path = "encodings/table.rs"]
mod table;

use common::{Encoding, TestApp};
use serde_json::{Value, json};

/// A raw request with a content type and bytes of our choosing.
async fn raw(
    app: &TestApp,
    path: &str,
    key: Option<&str>,
    content_type: &str,
    body: &[u8],
) -> (u16, Value) {
    let mut request = app
        .client
        .post(format!("{}{path}", app.base))
        .header("Content-Type", content_type)
        .body(body.to_vec());
    if let Some(key) = key {
        request = request.header("Authorization", key);
    }
    let response = request.send().await.expect("sent");
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

const BROWSER_MULTIPART: &str =
    "multipart/form-data; boundary=----WebKitFormBoundaryq2Lm3cBmJ5pIuIZb";

#[tokio::test]
async fn the_browser_librarys_empty_multipart_body_starts_a_permalink() {
    let app = TestApp::start().await;
    let permalink = app.create_permalink(json!({})).await;
    let token = permalink["permalink"]["user_token"].as_str().expect("ut");

    let (status, body) = raw(
        &app,
        &format!("/permalink/{token}"),
        None,
        BROWSER_MULTIPART,
        b"",
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["room"]["id"], permalink["permalink"]["id"]);
    assert_eq!(body["user"]["name"], "Ann");
    // Again, joining the meeting it started.
    let (status, again) = raw(
        &app,
        &format!("/permalink/{token}"),
        None,
        BROWSER_MULTIPART,
        b"",
    )
    .await;
    assert_eq!(status, 201, "{again}");
    assert_eq!(again["room"]["started_at"], body["room"]["started_at"]);
}

#[tokio::test]
async fn empty_bodies_are_missing_fields_in_every_encoding() {
    let app = TestApp::start().await;
    let room = app.create_room("empty", "Ann").await;
    let guest_path = format!(
        "/guests/{}",
        room["room"]["guest_token"].as_str().expect("gt")
    );
    let message_path = format!(
        "/rooms/{}/messages",
        room["access_key"].as_str().expect("ak")
    );
    let key = Some(app.key.as_str());

    for content_type in [
        BROWSER_MULTIPART,
        "application/json",
        "application/x-www-form-urlencoded",
    ] {
        for (path, key, error) in [
            ("/rooms", key, "user[name] is required"),
            ("/permalink", key, "user[name] is required"),
            (guest_path.as_str(), None, "name is required"),
            (message_path.as_str(), None, "type is required"),
        ] {
            let (status, body) = raw(&app, path, key, content_type, b"").await;
            assert_eq!(status, 400, "{content_type} to {path}: {body}");
            assert_eq!(body["error"], error, "{content_type} to {path}");
        }
    }
}

#[tokio::test]
async fn custom_field_scalars_read_the_same_in_every_encoding() {
    let app = TestApp::start().await;
    let mut seen = Vec::new();
    for encoding in Encoding::ALL {
        let body = json!({"user": {"name": "Ann"}, "options": {"custom_fields": {"count": 5, "flag": true}}});
        let reply = app
            .send(
                reqwest::Method::POST,
                "/permalink",
                Some(&app.key),
                Some((encoding, &body)),
            )
            .await
            .expect(201);
        seen.push(reply.body["options"]["custom_fields"].clone());
    }
    assert!(
        seen.iter()
            .all(|fields| *fields == json!({"count": "5", "flag": "true"})),
        "{seen:?}"
    );
}
