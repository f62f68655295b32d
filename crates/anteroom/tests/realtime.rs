//! The participant connection, `/realtime` (docs/realtime.md), through a
//! real WebSocket client against a real server.

mod common;
#[path = "realtime/controls.rs"]
mod controls;
mod live;

use std::time::Duration;

use serde_json::json;
use tokio_tungstenite::tungstenite::Message as Frame;

use live::{
    Client, GRACE, PATIENCE, both_connected, key, participant_id, quick, refused,
    room_with_a_guest, start,
};

#[tokio::test]
async fn welcome_names_the_session_the_meeting_and_the_others() {
    let app = start(quick()).await;
    let (ann, gus) = room_with_a_guest(&app).await;

    let (mut a, welcome) = Client::join(&app, key(&ann)).await;
    let session = &welcome["session"];
    assert_eq!(session["participant_id"], participant_id(&ann));
    assert_eq!(session["user_id"], ann["user"]["id"]);
    assert_eq!(session["name"], "Ann");
    assert_eq!(session["guest"], false);
    assert_eq!(session["resumed"], false);
    let meeting = &welcome["meeting"];
    assert_eq!(meeting["id"], ann["signaling"]["options"]["conf_id"]);
    assert_eq!(meeting["room_id"], "standup");
    assert_eq!(meeting["name"], "Room");
    assert_eq!(meeting["started_at"], ann["room"]["started_at"]);
    assert_eq!(meeting["locked"], false);
    assert_eq!(meeting["options"], ann["options"]);
    assert_eq!(welcome["participants"], json!([]));

    let (_g, welcome) = Client::join(&app, key(&gus)).await;
    assert_eq!(welcome["session"]["guest"], true);
    let expected_ann = json!({
        "participant_id": participant_id(&ann), "user_id": ann["user"]["id"], "name": "Ann",
        "avatar": null, "guest": false, "audio_muted": false, "video_muted": false, "screen": false,
    });
    assert_eq!(welcome["participants"], json!([expected_ann]));

    let joined = a.next().await;
    assert_eq!(joined["type"], "participant_joined");
    assert_eq!(
        joined["participant"]["participant_id"],
        participant_id(&gus)
    );
    assert_eq!(joined["participant"]["name"], "Gus");
    assert_eq!(joined["participant"]["guest"], true);
}

#[tokio::test]
async fn leaving_closes_with_left_and_the_others_see_it() {
    let app = start(quick()).await;
    let (_, gus, mut a, mut g) = both_connected(&app).await;

    g.send(json!({"type": "leave"})).await;
    let closed = g.closed().await;
    assert_eq!(
        closed.message,
        Some(json!({"type": "closed", "reason": "left"}))
    );
    assert_eq!(closed.code, Some(1000));

    let left = a.next().await;
    let gus_id = participant_id(&gus);
    let expected = json!({"type": "participant_left", "participant_id": gus_id, "reason": "left"});
    assert_eq!(left, expected);
}

#[tokio::test]
async fn chat_and_custom_reach_everyone_from_clients_and_the_api() {
    let app = start(quick()).await;
    let (ann, gus, mut a, mut g) = both_connected(&app).await;

    a.send(json!({"type": "chat", "content": "hello"})).await;
    for client in [&mut a, &mut g] {
        let chat = client.next().await;
        assert_eq!(chat["type"], "chat");
        let message = &chat["message"];
        assert_eq!(message["content"], "hello");
        assert_eq!(message["participant_id"], participant_id(&ann));
        assert_eq!(message["user_id"], ann["user"]["id"]);
        assert_eq!(message["name"], "Ann");
        assert!(common::is_millis_timestamp(
            message["created_at"].as_str().unwrap()
        ));
    }

    g.send(json!({"type": "custom", "content": "{\"x\":1}"}))
        .await;
    for client in [&mut a, &mut g] {
        let custom = client.next().await;
        assert_eq!(custom["type"], "custom");
        assert_eq!(custom["message"]["name"], "Gus");
        assert_eq!(custom["message"]["content"], "{\"x\":1}");
    }

    let path = format!("/rooms/{}/messages", key(&gus));
    let body = json!({"type": "chat", "content": "via the api"});
    app.post_anon(&path, body).await.expect(201);
    for client in [&mut a, &mut g] {
        let chat = client.next().await;
        assert_eq!(chat["message"]["content"], "via the api");
        assert_eq!(chat["message"]["participant_id"], participant_id(&gus));
        assert_eq!(chat["message"]["name"], "Gus");
    }

    g.send(json!({"type": "chat", "content": ""})).await;
    assert_eq!(g.next().await["type"], "error");
    a.silent_for(Duration::from_millis(200)).await;
}

