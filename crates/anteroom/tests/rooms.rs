//! Rooms and meetings (spec 3.1): start, join, list, show, stop and lock,
//! with the room response of spec 2.1 checked field by field.

mod common;

use anteroom_api::Clock;
use anteroom_api::events::RoomEvent;
use common::{TestApp, assert_keys, is_hex_id, is_millis_timestamp, is_token, millis, next_event};
use reqwest::Method;
use serde_json::{Value, json};

const ROOM_RESPONSE_KEYS: [&str; 14] = [
    "access_key",
    "ready",
    "locked",
    "room",
    "team",
    "user",
    "links",
    "options",
    "playbacks",
    "presentation",
    "broadcasts",
    "recording",
    "snapshots",
    "signaling",
];

/// What `DELETE /rooms/<x>` without any key answers when `x` is no access
/// key: a missing key (D3), said so that the caller sees why.
const NO_SUCH_ACCESS_KEY: &str = "missing API key: no meeting has this access key, and ending a meeting by room id needs the API key";

const ROOM_KEYS: [&str; 6] = [
    "id",
    "name",
    "ready",
    "started_at",
    "shutdown",
    "guest_token",
];

/// The options of spec 2.3 as a room without `options[...]` shows them.
fn default_options() -> Value {
    json!({
        "show_names": true,
        "show_label": true,
        "exit_url": null,
        "recording_available": true,
        "broadcast_available": true,
        "layout_available": true,
        "reaction_available": true,
        "guest_token_available": true,
        "lock_available": false,
        "kick_available": true,
        "sfu_mode": "ptp",
        "widescreen": false,
        "background_color": "#121212",
        "audio_insert": "audio_only",
        "audio_insert_position": null,
        "layout": "auto",
        "layout_users": null,
        "layout_name": null,
        "layout_map": null,
        "voice_activation": false,
        "suggest_guest_names": true,
        "custom_fields": {},
    })
}

fn key_of(body: &Value) -> String {
    body["access_key"].as_str().expect("access_key").to_owned()
}

#[tokio::test]
async fn create_starts_a_meeting_with_the_documented_shape() {
    let app = TestApp::start().await;
    let now = millis(app.clock.now());
    let body = app
        .post(
            "/rooms",
            json!({"name": "Standup", "user": {"name": "Ann"}}),
        )
        .await
        .expect(201)
        .body;

    assert_keys(&body, &ROOM_RESPONSE_KEYS);
    assert_keys(&body["room"], &ROOM_KEYS);
    assert_keys(&body["team"], &["name"]);
    assert_keys(
        &body["user"],
        &[
            "id", "room_id", "name", "avatar", "guest", "blocked", "ready",
        ],
    );
    assert_keys(&body["links"], &["self", "gui", "guest_join", "websocket"]);

    let key = key_of(&body);
    let room_id = body["room"]["id"].as_str().expect("room id");
    let guest_token = body["room"]["guest_token"].as_str().expect("guest token");
    let user_id = body["user"]["id"].as_str().expect("user id");
    assert!(is_token(&key), "D4: {key}");
    assert!(is_token(guest_token), "D4: {guest_token}");
    assert!(is_hex_id(room_id), "D4: a generated room id, {room_id}");
    assert!(is_hex_id(user_id), "D4: a generated user id, {user_id}");
    assert_ne!(room_id, user_id);

    assert_eq!(body["ready"], true);
    assert_eq!(body["locked"], false);
    assert_eq!(body["room"]["name"], "Standup");
    assert_eq!(body["room"]["ready"], true);
    assert_eq!(body["room"]["started_at"], now.as_str());
    assert!(is_millis_timestamp(&now));
    assert_eq!(body["room"]["shutdown"], false);
    assert_eq!(body["team"]["name"], "default");
    assert_eq!(body["user"]["room_id"], room_id);
    assert_eq!(body["user"]["name"], "Ann");
    assert!(body["user"]["avatar"].is_null(), "null, not absent");
    assert_eq!(body["user"]["guest"], false);
    assert_eq!(body["user"]["blocked"], false);
    assert_eq!(body["user"]["ready"], true);

    let api = app.api_url();
    let ws = api.replacen("http://", "ws://", 1);
    assert_eq!(body["links"]["self"], format!("{api}/rooms/{key}"));
    assert_eq!(body["links"]["gui"], format!("{api}/app/?{key}"));
    assert_eq!(
        body["links"]["guest_join"],
        format!("{api}/app/?guest={guest_token}")
    );
    assert_eq!(
        body["links"]["websocket"],
        format!("{ws}/rt?access_key={key}")
    );

    assert_eq!(body["options"], default_options());
    assert_eq!(body["playbacks"], json!([]));
    assert!(body["presentation"].is_null());
    assert_eq!(body["broadcasts"], json!([]));
    assert!(body["recording"].is_null());
    assert_eq!(body["snapshots"], json!([]));
    assert!(body["signaling"]["type"].is_string());
    let client_id = body["signaling"]["options"]["client_id"]
        .as_str()
        .expect("client_id");
    assert!(is_hex_id(client_id), "the participant's own id");
    assert!(is_hex_id(
        body["signaling"]["options"]["conf_id"]
            .as_str()
            .expect("conf_id")
    ));
}

