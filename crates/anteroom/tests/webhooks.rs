//! Webhooks: registration as spec 3.13 says, and delivery that loses
//! nothing. A receiver on 127.0.0.1 checks every signature the way the Go
//! SDK does and sees every event exactly once, in order per room, across
//! an outage of tens of seconds (refused connections, error statuses,
//! timeouts) and a crash of the real binary in the middle of its queue.

mod common;
mod events;

use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};

use common::{Encoding, TestApp};
use events::{Answer, Binary, Cable, Receiver, call, signed_with};

#[tokio::test]
async fn registration_follows_the_contract() {
    let app = TestApp::start().await;
    assert_eq!(app.get("/webhooks").await.expect(200).body, Value::Null);
    app.send(Method::GET, "/webhooks", None, None)
        .await
        .expect_error(401);

    // Loopback and private receivers are refused unless the operator
    // allows them.
    let inside = json!({"url": "http://127.0.0.1:9/hook", "types": "room_update"});
    let refused = app.post("/webhooks", inside).await.expect_error(400);
    assert!(refused.text.contains("private"), "{}", refused.text);

    // Empty and unknown types are refused, naming the valid ones.
    for types in [
        json!(""),
        json!([]),
        json!("room_update,meeting_update"),
        json!(null),
    ] {
        let body = json!({"url": "https://hooks.example.com/a", "types": types});
        let refused = app.post("/webhooks", body).await.expect_error(400);
        let said = refused.str("/error");
        assert!(
            said.contains("room_update, participant_update, waiting_update"),
            "{said}"
        );
    }
    let no_url = json!({"types": "room_update"});
    app.post("/webhooks", no_url).await.expect_error(400);

    // A comma-separated string, as the SDKs send it.
    let first =
        json!({"url": "https://hooks.example.com/a", "types": "room_update, participant_update"});
    let first = app.post("/webhooks", first).await.expect(201).body;
    common::assert_keys(
        &first,
        &[
            "id",
            "types",
            "url",
            "last_request_sent_at",
            "last_response_code",
        ],
    );
    assert_eq!(first["types"], json!(["room_update", "participant_update"]));
    assert_eq!(first["last_request_sent_at"], Value::Null);
    assert_eq!(first["last_response_code"], Value::Null);

    // A list, form-encoded, replaces it: one webhook per key.
    let second =
        json!({"url": "https://hooks.example.com/b", "types": ["waiting_update", "room_update"]});
    let second = app
        .send(
            Method::POST,
            "/webhooks",
            Some(&app.key),
            Some((Encoding::Form, &second)),
        )
        .await
        .expect(201)
        .body;
    assert_ne!(second["id"], first["id"]);
    let shown = app.get("/webhooks").await.expect(200).body;
    assert_eq!(shown, second);
    assert_eq!(shown["types"], json!(["waiting_update", "room_update"]));

    // Another team sees none and cannot delete ours.
    let other = app.other_team_key("acme").await;
    let theirs = app.send(Method::GET, "/webhooks", Some(&other), None).await;
    assert_eq!(theirs.expect(200).body, Value::Null);
    let path = format!(
        "/webhooks/{}",
        second.as_object().expect("object")["id"]
            .as_str()
            .expect("id")
    );
    app.send(Method::DELETE, &path, Some(&other), None)
        .await
        .expect_error(404);

    // The stored signing material is not the key.
    let key_id = app
        .server()
        .state
        .store
        .find_api_key(&anteroom_domain::team::hash_key(&app.key))
        .await
        .expect("store")
        .expect("the key")
        .0
        .id;
    let stored = app
        .server()
        .state
        .store
        .find_webhook(&key_id)
        .await
        .expect("store");
    let stored = stored.expect("a webhook").signing_key;
    let key = app.key.as_bytes();
    assert!(!stored.windows(8).any(|w| key.windows(8).any(|k| k == w)));

    // Deleting: the replaced one is gone already, ours answers 204.
    let first_path = format!("/webhooks/{}", first["id"].as_str().expect("id"));
    app.delete(&first_path).await.expect_error(404);
    app.delete(&path).await.expect(204);
    assert_eq!(app.get("/webhooks").await.expect(200).body, Value::Null);
}

#[cfg(unix)]
#[tokio::test]
async fn the_database_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let app = TestApp::start().await;
    let file = app.dir.path().join(anteroom::server::DATABASE_FILE);
    let mode = std::fs::metadata(file)
        .expect("database")
        .permissions()
        .mode();
    assert_eq!(mode & 0o077, 0, "mode {mode:o}");
}

/// Flags that let the test's receiver on 127.0.0.1 in, and retry fast.
const FLAGS: &[&str] = &[
    "--webhooks-allow-private",
    "--webhooks-backoff-base-ms",
    "100",
    "--webhooks-backoff-max-secs",
    "1",
    "--webhooks-timeout-ms",
    "1000",
];

/// A meeting of room `room` with one participant; its access key.
async fn start(bin: &Binary, key: &str, room: &str) -> String {
    let body = json!({"id": room, "name": room, "user": {"name": "Ann"}});
    let url = format!("{}/rooms", bin.api);
    let (status, joined) = call(Method::POST, url, Some(key), Some(body)).await;
    assert_eq!(status, 201, "{joined}");
    joined["access_key"]
        .as_str()
        .expect("access key")
        .to_owned()
}

/// The participant connects through `links.websocket` and says it joins.
async fn come_online(bin: &Binary, access_key: &str) -> Cable {
    let url = format!("{}/rt?access_key={access_key}", bin.ws());
    let mut cable = Cable::open(&url, &[], &[]).await;
    assert_eq!(cable.next().await.expect("welcome")["type"], "welcome");
    cable.subscribe_room().await;
    cable.message("room_setup").await;
    cable.perform("user_joins").await;
    // Its own arrival comes back on the room channel once it counts.
    let online = cable.message("participant_update").await;
    assert_eq!(online["participant"]["online"], true);
    cable
}

