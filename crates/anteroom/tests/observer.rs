//! `/rt` in the ActionCable protocol: the meeting observer (spec 7) and one
//! participant's view (spec 8.2); every way to authenticate, and clean
//! refusals of wrong keys, other teams' rooms and malformed frames.

mod common;
mod events;

use reqwest::Method;
use serde_json::{Value, json};

use common::{TestApp, access_key};
use events::{Cable, ROOM_CHANNEL};

fn ws(app: &TestApp, query: &str) -> String {
    format!("{}/rt?{query}", app.base.replacen("http://", "ws://", 1))
}

/// An observer of `room` that has subscribed and read the first messages:
/// `room_update`, then `options_update`.
async fn observe(app: &TestApp, room: &str) -> (Cable, Value, Value) {
    let url = ws(app, &format!("room_id={room}"));
    let mut cable = Cable::open(&url, &[], &[("authorization", &app.key)]).await;
    assert_eq!(
        cable.next().await.expect("welcome"),
        json!({"type": "welcome"})
    );
    cable.subscribe_room().await;
    let confirm = cable.next().await.expect("confirmation");
    assert_eq!(
        confirm,
        json!({"identifier": ROOM_CHANNEL, "type": "confirm_subscription"})
    );
    let first = cable.next().await.expect("room_update");
    assert_eq!(
        first["identifier"], ROOM_CHANNEL,
        "messages carry their identifier"
    );
    let options = cable.next().await.expect("options_update");
    assert_eq!(options["message"]["type"], "options_update");
    (cable, first["message"].clone(), options["message"].clone())
}

#[tokio::test]
async fn the_observer_follows_a_meeting_until_it_ends() {
    let app = TestApp::start().await;
    let ann = app.create_room("weekly", "Ann").await;
    let bea = app
        .post("/rooms", json!({"id": "weekly", "user": {"name": "Bea"}}))
        .await
        .body;
    assert!(app.connect(&ann).await);

    let (mut cable, update, options) = observe(&app, "weekly").await;
    assert_eq!(update["type"], "room_update");
    let content = &update["content"];
    for field in [
        "id",
        "name",
        "ready",
        "started_at",
        "shutdown",
        "guest_token",
        "options",
        "participants",
        "playbacks",
        "presentation",
        "broadcasts",
        "recording",
        "locked",
    ] {
        assert!(content.get(field).is_some(), "{field} in {content}");
    }
    assert_eq!(content["id"], "weekly");
    assert_eq!(
        (content["ready"].clone(), content["shutdown"].clone()),
        (json!(true), json!(false))
    );
    let online: Vec<_> = content["participants"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|p| (p["name"].clone(), p["online"].clone()))
        .collect();
    assert_eq!(
        online,
        [(json!("Ann"), json!(true)), (json!("Bea"), json!(false))]
    );
    assert_eq!(options["options"]["widescreen"], false);

    // Presence, messages from the API and the lock reach it.
    assert!(app.connect(&bea).await);
    let came = cable.message("participant_update").await;
    common::assert_keys(
        &came["participant"],
        &["id", "room_id", "name", "avatar", "guest", "online"],
    );
    assert_eq!(
        (
            came["participant"]["name"].clone(),
            came["participant"]["online"].clone()
        ),
        (json!("Bea"), json!(true))
    );
    let path = format!("/rooms/{}/messages", access_key(&bea).as_str());
    app.post_anon(&path, json!({"type": "chat", "content": "hello"}))
        .await
        .expect(201);
    let chat = cable.message("chat").await;
    common::assert_keys(&chat, &["type", "content", "cid", "user_id", "created_at"]);
    assert_eq!(chat["content"], "hello");
    assert_eq!(chat["user_id"], bea["user"]["id"]);
    app.post_anon(&path, json!({"type": "custom", "content": "{\"x\":1}"}))
        .await
        .expect(201);
    assert_eq!(cable.message("custom").await["content"], "{\"x\":1}");
    app.disconnect(&bea).await;
    let left = cable.message("participant_update").await;
    assert_eq!(
        (
            left["participant"]["name"].clone(),
            left["participant"]["online"].clone()
        ),
        (json!("Bea"), json!(false))
    );

    // At the end: a last room_update, then the server closes.
    app.delete(&format!("/rooms/{}", access_key(&ann).as_str()))
        .await
        .expect(204);
    let last = cable.message("room_update").await;
    assert_eq!(
        (
            last["content"]["shutdown"].clone(),
            last["content"]["ready"].clone()
        ),
        (json!(true), json!(false))
    );
    assert_eq!(cable.closed().await.as_deref(), Some("meeting_ended"));
}

