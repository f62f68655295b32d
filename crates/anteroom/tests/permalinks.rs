//! The ten permalink calls of spec 3.3, with D12–D20.

mod common;

use common::{TestApp, assert_keys};
use reqwest::Method;
use serde_json::{Value, json};

#[tokio::test]
async fn create_returns_the_permalink_object_with_links() {
    let app = TestApp::start().await;
    let body = app
        .create_permalink(json!({"options": {"widescreen": true}, "user": {"id": "ann"}}))
        .await;

    let id = body["permalink"]["id"].as_str().expect("id");
    let user_token = body["permalink"]["user_token"]
        .as_str()
        .expect("user token");
    let guest_token = body["permalink"]["guest_token"]
        .as_str()
        .expect("guest token");
    assert_eq!(id.len(), 24);
    assert!(id.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(user_token.len(), 24);
    assert!(body["permalink"]["expires_at"].is_null());
    assert_eq!(
        body["room"]["id"], id,
        "D12: the room id is the permalink id"
    );
    assert!(body["room"]["started_at"].is_null());
    assert_eq!(body["room"]["name"], "Standup");
    assert_eq!(body["user"]["id"], "ann");
    assert_eq!(body["user"]["name"], "Ann");
    assert_eq!(body["user"]["guest"], false);
    assert_eq!(body["options"]["widescreen"], true);
    assert_eq!(body["options"]["background_color"], "#121212");
    assert_eq!(body["team"]["name"], "default");

    let api = app.api_url();
    assert_eq!(body["links"]["self"], format!("{api}/permalink/{id}"));
    assert_eq!(
        body["links"]["gui"],
        format!("{api}/app/permalink?{user_token}")
    );
    assert_eq!(
        body["links"]["guest_join"],
        format!("{api}/app/permalink?guest={guest_token}")
    );
    assert!(body.get("access_key").is_none());
    assert!(body["links"].get("websocket").is_none());
}

#[tokio::test]
async fn create_refuses_bad_input() {
    let app = TestApp::start().await;
    app.post("/permalink", json!({"name": "x"}))
        .await
        .expect_error(400);
    app.post("/permalink", json!({"user": {"name": ""}}))
        .await
        .expect_error(400);
    let long = "n".repeat(257);
    app.post("/permalink", json!({"user": {"name": long}}))
        .await
        .expect_error(400);
    app.post(
        "/permalink",
        json!({"user": {"name": "A"}, "expires_at": "soon"}),
    )
    .await
    .expect_error(400);
    app.post(
        "/permalink",
        json!({"user": {"name": "A"}, "expires_at": "2001-01-01T00:00:00Z"}),
    )
    .await
    .expect_error(400);
    app.post(
        "/permalink",
        json!({"user": {"name": "A"}, "options": {"widescreen": "maybe"}}),
    )
    .await
    .expect_error(400);
    app.post(
        "/permalink",
        json!({"user": {"name": "A"}, "options": {"background_color": "red"}}),
    )
    .await
    .expect_error(400);
}

#[tokio::test]
async fn unknown_options_are_ignored_and_never_echoed() {
    let app = TestApp::start().await;
    let body = app
        .create_permalink(json!({"options": {"made_up": "x", "custom_fields": {"locale": "de"}}}))
        .await;
    assert!(body["options"].get("made_up").is_none());
    assert_eq!(body["options"]["custom_fields"]["locale"], "de");
}

#[tokio::test]
async fn expires_at_is_stored_in_utc_with_millis() {
    let app = TestApp::start().await;
    let body = app
        .create_permalink(json!({"expires_at": "2099-05-15T12:00:00+02:00"}))
        .await;
    assert_eq!(body["permalink"]["expires_at"], "2099-05-15T10:00:00.000Z");
}

#[tokio::test]
async fn read_update_and_list() {
    let app = TestApp::start().await;
    let first = app.create_permalink(json!({"name": "First"})).await;
    let second = app.create_permalink(json!({"name": "Second"})).await;
    let id = first["permalink"]["id"].as_str().expect("id");

    let read = app.get(&format!("/permalink/{id}")).await.expect(200).body;
    assert_eq!(read["permalink"], first["permalink"]);

    let updated = app
        .put(
            &format!("/permalink/{id}"),
            json!({"name": "Renamed", "options": {"show_names": false}, "expires_at": "2099-01-01T00:00:00Z"}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(updated["room"]["name"], "Renamed");
    assert_eq!(updated["options"]["show_names"], false);
    assert_eq!(
        updated["permalink"]["expires_at"],
        "2099-01-01T00:00:00.000Z"
    );
    let cleared = app
        .put(&format!("/permalink/{id}"), json!({"expires_at": null}))
        .await
        .expect(200)
        .body;
    assert!(cleared["permalink"]["expires_at"].is_null());
    assert_eq!(
        cleared["options"]["show_names"], false,
        "earlier changes stay"
    );

    let list = app.get("/permalink").await.expect(200).body;
    assert_eq!(list["page"], 1);
    assert_eq!(list["limit"], 25);
    assert_eq!(list["total"], 2);
    assert_eq!(
        list["items"][0]["permalink"]["id"], second["permalink"]["id"],
        "newest first"
    );
    let paged = app.get("/permalink?limit=1&page=2").await.expect(200).body;
    assert_eq!(paged["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        paged["items"][0]["permalink"]["id"],
        first["permalink"]["id"]
    );
    assert_eq!(paged["total"], 2);

    for bad in [
        "limit=0",
        "limit=101",
        "page=0",
        "page=x",
        "expired=perhaps",
    ] {
        app.get(&format!("/permalink?{bad}"))
            .await
            .expect_error(400);
    }
    // Too large a page is said to be too large, not too small.
    let huge = app
        .get("/permalink?page=4294967296")
        .await
        .expect_error(400);
    assert_eq!(huge.body["error"], "page must be between 1 and 4294967295");
}

#[tokio::test]
async fn expired_filter_splits_the_list() {
    let app = TestApp::start().await;
    app.create_permalink(json!({"name": "Forever"})).await;
    let soon = (time::OffsetDateTime::now_utc() + time::Duration::hours(1))
        .format(&time::format_description::well_known::Rfc3339)
        .expect("format");
    app.create_permalink(json!({"name": "Soon", "expires_at": soon}))
        .await;
    app.advance(2 * 3600);

    let expired = app.get("/permalink?expired=true").await.expect(200).body;
    assert_eq!(expired["total"], 1);
    assert_eq!(expired["items"][0]["room"]["name"], "Soon");
    let active = app.get("/permalink?expired=false").await.expect(200).body;
    assert_eq!(active["total"], 1);
    assert_eq!(active["items"][0]["room"]["name"], "Forever");
}

#[tokio::test]
async fn host_starts_guests_wait_then_join() {
    let app = TestApp::start().await;
    let permalink = app.create_permalink(json!({})).await;
    let id = permalink["permalink"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let user_token = permalink["permalink"]["user_token"]
        .as_str()
        .expect("ut")
        .to_owned();
    let guest_token = permalink["permalink"]["guest_token"]
        .as_str()
        .expect("gt")
        .to_owned();

    // Before the start: meeting info says not started, guests get 409.
    let info = app
        .get_anon(&format!("/permalink/{guest_token}"))
        .await
        .expect(200)
        .body;
    assert!(info["room"]["started_at"].is_null());
    assert_eq!(info["room"]["ready"], false);
    assert_eq!(info["permalink"]["id"], id.as_str());
    assert!(
        !info.to_string().contains(&user_token),
        "D5: no host token for guests"
    );
    let early = app
        .post_anon(&format!("/guests/{guest_token}"), json!({"name": "Gus"}))
        .await
        .expect_error(409);
    assert_eq!(early.body["error"], "meeting not started");

    // The host starts: a full room response with a fresh access key.
    let start = app.start_permalink(&user_token).await.expect(201).body;
    let access_key = start["access_key"].as_str().expect("access key").to_owned();
    assert_eq!(start["room"]["id"], id.as_str());
    assert_eq!(start["room"]["guest_token"], guest_token.as_str());
    assert_eq!(start["user"]["name"], "Ann");
    assert_eq!(start["ready"], true);
    let api = app.api_url();
    assert_eq!(start["links"]["self"], format!("{api}/rooms/{access_key}"));
    assert_eq!(start["links"]["gui"], format!("{api}/app/?{access_key}"));
    assert_eq!(
        start["links"]["guest_join"],
        format!("{api}/app/permalink?guest={guest_token}")
    );
    let ws = api.replacen("http://", "ws://", 1);
    assert_eq!(
        start["links"]["websocket"],
        format!("{ws}/rt?access_key={access_key}")
    );

    // A second start joins the same meeting with another access key.
    let again = app.start_permalink(&user_token).await.expect(201).body;
    assert_ne!(again["access_key"], start["access_key"]);
    assert_eq!(again["room"]["started_at"], start["room"]["started_at"]);

    // Meeting info now shows the start; the management view too.
    let info = app
        .get_anon(&format!("/permalink/{user_token}"))
        .await
        .expect(200)
        .body;
    assert_eq!(info["room"]["started_at"], start["room"]["started_at"]);
    assert_eq!(info["room"]["ready"], true);
    let managed = app.get(&format!("/permalink/{id}")).await.expect(200).body;
    assert_eq!(managed["room"]["started_at"], start["room"]["started_at"]);

    // A guest registers.
    let guest = app
        .post_anon(&format!("/guests/{guest_token}"), json!({"name": "Gus"}))
        .await
        .expect(201)
        .body;
    assert_eq!(guest["user"]["guest"], true);
    assert_eq!(guest["user"]["name"], "Gus");
    assert_eq!(guest["room"]["id"], id.as_str());
    assert!(!guest.to_string().contains(&user_token));

    // The host stops the meeting; the guest token stays valid (D14).
    app.delete_anon(&format!("/rooms/{access_key}"))
        .await
        .expect(204);
    app.get_anon(&format!("/rooms/{access_key}"))
        .await
        .expect_error(410);
    let info = app
        .get_anon(&format!("/permalink/{guest_token}"))
        .await
        .expect(200)
        .body;
    assert!(info["room"]["started_at"].is_null());
    app.post_anon(&format!("/guests/{guest_token}"), json!({"name": "Gus"}))
        .await
        .expect_error(409);
}

#[tokio::test]
async fn hosts_can_be_added_and_removed() {
    let app = TestApp::start().await;
    let permalink = app.create_permalink(json!({})).await;
    let id = permalink["permalink"]["id"].as_str().expect("id");
    let first_token = permalink["permalink"]["user_token"].as_str().expect("ut");

    let added = app
        .post(
            &format!("/permalink/{id}/users"),
            json!({"user": {"name": "Bea", "id": "bea"}}),
        )
        .await
        .expect(201)
        .body;
    let second_token = added["permalink"]["user_token"]
        .as_str()
        .expect("new token");
    assert_ne!(second_token, first_token);
    assert_eq!(added["user"]["name"], "Bea");
    assert_eq!(
        added["links"]["gui"],
        format!("{}/app/permalink?{second_token}", app.api_url())
    );
    app.post(&format!("/permalink/{id}/users"), json!({"user": {}}))
        .await
        .expect_error(400);

    // The new host can start; after removal the token is dead at once.
    app.start_permalink(second_token).await.expect(201);
    app.delete(&format!("/permalink/{id}/users/{second_token}"))
        .await
        .expect(200);
    app.start_permalink(second_token).await.expect_error(404);
    app.get_anon(&format!("/permalink/{second_token}"))
        .await
        .expect_error(404);
    app.delete(&format!("/permalink/{id}/users/{second_token}"))
        .await
        .expect_error(404);
    // The first host still works.
    app.start_permalink(first_token).await.expect(201);
}

#[tokio::test]
async fn delete_kills_every_token_and_the_running_meeting() {
    let app = TestApp::start().await;
    let permalink = app.create_permalink(json!({})).await;
    let id = permalink["permalink"]["id"].as_str().expect("id");
    let user_token = permalink["permalink"]["user_token"].as_str().expect("ut");
    let guest_token = permalink["permalink"]["guest_token"].as_str().expect("gt");
    let start = app.start_permalink(user_token).await.expect(201).body;
    let access_key = start["access_key"].as_str().expect("ak");

    let deleted = app.delete(&format!("/permalink/{id}")).await.expect(200);
    assert!(deleted.text.is_empty(), "D18: empty body");

    app.get(&format!("/permalink/{id}")).await.expect_error(404);
    app.get_anon(&format!("/permalink/{user_token}"))
        .await
        .expect_error(404);
    app.get_anon(&format!("/permalink/{guest_token}"))
        .await
        .expect_error(404);
    app.start_permalink(user_token).await.expect_error(404);
    app.post_anon(&format!("/guests/{guest_token}"), json!({"name": "Gus"}))
        .await
        .expect_error(404);
    app.get_anon(&format!("/rooms/{access_key}"))
        .await
        .expect_error(410);
    app.delete(&format!("/permalink/{id}"))
        .await
        .expect_error(404);
    let running: Value = app.get("/rooms").await.expect(200).body;
    assert_eq!(running, json!([]));
}

#[tokio::test]
async fn updates_apply_from_the_next_meeting() {
    let app = TestApp::start().await;
    let permalink = app.create_permalink(json!({"name": "Before"})).await;
    let id = permalink["permalink"]["id"].as_str().expect("id");
    let user_token = permalink["permalink"]["user_token"].as_str().expect("ut");
    let start = app.start_permalink(user_token).await.expect(201).body;
    app.put(&format!("/permalink/{id}"), json!({"name": "After"}))
        .await
        .expect(200);

    let join = app.start_permalink(user_token).await.expect(201).body;
    assert_eq!(
        join["room"]["name"], "Before",
        "the running meeting keeps its name"
    );

    let key = start["access_key"].as_str().expect("ak");
    app.delete_anon(&format!("/rooms/{key}")).await.expect(204);
    let next = app.start_permalink(user_token).await.expect(201).body;
    assert_eq!(next["room"]["name"], "After");
}

#[tokio::test]
async fn a_host_may_choose_the_name_shown_in_this_meeting() {
    let app = TestApp::start().await;
    let permalink = app.create_permalink(json!({})).await;
    let id = permalink["permalink"]["id"].as_str().expect("id");
    let token = permalink["permalink"]["user_token"].as_str().expect("ut");

    let start = app
        .post_anon(
            &format!("/permalink/{token}"),
            json!({"user": {"name": "Ann Example"}}),
        )
        .await
        .expect(201)
        .body;
    assert_eq!(start["user"]["name"], "Ann Example");
    let stored = app.get(&format!("/permalink/{id}")).await.expect(200).body;
    assert_eq!(
        stored["user"]["name"], "Ann",
        "the host record keeps its name"
    );

    let long = "n".repeat(300);
    app.post_anon(
        &format!("/permalink/{token}"),
        json!({"user": {"name": long}}),
    )
    .await
    .expect_error(400);
}

#[tokio::test]
async fn meeting_info_by_a_user_token_names_its_host() {
    let app = TestApp::start().await;
    let permalink = app.create_permalink(json!({"user": {"id": "ann"}})).await;
    let id = permalink["permalink"]["id"].as_str().expect("id");
    let ann = permalink["permalink"]["user_token"].as_str().expect("ut");
    let guest = permalink["permalink"]["guest_token"].as_str().expect("gt");
    let added = app
        .post(
            &format!("/permalink/{id}/users"),
            json!({"user": {"name": "Bea", "id": "bea", "avatar": "https://example.com/b.png"}}),
        )
        .await
        .expect(201);
    let bea = added.str("/permalink/user_token");

    let by_ann = meeting_info(&app, ann).await;
    assert_keys(&by_ann, &["permalink", "room", "options", "user"]);
    assert_eq!(by_ann["user"], json!({"id": "ann", "name": "Ann"}));
    let by_bea = meeting_info(&app, &bea).await;
    assert_eq!(by_bea["user"], json!({"id": "bea", "name": "Bea"}));
    // The guest token's answer has no user at all, not even a null one.
    let by_guest = meeting_info(&app, guest).await;
    assert_keys(&by_guest, &["permalink", "room", "options"]);

    // A name shown in one meeting leaves the host record as it was.
    app.post_anon(
        &format!("/permalink/{ann}"),
        json!({"user": {"name": "Ann Example"}}),
    )
    .await
    .expect(201);
    let running = meeting_info(&app, ann).await;
    assert!(running["room"]["started_at"].is_string());
    assert_eq!(running["user"], json!({"id": "ann", "name": "Ann"}));
}

/// `GET /permalink/<token>` without a key, which must answer 200.
async fn meeting_info(app: &TestApp, token: &str) -> Value {
    app.get_anon(&format!("/permalink/{token}"))
        .await
        .expect(200)
        .body
}

#[tokio::test]
async fn a_plain_room_cannot_take_a_permalinks_id() {
    let app = TestApp::start().await;
    let permalink = app
        .create_permalink(json!({"options": {"widescreen": true}}))
        .await;
    let id = permalink["permalink"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let user_token = permalink["permalink"]["user_token"]
        .as_str()
        .expect("user token")
        .to_owned();

    // Before the permalink's meeting runs, and while it does.
    let plain = json!({"id": id, "name": "Plain", "user": {"name": "Mallory"}});
    let refused = app.post("/rooms", plain.clone()).await.expect_error(409);
    let message = refused.body["error"].as_str().expect("message");
    assert!(message.contains("permalink"), "{message}");
    let start = app.start_permalink(&user_token).await.expect(201).body;
    app.post("/rooms", plain.clone()).await.expect_error(409);

    // The permalink's meeting kept its own name and options.
    assert_eq!(start["room"]["name"], "Standup");
    assert_eq!(start["options"]["widescreen"], true);

    // Another team's rooms are its own: the same id is free there.
    let other = app.other_team_key("other").await;
    let body = Some((common::Encoding::NestedJson, &plain));
    app.send(Method::POST, "/rooms", Some(&other), body)
        .await
        .expect(201);
}