#[tokio::test]
async fn mute_states_reach_everyone() {
    let app = start(quick()).await;
    let (_, gus, mut a, mut g) = both_connected(&app).await;

    g.send(json!({"type": "mute", "audio": true})).await;
    for client in [&mut a, &mut g] {
        let updated = client.next().await;
        assert_eq!(updated["type"], "participant_updated");
        let participant = &updated["participant"];
        assert_eq!(participant["participant_id"], participant_id(&gus));
        assert_eq!(participant["audio_muted"], true);
        assert_eq!(participant["video_muted"], false);
    }
    g.send(json!({"type": "mute", "video": true})).await;
    let updated = a.next().await;
    assert_eq!(updated["participant"]["audio_muted"], true);
    assert_eq!(updated["participant"]["video_muted"], true);
}

#[tokio::test]
async fn a_second_connection_replaces_the_first() {
    let app = start(quick()).await;
    let (_, gus, mut a, mut g) = both_connected(&app).await;

    let (_g2, welcome) = Client::join(&app, key(&gus)).await;
    assert_eq!(welcome["session"]["resumed"], true);
    assert_eq!(welcome["participants"].as_array().unwrap().len(), 1);

    let closed = g.closed().await;
    assert_eq!(
        closed.message,
        Some(json!({"type": "closed", "reason": "replaced"}))
    );
    assert_eq!(closed.code, Some(4003));
    // Ann sees neither a departure nor a second Gus.
    a.silent_for(GRACE * 2).await;
}

#[tokio::test]
async fn a_quick_reconnect_shows_no_departure_and_no_duplicate() {
    let app = start(quick()).await;
    let (_, gus, mut a, g) = both_connected(&app).await;

    g.drop_connection();
    tokio::time::sleep(GRACE / 4).await;
    let (_g, welcome) = Client::join(&app, key(&gus)).await;
    assert_eq!(welcome["session"]["resumed"], true);
    a.silent_for(GRACE * 2).await;
}

#[tokio::test]
async fn a_drop_longer_than_the_grace_period_is_a_departure() {
    let app = start(quick()).await;
    let (_, gus, mut a, g) = both_connected(&app).await;

    let dropped_at = std::time::Instant::now();
    g.drop_connection();
    let left = a.next().await;
    let gus_id = participant_id(&gus);
    let expected =
        json!({"type": "participant_left", "participant_id": gus_id, "reason": "dropped"});
    assert_eq!(left, expected);
    assert!(dropped_at.elapsed() >= GRACE);

    // Coming back now is joining again.
    let (_g, welcome) = Client::join(&app, key(&gus)).await;
    assert_eq!(welcome["session"]["resumed"], false);
    assert_eq!(a.next().await["type"], "participant_joined");
}