#[tokio::test]
async fn the_key_may_come_as_header_query_or_sub_protocol_and_permalinks_work() {
    let app = TestApp::start().await;
    let permalink = app.create_permalink(json!({})).await;
    let id = permalink["permalink"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let token = permalink["permalink"]["user_token"]
        .as_str()
        .expect("token")
        .to_owned();
    app.post_anon(&format!("/permalink/{token}"), json!({}))
        .await
        .expect(201);

    let room = format!("room_id={id}");
    let bearer = format!("Bearer {}", app.key);
    // (url, sub-protocol entry, Authorization header)
    let ways: [(String, Option<String>, Option<String>); 4] = [
        (ws(&app, &room), None, Some(bearer)),
        (ws(&app, &format!("{room}&api_key={}", app.key)), None, None),
        (
            ws(&app, &room),
            Some(format!("anteroom-api-key.{}", app.key)),
            None,
        ),
        (
            ws(&app, &room),
            Some(format!("anycable-token.{}", app.key)),
            None,
        ),
    ];
    for (url, protocol, authorization) in ways {
        let protocols: Vec<&str> = protocol.iter().map(String::as_str).collect();
        let headers: Vec<(&str, &str)> = authorization
            .iter()
            .map(|value| ("authorization", value.as_str()))
            .collect();
        let mut cable = Cable::open(&url, &protocols, &headers).await;
        assert_eq!(
            cable.next().await.expect("welcome")["type"],
            "welcome",
            "{url}"
        );
        cable.subscribe_room().await;
        cable.next().await.expect("confirmation");
        let update = cable.message("room_update").await;
        assert_eq!(update["content"]["id"], id.as_str());
        cable.close().await;
    }
}

#[tokio::test]
async fn wrong_keys_other_teams_and_unknown_rooms_are_refused_cleanly() {
    let app = TestApp::start().await;
    let ann = app.create_room("ours", "Ann").await;
    let other = app.other_team_key("acme").await;
    let theirs = app
        .send(
            Method::POST,
            "/rooms",
            Some(&other),
            Some((
                common::Encoding::NestedJson,
                &json!({"id": "theirs", "user": {"name": "Zed"}}),
            )),
        )
        .await
        .expect(201)
        .body;
    let ended = app.create_room("over", "Cy").await;
    app.delete(&format!("/rooms/{}", access_key(&ended).as_str()))
        .await
        .expect(204);

    let refusals = [
        ("room_id=ours".to_owned(), None, "unauthorized", 401),
        (
            "room_id=ours".to_owned(),
            Some("wrongkey"),
            "unauthorized",
            401,
        ),
        (
            "room_id=theirs".to_owned(),
            Some(app.key.as_str()),
            "not_found",
            404,
        ),
        (
            "room_id=nowhere".to_owned(),
            Some(app.key.as_str()),
            "not_found",
            404,
        ),
        (
            "room_id=over".to_owned(),
            Some(app.key.as_str()),
            "not_found",
            404,
        ),
        (
            "room_id=ours".to_owned(),
            Some(other.as_str()),
            "not_found",
            404,
        ),
        (
            "access_key=AAAAAAAAAAAAAAAAAAAAAAAA".to_owned(),
            None,
            "unauthorized",
            404,
        ),
        (
            format!("access_key={}", access_key(&ended).as_str()),
            None,
            "meeting_ended",
            410,
        ),
        ("".to_owned(), None, "invalid_request", 400),
    ];
    for (query, key, reason, status) in refusals {
        let headers: Vec<(&str, &str)> = key.map(|k| ("authorization", k)).into_iter().collect();
        let mut cable = Cable::open(&ws(&app, &query), &[], &headers).await;
        assert_eq!(cable.closed().await.as_deref(), Some(reason), "{query}");

        // Without an upgrade, the same refusal is an HTTP error.
        let answer = app
            .send(Method::GET, &format!("/rt?{query}"), key, None)
            .await;
        answer.expect_error(status);
    }
    // Their participant's view works for them, and a plain GET that would
    // be let in is told to upgrade.
    let mut cable = Cable::open(
        &ws(
            &app,
            &format!("access_key={}", access_key(&theirs).as_str()),
        ),
        &[],
        &[],
    )
    .await;
    assert_eq!(cable.next().await.expect("welcome")["type"], "welcome");
    app.get("/rt?room_id=ours").await.expect_error(426);
    assert!(app.connect(&ann).await, "the server still works");
}

#[tokio::test]
async fn malformed_frames_get_a_clean_refusal() {
    let app = TestApp::start().await;
    app.create_room("room", "Ann").await;
    let garbage = [
        "not json",
        "[1,2]",
        r#"{"command":"subscribe"}"#,
        r#"{"command":"subscribe","identifier":"RoomChannel"}"#,
        r#"{"command":"teleport","identifier":"{\"channel\":\"RoomChannel\"}"}"#,
        r#"{"command":"message","identifier":"{\"channel\":\"RoomChannel\"}","data":"nope"}"#,
    ];
    for frame in garbage {
        let (mut cable, _, _) = observe(&app, "room").await;
        cable.send_text(frame).await;
        assert_eq!(
            cable.closed().await.as_deref(),
            Some("invalid_request"),
            "{frame}"
        );
    }
    let (mut cable, _, _) = observe(&app, "room").await;
    cable.send_binary(&[0, 159, 146, 150]).await;
    assert_eq!(cable.closed().await.as_deref(), Some("invalid_request"));

    // A frame over 64 KiB closes the connection, and nothing else.
    let (mut cable, _, _) = observe(&app, "room").await;
    cable.send_text(&"x".repeat(100 * 1024)).await;
    cable.closed().await;

    // An unknown channel is rejected and the session goes on; the
    // observer is one-way, so actions are ignored.
    let (mut cable, _, _) = observe(&app, "room").await;
    let user_channel = r#"{"channel":"UserChannel"}"#;
    cable
        .send_text(&json!({"command": "subscribe", "identifier": user_channel}).to_string())
        .await;
    let rejected = cable.next().await.expect("rejection");
    assert_eq!(
        rejected,
        json!({"identifier": user_channel, "type": "reject_subscription"})
    );
    cable.perform("user_joins").await;
    cable.subscribe_room().await;
    assert_eq!(
        cable.next().await.expect("confirmation")["type"],
        "confirm_subscription"
    );
    app.get("/rooms").await.expect(200);
}

#[tokio::test]
async fn a_participant_view_sets_up_keeps_presence_and_is_closed_when_kicked() {
    let app = TestApp::start().await;
    let ann = app.create_room("room", "Ann").await;
    let bea = app
        .post("/rooms", json!({"id": "room", "user": {"name": "Bea"}}))
        .await
        .body;
    let meeting = app.meeting_of(&bea).await;

    let url = ws(&app, &format!("access_key={}", access_key(&bea).as_str()));
    let mut cable = Cable::open(&url, &[], &[]).await;
    assert_eq!(cable.next().await.expect("welcome")["type"], "welcome");
    cable.subscribe_room().await;
    cable.next().await.expect("confirmation");
    let setup = cable.message("room_setup").await;
    assert_eq!(setup["content"]["access_key"], bea["access_key"]);
    assert_eq!(setup["content"]["user"]["name"], "Bea");
    let ready = cable.message("room_ready").await;
    assert_eq!(ready["content"]["ready"], true);
    let user_channel = r#"{"channel":"UserChannel"}"#;
    cable
        .send_text(&json!({"command": "subscribe", "identifier": user_channel}).to_string())
        .await;
    assert_eq!(
        cable.next().await.expect("confirmation")["type"],
        "confirm_subscription"
    );

    let meetings = &app.server().state.meetings;
    assert!(!meetings.is_online(&meeting, &access_key(&bea)));
    cable.perform("user_joins").await;
    cable.perform("user_joins").await;
    let online = cable.message("participant_update").await;
    assert_eq!(online["participant"]["online"], true);
    assert!(meetings.is_online(&meeting, &access_key(&bea)));

    let kick = format!(
        "/rooms/{}/users/{}",
        access_key(&ann).as_str(),
        bea["user"]["id"].as_str().expect("id")
    );
    app.delete_anon(&kick).await.expect(200);
    assert_eq!(cable.closed().await.as_deref(), Some("kicked"));
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert!(
        !meetings.is_online(&meeting, &access_key(&bea)),
        "closing ends its presence"
    );
}
