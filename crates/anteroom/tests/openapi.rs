//! The served OpenAPI document matches the committed snapshot in
//! `docs/openapi.json`. After a deliberate API change, refresh it with
//! `UPDATE_SNAPSHOTS=1 cargo test -p anteroom --test openapi`.

mod common;

use std::path::PathBuf;

use common::TestApp;

fn snapshot_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/openapi.json")
}

#[tokio::test]
async fn served_document_matches_the_snapshot() {
    let app = TestApp::start().await;
    let served = app.get_anon("/openapi.json").await.expect(200).body;
    let pretty = serde_json::to_string_pretty(&served).expect("json") + "\n";

    let path = snapshot_path();
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &pretty).expect("snapshot written");
    }
    let committed = std::fs::read_to_string(&path).expect("docs/openapi.json exists");
    assert!(
        committed == pretty,
        "docs/openapi.json is out of date; run UPDATE_SNAPSHOTS=1 cargo test -p anteroom --test openapi"
    );
}

#[tokio::test]
async fn every_endpoint_is_documented() {
    let app = TestApp::start().await;
    let served = app.get_anon("/openapi.json").await.expect(200).body;
    let paths = served["paths"].as_object().expect("paths");
    let mut documented: Vec<String> = Vec::new();
    for (path, item) in paths {
        for method in ["get", "post", "put", "delete"] {
            if item.get(method).is_some() {
                documented.push(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    documented.sort();
    let mut expected = vec![
        "POST /rooms",
        "GET /rooms",
        "GET /rooms/{access_key}",
        "DELETE /rooms/{access_key}",
        "POST /rooms/{access_key}/lock",
        "GET /rooms/{access_key}/users/{user_id}",
        "DELETE /rooms/{access_key}/users/{user_id}",
        "GET /rooms/{room_id}/users",
        "POST /rooms/{access_key}/messages",
        "POST /guests/{guest_token}",
        "POST /permalink",
        "GET /permalink",
        "GET /permalink/{id_or_token}",
        "PUT /permalink/{id_or_token}",
        "DELETE /permalink/{id_or_token}",
        "POST /permalink/{permalink_id}/users",
        "DELETE /permalink/{permalink_id}/users/{user_token}",
        "POST /permalink/{id_or_token}",
        "GET /permalink/{token}/events",
        "GET /realtime",
        "POST /webhooks",
        "GET /webhooks",
        "DELETE /webhooks/{webhook_id}",
    ];
    expected.sort_unstable();
    assert_eq!(documented, expected);

    // Every operation documents its error body.
    for (path, item) in paths {
        for (method, operation) in item.as_object().expect("item") {
            let responses = operation["responses"].as_object().expect("responses");
            assert!(
                responses.keys().any(|code| code.starts_with('4')),
                "{method} {path} documents no client error"
            );
        }
    }
}