#[tokio::test]
async fn presence_follows_open_connections_and_the_empty_timeout_starts_at_the_last_close() {
    let app = start(quick()).await;
    let ann = app.create_room("presence", "Ann").await;
    let online = || app.get("/rooms/presence/users?online=true");
    assert_eq!(online().await.expect(200).body, json!([]));

    let (a, _) = Client::join(&app, key(&ann)).await;
    let users = online().await.expect(200).body;
    assert_eq!(users.as_array().unwrap().len(), 1);
    assert_eq!(users[0]["name"], "Ann");

    // Connected, the meeting outlives both the idle and the empty timeout.
    app.advance(200);
    app.sweep().await;
    app.get_anon(&format!("/rooms/{}", key(&ann)))
        .await
        .expect(200);

    a.close().await;
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while online().await.body != json!([]) {
        assert!(tokio::time::Instant::now() < deadline, "still online");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    app.advance(59);
    app.sweep().await;
    app.get_anon(&format!("/rooms/{}", key(&ann)))
        .await
        .expect(200);
    app.advance(2);
    app.sweep().await;
    app.get_anon(&format!("/rooms/{}", key(&ann)))
        .await
        .expect_error(410);
}

#[tokio::test]
async fn unknown_and_ended_keys_are_refused_before_the_upgrade() {
    let app = start(quick()).await;
    let (status, body) = refused(&app, "abcdefghijklmnopqrstuvwx").await;
    assert_eq!(
        (status, body),
        (404, json!({"error": "unknown access key"}))
    );
    let (status, _) = refused(&app, "").await;
    assert_eq!(status, 404);

    let ann = app.create_room("over", "Ann").await;
    app.delete_anon(&format!("/rooms/{}", key(&ann)))
        .await
        .expect(204);
    let (status, body) = refused(&app, key(&ann)).await;
    assert_eq!(status, 410);
    assert!(body["error"].is_string());

    // A plain GET with a good key is not an upgrade.
    let ann = app.create_room("plain", "Ann").await;
    let reply = app
        .get_anon(&format!("/realtime?access_key={}", key(&ann)))
        .await;
    assert!(reply.status.is_client_error());
    assert!(reply.body["error"].is_string());
}

#[tokio::test]
async fn ping_pong_and_server_pings() {
    let app = start(quick()).await;
    let ann = app.create_room("pings", "Ann").await;
    let (mut a, _) = Client::join(&app, key(&ann)).await;
    a.send(json!({"type": "ping"})).await;
    assert_eq!(a.next().await, json!({"type": "pong"}));
    assert!(a.saw_ping().await, "the server pings");
}

#[tokio::test]
async fn a_silent_connection_is_closed() {
    let mut timings = quick();
    timings.idle = Duration::from_millis(300);
    timings.ping_every = Duration::from_secs(60);
    let app = start(timings).await;
    let ann = app.create_room("idle", "Ann").await;
    let (mut a, _) = Client::join(&app, key(&ann)).await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    let closed = a.closed().await;
    assert_eq!(
        closed.message, None,
        "an idle close is a drop, not a closed message"
    );
    assert_eq!(closed.code, Some(1001));
}

#[tokio::test]
async fn media_negotiation_is_refused_without_a_media_engine() {
    let app = start(quick()).await;
    let ann = app.create_room("media", "Ann").await;
    let (mut a, _) = Client::join(&app, key(&ann)).await;
    let offer =
        json!({"type": "sdp", "description": {"type": "offer", "sdp": "v=0\r\n"}, "tracks": []});
    a.send(offer).await;
    assert_eq!(
        a.next().await,
        json!({"type": "error", "error": "media is not available"})
    );
    a.send(json!({"type": "layer", "participant_id": "x", "layer": "h"}))
        .await;
    assert_eq!(a.next().await["error"], "media is not available");
}

#[tokio::test]
async fn garbage_is_refused_and_never_takes_the_server_down() {
    let app = start(quick()).await;
    let ann = app.create_room("garbage", "Ann").await;
    let (mut a, _) = Client::join(&app, key(&ann)).await;

    a.send_frame(Frame::text("{\"type\": \"dance\"}")).await;
    assert_eq!(
        a.next().await,
        json!({"type": "error", "error": "unknown message type: dance"})
    );
    a.send_frame(Frame::text("{\"type\": \"mute\", \"audio\": 3}"))
        .await;
    assert_eq!(a.next().await["error"], "malformed mute message");
    a.send_frame(Frame::text("[1, 2, 3]")).await;
    assert_eq!(a.next().await["type"], "error");
    a.send(json!({"type": "ping"})).await;
    assert_eq!(
        a.next().await["type"],
        "pong",
        "refusals leave the connection open"
    );

    let frames = [
        Frame::text("not json"),
        Frame::binary(vec![0u8, 159, 146, 150]),
        Frame::text(format!(
            "{{\"type\": \"chat\", \"content\": \"{}\"}}",
            "x".repeat(300 * 1024)
        )),
        Frame::text("x".repeat(2 * 1024 * 1024)),
    ];
    for (n, frame) in frames.into_iter().enumerate() {
        let (mut client, _) = Client::join(&app, key(&ann)).await;
        client.send_frame(frame).await;
        let closed = client.closed().await;
        assert_eq!(closed.message, None);
        // Past the reader's limit the server may not get its close frame
        // out before the socket goes.
        if n < 3 {
            assert_eq!(closed.code, Some(4400), "frame {n}");
        }
    }

    // The server is still there, and so is Ann's meeting.
    let (mut b, welcome) = Client::join(&app, key(&ann)).await;
    assert_eq!(welcome["meeting"]["room_id"], "garbage");
    b.send(json!({"type": "ping"})).await;
    assert_eq!(b.next().await["type"], "pong");
}
