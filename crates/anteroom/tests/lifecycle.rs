//! When meetings end and start again, with time under the test's control
//! (D8–D16).

mod common;

use std::time::{Duration, Instant};

use anteroom_api::Clock;
use anteroom_api::events::{HubEvent, RoomEvent};
use anteroom_api::wire::room::RoomView;
use anteroom_domain::{EndReason, MeetingId, Timeouts};
use common::{TestApp, millis, next_event, received};
use serde_json::{Value, json};
use time::format_description::well_known::Rfc3339;
use tokio::sync::broadcast;

fn key_of(body: &Value) -> String {
    body["access_key"].as_str().expect("access_key").to_owned()
}

fn guest_token_of(body: &Value) -> String {
    body["room"]["guest_token"]
        .as_str()
        .expect("guest_token")
        .to_owned()
}

async fn status_of(app: &TestApp, body: &Value) -> u16 {
    app.get_anon(&format!("/rooms/{}", key_of(body)))
        .await
        .status
        .as_u16()
}

async fn listed_rooms(app: &TestApp) -> Vec<String> {
    app.get("/rooms")
        .await
        .expect(200)
        .body
        .as_array()
        .expect("a list")
        .iter()
        .map(|room| room["id"].as_str().expect("id").to_owned())
        .collect()
}

async fn guest(app: &TestApp, token: &str) -> Value {
    app.post_anon(&format!("/guests/{token}"), json!({"name": "Gus"}))
        .await
        .body
}

/// Starts a permalink's meeting as its first host.
async fn start_permalink(app: &TestApp, permalink: &Value) -> (u16, Value) {
    let token = permalink["permalink"]["user_token"].as_str().expect("ut");
    let reply = app.start_permalink(token).await;
    (reply.status.as_u16(), reply.body)
}

/// Every event the all-meetings channel has received so far.
fn hub_events(events: &mut broadcast::Receiver<HubEvent>) -> Vec<HubEvent> {
    let mut seen = Vec::new();
    while let Ok(event) = events.try_recv() {
        seen.push(event);
    }
    seen
}