#[tokio::test]
async fn a_room_without_a_name_is_named_after_its_id() {
    let app = TestApp::start().await;
    let body = app
        .post("/rooms", json!({"id": "weekly", "user": {"name": "Ann"}}))
        .await
        .expect(201)
        .body;
    assert_eq!(body["room"]["id"], "weekly");
    assert_eq!(body["room"]["name"], "weekly");
}

#[tokio::test]
async fn the_same_id_joins_the_running_meeting() {
    let app = TestApp::start().await;
    let first = app
        .post(
            "/rooms",
            json!({"id": "daily", "name": "Daily", "user": {"name": "Ann", "id": "ann"}}),
        )
        .await
        .expect(201)
        .body;
    app.advance(5);
    let second = app
        .post(
            "/rooms",
            json!({
                "id": "daily",
                "name": "Another name",
                "user": {"name": "Bob", "id": "bob"},
                "options": {"widescreen": true},
            }),
        )
        .await
        .expect(201)
        .body;

    assert_ne!(second["access_key"], first["access_key"]);
    assert_eq!(second["room"], first["room"], "one meeting");
    assert_eq!(second["room"]["name"], "Daily");
    assert_eq!(
        second["options"]["widescreen"], false,
        "the running meeting keeps the options it started with"
    );
    assert_eq!(second["user"]["id"], "bob");
    assert_eq!(second["user"]["room_id"], "daily");
    assert_eq!(
        second["signaling"]["options"]["conf_id"],
        first["signaling"]["options"]["conf_id"]
    );
    assert_ne!(
        second["signaling"]["options"]["client_id"],
        first["signaling"]["options"]["client_id"]
    );

    let users = app.get("/rooms/daily/users").await.expect(200).body;
    let ids: Vec<&str> = users
        .as_array()
        .expect("list")
        .iter()
        .map(|u| u["id"].as_str().expect("id"))
        .collect();
    assert_eq!(ids, ["ann", "bob"]);

    // Another team's room of the same id is another meeting.
    let other = app.other_team_key("Other").await;
    let theirs = app
        .send(
            Method::POST,
            "/rooms",
            Some(&other),
            Some((
                common::Encoding::NestedJson,
                &json!({"id": "daily", "user": {"name": "Cy"}}),
            )),
        )
        .await
        .expect(201)
        .body;
    assert_eq!(theirs["room"]["id"], "daily");
    assert_ne!(theirs["room"]["guest_token"], first["room"]["guest_token"]);
    assert_eq!(theirs["team"]["name"], "Other");
}

#[tokio::test]
async fn custom_user_ids_and_avatars_are_echoed() {
    let app = TestApp::start().await;
    let body = app
        .post(
            "/rooms",
            json!({"user": {"name": "  John Doe ", "id": "john.doe@example.com", "avatar": "https://example.com/j.png"}}),
        )
        .await
        .expect(201)
        .body;
    assert_eq!(body["user"]["id"], "john.doe@example.com");
    assert_eq!(body["user"]["name"], "John Doe");
    assert_eq!(body["user"]["avatar"], "https://example.com/j.png");

    // An empty id or avatar counts as none.
    let body = app
        .post(
            "/rooms",
            json!({"user": {"name": "Ann", "id": "", "avatar": ""}}),
        )
        .await
        .expect(201)
        .body;
    assert!(is_hex_id(body["user"]["id"].as_str().expect("id")));
    assert!(body["user"]["avatar"].is_null());
}

