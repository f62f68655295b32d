//! Users, guests and messages (spec 3.2 and 3.4).

mod common;

use anteroom_api::Clock;
use anteroom_api::events::RoomEvent;
use common::{TestApp, assert_keys, is_hex_id, is_token, millis, next_event};
use reqwest::Method;
use serde_json::{Value, json};

const PARTICIPANT_KEYS: [&str; 6] = ["id", "room_id", "name", "avatar", "guest", "online"];

fn key_of(body: &Value) -> String {
    body["access_key"].as_str().expect("access_key").to_owned()
}

fn guest_token_of(body: &Value) -> String {
    body["room"]["guest_token"]
        .as_str()
        .expect("guest_token")
        .to_owned()
}

/// Starts a room meeting for a user with a chosen id and options.
async fn join(app: &TestApp, room: &str, name: &str, id: &str, options: Value) -> Value {
    app.post(
        "/rooms",
        json!({"id": room, "user": {"name": name, "id": id}, "options": options}),
    )
    .await
    .expect(201)
    .body
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|user| user["id"].as_str().expect("id").to_owned())
        .collect()
}

#[tokio::test]
async fn a_user_is_shown_by_id() {
    let app = TestApp::start().await;
    let joined_at = millis(app.clock.now());
    let ann = app
        .post(
            "/rooms",
            json!({"id": "r", "user": {"name": "Ann", "id": "ann", "avatar": "https://example.com/a.png"}}),
        )
        .await
        .expect(201)
        .body;
    app.advance(7);
    let gus = app
        .post_anon(
            &format!("/guests/{}", guest_token_of(&ann)),
            json!({"name": "Gus"}),
        )
        .await
        .expect(201)
        .body;
    let key = key_of(&ann);

    let user = app
        .get_anon(&format!("/rooms/{key}/users/ann"))
        .await
        .expect(200)
        .body;
    assert_keys(&user, &["id", "name", "avatar", "guest", "joined_at"]);
    assert_eq!(
        user,
        json!({"id": "ann", "name": "Ann", "avatar": "https://example.com/a.png", "guest": false, "joined_at": joined_at})
    );

    // A guest, seen by the host, and the host seen by the guest.
    let gus_id = gus["user"]["id"].as_str().expect("id");
    let guest = app
        .get_anon(&format!("/rooms/{key}/users/{gus_id}"))
        .await
        .expect(200)
        .body;
    assert_eq!(guest["guest"], true);
    assert_eq!(guest["name"], "Gus");
    assert!(guest["avatar"].is_null(), "null, not absent");
    assert_ne!(guest["joined_at"], user["joined_at"]);
    let seen_by_guest = app
        .get_anon(&format!("/rooms/{}/users/ann", key_of(&gus)))
        .await
        .expect(200)
        .body;
    assert_eq!(seen_by_guest, user);

    app.get_anon(&format!("/rooms/{key}/users/nobody"))
        .await
        .expect_error(404);
    app.get_anon("/rooms/AAAAAAAAAAAAAAAAAAAAAAAA/users/ann")
        .await
        .expect_error(404);
    // Users of another meeting are not found.
    let other = join(&app, "other", "Bob", "bob", json!({})).await;
    app.get_anon(&format!("/rooms/{key}/users/bob"))
        .await
        .expect_error(404);
    app.get_anon(&format!("/rooms/{}/users/ann", key_of(&other)))
        .await
        .expect_error(404);

    app.delete_anon(&format!("/rooms/{key}")).await.expect(204);
    app.get_anon(&format!("/rooms/{key}/users/ann"))
        .await
        .expect_error(410);
}

