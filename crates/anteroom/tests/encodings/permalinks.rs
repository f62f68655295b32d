//! The tables for the permalink endpoints: `POST /permalink`,
//! `PUT /permalink/{id}` and `POST /permalink/{id}/users`.

use reqwest::Method;
use serde_json::json;

use crate::table::{Target, case, case_with, long_name, plain, run_table};

#[tokio::test]
async fn post_permalink() {
    let cases = [
        case_with(
            "minimal",
            201,
            json!({"user": {"name": "Ann"}}),
            json!({"user": {"name": "Ann", "avatar": null}, "permalink": {"expires_at": null}, "room": {"started_at": null}}),
        ),
        case_with(
            "everything",
            201,
            json!({
                "name": "Weekly",
                "id": "ignored",
                "user": {"name": "Ann", "id": "ann", "avatar": "https://example.com/a.png"},
                "expires_at": "2099-05-15T12:00:00+02:00",
                "options": {
                    "widescreen": "true",
                    "show_names": 0,
                    "guest_token_available": false,
                    "background_color": "#ABCDEF",
                    "custom_fields": {"locale": "de", "hide_chat": "1", "logo": "https://example.com/l.png"},
                },
            }),
            json!({
                "room": {"name": "Weekly"},
                "user": {"id": "ann", "name": "Ann", "avatar": "https://example.com/a.png"},
                "permalink": {"expires_at": "2099-05-15T10:00:00.000Z"},
                "options": {
                    "widescreen": true,
                    "show_names": false,
                    "guest_token_available": false,
                    "background_color": "#abcdef",
                    "custom_fields": {"locale": "de", "hide_chat": true, "logo": "https://example.com/l.png"},
                },
            }),
        ),
        case_with(
            "booleans as JSON booleans",
            201,
            json!({"user": {"name": "Ann"}, "options": {"widescreen": true, "kick_available": false}}),
            json!({"options": {"widescreen": true, "kick_available": false}}),
        ),
        case_with(
            "booleans as 1 and 0",
            201,
            json!({"user": {"name": "Ann"}, "options": {"widescreen": "1", "kick_available": "0"}}),
            json!({"options": {"widescreen": true, "kick_available": false}}),
        ),
        case_with(
            "no expiry",
            201,
            json!({"user": {"name": "Ann"}, "expires_at": null}),
            json!({"permalink": {"expires_at": null}}),
        ),
        case_with(
            "empty expiry",
            201,
            json!({"user": {"name": "Ann"}, "expires_at": ""}),
            json!({"permalink": {"expires_at": null}}),
        ),
        case("no user", 400, json!({"name": "Weekly"})),
        case("empty user name", 400, json!({"user": {"name": ""}})),
        case("null user name", 400, json!({"user": {"name": null}})),
        case(
            "long user name",
            400,
            json!({"user": {"name": long_name()}}),
        ),
        case(
            "expiry is no time",
            400,
            json!({"user": {"name": "Ann"}, "expires_at": "next week"}),
        ),
        case(
            "expiry without a zone",
            400,
            json!({"user": {"name": "Ann"}, "expires_at": "2099-01-01T00:00:00"}),
        ),
        case(
            "expiry in the past",
            400,
            json!({"user": {"name": "Ann"}, "expires_at": "2001-01-01T00:00:00Z"}),
        ),
        case(
            "bad colour",
            400,
            json!({"user": {"name": "Ann"}, "options": {"background_color": "blue"}}),
        ),
        case(
            "boolean is no boolean",
            400,
            json!({"user": {"name": "Ann"}, "options": {"widescreen": "yes please"}}),
        ),
    ];
    run_table(&cases, |app| plain(app, "/permalink", true)).await;
}

