//! The waiting page's stream, `/permalink/<token>/events`
//! (docs/realtime.md), read as server-sent events by a real HTTP client.

mod common;
mod live;

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use anteroom_api::config::RealtimeTimings;
use anteroom_domain::UserToken;
use common::TestApp;
use live::{Sse, SseReader, quick, start};

/// Timings whose keep-alive never comes during a test, so whatever a
/// stream sends after its first info was pushed to it by the hub.
fn no_keep_alive() -> RealtimeTimings {
    RealtimeTimings {
        waiting_keepalive: Duration::from_secs(600),
        ..quick()
    }
}

/// A permalink's id, host token and guest token.
async fn permalink(app: &TestApp) -> (String, String, String) {
    let body = app.create_permalink(json!({"name": "Weekly"})).await;
    let field = |name: &str| body["permalink"][name].as_str().unwrap().to_owned();
    (field("id"), field("user_token"), field("guest_token"))
}

async fn open(app: &TestApp, token: &str) -> SseReader {
    SseReader::open(app, &format!("/permalink/{token}/events"))
        .await
        .unwrap_or_else(|response| panic!("status {}", response.status()))
}

/// The next named event, which must be `info`.
async fn info(reader: &mut SseReader) -> Value {
    let (name, data) = reader.next_event().await.expect("the stream goes on");
    assert_eq!(name, "info", "{data}");
    data
}

#[tokio::test]
async fn info_comes_at_once_and_is_what_get_answers() {
    let app = start(quick()).await;
    let (id, _, guest) = permalink(&app).await;
    let mut reader = open(&app, &guest).await;
    let first = info(&mut reader).await;
    let got = app
        .get_anon(&format!("/permalink/{guest}"))
        .await
        .expect(200)
        .body;
    assert_eq!(first, got);
    assert_eq!(first["room"]["id"], id);
    assert_eq!(first["room"]["started_at"], Value::Null);
    assert_eq!(first["room"]["ready"], false);
    assert_eq!(first.get("user"), None, "a guest token names no host");
}

#[tokio::test]
async fn a_host_tokens_info_names_the_host_as_get_does() {
    let app = start(quick()).await;
    let (_, host, _) = permalink(&app).await;
    let mut reader = open(&app, &host).await;
    let first = info(&mut reader).await;
    let got = app
        .get_anon(&format!("/permalink/{host}"))
        .await
        .expect(200)
        .body;
    assert_eq!(first, got);
    assert_eq!(first["user"]["name"], "Ann");
}

#[tokio::test]
async fn a_waiting_guest_learns_of_the_start_within_a_second() {
    let app = start(quick()).await;
    let (_, host, guest) = permalink(&app).await;
    let mut reader = open(&app, &guest).await;
    info(&mut reader).await;

    let started = Instant::now();
    let room = app
        .post_anon(&format!("/permalink/{host}"), json!({}))
        .await
        .expect(201)
        .body;
    let now = info(&mut reader).await;
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(now["room"]["started_at"], room["room"]["started_at"]);
    assert_eq!(now["room"]["ready"], true);

    // The guest may now register, as the page would.
    app.post_anon(&format!("/guests/{guest}"), json!({"name": "Gus"}))
        .await
        .expect(201);

    // And hears of the end.
    let key = room["access_key"].as_str().unwrap();
    app.delete_anon(&format!("/rooms/{key}")).await.expect(204);
    let after = info(&mut reader).await;
    assert_eq!(after["room"]["started_at"], Value::Null);
}

#[tokio::test]
async fn a_host_token_works_too_and_other_meetings_do_not_disturb() {
    let app = start(quick()).await;
    let (_, host, _) = permalink(&app).await;
    let (_, other_host, _) = permalink(&app).await;
    let mut reader = open(&app, &host).await;
    info(&mut reader).await;

    app.post_anon(&format!("/permalink/{other_host}"), json!({}))
        .await
        .expect(201);
    app.create_room("unrelated", "Ann").await;
    // Only keep-alive comments until this permalink starts.
    let quiet_until = Instant::now() + Duration::from_millis(600);
    while Instant::now() < quiet_until {
        assert_eq!(reader.next().await, Some(Sse::Comment));
    }
    app.post_anon(&format!("/permalink/{host}"), json!({}))
        .await
        .expect(201);
    assert!(info(&mut reader).await["room"]["started_at"].is_string());
}