#[tokio::test]
async fn kick_removes_a_user_who_may_come_back() {
    let app = TestApp::start().await;
    let ann = join(&app, "kick", "Ann", "ann", json!({})).await;
    let bob = join(&app, "kick", "Bob", "bob", json!({})).await;
    let key = key_of(&ann);
    let mut events = app.subscribe(&ann).await;

    let kicked = app
        .delete_anon(&format!("/rooms/{key}/users/bob"))
        .await
        .expect(200);
    assert!(kicked.text.is_empty(), "200 with an empty body");
    match next_event(&mut events).await {
        RoomEvent::Kicked { user_id } => assert_eq!(user_id.as_str(), "bob"),
        other => panic!("kicked expected, got {other:?}"),
    }
    // Bob may come back with the same access key, or join again.
    app.get_anon(&format!("/rooms/{}", key_of(&bob)))
        .await
        .expect(200);
    join(&app, "kick", "Bob", "bob", json!({})).await;

    let unknown = app
        .delete_anon(&format!("/rooms/{key}/users/nobody"))
        .await
        .expect_error(404);
    assert_eq!(unknown.body["error"], "unknown user");
    app.delete_anon("/rooms/AAAAAAAAAAAAAAAAAAAAAAAA/users/bob")
        .await
        .expect_error(404);

    app.delete_anon(&format!("/rooms/{key}")).await.expect(204);
    app.delete_anon(&format!("/rooms/{key}/users/bob"))
        .await
        .expect_error(410);
}

#[tokio::test]
async fn kick_is_refused_when_switched_off() {
    let app = TestApp::start().await;
    let ann = join(
        &app,
        "no-kick",
        "Ann",
        "ann",
        json!({"kick_available": false}),
    )
    .await;
    join(&app, "no-kick", "Bob", "bob", json!({})).await;
    let mut events = app.subscribe(&ann).await;
    let refused = app
        .delete_anon(&format!("/rooms/{}/users/bob", key_of(&ann)))
        .await
        .expect_error(403);
    assert_eq!(
        refused.body["error"],
        "kicking is not available in this meeting"
    );
    assert!(
        events.try_recv().is_err(),
        "nobody was told of a kick that did not happen"
    );
}

#[tokio::test]
async fn the_user_list_follows_realtime_presence() {
    let app = TestApp::start().await;
    let ann = join(&app, "presence", "Ann", "ann", json!({})).await;
    let bob = join(&app, "presence", "Bob", "bob", json!({})).await;
    let gus = app
        .post_anon(
            &format!("/guests/{}", guest_token_of(&ann)),
            json!({"name": "Gus", "id": "gus"}),
        )
        .await
        .expect(201)
        .body;

    let all = app.get("/rooms/presence/users").await.expect(200).body;
    assert_eq!(
        all,
        json!([
            {"id": "ann", "room_id": "presence", "name": "Ann", "avatar": null, "guest": false, "online": false},
            {"id": "bob", "room_id": "presence", "name": "Bob", "avatar": null, "guest": false, "online": false},
            {"id": "gus", "room_id": "presence", "name": "Gus", "avatar": null, "guest": true, "online": false},
        ])
    );
    for user in all.as_array().expect("list") {
        assert_keys(user, &PARTICIPANT_KEYS);
    }

    assert!(app.connect(&ann).await);
    assert!(app.connect(&gus).await);
    let online = app
        .get("/rooms/presence/users?online=true")
        .await
        .expect(200)
        .body;
    assert_eq!(ids(&online), ["ann", "gus"]);
    assert!(
        online
            .as_array()
            .expect("list")
            .iter()
            .all(|u| u["online"] == true)
    );
    let offline = app
        .get("/rooms/presence/users?online=false")
        .await
        .expect(200)
        .body;
    assert_eq!(ids(&offline), ["bob"]);
    assert_eq!(offline[0]["online"], false);
    // Booleans as the SDKs send them.
    let online = app.get("/rooms/presence/users?online=1").await.expect(200);
    assert_eq!(ids(&online.body), ["ann", "gus"]);
    let offline = app.get("/rooms/presence/users?online=0").await.expect(200);
    assert_eq!(ids(&offline.body), ["bob"]);

    // A user who joined twice is listed once, online while any key is.
    let ann_again = join(&app, "presence", "Ann", "ann", json!({})).await;
    let all = app.get("/rooms/presence/users").await.expect(200).body;
    assert_eq!(ids(&all), ["ann", "bob", "gus"]);
    assert_eq!(all[0]["online"], true);
    assert!(app.connect(&ann_again).await);
    app.disconnect(&ann).await;
    let online = app
        .get("/rooms/presence/users?online=true")
        .await
        .expect(200)
        .body;
    assert_eq!(ids(&online), ["ann", "gus"]);

    app.disconnect(&ann_again).await;
    app.disconnect(&gus).await;
    let online = app
        .get("/rooms/presence/users?online=true")
        .await
        .expect(200)
        .body;
    assert_eq!(online, json!([]));
    let offline = app
        .get("/rooms/presence/users?online=false")
        .await
        .expect(200)
        .body;
    assert_eq!(ids(&offline), ["ann", "bob", "gus"]);

    // After the end: the last meeting's users, all offline.
    assert!(app.connect(&bob).await);
    app.delete_anon(&format!("/rooms/{}", key_of(&bob)))
        .await
        .expect(204);
    let after = app.get("/rooms/presence/users").await.expect(200).body;
    assert_eq!(ids(&after), ["ann", "bob", "gus"]);
    assert!(
        after
            .as_array()
            .expect("list")
            .iter()
            .all(|u| u["online"] == false)
    );
    assert!(
        !app.connect(&ann).await,
        "no connections to an ended meeting"
    );
}