#[tokio::test]
async fn options_are_echoed_over_the_defaults() {
    let app = TestApp::start().await;
    let body = app
        .post(
            "/rooms",
            json!({
                "user": {"name": "Ann"},
                "options": {
                    "show_names": false,
                    "show_label": "false",
                    "exit_url": "https://example.com/bye",
                    "recording_available": "0",
                    "broadcast_available": 0,
                    "layout_available": false,
                    "reaction_available": false,
                    "guest_token_available": false,
                    "lock_available": "true",
                    "kick_available": "false",
                    "sfu_mode": "disabled",
                    "widescreen": "1",
                    "background_color": "#AbCdEf",
                    "audio_insert": "enabled",
                    "audio_insert_position": {"x": "10", "y": 20},
                    "custom_fields": {
                        "locale": "DE",
                        "logo": "https://example.com/logo.png",
                        "hide_chat": "true",
                        "virtual_background": "1",
                        "virtual_background_allow_guest": false,
                        "iframe_postmessage_origin": "https://example.com",
                        "anything": "kept",
                    },
                    "made_up": true,
                    "layout": "custom",
                },
            }),
        )
        .await
        .expect(201)
        .body;
    let mut want = default_options();
    common::merge(
        &mut want,
        json!({
            "show_names": false,
            "show_label": false,
            "exit_url": "https://example.com/bye",
            "recording_available": false,
            "broadcast_available": false,
            "layout_available": false,
            "reaction_available": false,
            "guest_token_available": false,
            "lock_available": true,
            "kick_available": false,
            "sfu_mode": "disabled",
            "widescreen": true,
            "background_color": "#abcdef",
            "audio_insert": "enabled",
            "audio_insert_position": {"x": 10.0, "y": 20.0},
            "custom_fields": {
                "locale": "de",
                "logo": "https://example.com/logo.png",
                "hide_chat": true,
                "virtual_background": true,
                "virtual_background_allow_guest": false,
                "iframe_postmessage_origin": "https://example.com",
                "anything": "kept",
            },
        }),
    );
    assert_eq!(body["options"], want, "D7: unknown keys are not echoed");
    assert!(
        body["links"]["guest_join"].is_null(),
        "no quick-join link without guest access"
    );
}

#[tokio::test]
async fn create_refuses_bad_input() {
    let app = TestApp::start().await;
    let cases = [
        (json!({}), "user[name] is required"),
        (json!({"name": "x"}), "user[name] is required"),
        (json!({"user": {"name": ""}}), "user[name] is required"),
        (json!({"user": {"name": null}}), "user[name] is required"),
        (
            json!({"user": {"name": "   "}}),
            "user[name] must not be empty",
        ),
        (
            json!({"user": {"name": "n".repeat(257)}}),
            "user[name] must be at most 256 characters",
        ),
        (
            json!({"user": {"name": "Ann"}, "name": "n".repeat(257)}),
            "name must be at most 256 characters",
        ),
        (
            json!({"user": {"name": "Ann", "id": "a/b"}}),
            "user[id] must not contain slashes or control characters",
        ),
        (
            json!({"user": {"name": "Ann"}, "id": "a/b"}),
            "id must not contain slashes or control characters",
        ),
        (
            json!({"user": {"name": "Ann", "avatar": "ftp://x"}}),
            "user[avatar] must be an http or https URL",
        ),
        (
            json!({"user": {"name": "Ann"}, "options": {"widescreen": "maybe"}}),
            "options[widescreen] must be a boolean",
        ),
        (
            json!({"user": {"name": "Ann"}, "options": {"sfu_mode": "mesh"}}),
            "options[sfu_mode] must be one of disabled, screencast, ptp",
        ),
        (
            json!({"user": {"name": "Ann"}, "options": {"background_color": "red"}}),
            "options[background_color] must be a colour like #121212",
        ),
        (
            json!({"user": {"name": "Ann"}, "options": {"exit_url": "javascript:alert(1)"}}),
            "options[exit_url] must be an http or https URL",
        ),
        (
            json!({"user": {"name": "Ann"}, "options": {"audio_insert_position": {"x": "left"}}}),
            "options[audio_insert_position][x] must be a number",
        ),
        (
            json!({"user": {"name": ["Ann"]}}),
            "user[name] must be a string",
        ),
    ];
    for (body, message) in cases {
        let reply = app.post("/rooms", body.clone()).await.expect_error(400);
        assert_eq!(reply.body["error"], message, "for {body}");
    }

    // Bodies that are not even parameters.
    let broken = app
        .client
        .post(format!("{}/rooms", app.base))
        .header("Authorization", &app.key)
        .header("Content-Type", "application/json")
        .body("{\"user\": ")
        .send()
        .await
        .expect("sent");
    assert_eq!(broken.status().as_u16(), 400);
    let not_utf8 = app
        .client
        .post(format!("{}/rooms", app.base))
        .header("Authorization", &app.key)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(b"user[name]=\xff\xfe".to_vec())
        .send()
        .await
        .expect("sent");
    assert_eq!(not_utf8.status().as_u16(), 400);

    // Nothing was started by any of these.
    assert_eq!(app.get("/rooms").await.expect(200).body, json!([]));
}

