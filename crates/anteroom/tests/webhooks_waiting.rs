//! The `waiting_update` webhook, our extension: guests with a permalink's
//! waiting page open are counted, queued with the room's other events, and
//! only guests count, not hosts.

mod common;
mod events;

use serde_json::json;

use events::{Receiver, signed_with};

#[tokio::test]
async fn guests_waiting_on_a_permalink_queue_with_its_room() {
    let app = events::start_app().await;
    let receiver = Receiver::start().await;
    let types = "waiting_update,room_update";
    app.post("/webhooks", json!({"url": receiver.url(), "types": types}))
        .await
        .expect(201);
    let created = app.create_permalink(json!({"name": "Clinic"})).await;
    let id = created["permalink"]["id"].as_str().expect("id").to_owned();
    let token = created["permalink"]["user_token"]
        .as_str()
        .expect("token")
        .to_owned();
    let state = &app.server().state;
    let team = state.store.list_api_keys().await.expect("keys")[0]
        .1
        .clone();
    let permalink = state
        .store
        .find_permalink(&team.id, &anteroom_domain::PermalinkId::new(id.as_str()))
        .await
        .expect("store")
        .expect("the permalink");

    // Two guests open the waiting page, one leaves, the host starts, the
    // other is let in (its page closes).
    let meetings = state.meetings.clone();
    let first = anteroom_api::meetings::WaitingGuest::new(meetings.clone(), permalink.clone());
    app.advance(5);
    let second = anteroom_api::meetings::WaitingGuest::new(meetings.clone(), permalink.clone());
    assert_eq!(meetings.waiting(&permalink.id).map(|w| w.0), Some(2));
    drop(first);
    app.post_anon(&format!("/permalink/{token}"), json!({}))
        .await
        .expect(201);
    drop(second);
    assert_eq!(meetings.waiting(&permalink.id), None);

    let got = receiver
        .wait_until(events::PATIENCE, |got| got.len() == 5)
        .await;
    let said: Vec<String> = got
        .iter()
        .map(|delivery| {
            assert!(signed_with(&app.key, delivery));
            let event = delivery.json();
            match event["type"].as_str() {
                Some("waiting_update") => {
                    let waiting = &event["waiting"];
                    assert_eq!(waiting["room_id"], id.as_str());
                    assert_eq!(waiting["name"], "Clinic");
                    format!(
                        "waiting {} since={}",
                        waiting["count"],
                        !waiting["since"].is_null()
                    )
                }
                _ => format!("room shutdown={}", event["room"]["shutdown"]),
            }
        })
        .collect();
    assert_eq!(
        said,
        [
            "waiting 1 since=true",
            "waiting 2 since=true",
            "waiting 1 since=true",
            "room shutdown=false",
            "waiting 0 since=false",
        ]
    );
    let first_since = got[0].json()["waiting"]["since"].clone();
    assert_eq!(
        got[1].json()["waiting"]["since"],
        first_since,
        "since the first guest came"
    );
}

#[tokio::test]
async fn the_waiting_page_stream_counts_guests_not_hosts() {
    let app = events::start_app().await;
    let receiver = Receiver::start().await;
    let hook = json!({"url": receiver.url(), "types": "waiting_update"});
    app.post("/webhooks", hook).await.expect(201);
    let created = app.create_permalink(json!({"name": "Desk"})).await;
    let guest = created["permalink"]["guest_token"]
        .as_str()
        .expect("guest token");
    let host = created["permalink"]["user_token"]
        .as_str()
        .expect("user token");

    // A stream is open once its first event came.
    let open = |token: &str| {
        let url = format!("{}/permalink/{token}/events", app.base);
        let client = app.client.clone();
        async move {
            let mut response = client.get(url).send().await.expect("stream");
            assert_eq!(response.status(), 200);
            response.chunk().await.expect("first event");
            response
        }
    };
    let first = open(guest).await;
    let host_page = open(host).await;
    let second = open(guest).await;
    let counts = |got: &[events::Received]| -> Vec<i64> {
        got.iter()
            .map(|d| d.json()["waiting"]["count"].as_i64().expect("count"))
            .collect()
    };
    receiver
        .wait_until(events::PATIENCE, |got| counts(got) == [1, 2])
        .await;
    drop(first);
    drop(second);
    drop(host_page);
    let got = receiver
        .wait_until(events::PATIENCE, |got| counts(got) == [1, 2, 1, 0])
        .await;
    assert!(got.iter().all(|d| signed_with(&app.key, d)));
}