#[tokio::test]
async fn a_permalinks_users_are_listed_by_its_id() {
    let app = TestApp::start().await;
    let permalink = app.create_permalink(json!({"user": {"id": "ann"}})).await;
    let id = permalink["permalink"]["id"].as_str().expect("id");
    let token = permalink["permalink"]["user_token"].as_str().expect("ut");
    app.get(&format!("/rooms/{id}/users"))
        .await
        .expect_error(404);
    let host = app.start_permalink(token).await.expect(201).body;
    assert!(app.connect(&host).await);
    let users = app
        .get(&format!("/rooms/{id}/users"))
        .await
        .expect(200)
        .body;
    assert_eq!(
        users,
        json!([{"id": "ann", "room_id": id, "name": "Ann", "avatar": null, "guest": false, "online": true}]),
        "D12: the permalink id is the room id"
    );
}

#[tokio::test]
async fn the_user_list_needs_the_teams_key() {
    let app = TestApp::start().await;
    join(&app, "listed", "Ann", "ann", json!({})).await;
    app.get("/rooms/listed/users?online=maybe")
        .await
        .expect_error(400);
    app.get_anon("/rooms/listed/users").await.expect_error(401);
    app.send(Method::GET, "/rooms/listed/users", Some("wrong"), None)
        .await
        .expect_error(401);
    let other = app.other_team_key("Other").await;
    app.send(Method::GET, "/rooms/listed/users", Some(&other), None)
        .await
        .expect_error(404);
    app.get("/rooms/never-used/users").await.expect_error(404);
}

#[tokio::test]
async fn a_guest_joins_the_running_meeting() {
    let app = TestApp::start().await;
    let ann = join(&app, "guests", "Ann", "ann", json!({"widescreen": true})).await;
    let token = guest_token_of(&ann);

    let gus = app
        .post_anon(
            &format!("/guests/{token}"),
            json!({
                "name": "Gus",
                "id": "gus",
                "avatar": "https://example.com/g.png",
                "email": "gus@example.com",
                "custom_fields": {"locale": "de"},
            }),
        )
        .await
        .expect(201)
        .body;
    let guest_key = key_of(&gus);
    assert!(is_token(&guest_key));
    assert_ne!(guest_key, key_of(&ann));
    assert_eq!(gus["room"], ann["room"]);
    assert_eq!(gus["options"], ann["options"]);
    assert_eq!(
        gus["user"],
        json!({"id": "gus", "room_id": "guests", "name": "Gus", "avatar": "https://example.com/g.png", "guest": true, "blocked": false, "ready": true})
    );
    let api = app.api_url();
    assert_eq!(gus["links"]["self"], format!("{api}/rooms/{guest_key}"));
    assert_eq!(gus["links"]["gui"], format!("{api}/app/?{guest_key}"));
    assert_eq!(
        gus["links"]["guest_join"],
        format!("{api}/app/?guest={token}")
    );
    assert!(
        !gus.to_string().contains(&key_of(&ann)),
        "D5: nobody else's access key"
    );
    app.get_anon(&format!("/rooms/{guest_key}"))
        .await
        .expect(200);

    // Without an id the guest gets a generated one; each is a new user.
    let anon = app
        .post_anon(&format!("/guests/{token}"), json!({"name": "Gil"}))
        .await
        .expect(201)
        .body;
    assert!(is_hex_id(anon["user"]["id"].as_str().expect("id")));
    assert_eq!(anon["user"]["guest"], true);
}