#[tokio::test]
async fn create_needs_a_known_api_key() {
    let app = TestApp::start().await;
    let body = json!({"user": {"name": "Ann"}});
    let reply = app
        .send(
            Method::POST,
            "/rooms",
            None,
            Some((common::Encoding::NestedJson, &body)),
        )
        .await
        .expect_error(401);
    assert_eq!(reply.body["error"], "missing API key");
    app.send(
        Method::POST,
        "/rooms",
        Some("not-a-key"),
        Some((common::Encoding::NestedJson, &body)),
    )
    .await
    .expect_error(401);
    let bearer = format!("Bearer {}", app.key);
    app.send(
        Method::POST,
        "/rooms",
        Some(&bearer),
        Some((common::Encoding::NestedJson, &body)),
    )
    .await
    .expect(201);
}

#[tokio::test]
async fn list_shows_the_running_meetings_of_the_team() {
    let app = TestApp::start().await;
    let empty = app.get("/rooms").await.expect(200);
    assert_eq!(empty.text, "[]");

    let first = app.create_room("first", "Ann").await;
    app.advance(3);
    let second = app.create_room("second", "Bob").await;
    // A second participant does not list the meeting twice.
    app.create_room("first", "Cy").await;

    let list = app.get("/rooms").await.expect(200).body;
    let rooms = list.as_array().expect("a list");
    assert_eq!(rooms.len(), 2);
    for (listed, created) in rooms.iter().zip([&first, &second]) {
        assert_keys(listed, &ROOM_KEYS);
        assert_eq!(listed, &created["room"]);
        assert_eq!(listed["shutdown"], false);
        assert_eq!(listed["ready"], true);
    }

    // Another team sees none of them.
    let other = app.other_team_key("Other").await;
    let theirs = app
        .send(Method::GET, "/rooms", Some(&other), None)
        .await
        .expect(200);
    assert_eq!(theirs.body, json!([]));

    // An ended meeting is no longer listed.
    let key = key_of(&first);
    app.delete_anon(&format!("/rooms/{key}")).await.expect(204);
    let list = app.get("/rooms").await.expect(200).body;
    assert_eq!(list, json!([second["room"]]));

    app.get_anon("/rooms").await.expect_error(401);
    app.send(Method::GET, "/rooms", Some("wrong"), None)
        .await
        .expect_error(401);
}

#[tokio::test]
async fn show_returns_the_room_response_until_the_meeting_ends() {
    let app = TestApp::start().await;
    let created = app.create_room("show", "Ann").await;
    let key = key_of(&created);

    app.advance(30);
    let shown = app.get_anon(&format!("/rooms/{key}")).await.expect(200);
    assert_eq!(shown.body, created, "the same response as the start");
    // An API key does not change it.
    let keyed = app.get(&format!("/rooms/{key}")).await.expect(200);
    assert_eq!(keyed.body, created);

    let unknown = app
        .get_anon("/rooms/AAAAAAAAAAAAAAAAAAAAAAAA")
        .await
        .expect_error(404);
    assert_eq!(unknown.body["error"], "unknown access key");
    app.get_anon("/rooms/short").await.expect_error(404);
    // A room id is not an access key.
    app.get_anon("/rooms/show").await.expect_error(404);

    app.delete_anon(&format!("/rooms/{key}")).await.expect(204);
    let gone = app
        .get_anon(&format!("/rooms/{key}"))
        .await
        .expect_error(410);
    assert_eq!(
        gone.body["error"],
        "access key expired: the meeting has ended"
    );
}

