//! The tables for the room endpoints: `POST /rooms`, `POST /guests/{token}`
//! and `POST /rooms/{access_key}/messages`, whose answers include the
//! events a message sends.

use reqwest::Method;
use serde_json::{Value, json};

use crate::table::{Target, case, case_with, long_name, plain, run_table};

#[tokio::test]
async fn post_rooms() {
    let cases = [
        case_with(
            "minimal",
            201,
            json!({"id": "minimal", "user": {"name": "Ann"}}),
            json!({"room": {"id": "minimal", "name": "minimal"}, "user": {"name": "Ann", "guest": false}}),
        ),
        case_with(
            "everything",
            201,
            json!({
                "id": "everything",
                "name": "All of it",
                "user": {"name": "Ann", "id": "ann", "avatar": "https://example.com/a.png"},
                "options": {
                    "show_names": false,
                    "exit_url": "https://example.com/bye?x=1&y=2",
                    "sfu_mode": "disabled",
                    "background_color": "#00FF00",
                    "audio_insert": "disabled",
                    "audio_insert_position": {"x": 10, "y": "20.5"},
                    "custom_fields": {
                        "locale": "FR",
                        "logo": "https://example.com/logo.png",
                        "hide_chat": true,
                        "virtual_background": "1",
                        "virtual_background_allow_guest": "false",
                        "virtual_background_image": "https://example.com/bg.jpg",
                        "iframe_postmessage_origin": "https://example.com",
                    },
                },
            }),
            json!({
                "room": {"name": "All of it"},
                "user": {"id": "ann", "avatar": "https://example.com/a.png"},
                "options": {
                    "show_names": false,
                    "exit_url": "https://example.com/bye?x=1&y=2",
                    "sfu_mode": "disabled",
                    "background_color": "#00ff00",
                    "audio_insert": "disabled",
                    "audio_insert_position": {"x": 10.0, "y": 20.5},
                    "custom_fields": {
                        "locale": "fr",
                        "hide_chat": true,
                        "virtual_background": true,
                        "virtual_background_allow_guest": false,
                    },
                },
            }),
        ),
        case_with(
            "booleans as JSON booleans",
            201,
            json!({"id": "b1", "user": {"name": "Ann"}, "options": {"widescreen": true, "show_label": false, "lock_available": true}}),
            json!({"options": {"widescreen": true, "show_label": false, "lock_available": true}}),
        ),
        case_with(
            "booleans as strings",
            201,
            json!({"id": "b2", "user": {"name": "Ann"}, "options": {"widescreen": "true", "show_label": "false", "lock_available": "TRUE"}}),
            json!({"options": {"widescreen": true, "show_label": false, "lock_available": true}}),
        ),
        case_with(
            "booleans as 1 and 0",
            201,
            json!({"id": "b3", "user": {"name": "Ann"}, "options": {"widescreen": "1", "show_label": "0", "kick_available": 0, "lock_available": 1}}),
            json!({"options": {"widescreen": true, "show_label": false, "kick_available": false, "lock_available": true}}),
        ),
        case_with(
            "custom field booleans in every spelling",
            201,
            json!({"id": "b4", "user": {"name": "Ann"}, "options": {"custom_fields": {"hide_chat": "true", "virtual_background": 1, "virtual_background_allow_guest": "0"}}}),
            json!({"options": {"custom_fields": {"hide_chat": true, "virtual_background": true, "virtual_background_allow_guest": false}}}),
        ),
        case_with(
            "text that needs escaping",
            201,
            json!({"id": "escaped", "name": "R&D = [team] + 100%", "user": {"name": "Zoë \"Z\" O'Brien 🎉"}}),
            json!({"room": {"name": "R&D = [team] + 100%"}, "user": {"name": "Zoë \"Z\" O'Brien 🎉"}}),
        ),
        case_with(
            "unknown options are ignored",
            201,
            json!({"id": "unknown", "user": {"name": "Ann"}, "options": {"made_up": "x", "layout": "custom", "custom_fields": {"extra": "kept"}}}),
            json!({"options": {"layout": "auto", "custom_fields": {"extra": "kept"}}}),
        ),
        case_with(
            "joining the running meeting",
            201,
            json!({"id": "everything", "user": {"name": "Bob", "id": "bob"}, "options": {"show_names": true}}),
            json!({"room": {"id": "everything", "name": "All of it"}, "user": {"id": "bob"}, "options": {"show_names": false}}),
        ),
        case_with(
            "empty optional fields",
            201,
            json!({"id": "empties", "name": "", "user": {"name": "Ann", "id": "", "avatar": ""}, "options": {"widescreen": "", "exit_url": ""}}),
            json!({"room": {"name": "empties"}, "user": {"avatar": null}, "options": {"widescreen": false, "exit_url": null}}),
        ),
        case("no body fields", 400, json!({})),
        case("no user name", 400, json!({"user": {"id": "x"}})),
        case("user is not an object", 400, json!({"user": "Ann"})),
        case("empty user name", 400, json!({"user": {"name": ""}})),
        case("null user name", 400, json!({"user": {"name": null}})),
        case("blank user name", 400, json!({"user": {"name": "   "}})),
        case(
            "long user name",
            400,
            json!({"user": {"name": long_name()}}),
        ),
        case(
            "user name is a list",
            400,
            json!({"user": {"name": ["A", "B"]}}),
        ),
        case(
            "slash in the room id",
            400,
            json!({"id": "a/b", "user": {"name": "Ann"}}),
        ),
        case(
            "slash in the user id",
            400,
            json!({"user": {"name": "Ann", "id": "a/b"}}),
        ),
        case(
            "avatar is no URL",
            400,
            json!({"user": {"name": "Ann", "avatar": "me.png"}}),
        ),
        case(
            "boolean is no boolean",
            400,
            json!({"user": {"name": "Ann"}, "options": {"widescreen": "maybe"}}),
        ),
        case(
            "boolean is 2",
            400,
            json!({"user": {"name": "Ann"}, "options": {"widescreen": 2}}),
        ),
        case(
            "custom boolean is no boolean",
            400,
            json!({"user": {"name": "Ann"}, "options": {"custom_fields": {"hide_chat": "sometimes"}}}),
        ),
        case(
            "unknown sfu mode",
            400,
            json!({"user": {"name": "Ann"}, "options": {"sfu_mode": "mesh"}}),
        ),
        case(
            "unknown audio insert",
            400,
            json!({"user": {"name": "Ann"}, "options": {"audio_insert": "loud"}}),
        ),
        case(
            "bad colour",
            400,
            json!({"user": {"name": "Ann"}, "options": {"background_color": "#12345"}}),
        ),
        case(
            "bad exit url",
            400,
            json!({"user": {"name": "Ann"}, "options": {"exit_url": "ftp://example.com"}}),
        ),
        case(
            "position is no number",
            400,
            json!({"user": {"name": "Ann"}, "options": {"audio_insert_position": {"y": "top"}}}),
        ),
    ];
    run_table(&cases, |app| plain(app, "/rooms", true)).await;
}