#[tokio::test]
async fn guests_are_refused_as_documented() {
    let app = TestApp::start().await;
    let ann = join(&app, "refusals", "Ann", "ann", json!({})).await;
    let token = guest_token_of(&ann);

    let missing = app
        .post_anon(&format!("/guests/{token}"), json!({}))
        .await
        .expect_error(400);
    assert_eq!(missing.body["error"], "name is required");
    let empty = app
        .post_anon(&format!("/guests/{token}"), json!({"name": " "}))
        .await
        .expect_error(400);
    assert_eq!(empty.body["error"], "name must not be empty");
    app.post_anon(
        &format!("/guests/{token}"),
        json!({"name": "Gus", "avatar": "nope"}),
    )
    .await
    .expect_error(400);

    let unknown = app
        .post_anon("/guests/AAAAAAAAAAAAAAAAAAAAAAAA", json!({"name": "Gus"}))
        .await
        .expect_error(404);
    assert_eq!(unknown.body["error"], "unknown guest token");
    app.post_anon("/guests/not-a-token", json!({"name": "Gus"}))
        .await
        .expect_error(404);
    // An access key is not a guest token.
    app.post_anon(&format!("/guests/{}", key_of(&ann)), json!({"name": "Gus"}))
        .await
        .expect_error(404);

    // Guest access switched off.
    let closed = join(
        &app,
        "closed",
        "Ann",
        "ann",
        json!({"guest_token_available": false}),
    )
    .await;
    assert!(closed["links"]["guest_join"].is_null());
    let off = app
        .post_anon(
            &format!("/guests/{}", guest_token_of(&closed)),
            json!({"name": "Gus"}),
        )
        .await
        .expect_error(405);
    assert_eq!(
        off.body["error"],
        "guest access is not available in this meeting"
    );

    // A locked meeting.
    let locked = join(
        &app,
        "locked",
        "Ann",
        "ann",
        json!({"lock_available": true}),
    )
    .await;
    app.post_anon(&format!("/rooms/{}/lock", key_of(&locked)), json!({}))
        .await
        .expect(201);
    app.post_anon(
        &format!("/guests/{}", guest_token_of(&locked)),
        json!({"name": "Gus"}),
    )
    .await
    .expect_error(423);

    // After the end the token is gone (D9), even once the room runs again.
    app.delete_anon(&format!("/rooms/{}", key_of(&ann)))
        .await
        .expect(204);
    let gone = app
        .post_anon(&format!("/guests/{token}"), json!({"name": "Gus"}))
        .await
        .expect_error(410);
    assert_eq!(
        gone.body["error"],
        "guest token expired: the meeting has ended"
    );
    app.advance(1);
    let again = join(&app, "refusals", "Ann", "ann", json!({})).await;
    assert_ne!(guest_token_of(&again), token);
    app.post_anon(&format!("/guests/{token}"), json!({"name": "Gus"}))
        .await
        .expect_error(410);
}

#[tokio::test]
async fn messages_reach_the_meeting() {
    let app = TestApp::start().await;
    let ann = join(&app, "chat", "Ann", "ann", json!({})).await;
    let key = key_of(&ann);
    let mut events = app.subscribe(&ann).await;
    let sent_at = millis(app.clock.now());

    let sent = app
        .post_anon(
            &format!("/rooms/{key}/messages"),
            json!({"type": "chat", "content": "Hello, world"}),
        )
        .await
        .expect(201);
    assert!(sent.text.is_empty(), "201 without a body");
    match next_event(&mut events).await {
        RoomEvent::Chat(message) => {
            assert_eq!(message.content, "Hello, world");
            assert_eq!(message.user_id.as_ref().map(|id| id.as_str()), Some("ann"));
            assert_eq!(message.created_at, sent_at);
        }
        other => panic!("chat expected, got {other:?}"),
    }

    app.post_anon(
        &format!("/rooms/{key}/messages"),
        json!({"type": "custom", "content": "{\"kind\":\"poll\"}"}),
    )
    .await
    .expect(201);
    match next_event(&mut events).await {
        RoomEvent::Custom(message) => assert_eq!(message.content, "{\"kind\":\"poll\"}"),
        other => panic!("custom expected, got {other:?}"),
    }

    // A guest may send too.
    let gus = app
        .post_anon(
            &format!("/guests/{}", guest_token_of(&ann)),
            json!({"name": "Gus", "id": "gus"}),
        )
        .await
        .expect(201)
        .body;
    app.post_anon(
        &format!("/rooms/{}/messages", key_of(&gus)),
        json!({"type": "chat", "content": "hi"}),
    )
    .await
    .expect(201);
    match next_event(&mut events).await {
        RoomEvent::Chat(message) => {
            assert_eq!(message.user_id.as_ref().map(|id| id.as_str()), Some("gus"));
        }
        other => panic!("chat expected, got {other:?}"),
    }
}