#[tokio::test]
async fn stop_by_access_key_ends_the_meeting_for_everyone() {
    let app = TestApp::start().await;
    let ann = app.create_room("stop", "Ann").await;
    let bob = app.create_room("stop", "Bob").await;
    let mut events = app.subscribe(&ann).await;

    let stopped = app
        .delete_anon(&format!("/rooms/{}", key_of(&bob)))
        .await
        .expect(204);
    assert!(stopped.text.is_empty(), "204 has no body");
    match next_event(&mut events).await {
        RoomEvent::Ended { reason, by } => {
            assert_eq!(reason.as_str(), "stopped");
            assert_eq!(by.as_deref(), Some("Bob"));
        }
        other => panic!("ended expected, got {other:?}"),
    }

    for body in [&ann, &bob] {
        app.get_anon(&format!("/rooms/{}", key_of(body)))
            .await
            .expect_error(410);
        app.delete_anon(&format!("/rooms/{}", key_of(body)))
            .await
            .expect_error(410);
    }
    assert_eq!(app.get("/rooms").await.expect(200).body, json!([]));

    // An unknown access key is not found with the team's key, and needs one
    // without, since it could be a room id; the message says both.
    app.delete("/rooms/AAAAAAAAAAAAAAAAAAAAAAAA")
        .await
        .expect_error(404);
    for key in ["AAAAAAAAAAAAAAAAAAAAAAAA", "not-a-key"] {
        let unknown = app
            .delete_anon(&format!("/rooms/{key}"))
            .await
            .expect_error(401);
        assert_eq!(unknown.body["error"], NO_SUCH_ACCESS_KEY);
    }
}

#[tokio::test]
async fn stop_by_room_id_needs_the_teams_key() {
    let app = TestApp::start().await;
    let ann = app.create_room("by-id", "Ann").await;
    let mut events = app.subscribe(&ann).await;

    let missing = app.delete_anon("/rooms/by-id").await.expect_error(401);
    assert_eq!(missing.body["error"], NO_SUCH_ACCESS_KEY);
    app.send(Method::DELETE, "/rooms/by-id", Some("wrong"), None)
        .await
        .expect_error(401);
    let other = app.other_team_key("Other").await;
    app.send(Method::DELETE, "/rooms/by-id", Some(&other), None)
        .await
        .expect_error(404);
    app.delete("/rooms/no-such-room").await.expect_error(404);
    // Still running after all of that.
    app.get_anon(&format!("/rooms/{}", key_of(&ann)))
        .await
        .expect(200);

    let stopped = app.delete("/rooms/by-id").await.expect(204);
    assert!(stopped.text.is_empty());
    match next_event(&mut events).await {
        RoomEvent::Ended { reason, by } => {
            assert_eq!(reason.as_str(), "shutdown");
            assert_eq!(by, None);
        }
        other => panic!("ended expected, got {other:?}"),
    }
    app.get_anon(&format!("/rooms/{}", key_of(&ann)))
        .await
        .expect_error(410);
    // No meeting runs in the room any more.
    app.delete("/rooms/by-id").await.expect_error(404);

    // A generated room id works the same way.
    let generated = app
        .post("/rooms", json!({"user": {"name": "Ann"}}))
        .await
        .expect(201)
        .body;
    let id = generated["room"]["id"].as_str().expect("id");
    app.delete(&format!("/rooms/{id}")).await.expect(204);
    app.get_anon(&format!("/rooms/{}", key_of(&generated)))
        .await
        .expect_error(410);
}

#[tokio::test]
async fn custom_room_ids_work_in_paths_when_encoded() {
    let app = TestApp::start().await;
    let id = "Raum ü 1?x=#y&z%";
    let ann = app
        .post("/rooms", json!({"id": id, "user": {"name": "Ann"}}))
        .await
        .expect(201)
        .body;
    assert_eq!(ann["room"]["id"], id);
    let encoded: String = form_urlencoded::byte_serialize(id.as_bytes())
        .collect::<String>()
        .replace('+', "%20");
    let users = app
        .get(&format!("/rooms/{encoded}/users"))
        .await
        .expect(200)
        .body;
    assert_eq!(users[0]["room_id"], id);
    app.delete(&format!("/rooms/{encoded}")).await.expect(204);
    app.get_anon(&format!("/rooms/{}", key_of(&ann)))
        .await
        .expect_error(410);
}

