//! D6: the same logical request gives the same result in every encoding.
//!
//! Each body-taking endpoint gets a table of requests, valid and invalid.
//! The whole table runs once per encoding, each time against a fresh server
//! that sees the same sequence of requests, so that the answers can be
//! compared case by case: the same status and, once generated ids, tokens,
//! timestamps and the server's port are masked, the same body.

mod common;

use anteroom_api::events::RoomEvent;
use common::{Encoding, TestApp, is_millis_timestamp};
use reqwest::Method;
use serde_json::{Map, Value, json};
use tokio::sync::broadcast;

/// One request of a table.
struct Case {
    name: &'static str,
    body: Value,
    status: u16,
    /// Fields the answer must have, checked in every encoding.
    expect: Value,
}

fn case(name: &'static str, status: u16, body: Value) -> Case {
    Case {
        name,
        body,
        status,
        expect: Value::Null,
    }
}

fn case_with(name: &'static str, status: u16, body: Value, expect: Value) -> Case {
    Case {
        name,
        body,
        status,
        expect,
    }
}

/// What one case gave in one encoding, masked.
#[derive(Debug, PartialEq)]
struct Outcome {
    status: u16,
    body: Value,
}

/// Where a table's requests go, once its setup has run.
struct Target {
    method: Method,
    path: String,
    key: Option<String>,
}

/// Runs a table in every encoding and compares the answers case by case.
/// `setup` prepares a fresh server and says where the requests go; `after`
/// may add what else a request caused (such as an event) to its outcome.
async fn run_table<S, SF>(cases: &[Case], setup: S)
where
    S: Fn(TestApp) -> SF,
    SF: Future<Output = (TestApp, Target, Option<broadcast::Receiver<RoomEvent>>)>,
{
    let mut all: Vec<(Encoding, Vec<Outcome>)> = Vec::new();
    for encoding in Encoding::ALL {
        let (app, target, mut events) = setup(TestApp::start().await).await;
        let mut outcomes = Vec::new();
        for case in cases {
            let reply = app
                .send(
                    target.method.clone(),
                    &target.path,
                    target.key.as_deref(),
                    Some((encoding, &case.body)),
                )
                .await;
            assert_eq!(
                reply.status.as_u16(),
                case.status,
                "{encoding:?}, case {:?}: {}",
                case.name,
                reply.text
            );
            if reply.status.is_client_error() {
                assert!(
                    reply.body["error"].is_string(),
                    "{encoding:?}, case {:?}: an error body expected, got {}",
                    case.name,
                    reply.text
                );
            }
            let body = match events.as_mut() {
                Some(events) => json!({"reply": reply.body, "events": drain(events)}),
                None => reply.body,
            };
            if !case.expect.is_null() {
                assert_contains(&body, &case.expect, encoding, case.name);
            }
            outcomes.push(Outcome {
                status: reply.status.as_u16(),
                body: mask(&body, &app),
            });
        }
        all.push((encoding, outcomes));
    }

    let (first, reference) = &all[0];
    for (encoding, outcomes) in &all[1..] {
        for ((case, want), got) in cases.iter().zip(reference).zip(outcomes) {
            assert_eq!(
                got, want,
                "case {:?}: {encoding:?} answers differently from {first:?}",
                case.name
            );
        }
    }
}

/// Every event a request caused, as the realtime side would get them.
fn drain(events: &mut broadcast::Receiver<RoomEvent>) -> Value {
    let mut seen = Vec::new();
    while let Ok(event) = events.try_recv() {
        seen.push(serde_json::to_value(&event).expect("events serialise"));
    }
    Value::Array(seen)
}

/// Asserts that every field of `want` is in `have` with the same value.
#[track_caller]
fn assert_contains(have: &Value, want: &Value, encoding: Encoding, case: &str) {
    fn walk(have: &Value, want: &Value, at: &str) -> Result<(), String> {
        match want {
            Value::Object(fields) => {
                for (key, value) in fields {
                    let path = format!("{at}/{key}");
                    let Some(inner) = have.get(key) else {
                        return Err(format!("{path} is missing"));
                    };
                    walk(inner, value, &path)?;
                }
                Ok(())
            }
            Value::Array(items) => {
                let Some(have_items) = have.as_array().filter(|h| h.len() == items.len()) else {
                    return Err(format!("{at} is {have}, not {want}"));
                };
                for (i, (inner, item)) in have_items.iter().zip(items).enumerate() {
                    walk(inner, item, &format!("{at}/{i}"))?;
                }
                Ok(())
            }
            _ if have == want => Ok(()),
            _ => Err(format!("{at} is {have}, not {want}")),
        }
    }
    if let Err(why) = walk(have, want, "") {
        panic!("{encoding:?}, case {case:?}: {why} in {have}");
    }
}