#[tokio::test]
async fn messages_are_refused_as_documented() {
    let app = TestApp::start().await;
    let ann = join(&app, "bad-chat", "Ann", "ann", json!({})).await;
    let key = key_of(&ann);
    let mut events = app.subscribe(&ann).await;
    let path = format!("/rooms/{key}/messages");

    let cases = [
        (json!({"content": "x"}), "type is required"),
        (json!({"type": "chat"}), "content is required"),
        (
            json!({"type": "chat", "content": ""}),
            "content is required",
        ),
        (json!({"type": "", "content": "x"}), "type is required"),
        (json!({}), "type is required"),
        (
            json!({"type": "shout", "content": "x"}),
            "type must be chat or custom",
        ),
        (
            json!({"type": "chat", "content": {"nested": true}}),
            "content must be a string",
        ),
    ];
    for (body, message) in cases {
        let reply = app.post_anon(&path, body.clone()).await.expect_error(400);
        assert_eq!(reply.body["error"], message, "for {body}");
    }
    let long = "x".repeat(64 * 1024 + 1);
    app.post_anon(&path, json!({"type": "chat", "content": long}))
        .await
        .expect_error(400);
    assert!(events.try_recv().is_err(), "nothing was sent");

    app.post_anon(
        "/rooms/AAAAAAAAAAAAAAAAAAAAAAAA/messages",
        json!({"type": "chat", "content": "x"}),
    )
    .await
    .expect_error(404);
    app.delete_anon(&format!("/rooms/{key}")).await.expect(204);
    app.post_anon(&path, json!({"type": "chat", "content": "x"}))
        .await
        .expect_error(410);
}

#[tokio::test]
async fn a_guest_cannot_take_a_hosts_user_id() {
    let app = TestApp::start().await;
    let host = app.create_room("idclash", "Hana").await;
    let host_id = host["user"]["id"].as_str().expect("user id").to_owned();
    let token = host["room"]["guest_token"].as_str().expect("guest token");
    app.post_anon(
        &format!("/guests/{token}"),
        json!({"name": "Eve", "id": host_id}),
    )
    .await
    .expect_error(409);
    // Another id works, and a guest may come back under its own id.
    app.post_anon(
        &format!("/guests/{token}"),
        json!({"name": "Gus", "id": "gus"}),
    )
    .await
    .expect(201);
    app.post_anon(
        &format!("/guests/{token}"),
        json!({"name": "Gus", "id": "gus"}),
    )
    .await
    .expect(201);
}

#[tokio::test]
async fn guests_cannot_end_lock_or_kick_through_the_api() {
    let app = TestApp::start().await;
    let host = app
        .post(
            "/rooms",
            json!({"id": "guarded", "user": {"name": "Hana"}, "options": {"lock_available": true}}),
        )
        .await
        .expect(201)
        .body;
    let token = host["room"]["guest_token"].as_str().expect("guest token");
    let guest = app
        .post_anon(&format!("/guests/{token}"), json!({"name": "Gus"}))
        .await
        .expect(201)
        .body;
    let guest_key = guest["access_key"].as_str().expect("guest key");
    let host_key = host["access_key"].as_str().expect("host key");
    let host_id = host["user"]["id"].as_str().expect("host id");

    app.delete_anon(&format!("/rooms/{guest_key}"))
        .await
        .expect_error(403);
    app.send(
        Method::POST,
        &format!("/rooms/{guest_key}/lock"),
        None,
        None,
    )
    .await
    .expect_error(403);
    app.delete_anon(&format!("/rooms/{guest_key}/users/{host_id}"))
        .await
        .expect_error(403);

    // The meeting runs on, unlocked, and the host can still end it.
    let room = app
        .get_anon(&format!("/rooms/{host_key}"))
        .await
        .expect(200)
        .body;
    assert_eq!(room["locked"], false);
    app.delete_anon(&format!("/rooms/{host_key}"))
        .await
        .expect(204);
}