#[tokio::test]
async fn put_permalink() {
    // The cases run in order on one permalink, so each answer shows what the
    // earlier ones left behind.
    let cases = [
        case_with(
            "rename",
            200,
            json!({"name": "Renamed"}),
            json!({"room": {"name": "Renamed"}}),
        ),
        case_with(
            "options as strings",
            200,
            json!({"options": {"widescreen": "true", "show_names": "false", "custom_fields": {"locale": "fr", "hide_chat": "1"}}}),
            json!({"options": {"widescreen": true, "show_names": false, "custom_fields": {"locale": "fr", "hide_chat": true}}}),
        ),
        case_with(
            "options as booleans",
            200,
            json!({"options": {"widescreen": false, "custom_fields": {"hide_chat": false}}}),
            json!({"options": {"widescreen": false, "show_names": false, "custom_fields": {"locale": "fr", "hide_chat": false}}}),
        ),
        case_with(
            "set an expiry",
            200,
            json!({"expires_at": "2099-01-01T01:00:00+01:00"}),
            json!({"permalink": {"expires_at": "2099-01-01T00:00:00.000Z"}, "room": {"name": "Renamed"}}),
        ),
        case_with(
            "clear it with null",
            200,
            json!({"expires_at": null}),
            json!({"permalink": {"expires_at": null}}),
        ),
        case_with(
            "set and clear it with an empty value",
            200,
            json!({"expires_at": "2099-01-01T00:00:00Z", "name": "Again"}),
            json!({"permalink": {"expires_at": "2099-01-01T00:00:00.000Z"}, "room": {"name": "Again"}}),
        ),
        case_with(
            "clear it with an empty value",
            200,
            json!({"expires_at": "", "id": ""}),
            json!({"permalink": {"expires_at": null}, "room": {"name": "Again"}}),
        ),
        case_with(
            "nothing at all",
            200,
            json!({}),
            json!({"room": {"name": "Again"}}),
        ),
        case("long name", 400, json!({"name": long_name()})),
        case("expiry is no time", 400, json!({"expires_at": "tomorrow"})),
        case(
            "expiry in the past",
            400,
            json!({"expires_at": "2001-01-01T00:00:00Z"}),
        ),
        case(
            "bad colour",
            400,
            json!({"options": {"background_color": "#GGGGGG"}}),
        ),
        case(
            "boolean is no boolean",
            400,
            json!({"options": {"show_label": "perhaps"}}),
        ),
        case_with(
            "nothing changed by the refusals",
            200,
            json!({}),
            json!({"room": {"name": "Again"}, "permalink": {"expires_at": null}, "options": {"show_label": true, "background_color": "#121212"}}),
        ),
    ];
    run_table(&cases, |app| async move {
        let permalink = app.create_permalink(json!({})).await;
        let id = permalink["permalink"]["id"]
            .as_str()
            .expect("id")
            .to_owned();
        let target = Target {
            method: Method::PUT,
            path: format!("/permalink/{id}"),
            key: Some(app.key.clone()),
        };
        (app, target, None)
    })
    .await;
}

#[tokio::test]
async fn post_permalink_users() {
    let cases = [
        case_with(
            "minimal",
            201,
            json!({"user": {"name": "Bea"}}),
            json!({"user": {"name": "Bea", "avatar": null, "guest": false}}),
        ),
        case_with(
            "everything",
            201,
            json!({"user": {"name": "Bea", "id": "bea", "avatar": "https://example.com/b.png"}}),
            json!({"user": {"id": "bea", "name": "Bea", "avatar": "https://example.com/b.png"}}),
        ),
        case_with(
            "text that needs escaping",
            201,
            json!({"user": {"name": "B&B = 100% [ok] ü"}}),
            json!({"user": {"name": "B&B = 100% [ok] ü"}}),
        ),
        case("no user", 400, json!({})),
        case("no user name", 400, json!({"user": {"id": "bea"}})),
        case("empty user name", 400, json!({"user": {"name": ""}})),
        case("null user name", 400, json!({"user": {"name": null}})),
        case(
            "avatar is no URL",
            400,
            json!({"user": {"name": "Bea", "avatar": "javascript:x"}}),
        ),
        case(
            "slash in the id",
            400,
            json!({"user": {"name": "Bea", "id": "b/a"}}),
        ),
    ];
    run_table(&cases, |app| async move {
        let permalink = app.create_permalink(json!({})).await;
        let id = permalink["permalink"]["id"]
            .as_str()
            .expect("id")
            .to_owned();
        let target = Target {
            method: Method::POST,
            path: format!("/permalink/{id}/users"),
            key: Some(app.key.clone()),
        };
        (app, target, None)
    })
    .await;
}