#[tokio::test]
async fn post_guests() {
    let cases = [
        case_with(
            "minimal",
            201,
            json!({"name": "Gus"}),
            json!({"user": {"name": "Gus", "guest": true, "avatar": null}, "room": {"id": "guests"}}),
        ),
        case_with(
            "everything the browser library sends",
            201,
            json!({"name": "Gus", "id": "gus", "avatar": "https://example.com/g.png", "email": "gus@example.com", "custom_fields": {"locale": "de"}}),
            json!({"user": {"id": "gus", "name": "Gus", "guest": true, "avatar": "https://example.com/g.png"}}),
        ),
        case_with(
            "text that needs escaping",
            201,
            json!({"name": "Zoë & Co = 100% [sic]"}),
            json!({"user": {"name": "Zoë & Co = 100% [sic]"}}),
        ),
        case("no name", 400, json!({"id": "gus"})),
        case("empty name", 400, json!({"name": ""})),
        case("null name", 400, json!({"name": null})),
        case("long name", 400, json!({"name": long_name()})),
        case("name is an object", 400, json!({"name": {"first": "Gus"}})),
        case(
            "avatar is no URL",
            400,
            json!({"name": "Gus", "avatar": "g.png"}),
        ),
        case("slash in the id", 400, json!({"name": "Gus", "id": "g/s"})),
    ];
    run_table(&cases, |app| async move {
        let room = app.create_room("guests", "Ann").await;
        let token = room["room"]["guest_token"].as_str().expect("gt").to_owned();
        let target = Target {
            method: Method::POST,
            path: format!("/guests/{token}"),
            key: None,
        };
        (app, target, None)
    })
    .await;
}

/// What a message request should give: no body, and one event.
fn sent(kind: &str, content: &str) -> Value {
    json!({"reply": null, "events": [{"type": kind, "content": content}]})
}

#[tokio::test]
async fn post_messages() {
    let cases = [
        case_with(
            "chat",
            201,
            json!({"type": "chat", "content": "Hello"}),
            sent("chat", "Hello"),
        ),
        case_with(
            "custom",
            201,
            json!({"type": "custom", "content": "{\"poll\": [1, 2]}"}),
            sent("custom", "{\"poll\": [1, 2]}"),
        ),
        case_with(
            "text that needs escaping",
            201,
            json!({"type": "chat", "content": "a & b = c; 100% [x] Zoë 🎉\nnext line"}),
            sent("chat", "a & b = c; 100% [x] Zoë 🎉\nnext line"),
        ),
        case_with(
            "a number as content",
            201,
            json!({"type": "chat", "content": 42}),
            sent("chat", "42"),
        ),
        case_with(
            "nothing is sent on a refusal",
            400,
            json!({"type": "chat", "content": ""}),
            json!({"events": []}),
        ),
        case("no type", 400, json!({"content": "Hello"})),
        case("no content", 400, json!({"type": "chat"})),
        case(
            "null content",
            400,
            json!({"type": "chat", "content": null}),
        ),
        case("empty content", 400, json!({"type": "chat", "content": ""})),
        case("null type", 400, json!({"type": null, "content": "Hello"})),
        case("empty type", 400, json!({"type": "", "content": "Hello"})),
        case(
            "unknown type",
            400,
            json!({"type": "yell", "content": "Hello"}),
        ),
        case(
            "content is an object",
            400,
            json!({"type": "chat", "content": {"a": "b"}}),
        ),
        case(
            "type is a list",
            400,
            json!({"type": ["chat"], "content": "Hello"}),
        ),
    ];
    run_table(&cases, |app| async move {
        let room = app.create_room("messages", "Ann").await;
        let events = app.subscribe(&room).await;
        let key = room["access_key"].as_str().expect("ak").to_owned();
        let target = Target {
            method: Method::POST,
            path: format!("/rooms/{key}/messages"),
            key: None,
        };
        (app, target, Some(events))
    })
    .await;
}