/// Masks what differs between runs: the server's port, timestamps, and
/// generated ids and tokens (24 alphanumerics, D4).
fn mask(value: &Value, app: &TestApp) -> Value {
    let host = app.api_url().replacen("http://", "", 1);
    match value {
        Value::String(text) if is_millis_timestamp(text) => json!("<time>"),
        Value::String(text) => Value::String(mask_tokens(&text.replace(&host, "<host>"))),
        Value::Array(items) => Value::Array(items.iter().map(|v| mask(v, app)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), mask(v, app)))
                .collect::<Map<_, _>>(),
        ),
        other => other.clone(),
    }
}

fn mask_tokens(text: &str) -> String {
    let mut out = String::new();
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.len() == 24 {
            out.push_str("<token>");
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// A setup that sends the table to an endpoint without anything before.
async fn plain(
    app: TestApp,
    path: &str,
    keyed: bool,
) -> (TestApp, Target, Option<broadcast::Receiver<RoomEvent>>) {
    let key = keyed.then(|| app.key.clone());
    let target = Target {
        method: Method::POST,
        path: path.to_owned(),
        key,
    };
    (app, target, None)
}

fn long_name() -> String {
    "n".repeat(257)
}

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

/// A raw request with a content type and bytes of our choosing.
async fn raw(
    app: &TestApp,
    path: &str,
    key: Option<&str>,
    content_type: &str,
    body: &[u8],
) -> (u16, Value) {
    let mut request = app
        .client
        .post(format!("{}{path}", app.base))
        .header("Content-Type", content_type)
        .body(body.to_vec());
    if let Some(key) = key {
        request = request.header("Authorization", key);
    }
    let response = request.send().await.expect("sent");
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

const BROWSER_MULTIPART: &str =
    "multipart/form-data; boundary=----WebKitFormBoundaryq2Lm3cBmJ5pIuIZb";

#[tokio::test]
async fn the_browser_librarys_empty_multipart_body_starts_a_permalink() {
    let app = TestApp::start().await;
    let permalink = app.create_permalink(json!({})).await;
    let token = permalink["permalink"]["user_token"].as_str().expect("ut");

    let (status, body) = raw(
        &app,
        &format!("/permalink/{token}"),
        None,
        BROWSER_MULTIPART,
        b"",
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["room"]["id"], permalink["permalink"]["id"]);
    assert_eq!(body["user"]["name"], "Ann");
    // Again, joining the meeting it started.
    let (status, again) = raw(
        &app,
        &format!("/permalink/{token}"),
        None,
        BROWSER_MULTIPART,
        b"",
    )
    .await;
    assert_eq!(status, 201, "{again}");
    assert_eq!(again["room"]["started_at"], body["room"]["started_at"]);
}

#[tokio::test]
async fn empty_bodies_are_missing_fields_in_every_encoding() {
    let app = TestApp::start().await;
    let room = app.create_room("empty", "Ann").await;
    let guest_path = format!(
        "/guests/{}",
        room["room"]["guest_token"].as_str().expect("gt")
    );
    let message_path = format!(
        "/rooms/{}/messages",
        room["access_key"].as_str().expect("ak")
    );
    let key = Some(app.key.as_str());

    for content_type in [
        BROWSER_MULTIPART,
        "application/json",
        "application/x-www-form-urlencoded",
    ] {
        for (path, key, error) in [
            ("/rooms", key, "user[name] is required"),
            ("/permalink", key, "user[name] is required"),
            (guest_path.as_str(), None, "name is required"),
            (message_path.as_str(), None, "type is required"),
        ] {
            let (status, body) = raw(&app, path, key, content_type, b"").await;
            assert_eq!(status, 400, "{content_type} to {path}: {body}");
            assert_eq!(body["error"], error, "{content_type} to {path}");
        }
    }
}

#[tokio::test]
async fn custom_field_scalars_read_the_same_in_every_encoding() {
    let app = TestApp::start().await;
    let mut seen = Vec::new();
    for encoding in Encoding::ALL {
        let body = json!({"user": {"name": "Ann"}, "options": {"custom_fields": {"count": 5, "flag": true}}});
        let reply = app
            .send(
                reqwest::Method::POST,
                "/permalink",
                Some(&app.key),
                Some((encoding, &body)),
            )
            .await
            .expect(201);
        seen.push(reply.body["options"]["custom_fields"].clone());
    }
    assert!(
        seen.iter()
            .all(|fields| *fields == json!({"count": "5", "flag": "true"})),
        "{seen:?}"
    );
}