/// The reasons of the Ended events of one meeting among `events`.
fn endings(events: &[HubEvent], meeting: &MeetingId) -> Vec<EndReason> {
    events
        .iter()
        .filter(|event| &event.meeting_id == meeting)
        .filter_map(|event| match event.event {
            RoomEvent::Ended { reason, .. } => Some(reason),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn a_meeting_nobody_connects_to_ends_after_the_idle_timeout() {
    let app = TestApp::start().await;
    let ann = app.create_room("idle", "Ann").await;
    let gus = guest(&app, &guest_token_of(&ann)).await;
    let meeting = app.meeting_of(&ann).await;
    let mut events = app.subscribe(&ann).await;

    // Asking about the room is not being in it: polling does not count.
    for _ in 0..3 {
        app.advance(39);
        app.sweep().await;
        assert_eq!(status_of(&app, &ann).await, 200);
    }
    app.advance(2);
    app.sweep().await;
    let shown = app.get_anon(&format!("/rooms/{}", key_of(&ann))).await;
    assert_eq!(shown.status.as_u16(), 200, "at 119 s: {}", shown.text);
    assert_eq!(shown.body["room"]["shutdown"], false);
    assert_eq!(listed_rooms(&app).await, ["idle"]);

    app.advance(1);
    app.sweep().await;
    match next_event(&mut events).await {
        RoomEvent::Ended { reason, by } => {
            assert_eq!(reason, EndReason::Idle);
            assert_eq!(by, None);
        }
        other => panic!("ended expected, got {other:?}"),
    }
    // D9: every access key and the room's guest token answer 410.
    for body in [&ann, &gus] {
        app.get_anon(&format!("/rooms/{}", key_of(body)))
            .await
            .expect_error(410);
    }
    app.post_anon(
        &format!("/guests/{}", guest_token_of(&ann)),
        json!({"name": "Late"}),
    )
    .await
    .expect_error(410);
    assert!(listed_rooms(&app).await.is_empty());
    assert!(!app.connect(&ann).await, "no connections after the end");

    // room.shutdown: what lists, webhooks and the observer show of it now.
    let ended = app
        .server()
        .state
        .store
        .find_meeting(&meeting)
        .await
        .expect("store")
        .expect("the meeting is kept");
    let ending = ended.ended.as_ref().expect("ended");
    assert_eq!(ending.reason, EndReason::Idle);
    assert_eq!(millis(ending.at), millis(app.clock.now()));
    let view = serde_json::to_value(RoomView::of(&ended)).expect("json");
    assert_eq!(view["shutdown"], true);
    assert_eq!(view["ready"], false);
    assert_eq!(view["id"], "idle");

    // The room's users are still listed, all offline.
    let users = app.get("/rooms/idle/users").await.expect(200).body;
    assert_eq!(users.as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn a_meeting_ends_once_the_last_participant_has_been_gone_long_enough() {
    let app = TestApp::start().await;
    let ann = app.create_room("empty", "Ann").await;
    let bob = app.create_room("empty", "Bob").await;
    let mut events = app.subscribe(&ann).await;

    app.advance(10);
    assert!(app.connect(&ann).await);
    // A connected meeting never ends by time.
    app.advance(200);
    app.sweep().await;
    app.advance(3 * 24 * 3600);
    app.sweep().await;
    assert_eq!(status_of(&app, &ann).await, 200);

    // Ann leaves while Bob is there: it runs on.
    assert!(app.connect(&bob).await);
    app.disconnect(&ann).await;
    app.advance(600);
    app.sweep().await;
    assert_eq!(status_of(&app, &ann).await, 200);

    // Bob leaves too: 60 s from now it ends.
    app.disconnect(&bob).await;
    app.advance(59);
    app.sweep().await;
    assert_eq!(status_of(&app, &bob).await, 200);
    app.advance(1);
    app.sweep().await;
    assert_eq!(status_of(&app, &bob).await, 410);
    assert_eq!(status_of(&app, &ann).await, 410);
    match next_event(&mut events).await {
        RoomEvent::Ended { reason, by } => {
            assert_eq!(reason, EndReason::Empty);
            assert_eq!(by, None);
        }
        other => panic!("ended expected, got {other:?}"),
    }
    assert!(listed_rooms(&app).await.is_empty());
}

#[tokio::test]
async fn coming_back_in_time_keeps_the_meeting_running() {
    let app = TestApp::start().await;
    let ann = app.create_room("back", "Ann").await;
    assert!(app.connect(&ann).await);
    app.disconnect(&ann).await;
    app.advance(59);
    app.sweep().await;
    // A reload: the same access key connects again.
    assert!(app.connect(&ann).await);
    app.advance(3600);
    app.sweep().await;
    assert_eq!(status_of(&app, &ann).await, 200);

    // The grace period starts again at the next departure.
    app.disconnect(&ann).await;
    app.advance(30);
    app.sweep().await;
    assert!(app.connect(&ann).await);
    app.disconnect(&ann).await;
    app.advance(59);
    app.sweep().await;
    assert_eq!(status_of(&app, &ann).await, 200);
    app.advance(1);
    app.sweep().await;
    assert_eq!(status_of(&app, &ann).await, 410);
}

#[tokio::test]
async fn a_second_tab_keeps_the_meeting_running_when_the_first_closes() {
    let app = TestApp::start().await;
    let ann = app.create_room("tabs", "Ann").await;
    assert!(app.connect(&ann).await);
    assert!(app.connect(&ann).await);
    app.disconnect(&ann).await;
    app.advance(3600);
    app.sweep().await;
    assert_eq!(status_of(&app, &ann).await, 200);
    let online = app.get("/rooms/tabs/users?online=true").await.expect(200);
    assert_eq!(online.body.as_array().map(Vec::len), Some(1));

    app.disconnect(&ann).await;
    // A stray close of a connection that is not open changes nothing.
    app.disconnect(&ann).await;
    app.advance(59);
    app.sweep().await;
    assert_eq!(status_of(&app, &ann).await, 200);
    app.advance(1);
    app.sweep().await;
    assert_eq!(status_of(&app, &ann).await, 410);
}

#[tokio::test]
async fn guests_alone_keep_a_meeting_running() {
    let app = TestApp::start().await;
    let ann = app.create_room("guests-only", "Ann").await;
    let gus = guest(&app, &guest_token_of(&ann)).await;
    assert!(app.connect(&ann).await);
    assert!(app.connect(&gus).await);
    app.disconnect(&ann).await;
    app.advance(3600);
    app.sweep().await;
    assert_eq!(status_of(&app, &ann).await, 200);
    // A new guest may still come.
    let late = guest(&app, &guest_token_of(&ann)).await;
    assert!(late["access_key"].is_string(), "{late}");

    app.disconnect(&gus).await;
    app.advance(60);
    app.sweep().await;
    assert_eq!(status_of(&app, &gus).await, 410);
}

#[tokio::test]
async fn an_ended_room_id_starts_a_new_meeting() {
    let app = TestApp::start().await;
    let first = app
        .post(
            "/rooms",
            json!({"id": "again", "name": "First", "user": {"name": "Ann", "id": "ann"}, "options": {"widescreen": true}}),
        )
        .await
        .expect(201)
        .body;
    let old_token = guest_token_of(&first);
    let old_guest = guest(&app, &old_token).await;
    app.delete_anon(&format!("/rooms/{}", key_of(&first)))
        .await
        .expect(204);

    app.advance(5);
    let started = millis(app.clock.now());
    let second = app
        .post(
            "/rooms",
            json!({"id": "again", "name": "Second", "user": {"name": "Bob", "id": "bob"}}),
        )
        .await
        .expect(201)
        .body;
    // D10: a new meeting, with a new start and a new guest token.
    assert_eq!(second["room"]["id"], "again");
    assert_eq!(second["room"]["started_at"], started.as_str());
    assert_ne!(second["room"]["started_at"], first["room"]["started_at"]);
    assert_ne!(guest_token_of(&second), old_token);
    assert_ne!(
        second["signaling"]["options"]["conf_id"],
        first["signaling"]["options"]["conf_id"]
    );
    assert_eq!(second["room"]["name"], "Second", "the new start's name");
    assert_eq!(second["options"]["widescreen"], false, "and its options");
    assert_eq!(second["locked"], false);

    // The old meeting's keys and guest token stay dead (D9).
    app.get_anon(&format!("/rooms/{}", key_of(&first)))
        .await
        .expect_error(410);
    app.get_anon(&format!("/rooms/{}", key_of(&old_guest)))
        .await
        .expect_error(410);
    let gone = app
        .post_anon(&format!("/guests/{old_token}"), json!({"name": "Gus"}))
        .await
        .expect_error(410);
    assert_eq!(
        gone.body["error"],
        "guest token expired: the meeting has ended"
    );
    let new_guest = guest(&app, &guest_token_of(&second)).await;
    assert_eq!(new_guest["room"]["started_at"], started.as_str());

    // Lists show the new meeting only.
    assert_eq!(listed_rooms(&app).await, ["again"]);
    let listed = app.get("/rooms").await.expect(200).body;
    assert_eq!(listed[0], second["room"]);
    let users = app.get("/rooms/again/users").await.expect(200).body;
    let ids: Vec<&str> = users
        .as_array()
        .expect("list")
        .iter()
        .map(|u| u["id"].as_str().expect("id"))
        .collect();
    assert_eq!(ids[0], "bob");
    assert!(
        !ids.contains(&"ann"),
        "the old meeting's users are not in it"
    );

    // The same after an end by time.
    app.advance(120);
    app.sweep().await;
    app.get_anon(&format!("/rooms/{}", key_of(&second)))
        .await
        .expect_error(410);
    app.advance(1);
    let third = app.create_room("again", "Cy").await;
    assert_ne!(third["room"]["started_at"], second["room"]["started_at"]);
    assert_ne!(guest_token_of(&third), guest_token_of(&second));
}

#[tokio::test]
async fn a_permalink_restarts_with_the_same_guest_token() {
    let app = TestApp::start().await;
    let permalink = app.create_permalink(json!({})).await;
    let guest_token = permalink["permalink"]["guest_token"]
        .as_str()
        .expect("gt")
        .to_owned();

    let (status, first) = start_permalink(&app, &permalink).await;
    assert_eq!(status, 201, "{first}");
    assert_eq!(guest_token_of(&first), guest_token);
    let gus = guest(&app, &guest_token).await;
    assert_eq!(gus["room"]["started_at"], first["room"]["started_at"]);

    // It ends by time like any meeting (D8).
    app.advance(120);
    app.sweep().await;
    app.get_anon(&format!("/rooms/{}", key_of(&first)))
        .await
        .expect_error(410);
    app.get_anon(&format!("/rooms/{}", key_of(&gus)))
        .await
        .expect_error(410);
    // D14: the guest token waits for the next meeting rather than dying.
    let early = app
        .post_anon(&format!("/guests/{guest_token}"), json!({"name": "Gus"}))
        .await
        .expect_error(409);
    assert_eq!(early.body["error"], "meeting not started");
    let info = app
        .get_anon(&format!("/permalink/{guest_token}"))
        .await
        .expect(200)
        .body;
    assert!(info["room"]["started_at"].is_null());

    app.advance(30);
    let (status, second) = start_permalink(&app, &permalink).await;
    assert_eq!(status, 201, "{second}");
    assert_eq!(guest_token_of(&second), guest_token, "D14: the same token");
    assert_eq!(second["room"]["id"], first["room"]["id"]);
    assert_eq!(
        second["room"]["started_at"],
        millis(app.clock.now()).as_str()
    );
    assert_ne!(second["room"]["started_at"], first["room"]["started_at"]);
    let again = guest(&app, &guest_token).await;
    assert_eq!(again["room"]["started_at"], second["room"]["started_at"]);
    assert_eq!(again["user"]["guest"], true);

    // And again after a stop by hand.
    app.delete_anon(&format!("/rooms/{}", key_of(&second)))
        .await
        .expect(204);
    app.post_anon(&format!("/guests/{guest_token}"), json!({"name": "Gus"}))
        .await
        .expect_error(409);
    app.advance(1);
    let (status, third) = start_permalink(&app, &permalink).await;
    assert_eq!(status, 201, "{third}");
    assert_eq!(guest_token_of(&third), guest_token);
}

#[tokio::test]
async fn an_expired_permalink_starts_no_new_meeting() {
    let app = TestApp::start().await;
    let expires = (app.clock.now() + time::Duration::hours(1))
        .format(&Rfc3339)
        .expect("format");
    let permalink = app.create_permalink(json!({"expires_at": expires})).await;
    let id = permalink["permalink"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let guest_token = permalink["permalink"]["guest_token"]
        .as_str()
        .expect("gt")
        .to_owned();

    // Started in time, and somebody stays connected.
    let (status, host) = start_permalink(&app, &permalink).await;
    assert_eq!(status, 201, "{host}");
    assert!(app.connect(&host).await);
    app.advance(2 * 3600);
    app.sweep().await;
    assert_eq!(status_of(&app, &host).await, 200, "D16: it runs on");

    // Guests can still join it, and hosts too: that is no start.
    let late = guest(&app, &guest_token).await;
    assert_eq!(late["user"]["guest"], true, "{late}");
    let (status, second_host) = start_permalink(&app, &permalink).await;
    assert_eq!(status, 201, "{second_host}");
    assert_eq!(
        second_host["room"]["started_at"],
        host["room"]["started_at"]
    );

    // It ends by D8 like any meeting; then no new one starts.
    app.disconnect(&host).await;
    app.advance(60);
    app.sweep().await;
    assert_eq!(status_of(&app, &host).await, 410);
    let (status, refused) = start_permalink(&app, &permalink).await;
    assert_eq!(status, 410, "{refused}");
    assert_eq!(refused, json!({"error": "permalink expired"}));
    app.post_anon(&format!("/guests/{guest_token}"), json!({"name": "Gus"}))
        .await
        .expect_error(409);
    let info = app
        .get_anon(&format!("/permalink/{guest_token}"))
        .await
        .expect(200)
        .body;
    assert!(info["room"]["started_at"].is_null());
    assert!(info["permalink"]["expires_at"].is_string());
    assert!(listed_rooms(&app).await.is_empty());

    // A later expiry makes it startable again.
    let later = (app.clock.now() + time::Duration::hours(1))
        .format(&Rfc3339)
        .expect("format");
    app.put(&format!("/permalink/{id}"), json!({"expires_at": later}))
        .await
        .expect(200);
    let (status, restarted) = start_permalink(&app, &permalink).await;
    assert_eq!(status, 201, "{restarted}");
}

#[tokio::test]
async fn a_permalink_that_expired_before_its_first_meeting_never_starts() {
    let app = TestApp::start().await;
    let expires = (app.clock.now() + time::Duration::seconds(10))
        .format(&Rfc3339)
        .expect("format");
    let permalink = app.create_permalink(json!({"expires_at": expires})).await;
    app.advance(10);
    let (status, refused) = start_permalink(&app, &permalink).await;
    assert_eq!(status, 410, "D16: the expiry instant itself has passed");
    assert_eq!(refused, json!({"error": "permalink expired"}));
    assert!(listed_rooms(&app).await.is_empty());
}

#[tokio::test]
async fn the_background_task_ends_idle_meetings() {
    let timeouts = Timeouts {
        idle: time::Duration::seconds(120),
        empty: time::Duration::seconds(60),
    };
    let app = TestApp::start_with(timeouts, Duration::from_millis(50)).await;
    let idle = app.create_room("idle", "Ann").await;
    let empty = app.create_room("empty", "Bob").await;
    assert!(app.connect(&empty).await);

    app.advance(121);
    wait_for_410(&app, &idle).await;
    assert_eq!(status_of(&app, &empty).await, 200, "connected: runs on");

    app.disconnect(&empty).await;
    app.advance(61);
    wait_for_410(&app, &empty).await;
    assert!(listed_rooms(&app).await.is_empty());
}

/// Polls a room response until it answers 410, for at most 5 s.
async fn wait_for_410(app: &TestApp, room: &Value) {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let status = status_of(app, room).await;
        if status == 410 {
            return;
        }
        assert_eq!(status, 200);
        assert!(
            Instant::now() < deadline,
            "the sweeper did not end the meeting within 5 s"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn an_end_is_announced_once() {
    let app = TestApp::start().await;
    let mut all = app.server().state.meetings.hub().subscribe_all();
    let ann = app.create_room("once", "Ann").await;
    let meeting = app.meeting_of(&ann).await;
    let mut events = app.subscribe(&ann).await;

    // Everything that can end it, at once, when its idle time is up too.
    app.advance(120);
    let path = format!("/rooms/{}", key_of(&ann));
    let (by_key, by_id, by_key_again, _) = tokio::join!(
        app.delete_anon(&path),
        app.delete("/rooms/once"),
        app.delete_anon(&path),
        app.sweep(),
    );
    for reply in [&by_key, &by_id, &by_key_again] {
        assert!(
            [204, 404, 410].contains(&reply.status.as_u16()),
            "{}",
            reply.text
        );
    }
    app.sweep().await;
    app.delete_anon(&path).await.expect_error(410);
    app.delete("/rooms/once").await.expect_error(404);

    let ended: Vec<RoomEvent> = received(&mut events)
        .into_iter()
        .filter(|event| matches!(event, RoomEvent::Ended { .. }))
        .collect();
    assert_eq!(ended.len(), 1, "{ended:?}");
    assert_eq!(endings(&hub_events(&mut all), &meeting).len(), 1);
}

#[tokio::test]
async fn each_way_of_ending_gives_its_reason() {
    let app = TestApp::start().await;
    let mut all = app.server().state.meetings.hub().subscribe_all();

    let stopped = app.create_room("stopped", "Ann").await;
    app.delete_anon(&format!("/rooms/{}", key_of(&stopped)))
        .await
        .expect(204);
    let shutdown = app.create_room("shutdown", "Ann").await;
    app.delete("/rooms/shutdown").await.expect(204);
    let permalink = app.create_permalink(json!({})).await;
    let (_, started) = start_permalink(&app, &permalink).await;
    let id = permalink["permalink"]["id"].as_str().expect("id");
    app.delete(&format!("/permalink/{id}")).await.expect(200);
    let idle = app.create_room("idle", "Ann").await;
    let empty = app.create_room("empty", "Ann").await;
    assert!(app.connect(&empty).await);
    app.disconnect(&empty).await;
    app.advance(120);
    app.sweep().await;
    app.advance(120);
    app.sweep().await;

    let seen = hub_events(&mut all);
    let store = &app.server().state.store;
    let expected = [
        (&stopped, EndReason::Stopped, Some("Ann")),
        (&shutdown, EndReason::Shutdown, None),
        (&started, EndReason::PermalinkDeleted, None),
        (&idle, EndReason::Idle, None),
        (&empty, EndReason::Empty, None),
    ];
    for (room, reason, by) in expected {
        let meeting = app.meeting_of(room).await;
        let announced: Vec<(EndReason, Option<String>)> = seen
            .iter()
            .filter(|event| event.meeting_id == meeting)
            .filter_map(|event| match &event.event {
                RoomEvent::Ended { reason, by } => Some((*reason, by.clone())),
                _ => None,
            })
            .collect();
        assert_eq!(
            announced,
            [(reason, by.map(String::from))],
            "{}",
            room["room"]["id"]
        );
        let found = store
            .find_meeting(&meeting)
            .await
            .expect("store")
            .expect("kept");
        let ending = found.ended.expect("ended");
        assert_eq!(ending.reason, reason, "{}", room["room"]["id"]);
        assert_eq!(ending.by.as_deref(), by, "{}", room["room"]["id"]);
    }
}
