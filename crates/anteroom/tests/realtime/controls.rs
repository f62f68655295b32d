//! Host controls and endings over the participant connection: kick,
//! lock, end, and the removal of a permalink host.

use std::time::Duration;

use serde_json::json;

use crate::live::{Client, both_connected, key, participant_id, quick, refused, start};

#[tokio::test]
async fn a_host_kicks_and_the_kicked_may_rejoin() {
    let app = start(quick()).await;
    let (_, gus, mut a, mut g) = both_connected(&app).await;

    a.send(json!({"type": "kick", "user_id": gus["user"]["id"]}))
        .await;
    let closed = g.closed().await;
    assert_eq!(
        closed.message,
        Some(json!({"type": "closed", "reason": "kicked"}))
    );
    assert_eq!(closed.code, Some(4001));
    let left = a.next().await;
    assert_eq!(left["participant_id"], participant_id(&gus));
    assert_eq!(left["reason"], "kicked");

    let (_g, welcome) = Client::join(&app, key(&gus)).await;
    assert_eq!(welcome["session"]["resumed"], false);

    a.send(json!({"type": "kick", "user_id": "nobody"})).await;
    assert_eq!(a.next_of("error").await["error"], "unknown user");
}

#[tokio::test]
async fn a_kick_through_the_api_closes_the_same_way() {
    let app = start(quick()).await;
    let (ann, gus, _a, mut g) = both_connected(&app).await;
    let path = format!(
        "/rooms/{}/users/{}",
        key(&ann),
        gus["user"]["id"].as_str().unwrap()
    );
    app.delete_anon(&path).await.expect(200);
    assert_eq!(g.closed().await.code, Some(4001));
}

#[tokio::test]
async fn guests_cannot_kick_lock_or_end() {
    let app = start(quick()).await;
    let (ann, _, mut a, mut g) = both_connected(&app).await;

    for message in [
        json!({"type": "kick", "user_id": ann["user"]["id"]}),
        json!({"type": "lock"}),
        json!({"type": "end"}),
    ] {
        g.send(message).await;
        let error = g.next().await;
        assert_eq!(error["type"], "error");
        assert!(
            error["error"]
                .as_str()
                .unwrap()
                .starts_with("guests may not")
        );
    }
    a.silent_for(Duration::from_millis(300)).await;
    app.get_anon(&format!("/rooms/{}", key(&ann)))
        .await
        .expect(200);
}

#[tokio::test]
async fn a_lock_reaches_everyone_when_locking_is_available() {
    let app = start(quick()).await;
    let ann = app.create_room("locked", "Ann").await;
    let (mut a, _) = Client::join(&app, key(&ann)).await;
    a.send(json!({"type": "lock"})).await;
    assert_eq!(
        a.next().await["error"],
        "locking is not available in this meeting"
    );

    let body =
        json!({"id": "lockable", "user": {"name": "Ann"}, "options": {"lock_available": true}});
    let ann = app.post("/rooms", body).await.expect(201).body;
    let bea = app
        .post("/rooms", json!({"id": "lockable", "user": {"name": "Bea"}}))
        .await
        .expect(201)
        .body;
    let (mut a, _) = Client::join(&app, key(&ann)).await;
    let (mut b, _) = Client::join(&app, key(&bea)).await;
    a.send(json!({"type": "lock"})).await;
    assert_eq!(b.next_of("locked").await, json!({"type": "locked"}));
    assert_eq!(a.next_of("locked").await, json!({"type": "locked"}));
}

#[tokio::test]
async fn an_end_by_a_participant_closes_everyone_and_says_who() {
    let app = start(quick()).await;
    let (ann, _, mut a, mut g) = both_connected(&app).await;

    app.delete_anon(&format!("/rooms/{}", key(&ann)))
        .await
        .expect(204);
    let ended =
        json!({"type": "closed", "reason": "ended", "ended": {"reason": "stopped", "by": "Ann"}});
    for client in [&mut a, &mut g] {
        let closed = client.closed().await;
        assert_eq!(closed.message, Some(ended.clone()));
        assert_eq!(closed.code, Some(4004));
    }
    let (status, _) = refused(&app, key(&ann)).await;
    assert_eq!(status, 410);
}

#[tokio::test]
async fn an_end_over_the_connection_and_by_api_key() {
    let app = start(quick()).await;
    let (_, _, mut a, mut g) = both_connected(&app).await;
    a.send(json!({"type": "end"})).await;
    let closed = g.closed().await;
    assert_eq!(
        closed.message.unwrap()["ended"],
        json!({"reason": "stopped", "by": "Ann"})
    );

    let (_, _, mut a, _g) = both_connected(&app).await;
    app.delete("/rooms/standup").await.expect(204);
    let closed = a.closed().await;
    assert_eq!(
        closed.message.unwrap()["ended"],
        json!({"reason": "shutdown", "by": null})
    );
}

#[tokio::test]
async fn a_removed_permalink_host_is_closed_as_removed() {
    let app = start(quick()).await;
    let permalink = app.create_permalink(json!({})).await;
    let id = permalink["permalink"]["id"].as_str().unwrap();
    let token = permalink["permalink"]["user_token"].as_str().unwrap();
    let guest_token = permalink["permalink"]["guest_token"].as_str().unwrap();
    let host = app
        .post_anon(&format!("/permalink/{token}"), json!({}))
        .await
        .expect(201)
        .body;
    let guest = app
        .post_anon(&format!("/guests/{guest_token}"), json!({"name": "Gus"}))
        .await
        .expect(201)
        .body;
    let (mut h, _) = Client::join(&app, key(&host)).await;
    let (mut g, _) = Client::join(&app, key(&guest)).await;

    app.delete(&format!("/permalink/{id}/users/{token}"))
        .await
        .expect(200);
    let closed = h.closed().await;
    assert_eq!(
        closed.message,
        Some(json!({"type": "closed", "reason": "removed"}))
    );
    assert_eq!(closed.code, Some(4002));
    let left = g.next_of("participant_left").await;
    assert_eq!(left["participant_id"], participant_id(&host));
    assert_eq!(left["reason"], "removed");

    // The removed host's access key opens no new connection.
    let (status, _) = refused(&app, key(&host)).await;
    assert_eq!(status, 404);
}