#[tokio::test]
async fn lock_is_off_by_default() {
    let app = TestApp::start().await;
    let ann = app.create_room("no-lock", "Ann").await;
    assert_eq!(ann["options"]["lock_available"], false);
    let key = key_of(&ann);
    let refused = app
        .post_anon(&format!("/rooms/{key}/lock"), json!({}))
        .await
        .expect_error(403);
    assert_eq!(
        refused.body["error"],
        "locking is not available in this meeting"
    );
    // Nothing changed.
    let shown = app.get_anon(&format!("/rooms/{key}")).await.expect(200);
    assert_eq!(shown.body["locked"], false);
    app.create_room("no-lock", "Bob").await;
}

#[tokio::test]
async fn a_locked_meeting_takes_nobody_new() {
    let app = TestApp::start().await;
    let ann = app
        .post(
            "/rooms",
            json!({"id": "locked", "user": {"name": "Ann", "id": "ann"}, "options": {"lock_available": true}}),
        )
        .await
        .expect(201)
        .body;
    let key = key_of(&ann);
    let guest_token = ann["room"]["guest_token"].as_str().expect("gt").to_owned();
    let gus = app
        .post_anon(
            &format!("/guests/{guest_token}"),
            json!({"name": "Gus", "id": "gus"}),
        )
        .await
        .expect(201)
        .body;
    let mut events = app.subscribe(&ann).await;

    let locked = app
        .post_anon(&format!("/rooms/{key}/lock"), json!({}))
        .await
        .expect(201);
    assert!(locked.text.is_empty(), "201 without a body");
    assert!(matches!(next_event(&mut events).await, RoomEvent::Locked));
    let shown = app.get_anon(&format!("/rooms/{key}")).await.expect(200);
    assert_eq!(shown.body["locked"], true);

    // Newcomers are refused: guests, and users of POST /rooms.
    let guest = app
        .post_anon(&format!("/guests/{guest_token}"), json!({"name": "New"}))
        .await
        .expect_error(423);
    assert_eq!(guest.body["error"], "meeting is locked");
    app.post("/rooms", json!({"id": "locked", "user": {"name": "Bob"}}))
        .await
        .expect_error(423);
    app.post(
        "/rooms",
        json!({"id": "locked", "user": {"name": "Bob", "id": "bob"}}),
    )
    .await
    .expect_error(423);
    // A guest cannot slip in under a host's user id.
    app.post_anon(
        &format!("/guests/{guest_token}"),
        json!({"name": "Mallory", "id": "ann"}),
    )
    .await
    .expect_error(423);

    // People already in it may come back.
    let again = app
        .post(
            "/rooms",
            json!({"id": "locked", "user": {"name": "Ann", "id": "ann"}}),
        )
        .await
        .expect(201)
        .body;
    assert_eq!(again["locked"], true);
    assert_eq!(again["room"], ann["room"]);
    let gus_again = app
        .post_anon(
            &format!("/guests/{guest_token}"),
            json!({"name": "Gus", "id": "gus"}),
        )
        .await
        .expect(201)
        .body;
    assert_eq!(gus_again["user"]["guest"], true);
    app.get_anon(&format!("/rooms/{}", key_of(&gus)))
        .await
        .expect(200);

    // Locking again is harmless; there is no unlock.
    app.post_anon(&format!("/rooms/{key}/lock"), json!({}))
        .await
        .expect(201);

    app.post_anon("/rooms/AAAAAAAAAAAAAAAAAAAAAAAA/lock", json!({}))
        .await
        .expect_error(404);
    app.delete_anon(&format!("/rooms/{key}")).await.expect(204);
    app.post_anon(&format!("/rooms/{key}/lock"), json!({}))
        .await
        .expect_error(410);

    // The next meeting of the room starts unlocked.
    let next = app
        .post("/rooms", json!({"id": "locked", "user": {"name": "Bob"}}))
        .await
        .expect(201)
        .body;
    assert_eq!(next["locked"], false);
}