#[tokio::test]
async fn deleting_a_running_permalink_sends_gone_and_ends_the_stream() {
    let app = start(quick()).await;
    let (id, host, guest) = permalink(&app).await;
    app.post_anon(&format!("/permalink/{host}"), json!({}))
        .await
        .expect(201);
    let mut reader = open(&app, &guest).await;
    assert!(info(&mut reader).await["room"]["started_at"].is_string());

    app.delete(&format!("/permalink/{id}")).await.expect(200);
    let (name, _) = reader.next_event().await.expect("an event");
    assert_eq!(name, "gone");
    assert_eq!(reader.next().await, None, "the stream ends");
}

#[tokio::test]
async fn deleting_a_waiting_permalink_sends_gone_at_once() {
    let app = start(no_keep_alive()).await;
    let (id, host, guest) = permalink(&app).await;
    let mut by_guest = open(&app, &guest).await;
    let mut by_host = open(&app, &host).await;
    info(&mut by_guest).await;
    info(&mut by_host).await;

    // No meeting runs and no keep-alive is due: `gone` can only come from
    // the deletion's announcement, and must come within the reader's
    // patience.
    app.delete(&format!("/permalink/{id}")).await.expect(200);
    for reader in [&mut by_guest, &mut by_host] {
        let (name, _) = reader.next_event().await.expect("an event");
        assert_eq!(name, "gone");
        assert_eq!(reader.next().await, None, "the stream ends");
    }
}

#[tokio::test]
async fn removing_a_host_sends_gone_to_that_hosts_stream_only() {
    let app = start(no_keep_alive()).await;
    let (id, ann, guest) = permalink(&app).await;
    let bea = app
        .post(
            &format!("/permalink/{id}/users"),
            json!({"user": {"name": "Bea"}}),
        )
        .await
        .expect(201)
        .str("/permalink/user_token");
    let mut by_ann = open(&app, &ann).await;
    let mut by_bea = open(&app, &bea).await;
    let mut by_guest = open(&app, &guest).await;
    for reader in [&mut by_ann, &mut by_bea, &mut by_guest] {
        info(reader).await;
    }

    app.delete(&format!("/permalink/{id}/users/{ann}"))
        .await
        .expect(200);
    let (name, _) = by_ann.next_event().await.expect("an event");
    assert_eq!(name, "gone");
    assert_eq!(by_ann.next().await, None, "the stream ends");
    // The other host and the guest keep their links and hear nothing.
    for reader in [&mut by_bea, &mut by_guest] {
        reader.silent_for(Duration::from_millis(300)).await;
    }

    app.delete(&format!("/permalink/{id}")).await.expect(200);
    for reader in [&mut by_bea, &mut by_guest] {
        let (name, _) = reader.next_event().await.expect("an event");
        assert_eq!(name, "gone");
    }
}

#[tokio::test]
async fn a_token_that_dies_unannounced_is_gone_at_the_next_keep_alive() {
    let app = start(quick()).await;
    let (id, host, guest) = permalink(&app).await;
    let mut reader = open(&app, &guest).await;
    info(&mut reader).await;

    // Straight to the store, past the meeting service that would announce
    // it: the keep-alive's own look at the token is the safety net.
    let store = &app.server().state.store;
    let (_, found) = store
        .find_host(&UserToken::new(host))
        .await
        .expect("store answers")
        .expect("the host");
    assert_eq!(found.id.as_str(), id);
    assert!(
        store
            .delete_permalink(&found.team_id, &found.id)
            .await
            .expect("store answers")
    );
    let (name, _) = reader.next_event().await.expect("an event");
    assert_eq!(name, "gone");
    assert_eq!(reader.next().await, None);
}

#[tokio::test]
async fn keep_alive_comments_flow_while_nothing_happens() {
    let app = start(quick()).await;
    let (_, _, guest) = permalink(&app).await;
    let mut reader = open(&app, &guest).await;
    info(&mut reader).await;
    assert_eq!(reader.next().await, Some(Sse::Comment));
    assert_eq!(reader.next().await, Some(Sse::Comment));
}

#[tokio::test]
async fn unknown_and_deleted_tokens_are_404() {
    let app = start(quick()).await;
    for token in ["abcdefghijklmnopqrstuvwx", "short"] {
        let response = SseReader::open(&app, &format!("/permalink/{token}/events"))
            .await
            .err()
            .expect("refused");
        assert_eq!(response.status(), 404, "{token}");
        let body: Value = response.json().await.expect("JSON body");
        assert!(body["error"].is_string());
    }

    let (id, host, guest) = permalink(&app).await;
    app.delete(&format!("/permalink/{id}")).await.expect(200);
    for token in [host, guest] {
        let response = SseReader::open(&app, &format!("/permalink/{token}/events")).await;
        assert_eq!(response.err().expect("refused").status(), 404);
    }
}