async fn stop(bin: &Binary, access_key: &str) {
    let url = format!("{}/rooms/{access_key}", bin.api);
    let (status, body) = call(Method::DELETE, url, None, None).await;
    assert_eq!(status, 204, "{body}");
}

/// A whole meeting: start, online, offline, end.
async fn whole_meeting(bin: &Binary, key: &str, room: &str) {
    let access_key = start(bin, key, room).await;
    come_online(bin, &access_key).await.close().await;
    // Let the server see the close before the end, as a person leaving
    // before the host ends the meeting would.
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop(bin, &access_key).await;
}

/// What one event says, for comparing sequences.
fn summary(event: &Value) -> String {
    match event["type"].as_str() {
        Some("room_update") => format!("room shutdown={}", event["room"]["shutdown"]),
        Some("participant_update") => {
            format!("participant online={}", event["participant"]["online"])
        }
        other => format!("{other:?}"),
    }
}

fn room_of(event: &Value) -> String {
    let room = event.get("room").or_else(|| event.get("participant"));
    let field = if event["type"] == "room_update" {
        "id"
    } else {
        "room_id"
    };
    room.and_then(|r| r[field].as_str())
        .expect("a room id")
        .to_owned()
}

#[tokio::test]
async fn every_event_arrives_once_in_order_across_an_outage_and_a_crash() {
    let dir = tempfile::tempdir().expect("dir");
    let key = "webhookTestKey0123456789abcdefghijklmnop";
    let mut receiver = Receiver::start().await;
    let bin = Binary::spawn(dir.path(), key, FLAGS);
    let register = json!({"url": receiver.url(), "types": "room_update,participant_update"});
    let url = format!("{}/webhooks", bin.api);
    let (status, body) = call(Method::POST, url, Some(key), Some(register)).await;
    assert_eq!(status, 201, "{body}");

    // While the receiver is up.
    whole_meeting(&bin, key, "one").await;
    whole_meeting(&bin, key, "two").await;
    receiver
        .wait_until(events::PATIENCE, |got| got.len() == 8)
        .await;

    // The outage: refused connections, then errors, then a receiver too
    // slow to answer, then refused again; meanwhile meetings go on.
    let outage = tokio::time::Instant::now();
    receiver.down().await;
    let three = start(&bin, key, "three").await;
    let three_online = come_online(&bin, &three).await;
    whole_meeting(&bin, key, "four").await;
    tokio::time::sleep(Duration::from_secs(4)).await;
    receiver.answer(Answer::Fail(503));
    receiver.up().await;
    tokio::time::sleep(Duration::from_secs(4)).await;
    // Retries reached the receiver and saw its errors.
    let url = format!("{}/webhooks", bin.api);
    let (_, shown) = call(Method::GET, url, Some(key), None).await;
    assert_eq!(shown["last_response_code"], "503", "{shown}");
    receiver.answer(Answer::Hang(Duration::from_secs(3)));
    tokio::time::sleep(Duration::from_secs(4)).await;
    receiver.down().await;
    receiver.answer(Answer::Accept);
    assert_eq!(
        receiver.received().len(),
        8,
        "nothing got through the outage"
    );

    // anteroom crashes with its queue full and "three"'s participant
    // online, and starts again on the same data.
    bin.crash();
    drop(three_online);
    let bin = Binary::spawn(dir.path(), key, FLAGS);
    stop(&bin, &three).await;
    whole_meeting(&bin, key, "five").await;
    let since = outage.elapsed();
    if since < Duration::from_secs(20) {
        tokio::time::sleep(Duration::from_secs(20) - since).await;
    }
    receiver.up().await;

    receiver
        .wait_until(Duration::from_secs(20), |got| got.len() >= 20)
        .await;
    // Anything more (a duplicate) would come within the backoff cap.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let got = receiver.received();
    assert_eq!(got.len(), 20, "{:#?}", events::bodies(&got));

    let mut deliveries = HashSet::new();
    let mut rooms: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut last_time: BTreeMap<String, i64> = BTreeMap::new();
    for delivery in &got {
        assert!(
            signed_with(key, delivery),
            "bad signature on {:?}",
            delivery.json()
        );
        let id = delivery.delivery.clone().expect("a delivery id");
        assert!(
            deliveries.insert(id),
            "delivered twice: {:?}",
            delivery.json()
        );
        let event = delivery.json();
        let room = room_of(&event);
        let at = event["timestamp"].as_i64().expect("unix timestamp");
        assert!(
            at >= *last_time.get(&room).unwrap_or(&0),
            "time runs back in {room}"
        );
        last_time.insert(room.clone(), at);
        rooms.entry(room).or_default().push(summary(&event));
    }
    let whole = [
        "room shutdown=false",
        "participant online=true",
        "participant online=false",
        "room shutdown=true",
    ];
    for room in ["one", "two", "three", "four", "five"] {
        assert_eq!(
            rooms.get(room).map(Vec::as_slice),
            Some(&whole.map(String::from)[..]),
            "{room}"
        );
    }

    // The receiver's last answer is shown.
    let url = format!("{}/webhooks", bin.api);
    let (status, shown) = call(Method::GET, url, Some(key), None).await;
    assert_eq!(status, 200);
    assert_eq!(shown["last_response_code"], "201");
    let sent = shown["last_request_sent_at"].as_str().expect("a time");
    assert!(sent.ends_with("+00:00") && sent.len() == 29, "{sent}");
    bin.stop();
}
