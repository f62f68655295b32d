//! No input yields a 5xx or takes the server down, and bad input loses
//! nothing (D7).
//!
//! Malformed bodies in every encoding, wrong types for every documented
//! field, oversized bodies, lying content types, odd paths, methods and
//! queries, and a few hundred seeded random garblings per endpoint. Every
//! refusal must be a 4xx with `{"error": "<string>"}` and no internal
//! detail. Afterwards the permalink and the meeting made before the barrage
//! are exactly as they were, still work, and survive a restart.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{Encoding, TestApp};
use reqwest::Method;
use reqwest::header::HeaderValue;
use serde_json::{Map, Value, json};

use anteroom::server::{self, ServerOptions};
use anteroom_domain::{PermalinkId, Timeouts};

/// Words that would show internal detail in an error body.
const INTERNALS: [&str; 14] = [
    "sqlx",
    "sqlite",
    "database",
    "panick",
    "/work/",
    "/home/",
    "/tmp/",
    ".rs:",
    "src/",
    "thread '",
    "backtrace",
    "stack",
    "internal",
    "constraint",
];

/// The boundary [`Encoding::Multipart`] uses.
const BOUNDARY: &str = "anteroomtestboundary7MA4YWxkTrZu0gW";

/// Two MiB, twice the limit.
const TWO_MIB: usize = 2 * 1024 * 1024;

/// The 1 MiB limit of D7.
const ONE_MIB: usize = 1024 * 1024;

/// What came back.
#[derive(Debug)]
struct Answer {
    status: u16,
    content_type: String,
    text: String,
}

/// One request, described for failure messages.
struct Request<'a> {
    method: Method,
    path: &'a str,
    key: Option<&'a str>,
    content_type: Option<&'a [u8]>,
    body: Option<Vec<u8>>,
}

impl Request<'_> {
    fn describe(&self) -> String {
        let shown = |bytes: &[u8]| {
            let text = String::from_utf8_lossy(bytes);
            let mut short: String = text.chars().take(160).collect();
            if text.chars().count() > 160 {
                short.push_str(&format!("... ({} bytes)", bytes.len()));
            }
            short
        };
        let path: String = self.path.chars().take(160).collect();
        format!(
            "{} {path} key={} type={:?} body={:?}",
            self.method,
            self.key.is_some(),
            self.content_type.map(shown),
            self.body.as_deref().map(shown),
        )
    }
}

/// Sends requests, checks every answer, and keeps what went wrong.
struct Probe<'a> {
    app: &'a TestApp,
    failures: Vec<String>,
    sent: usize,
    started: Instant,
}

impl<'a> Probe<'a> {
    fn new(app: &'a TestApp) -> Self {
        Self {
            app,
            failures: Vec::new(),
            sent: 0,
            started: Instant::now(),
        }
    }

    /// Sends a request; a dropped connection counts as a failure.
    async fn send(&mut self, request: &Request<'_>) -> Option<Answer> {
        self.sent += 1;
        let url = format!("{}{}", self.app.base, request.path);
        let mut builder = self.app.client.request(request.method.clone(), url);
        if let Some(key) = request.key {
            builder = builder.header("Authorization", key);
        }
        if let Some(content_type) = request.content_type
            && let Ok(value) = HeaderValue::from_bytes(content_type)
        {
            builder = builder.header("Content-Type", value);
        }
        if let Some(body) = &request.body {
            builder = builder.body(body.clone());
        }
        let response = match builder.send().await {
            Ok(response) => response,
            Err(error) => {
                self.fail(request, format!("no answer: {error:?}"));
                return None;
            }
        };
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let text = match response.bytes().await {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(error) => {
                self.fail(request, format!("body cut off: {error:?}"));
                return None;
            }
        };
        Some(Answer {
            status,
            content_type,
            text,
        })
    }

    /// Sends and checks that the answer is not a 5xx, and that a 4xx is a
    /// clean JSON error.
    async fn check(&mut self, request: &Request<'_>) -> Option<Answer> {
        let answer = self.send(request).await?;
        if let Some(problem) = problem(&answer) {
            self.fail(request, problem);
        }
        Some(answer)
    }

    /// Like [`Probe::check`], and the status must be one of `statuses`.
    async fn expect(&mut self, request: &Request<'_>, statuses: &[u16]) -> Option<Answer> {
        let answer = self.check(request).await?;
        if answer.status < 500 && !statuses.contains(&answer.status) {
            let text: String = answer.text.chars().take(300).collect();
            self.fail(
                request,
                format!("expected {statuses:?}, got {}: {text}", answer.status),
            );
        }
        Some(answer)
    }

    fn fail(&mut self, request: &Request<'_>, problem: String) {
        self.failures
            .push(format!("{problem}\n    for {}", request.describe()));
    }

    /// Fails the test with every problem seen, grouped by kind.
    #[track_caller]
    fn finish(self, phase: &str) {
        eprintln!(
            "{phase}: {} requests in {:.1?}",
            self.sent,
            self.started.elapsed()
        );
        if self.failures.is_empty() {
            return;
        }
        let shown: Vec<&str> = self.failures.iter().take(40).map(String::as_str).collect();
        panic!(
            "{phase}: {} problems in {} requests; the first {}:\n{}",
            self.failures.len(),
            self.sent,
            shown.len(),
            shown.join("\n")
        );
    }
}

/// What is wrong with an answer, if anything.
fn problem(answer: &Answer) -> Option<String> {
    let text: String = answer.text.chars().take(300).collect();
    if answer.status >= 500 {
        return Some(format!("server error {}: {text}", answer.status));
    }
    if answer.status < 400 {
        return None;
    }
    if !answer.content_type.starts_with("application/json") {
        return Some(format!(
            "{} is not JSON ({:?}): {text}",
            answer.status, answer.content_type
        ));
    }
    let body: Value = match serde_json::from_str(&answer.text) {
        Ok(body) => body,
        Err(_) => return Some(format!("{} body is not JSON: {text}", answer.status)),
    };
    let fine = body.as_object().is_some_and(|object| {
        object.len() == 1 && object.get("error").is_some_and(Value::is_string)
    });
    if !fine {
        return Some(format!(
            "{} body is not {{\"error\"}}: {text}",
            answer.status
        ));
    }
    let lower = answer.text.to_lowercase();
    INTERNALS
        .iter()
        .find(|word| lower.contains(*word))
        .map(|word| format!("{} shows internal detail ({word}): {text}", answer.status))
}

/// A 64-bit xorshift generator: seeded, reproducible, no dependencies.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Self(seed.max(1))
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n.max(1) as u64).unwrap_or(0)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'t, T>(&mut self, items: &'t [T]) -> &'t T {
        &items[self.below(items.len())]
    }
}

/// The seed; `ANTEROOM_FUZZ_SEED` picks another to explore.
fn seed() -> u64 {
    std::env::var("ANTEROOM_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_a17e_900d_cafe)
}

/// Every documented room option (spec 2.3), with a valid value.
fn valid_options() -> Value {
    json!({
        "show_names": true,
        "show_label": false,
        "exit_url": "https://example.com/bye",
        "recording_available": true,
        "broadcast_available": true,
        "layout_available": true,
        "reaction_available": true,
        "guest_token_available": true,
        "lock_available": false,
        "kick_available": true,
        "sfu_mode": "disabled",
        "widescreen": true,
        "background_color": "#123456",
        "audio_insert": "enabled",
        "audio_insert_position": {"x": 10, "y": 20},
        "custom_fields": {
            "locale": "de",
            "logo": "https://example.com/logo.png",
            "hide_chat": false,
            "virtual_background": true,
            "virtual_background_allow_guest": false,
            "virtual_background_image": "https://example.com/bg.png",
            "virtual_background_allow_local_image": true,
            "iframe_postmessage_origin": "https://example.com"
        }
    })
}

/// Every field of [`valid_options`], as dotted paths below `options`.
const OPTION_FIELDS: [&str; 26] = [
    "show_names",
    "show_label",
    "exit_url",
    "recording_available",
    "broadcast_available",
    "layout_available",
    "reaction_available",
    "guest_token_available",
    "lock_available",
    "kick_available",
    "sfu_mode",
    "widescreen",
    "background_color",
    "audio_insert",
    "audio_insert_position",
    "audio_insert_position.x",
    "audio_insert_position.y",
    "custom_fields",
    "custom_fields.locale",
    "custom_fields.logo",
    "custom_fields.hide_chat",
    "custom_fields.virtual_background",
    "custom_fields.virtual_background_allow_guest",
    "custom_fields.virtual_background_image",
    "custom_fields.virtual_background_allow_local_image",
    "custom_fields.iframe_postmessage_origin",
];

fn user_body() -> Value {
    json!({"name": "Ann", "id": "ann", "avatar": "https://example.com/ann.png"})
}

/// An endpoint that reads a body, with a valid body and its documented
/// fields as dotted paths.
struct Target {
    method: Method,
    path: String,
    key: bool,
    valid: Value,
    fields: Vec<String>,
}

impl Target {
    fn new(method: Method, path: String, key: bool, valid: Value, fields: &[&str]) -> Self {
        Self {
            method,
            path,
            key,
            valid,
            fields: fields.iter().map(|f| (*f).to_owned()).collect(),
        }
    }
}

fn with_options(fields: &[&str]) -> Vec<String> {
    let mut all: Vec<String> = fields.iter().map(|f| (*f).to_owned()).collect();
    all.push("options".to_owned());
    all.extend(OPTION_FIELDS.iter().map(|f| format!("options.{f}")));
    all
}

/// What the barrage may change: a room, a permalink and a running meeting
/// made for it, so that valid requests it happens to make harm nothing
/// that is checked afterwards.
struct Scratch {
    pid: String,
    user_token: String,
    guest_token: String,
    room_key: String,
    room_guest_token: String,
}

impl Scratch {
    async fn make(app: &TestApp) -> Self {
        let permalink = app.create_permalink(json!({"name": "Scratch"})).await;
        let pid = permalink["permalink"]["id"]
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
        app.send(
            Method::POST,
            &format!("/permalink/{user_token}"),
            None,
            None,
        )
        .await
        .expect(201);
        let room = app.create_room("scratch-room", "Sam").await;
        Self {
            pid,
            user_token,
            guest_token,
            room_key: room["access_key"].as_str().expect("ak").to_owned(),
            room_guest_token: room["room"]["guest_token"].as_str().expect("gt").to_owned(),
        }
    }

    /// Every endpoint that takes a body.
    fn targets(&self) -> Vec<Target> {
        let mut room = json!({"id": "scratch-room", "name": "Scratch", "user": user_body()});
        room["options"] = valid_options();
        let mut permalink = json!({"name": "Scratch", "user": user_body(),
                                   "expires_at": "2099-01-01T00:00:00Z"});
        permalink["options"] = valid_options();
        let mut update = json!({"name": "Scratch", "expires_at": "2099-01-01T00:00:00Z"});
        update["options"] = valid_options();
        let user_fields = ["user", "user.name", "user.id", "user.avatar"];
        let guest = json!({"name": "Gus", "id": "gus", "avatar": "https://example.com/g.png",
                           "email": "gus@example.com", "custom_fields": {"locale": "de"}});
        let guest_fields = [
            "name",
            "id",
            "avatar",
            "email",
            "custom_fields",
            "custom_fields.locale",
        ];
        vec![
            Target {
                method: Method::POST,
                path: "/rooms".to_owned(),
                key: true,
                valid: room,
                fields: with_options(&[
                    "id",
                    "name",
                    "user",
                    "user.name",
                    "user.id",
                    "user.avatar",
                ]),
            },
            Target {
                method: Method::POST,
                path: "/permalink".to_owned(),
                key: true,
                valid: permalink,
                fields: with_options(&[
                    "name",
                    "expires_at",
                    "user",
                    "user.name",
                    "user.id",
                    "user.avatar",
                ]),
            },
            Target {
                method: Method::PUT,
                path: format!("/permalink/{}", self.pid),
                key: true,
                valid: update,
                fields: with_options(&["name", "expires_at", "id"]),
            },
            Target::new(
                Method::POST,
                format!("/permalink/{}/users", self.pid),
                true,
                json!({"user": user_body()}),
                &user_fields,
            ),
            Target::new(
                Method::POST,
                format!("/guests/{}", self.guest_token),
                false,
                guest.clone(),
                &guest_fields,
            ),
            Target::new(
                Method::POST,
                format!("/guests/{}", self.room_guest_token),
                false,
                guest,
                &guest_fields,
            ),
            Target::new(
                Method::POST,
                format!("/rooms/{}/messages", self.room_key),
                false,
                json!({"type": "chat", "content": "hello"}),
                &["type", "content"],
            ),
        ]
    }
}

/// Sets the field at a dotted path, making objects on the way.
fn set_path(body: &mut Value, path: &str, value: Value) {
    let mut slot = body;
    let mut segments = path.split('.').peekable();
    while let Some(segment) = segments.next() {
        if !slot.is_object() {
            *slot = Value::Object(Map::new());
        }
        let map = slot.as_object_mut().expect("an object");
        if segments.peek().is_none() {
            map.insert(segment.to_owned(), value);
            return;
        }
        slot = map
            .entry(segment.to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
    }
}

/// Values of every wrong kind, and strings every field must survive.
fn bad_values() -> Vec<Value> {
    vec![
        json!({}),
        json!({"x": {"y": [1, {"z": null}]}}),
        json!([]),
        json!(["a", 1, null]),
        json!([[["deep", [[]]]]]),
        json!(0),
        json!(-1),
        json!(2.5),
        json!(u64::MAX),
        json!(i64::MIN),
        json!(1e308),
        json!(-1e-308),
        json!(true),
        json!(null),
        json!(""),
        json!("   "),
        json!("x".repeat(5000)),
        json!("NaN"),
        json!("-inf"),
        json!("1e999"),
        json!("9999-12-31T23:59:59-23:59"),
        json!("0000-01-01T00:00:00+23:59"),
        json!("2024-02-30T00:00:00Z"),
        json!("\u{0}\u{1}\u{7f}"),
        json!("ünï 😀 \u{202e}"),
        json!("%FF%00%"),
        json!("a[b][]=c&d"),
        json!("https://"),
        json!("#GGGGGG"),
    ]
}

/// JSON number and string texts no `Value` can hold, put in place of a
/// field in raw JSON.
const RAW_VALUES: [&str; 9] = [
    "1e400",
    "-1e400",
    "123456789012345678901234567890",
    "0.00000000000000000000000000001e-400",
    "NaN",
    "Infinity",
    "\"\\ud800\"",
    "\"\\u0000\"",
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
];

/// Things the checks afterwards compare: made before the barrage, and
/// never its target.
struct Kept {
    pid: String,
    user_token: String,
    guest_token: String,
    room_key: String,
    room_guest_token: String,
    permalink: Value,
    info: Value,
    room: Value,
    users: Value,
}

impl Kept {
    async fn make(app: &TestApp) -> Self {
        let mut extra = json!({"name": "Keep", "expires_at": "2099-06-01T12:00:00Z",
                               "user": {"id": "keeper"}});
        extra["options"] = valid_options();
        let permalink = app.create_permalink(extra).await;
        let pid = permalink["permalink"]["id"]
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
        let room = app
            .post(
                "/rooms",
                json!({"id": "keep-room", "name": "Keep room", "user": {"name": "Kim", "id": "kim"},
                       "options": {"widescreen": true, "lock_available": true}}),
            )
            .await
            .expect(201)
            .body;
        let room_key = room["access_key"].as_str().expect("ak").to_owned();
        let room_guest_token = room["room"]["guest_token"].as_str().expect("gt").to_owned();
        app.post_anon(
            &format!("/guests/{room_guest_token}"),
            json!({"name": "Gil", "id": "gil"}),
        )
        .await
        .expect(201);

        let mut kept = Self {
            pid,
            user_token,
            guest_token,
            room_key,
            room_guest_token,
            permalink: Value::Null,
            info: Value::Null,
            room: Value::Null,
            users: Value::Null,
        };
        let (permalink, info, room, users) = kept.look(app).await;
        kept.permalink = permalink;
        kept.info = info;
        kept.room = room;
        kept.users = users;
        kept
    }

    /// The permalink, its meeting info, the room response and the user list,
    /// with the server's address (it changes on a restart) taken out.
    async fn look(&self, app: &TestApp) -> (Value, Value, Value, Value) {
        let api = app.api_url();
        let ws = api.replacen("http://", "ws://", 1);
        let neutral = |value: Value| -> Value {
            let text = value.to_string().replace(&api, "API").replace(&ws, "WS");
            serde_json::from_str(&text).expect("json")
        };
        let permalink = app
            .get(&format!("/permalink/{}", self.pid))
            .await
            .expect(200)
            .body;
        let info = app
            .get_anon(&format!("/permalink/{}", self.user_token))
            .await
            .expect(200)
            .body;
        let room = app
            .get_anon(&format!("/rooms/{}", self.room_key))
            .await
            .expect(200)
            .body;
        let users = app.get("/rooms/keep-room/users").await.expect(200).body;
        (
            neutral(permalink),
            neutral(info),
            neutral(room),
            neutral(users),
        )
    }

    /// Everything reads back exactly as before, and the permalink still has
    /// its one host.
    async fn assert_unchanged(&self, app: &TestApp, when: &str) {
        let (permalink, info, room, users) = self.look(app).await;
        assert_eq!(permalink, self.permalink, "{when}: the permalink changed");
        assert_eq!(info, self.info, "{when}: the meeting info changed");
        assert_eq!(room, self.room, "{when}: the room response changed");
        assert_eq!(users, self.users, "{when}: the users changed");
        let hosts = app
            .server()
            .state
            .store
            .list_hosts(&PermalinkId::new(self.pid.as_str()))
            .await
            .expect("store answers");
        assert_eq!(hosts.len(), 1, "{when}: hosts changed");
        assert_eq!(hosts[0].user_token.as_str(), self.user_token);
    }

    /// Everything still works: the permalink starts, guests join both
    /// meetings, messages go out, the lists answer.
    async fn assert_working(&self, app: &TestApp) {
        let start = app
            .send(
                Method::POST,
                &format!("/permalink/{}", self.user_token),
                None,
                None,
            )
            .await
            .expect(201)
            .body;
        assert_eq!(start["room"]["name"], "Keep");
        assert_eq!(start["options"]["background_color"], "#123456");
        app.post_anon(
            &format!("/guests/{}", self.guest_token),
            json!({"name": "Guest"}),
        )
        .await
        .expect(201);
        app.post_anon(
            &format!("/guests/{}", self.room_guest_token),
            json!({"name": "Guest"}),
        )
        .await
        .expect(201);
        app.post_anon(
            &format!("/rooms/{}/messages", self.room_key),
            json!({"type": "chat", "content": "still here"}),
        )
        .await
        .expect(201);
        let rooms = app.get("/rooms").await.expect(200);
        assert!(rooms.text.contains("keep-room"), "{}", rooms.text);
        // Every page of every permalink still reads back.
        let mut page = 1;
        loop {
            let list = app
                .get(&format!("/permalink?limit=100&page={page}"))
                .await
                .expect(200)
                .body;
            let items = list["items"].as_array().expect("items").len();
            if items < 100 {
                break;
            }
            page += 1;
        }
        app.post_anon(&format!("/rooms/{}/lock", self.room_key), json!({}))
            .await
            .expect(201);
    }
}

/// Bad input aimed at the kept permalink and meeting themselves: each must
/// be refused, and refused as a whole, nothing of it applied.
async fn refuse_at_kept(probe: &mut Probe<'_>, kept: &Kept, key: &str) {
    let put = format!("/permalink/{}", kept.pid);
    let json_type: &[u8] = b"application/json";
    let bodies = [
        json!({"name": "Changed", "options": {"widescreen": "maybe"}}),
        json!({"name": "Changed", "expires_at": "soon"}),
        json!({"name": "Changed", "expires_at": "2001-01-01T00:00:00Z"}),
        json!({"name": "Changed", "expires_at": "9999-12-31T23:59:59-23:59"}),
        json!({"options": {"show_names": false, "audio_insert_position": {"x": "NaN"}}}),
        json!({"options": {"show_names": false, "audio_insert_position": {"y": "1e999"}}}),
        json!({"options": {"show_names": false, "audio_insert_position": {"x": "-inf"}}}),
        json!({"name": "Changed", "options": {"custom_fields": {"hide_chat": "maybe"}}}),
        json!({"name": "Changed", "options": {"background_color": "blue"}}),
        json!({"name": "Changed", "options": {"exit_url": "javascript:alert(1)"}}),
        json!({"name": {"first": "x"}}),
        json!({"name": "Changed", "options": {"custom_fields": "x"}}),
    ];
    for body in &bodies {
        for encoding in Encoding::ALL {
            let (content_type, bytes) = encoding.encode(body);
            probe
                .expect(
                    &Request {
                        method: Method::PUT,
                        path: &put,
                        key: Some(key),
                        content_type: Some(content_type.as_bytes()),
                        body: Some(bytes),
                    },
                    &[400],
                )
                .await;
        }
    }
    for raw in [
        &b"{\"name\": \"Changed\""[..],
        b"{\"name\": \"Changed\", \"options\": {\"widescreen\": 1e400}}",
        b"[{\"name\": \"Changed\"}]",
        b"{\"name\": \"Chan\xffged\"}",
    ] {
        probe
            .expect(
                &Request {
                    method: Method::PUT,
                    path: &put,
                    key: Some(key),
                    content_type: Some(json_type),
                    body: Some(raw.to_vec()),
                },
                &[400],
            )
            .await;
    }
    let mut huge = b"{\"name\": \"Changed\", \"pad\": \"".to_vec();
    huge.resize(TWO_MIB, b'x');
    huge.extend_from_slice(b"\"}");
    probe
        .expect(
            &Request {
                method: Method::PUT,
                path: &put,
                key: Some(key),
                content_type: Some(json_type),
                body: Some(huge),
            },
            &[413],
        )
        .await;

    // Hosts: a refused host is not added.
    let users = format!("/permalink/{}/users", kept.pid);
    for body in [
        json!({"user": {"name": ""}}),
        json!({"user": {"name": "Hal", "avatar": "ftp://x"}}),
        json!({"user": {"name": "Hal", "id": "a/b"}}),
        json!({"user": {"name": ["Hal"]}}),
        json!({"user": "Hal"}),
    ] {
        let (content_type, bytes) = Encoding::NestedJson.encode(&body);
        probe
            .expect(
                &Request {
                    method: Method::POST,
                    path: &users,
                    key: Some(key),
                    content_type: Some(content_type.as_bytes()),
                    body: Some(bytes),
                },
                &[400],
            )
            .await;
    }
    for token in ["%FF", "%00", "x", "ünï", &"t".repeat(5000)] {
        probe
            .expect(
                &Request {
                    method: Method::DELETE,
                    path: &format!("{users}/{token}"),
                    key: Some(key),
                    content_type: None,
                    body: None,
                },
                &[400, 404],
            )
            .await;
    }

    // The room: a refused join does not join, a refused guest is not added.
    for body in [
        json!({"id": "keep-room", "user": {"name": ""}}),
        json!({"id": "keep-room", "user": {"name": "Max"}, "options": {"sfu_mode": "warp"}}),
        json!({"id": "keep-room", "user": {"name": "Max", "avatar": ["x"]}}),
        json!({"id": "keep-room", "user": {"name": "Max"}, "options": {"audio_insert_position": {"x": "NaN"}}}),
        json!({"id": "keep-room", "name": "x".repeat(300), "user": {"name": "Max"}}),
    ] {
        for encoding in Encoding::ALL {
            let (content_type, bytes) = encoding.encode(&body);
            probe
                .expect(
                    &Request {
                        method: Method::POST,
                        path: "/rooms",
                        key: Some(key),
                        content_type: Some(content_type.as_bytes()),
                        body: Some(bytes),
                    },
                    &[400],
                )
                .await;
        }
    }
    let guests = format!("/guests/{}", kept.room_guest_token);
    let permalink_guests = format!("/guests/{}", kept.guest_token);
    for body in [
        json!({"name": {}}),
        json!({"name": "Max", "avatar": "ftp://x"}),
        json!({"name": "Max", "id": "a/b"}),
        json!({"name": ""}),
        json!({"id": "max"}),
    ] {
        for encoding in Encoding::ALL {
            let (content_type, bytes) = encoding.encode(&body);
            probe
                .expect(
                    &Request {
                        method: Method::POST,
                        path: &guests,
                        key: None,
                        content_type: Some(content_type.as_bytes()),
                        body: Some(bytes.clone()),
                    },
                    &[400],
                )
                .await;
            // The permalink's meeting does not run: its guests wait (D14).
            probe
                .expect(
                    &Request {
                        method: Method::POST,
                        path: &permalink_guests,
                        key: None,
                        content_type: Some(content_type.as_bytes()),
                        body: Some(bytes),
                    },
                    &[400, 409],
                )
                .await;
        }
    }
    let messages = format!("/rooms/{}/messages", kept.room_key);
    for body in [
        json!({"type": "shout", "content": "x"}),
        json!({"type": "chat"}),
        json!({"type": "chat", "content": {"a": 1}}),
        json!({"type": ["chat"], "content": "x"}),
        json!({"type": "chat", "content": "x".repeat(70_000)}),
    ] {
        let (content_type, bytes) = Encoding::Form.encode(&body);
        probe
            .expect(
                &Request {
                    method: Method::POST,
                    path: &messages,
                    key: None,
                    content_type: Some(content_type.as_bytes()),
                    body: Some(bytes),
                },
                &[400],
            )
            .await;
    }
}

/// Every documented field of every body endpoint, set to every bad value,
/// the encodings taking turns; then values no `Value` can hold, as raw
/// JSON.
async fn wrong_types(probe: &mut Probe<'_>, targets: &[Target], key: &str) {
    let values = bad_values();
    let mut turn = 0usize;
    for target in targets {
        let key = target.key.then_some(key);
        for field in &target.fields {
            for value in &values {
                let mut body = target.valid.clone();
                set_path(&mut body, field, value.clone());
                let encoding = Encoding::ALL[turn % Encoding::ALL.len()];
                turn += 1;
                let (content_type, bytes) = encoding.encode(&body);
                probe
                    .check(&Request {
                        method: target.method.clone(),
                        path: &target.path,
                        key,
                        content_type: Some(content_type.as_bytes()),
                        body: Some(bytes),
                    })
                    .await;
            }
            // Three of the raw values per field, taking turns.
            for raw in RAW_VALUES
                .iter()
                .cycle()
                .skip(turn % RAW_VALUES.len())
                .take(3)
            {
                let mut body = target.valid.clone();
                set_path(&mut body, field, json!("__RAW__"));
                let text = body.to_string().replace("\"__RAW__\"", raw);
                probe
                    .check(&Request {
                        method: target.method.clone(),
                        path: &target.path,
                        key,
                        content_type: Some(b"application/json"),
                        body: Some(text.into_bytes()),
                    })
                    .await;
            }
        }
    }
}

/// Bodies that are broken as a whole, in every content type, and bodies
/// that lie about their type.
fn broken_bodies() -> Vec<(Vec<u8>, Vec<u8>, &'static [u16])> {
    const ANY: &[u16] = &[];
    const BAD: &[u16] = &[400];
    let json_type = b"application/json".to_vec();
    let form_type = b"application/x-www-form-urlencoded".to_vec();
    let multipart_type = format!("multipart/form-data; boundary={BOUNDARY}").into_bytes();
    let part = |name: &str, value: &[u8]| {
        let mut part =
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n")
                .into_bytes();
        part.extend_from_slice(value);
        part.extend_from_slice(b"\r\n");
        part
    };
    let closing = format!("--{BOUNDARY}--\r\n").into_bytes();
    let good_multipart = [
        part("user[name]", b"Ann"),
        part("name", b"Ann"),
        closing.clone(),
    ]
    .concat();

    let deep_json = format!(
        "{}{}",
        "{\"a\":".repeat(200),
        "1".to_owned() + &"}".repeat(200)
    );
    let deeper_json = "[".repeat(100_000);
    let deep_key = format!("a{}=1", "[b]".repeat(1000));
    let wide_form = "users[]=a&".repeat(50_000);
    let many_lists = (0..2000)
        .map(|i| format!("a[{i}][]=x&"))
        .collect::<String>();

    let mut out: Vec<(Vec<u8>, Vec<u8>, &'static [u16])> = vec![
        // Invalid JSON.
        (json_type.clone(), b"{".to_vec(), BAD),
        (json_type.clone(), b"{\"user\":".to_vec(), BAD),
        (json_type.clone(), b"{'user': {'name': 'Ann'}}".to_vec(), BAD),
        (json_type.clone(), b"{\"name\": \"Ann\",}".to_vec(), BAD),
        (json_type.clone(), b"{\"a\":1}{\"b\":2}".to_vec(), BAD),
        (json_type.clone(), b"{\"name\": 1e400}".to_vec(), BAD),
        (json_type.clone(), b"nul".to_vec(), BAD),
        (json_type.clone(), b"\"{user[name]\": \"John\"}".to_vec(), BAD),
        // JSON that is not an object.
        (json_type.clone(), b"[]".to_vec(), BAD),
        (json_type.clone(), b"[{\"name\": \"Ann\"}]".to_vec(), BAD),
        (json_type.clone(), b"\"Ann\"".to_vec(), BAD),
        (json_type.clone(), b"42".to_vec(), BAD),
        (json_type.clone(), b"true".to_vec(), BAD),
        (json_type.clone(), b"null".to_vec(), BAD),
        // Not UTF-8.
        (json_type.clone(), b"{\"name\": \"\xff\xfe\"}".to_vec(), BAD),
        (json_type.clone(), b"\xff\xfe{\x00\"\x00".to_vec(), BAD),
        (json_type.clone(), b"\xef\xbb\xbf{\"name\": \"Ann\"}".to_vec(), ANY),
        (
            b"application/json; charset=utf-16".to_vec(),
            b"\xff\xfe{\x00}\x00".to_vec(),
            BAD,
        ),
        (form_type.clone(), b"name=%FF%FE".to_vec(), BAD),
        (form_type.clone(), b"name=\xff".to_vec(), BAD),
        (form_type.clone(), b"%C3%28=1".to_vec(), BAD),
        (
            multipart_type.clone(),
            [part("name", b"\xff\xfe"), closing.clone()].concat(),
            BAD,
        ),
        (
            multipart_type.clone(),
            [part("\u{fffd}\u{0}na\"me", b"x"), closing.clone()].concat(),
            ANY,
        ),
        // Deep nesting.
        (json_type.clone(), deep_json.into_bytes(), BAD),
        (json_type.clone(), deeper_json.into_bytes(), BAD),
        (form_type.clone(), deep_key.clone().into_bytes(), BAD),
        (
            multipart_type.clone(),
            [part(&deep_key.replace("=1", ""), b"1"), closing.clone()].concat(),
            BAD,
        ),
        // Wide and odd forms.
        (form_type.clone(), wide_form.into_bytes(), ANY),
        (form_type.clone(), many_lists.into_bytes(), ANY),
        (form_type.clone(), b"&&&===&=&a&[]=&[x]=1".to_vec(), ANY),
        (form_type.clone(), b"a[4294967295]=x&a[]=y".to_vec(), BAD),
        (form_type.clone(), b"a[99999999999999999999]=x".to_vec(), BAD),
        (form_type.clone(), b"user=x&user[name]=Ann".to_vec(), BAD),
        (form_type.clone(), b"user[name]=Ann&user[name][]=Bo".to_vec(), BAD),
        // Multipart with a bad boundary or a broken body.
        (b"multipart/form-data".to_vec(), good_multipart.clone(), BAD),
        (b"multipart/form-data; boundary=".to_vec(), good_multipart.clone(), BAD),
        (b"multipart/form-data; boundary=nope".to_vec(), good_multipart.clone(), BAD),
        (
            format!("multipart/form-data; boundary=\"{}\"", "b".repeat(200)).into_bytes(),
            good_multipart.clone(),
            BAD,
        ),
        (
            b"multipart/form-data; boundary=\"unclosed".to_vec(),
            good_multipart.clone(),
            BAD,
        ),
        (
            multipart_type.clone(),
            part("user[name]", b"Ann"),
            BAD,
        ),
        (multipart_type.clone(), closing.clone(), ANY),
        (
            multipart_type.clone(),
            format!("--{BOUNDARY}\r\n\r\nno headers\r\n--{BOUNDARY}--\r\n").into_bytes(),
            ANY,
        ),
        (
            multipart_type.clone(),
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"name\"; \
                 filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n\x01\x02\r\n--{BOUNDARY}--\r\n"
            )
            .into_bytes(),
            BAD,
        ),
        (
            multipart_type.clone(),
            good_multipart.replace_crlf(),
            ANY,
        ),
        (multipart_type.clone(), b"garbage".to_vec(), BAD),
        // Content types that lie.
        (json_type.clone(), b"user[name]=Ann".to_vec(), BAD),
        (json_type.clone(), good_multipart.clone(), BAD),
        (form_type.clone(), good_multipart.clone(), ANY),
        (multipart_type.clone(), b"{\"user\": {\"name\": \"Ann\"}}".to_vec(), BAD),
        (multipart_type.clone(), b"user[name]=Ann".to_vec(), BAD),
        (b"text/plain".to_vec(), b"hello there".to_vec(), BAD),
        (b"image/png".to_vec(), b"\x89PNG\r\n\x1a\n\x00\x00".to_vec(), BAD),
        (b"application/xml".to_vec(), b"<user><name>Ann</name></user>".to_vec(), BAD),
        (b"multipart/mixed; boundary=x".to_vec(), b"--x--".to_vec(), BAD),
        (b"application/json\xff\xfe".to_vec(), b"{}".to_vec(), ANY),
        (b";;;".to_vec(), b"{}".to_vec(), ANY),
        (b"".to_vec(), b"\x00\x01\x02\xff".to_vec(), BAD),
    ];
    // A body of exactly the limit is read; one byte more is refused.
    for (content_type, fill) in [(&json_type, b' '), (&form_type, b'&')] {
        let mut at_limit = b"{\"name\": \"x\"}".to_vec();
        if content_type == &form_type {
            at_limit = b"name=x".to_vec();
        }
        at_limit.resize(ONE_MIB, fill);
        let mut over = at_limit.clone();
        over.push(fill);
        out.push((content_type.clone(), at_limit, ANY));
        out.push((content_type.clone(), over, &[413]));
    }
    out
}

/// `\r\n` line ends turned into `\n`, which some hand-made clients send.
trait ReplaceCrlf {
    fn replace_crlf(&self) -> Vec<u8>;
}

impl ReplaceCrlf for Vec<u8> {
    fn replace_crlf(&self) -> Vec<u8> {
        String::from_utf8_lossy(self)
            .replace("\r\n", "\n")
            .into_bytes()
    }
}

/// Two MiB in every content type: 413 with `{"error"}`.
async fn too_large(probe: &mut Probe<'_>, targets: &[Target], key: &str) {
    let multipart_type = format!("multipart/form-data; boundary={BOUNDARY}");
    for target in targets {
        let key = target.key.then_some(key);
        let mut json = b"{\"pad\": \"".to_vec();
        json.resize(TWO_MIB, b'a');
        json.extend_from_slice(b"\"}");
        let mut form = b"pad=".to_vec();
        form.resize(TWO_MIB, b'a');
        let mut multipart =
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"pad\"\r\n\r\n")
                .into_bytes();
        multipart.resize(TWO_MIB, b'a');
        multipart.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
        for (content_type, body) in [
            (Some("application/json"), json),
            (Some("application/x-www-form-urlencoded"), form.clone()),
            (Some(multipart_type.as_str()), multipart),
            (None, form),
        ] {
            probe
                .expect(
                    &Request {
                        method: target.method.clone(),
                        path: &target.path,
                        key,
                        content_type: content_type.map(str::as_bytes),
                        body: Some(body),
                    },
                    &[413],
                )
                .await;
        }
    }
}

/// Paths nobody should call, methods no route has, and queries that make
/// no sense.
async fn odd_paths(probe: &mut Probe<'_>, scratch: &Scratch, key: &str) {
    let ak = scratch.room_key.as_str();
    let pid = scratch.pid.as_str();

    // Unknown paths: 404 with `{"error"}`, with a key or without.
    for path in [
        "/",
        "/nope",
        "/rooms/",
        "/ROOMS",
        "/api/rooms",
        "//rooms",
        "/rooms/a/b/c/d",
        "/rooms/a/users/b/c",
        "/permalink/a/b",
        "/permalink/a/users/b/c",
        "/guests",
        "/guests/a/b",
        "/.env",
        "/rooms/%2e%2e/%2e%2e/etc/passwd",
        "/openapi.json/x",
    ] {
        for key in [None, Some(key)] {
            for method in [Method::GET, Method::POST, Method::DELETE] {
                probe
                    .expect(
                        &Request {
                            method,
                            path,
                            key,
                            content_type: None,
                            body: None,
                        },
                        &[404],
                    )
                    .await;
            }
        }
    }

    // Methods a route does not have: 405 with `{"error"}`.
    let brew = Method::from_bytes(b"BREW").expect("method");
    let not_allowed: Vec<(Method, String)> = vec![
        (Method::PATCH, "/rooms".to_owned()),
        (Method::PUT, "/rooms".to_owned()),
        (Method::DELETE, "/rooms".to_owned()),
        (Method::POST, format!("/rooms/{ak}")),
        (Method::PUT, format!("/rooms/{ak}")),
        (Method::GET, format!("/rooms/{ak}/lock")),
        (Method::DELETE, format!("/rooms/{ak}/lock")),
        (Method::POST, "/rooms/scratch-room/users".to_owned()),
        (Method::PUT, format!("/rooms/{ak}/users/x")),
        (Method::GET, format!("/rooms/{ak}/messages")),
        (Method::GET, "/guests/x".to_owned()),
        (Method::DELETE, "/guests/x".to_owned()),
        (Method::DELETE, "/permalink".to_owned()),
        (Method::PUT, "/permalink".to_owned()),
        (Method::PATCH, format!("/permalink/{pid}")),
        (Method::GET, format!("/permalink/{pid}/users")),
        (Method::GET, format!("/permalink/{pid}/users/x")),
        (Method::POST, "/openapi.json".to_owned()),
        (brew.clone(), "/rooms".to_owned()),
        (brew, format!("/permalink/{pid}")),
    ];
    for (method, path) in &not_allowed {
        for key in [None, Some(key)] {
            probe
                .expect(
                    &Request {
                        method: method.clone(),
                        path,
                        key,
                        content_type: Some(b"application/json"),
                        body: Some(b"{\"x\": 1}".to_vec()),
                    },
                    &[405],
                )
                .await;
        }
    }

    // Garbage and unicode in every path segment, and very long ids.
    let segments = [
        "%FF".to_owned(),
        "%C3%28".to_owned(),
        "%E2%82".to_owned(),
        "%".to_owned(),
        "%zz".to_owned(),
        "%00".to_owned(),
        "%0A%0D".to_owned(),
        "%2F".to_owned(),
        "..%2F..%2F".to_owned(),
        "ünï😀".to_owned(),
        "%F0%9F%98%80".to_owned(),
        "\u{202e}x".to_owned(),
        "a%20b".to_owned(),
        "{id}".to_owned(),
        "x".repeat(1000),
        "y".repeat(10_000),
        "%FF".repeat(5000),
        "z".repeat(30_000),
    ];
    for segment in &segments {
        let routes = [
            (Method::GET, format!("/rooms/{segment}")),
            (Method::DELETE, format!("/rooms/{segment}")),
            (Method::POST, format!("/rooms/{segment}/lock")),
            (Method::GET, format!("/rooms/{segment}/users")),
            (Method::GET, format!("/rooms/{segment}/users/{segment}")),
            (Method::GET, format!("/rooms/{ak}/users/{segment}")),
            (Method::DELETE, format!("/rooms/{ak}/users/{segment}")),
            (Method::POST, format!("/rooms/{segment}/messages")),
            (Method::POST, format!("/guests/{segment}")),
            (Method::GET, format!("/permalink/{segment}")),
            (Method::POST, format!("/permalink/{segment}")),
            (Method::PUT, format!("/permalink/{segment}")),
            (Method::DELETE, format!("/permalink/{segment}")),
            (Method::POST, format!("/permalink/{segment}/users")),
            (
                Method::DELETE,
                format!("/permalink/{segment}/users/{segment}"),
            ),
            (Method::DELETE, format!("/permalink/{pid}/users/{segment}")),
        ];
        for (method, path) in &routes {
            for key in [None, Some(key)] {
                probe
                    .expect(
                        &Request {
                            method: method.clone(),
                            path,
                            key,
                            content_type: Some(b"application/json"),
                            body: Some(
                                b"{\"name\": \"Ann\", \"user\": {\"name\": \"Ann\"}}".to_vec(),
                            ),
                        },
                        &[400, 401, 404],
                    )
                    .await;
            }
        }
    }

    // Request lines no client library would send: past 64 KiB, or with raw
    // bytes that are not URL characters. The HTTP layer (hyper) refuses
    // them itself, with 414 or 400 and an empty body, before any route
    // runs: the only refusals that cannot carry `{"error"}`. They must be
    // a 4xx, and the server must live on.
    for target in [
        format!("/rooms/{}", "w".repeat(70_000)),
        format!("/permalink?page={}", "1".repeat(70_000)),
        "/rooms/\u{fc}n\u{ef}".to_owned(),
        "/rooms/a b".to_owned(),
    ] {
        let line = format!(
            "GET {target} HTTP/1.1\r\nHost: x\r\nAuthorization: {key}\r\nConnection: close\r\n\r\n"
        );
        probe.sent += 1;
        match raw_http(&probe.app.base, line.as_bytes()).await {
            Some(status) if (400..500).contains(&status) => {}
            other => {
                let shown: String = target.chars().take(60).collect();
                probe
                    .failures
                    .push(format!("raw GET {shown}...: expected a 4xx, got {other:?}"));
            }
        }
    }

    // Queries: those read (page, limit, expired, online) and any other.
    let queries = [
        "page=0",
        "page=-1",
        "page=4294967296",
        "page=99999999999999999999999",
        "page=1e3",
        "page=%FF",
        "page[]=1",
        "page[a]=1",
        "page=1&page[x]=2",
        "limit=0",
        "limit=101",
        "limit=NaN",
        "limit=%00",
        "expired=maybe",
        "expired[]=true",
        "expired=%C3%28",
        "online=perhaps",
        "online[x][y]=1",
        "%FF=1",
        "a[b[c]=1&&&==&[]=",
        "page=4294967295&limit=100",
        "x=ünï😀",
    ];
    let deep = format!("a{}=1", "[b]".repeat(1000));
    let long = format!("x={}", "y".repeat(60_000));
    for query in queries
        .iter()
        .copied()
        .chain([deep.as_str(), long.as_str()])
    {
        for path in [
            format!("/permalink?{query}"),
            format!("/rooms/scratch-room/users?{query}"),
            format!("/rooms?{query}"),
            format!("/rooms/{ak}?{query}"),
            format!("/permalink/{}?{query}", scratch.guest_token),
        ] {
            probe
                .check(&Request {
                    method: Method::GET,
                    path: &path,
                    key: Some(key),
                    content_type: None,
                    body: None,
                })
                .await;
        }
    }
}

/// Vocabulary for random bodies: real names, bracketed forms, and pieces.
const KEYS: [&str; 30] = [
    "user",
    "user[name]",
    "user[id]",
    "user[avatar]",
    "name",
    "id",
    "avatar",
    "email",
    "type",
    "content",
    "expires_at",
    "options",
    "options[widescreen]",
    "options[custom_fields][locale]",
    "options[audio_insert_position][x]",
    "options[background_color]",
    "options[exit_url]",
    "options[sfu_mode]",
    "custom_fields",
    "users[]",
    "users[0]",
    "users[][name]",
    "[",
    "]",
    "[]",
    "a[b",
    "a]b[",
    "x[99999999999]",
    "",
    "__proto__",
];

const STRINGS: [&str; 18] = [
    "Ann",
    "",
    "true",
    "0",
    "NaN",
    "inf",
    "#12ab34",
    "https://example.com/x",
    "2099-01-01T00:00:00Z",
    "9999-12-31T23:59:59-23:59",
    "chat",
    "custom",
    "ptp",
    "audio_only",
    "%FF",
    "ünï😀",
    "\u{0}",
    "a&b=c[d]",
];

/// Characters for random text; chosen so that nothing random can spell a
/// word of [`INTERNALS`].
const ALPHABET: &[u8] = b"abxyz019[]%&=+ _-{}\"\\";

fn random_text(rng: &mut Rng) -> String {
    if rng.chance(60) {
        return (*rng.pick(&STRINGS)).to_owned();
    }
    let len = rng.below(24);
    (0..len).map(|_| char::from(*rng.pick(ALPHABET))).collect()
}

fn random_json(rng: &mut Rng, depth: usize) -> Value {
    let kinds = if depth >= 4 { 6 } else { 8 };
    match rng.below(kinds) {
        0 => Value::Null,
        1 => Value::Bool(rng.chance(50)),
        2 => json!(rng.next() >> rng.below(64)),
        3 => json!(f64::from(u32::try_from(rng.next() >> 40).unwrap_or(0)) / 7.0),
        4 | 5 => Value::String(random_text(rng)),
        6 => Value::Array(
            (0..rng.below(4))
                .map(|_| random_json(rng, depth + 1))
                .collect(),
        ),
        _ => {
            let mut map = Map::new();
            for _ in 0..rng.below(5) {
                map.insert((*rng.pick(&KEYS)).to_owned(), random_json(rng, depth + 1));
            }
            Value::Object(map)
        }
    }
}

/// Bytes that break things when put in a body.
const SPECIAL: &[u8] = b"\xff\x00[]%&={}\"\\-\r\n,:";

fn garble(rng: &mut Rng, mut bytes: Vec<u8>) -> Vec<u8> {
    for _ in 0..=rng.below(8) {
        if bytes.is_empty() {
            bytes.push(*rng.pick(SPECIAL));
            continue;
        }
        let at = rng.below(bytes.len());
        match rng.below(6) {
            0 => bytes[at] ^= 1 << rng.below(8),
            1 => bytes[at] = *rng.pick(SPECIAL),
            2 => bytes.insert(at, *rng.pick(SPECIAL)),
            3 => {
                bytes.remove(at);
            }
            4 => {
                let end = (at + rng.below(32)).min(bytes.len());
                let chunk = bytes[at..end].to_vec();
                bytes.splice(at..at, chunk);
            }
            _ => bytes.truncate(at),
        }
    }
    bytes
}

/// Content types, honest and otherwise.
fn content_types() -> Vec<Option<String>> {
    vec![
        None,
        Some("application/json".to_owned()),
        Some("application/vnd.api+json; charset=utf-8".to_owned()),
        Some("application/x-www-form-urlencoded".to_owned()),
        Some(format!("multipart/form-data; boundary={BOUNDARY}")),
        Some("multipart/form-data; boundary=other".to_owned()),
        Some("multipart/form-data".to_owned()),
        Some("text/plain".to_owned()),
        Some("image/png".to_owned()),
        Some(String::new()),
    ]
}

/// One random request for a target: its valid body with fields swapped for
/// random values, a garbled encoding of it, a random object, random form
/// pairs, or random bytes; usually labelled honestly, sometimes not.
fn random_request(rng: &mut Rng, target: &Target) -> (Option<String>, Vec<u8>) {
    let encoding = *rng.pick(&Encoding::ALL);
    let (mut content_type, body) = match rng.below(5) {
        0 => {
            let mut body = target.valid.clone();
            for _ in 0..=rng.below(3) {
                let field = rng.pick(&target.fields).clone();
                set_path(&mut body, &field, random_json(rng, 1));
            }
            let (content_type, bytes) = encoding.encode(&body);
            (Some(content_type), bytes)
        }
        1 => {
            let (content_type, bytes) = encoding.encode(&target.valid);
            (Some(content_type), garble(rng, bytes))
        }
        2 => {
            let mut body = random_json(rng, 0);
            if !body.is_object() && rng.chance(70) {
                let mut map = Map::new();
                map.insert((*rng.pick(&KEYS)).to_owned(), body);
                body = Value::Object(map);
            }
            let (content_type, bytes) = encoding.encode(&body);
            (Some(content_type), bytes)
        }
        3 => {
            let pairs: Vec<String> = (0..rng.below(8))
                .map(|_| format!("{}={}", rng.pick(&KEYS), random_text(rng)))
                .collect();
            let form = pairs.join(if rng.chance(80) { "&" } else { "&&" });
            let bytes = if rng.chance(30) {
                garble(rng, form.into_bytes())
            } else {
                form.into_bytes()
            };
            (Some("application/x-www-form-urlencoded".to_owned()), bytes)
        }
        _ => {
            let len = rng.below(256);
            let bytes = (0..len).map(|_| (rng.next() >> 56) as u8).collect();
            (None, bytes)
        }
    };
    if rng.chance(15) {
        content_type = rng.pick(&content_types()).clone();
    }
    (content_type, body)
}

/// A random query string of real and made-up keys.
fn random_query(rng: &mut Rng) -> String {
    const NAMES: [&str; 8] = [
        "page", "limit", "expired", "online", "page[]", "limit[x]", "%FF", "",
    ];
    let pairs: Vec<String> = (0..rng.below(6))
        .map(|_| {
            let value = if rng.chance(50) {
                rng.next().to_string()
            } else {
                random_text(rng).replace(['&', '#', ' '], "%26")
            };
            format!("{}={value}", rng.pick(&NAMES))
        })
        .collect();
    pairs.join("&")
}

/// A random path segment: percent-encoded random bytes or random text.
fn random_segment(rng: &mut Rng) -> String {
    let len = 1 + rng.below(40);
    if rng.chance(50) {
        (0..len)
            .map(|_| format!("%{:02X}", rng.next() >> 56))
            .collect()
    } else {
        (0..len)
            .map(|_| char::from(*rng.pick(b"abcXYZ019-_.~!$'()*,;:@")))
            .collect()
    }
}

/// A few hundred seeded random requests per endpoint, within a time budget.
async fn random_barrage(probe: &mut Probe<'_>, scratch: &Scratch, targets: &[Target], key: &str) {
    const PER_ENDPOINT: usize = 300;
    let budget = Duration::from_secs(6);
    let mut rng = Rng::new(seed());

    for target in targets {
        let started = Instant::now();
        for _ in 0..PER_ENDPOINT {
            if started.elapsed() > budget {
                break;
            }
            let (content_type, body) = random_request(&mut rng, target);
            let with_key = target.key && rng.chance(90);
            probe
                .check(&Request {
                    method: target.method.clone(),
                    path: &target.path,
                    key: with_key.then_some(key),
                    content_type: content_type.as_deref().map(str::as_bytes),
                    body: Some(body),
                })
                .await;
        }
    }

    let started = Instant::now();
    for _ in 0..PER_ENDPOINT {
        if started.elapsed() > budget {
            break;
        }
        let query = random_query(&mut rng);
        for path in [
            format!("/permalink?{query}"),
            format!("/rooms/scratch-room/users?{query}"),
        ] {
            probe
                .check(&Request {
                    method: Method::GET,
                    path: &path,
                    key: Some(key),
                    content_type: None,
                    body: None,
                })
                .await;
        }
    }

    // Random garbage in the path segments of every route, any method.
    let patterns = [
        "/rooms/{}",
        "/rooms/{}/lock",
        "/rooms/{}/users",
        "/rooms/{}/users/{}",
        "/rooms/{}/messages",
        "/guests/{}",
        "/permalink/{}",
        "/permalink/{}/users",
        "/permalink/{}/users/{}",
    ];
    let methods = [
        Method::GET,
        Method::POST,
        Method::PUT,
        Method::DELETE,
        Method::PATCH,
    ];
    let started = Instant::now();
    for _ in 0..PER_ENDPOINT {
        if started.elapsed() > budget {
            break;
        }
        let mut path = (*rng.pick(&patterns)).to_owned();
        let mut method = rng.pick(&methods).clone();
        while path.contains("{}") {
            let segment = if rng.chance(20) {
                // A real key or id, but never to stop or delete with it.
                method = rng.pick(&[Method::GET, Method::POST]).clone();
                rng.pick(&[scratch.room_key.as_str(), scratch.pid.as_str()])
                    .to_string()
            } else {
                random_segment(&mut rng)
            };
            path = path.replacen("{}", &segment, 1);
        }
        probe
            .check(&Request {
                method,
                path: &path,
                key: rng.chance(50).then_some(key),
                content_type: Some(b"application/json"),
                body: Some(b"{\"user\": {\"name\": \"Ann\"}, \"name\": \"Ann\"}".to_vec()),
            })
            .await;
    }
}

/// Writes raw bytes to the server and reads the status of the answer;
/// `None` if there was none.
async fn raw_http(base: &str, request: &[u8]) -> Option<u16> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.ok()?;
    // The server may answer and close before it has read everything.
    let _ = stream.write_all(request).await;
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer));
    let _ = read.await;
    let head = String::from_utf8_lossy(&answer);
    head.strip_prefix("HTTP/1.1 ")?.get(..3)?.parse().ok()
}

/// Stops the server and starts a new one on the same data folder.
async fn restart(app: &mut TestApp) {
    app.stop().await;
    let server = server::start(ServerOptions {
        listen: "127.0.0.1:0".parse().expect("address"),
        data_dir: app.dir.path().to_owned(),
        api_url: None,
        app_url: None,
        timeouts: Timeouts::default(),
        tls: None,
        api_key: Some(app.key.clone()),
        clock: Arc::new(app.clock.clone()),
        sweep_every: Duration::from_secs(3600),
    })
    .await
    .expect("the server starts again on the same data");
    app.base = format!("http://{}", server.local_addr);
    app.server = Some(server);
}

/// The server still answers normally.
async fn assert_alive(app: &TestApp, after: &str) {
    let reply = app.get("/rooms").await;
    assert_eq!(reply.status, 200, "after {after}: {}", reply.text);
}

/// A server with the kept things and the scratch things.
async fn setup() -> (TestApp, Kept, Scratch) {
    let app = TestApp::start().await;
    let kept = Kept::make(&app).await;
    let scratch = Scratch::make(&app).await;
    (app, kept, scratch)
}

/// After a barrage: the server answers, what was kept is unchanged, also
/// after a restart, and still works; the scratch permalink, shaken hard,
/// still reads back.
async fn verify(mut app: TestApp, kept: &Kept, scratch: &Scratch, after: &str) {
    assert_alive(&app, after).await;
    kept.assert_unchanged(&app, after).await;
    restart(&mut app).await;
    kept.assert_unchanged(&app, &format!("{after}, then a restart"))
        .await;
    kept.assert_working(&app).await;
    app.get(&format!("/permalink/{}", scratch.pid))
        .await
        .expect(200);
    app.get_anon(&format!("/permalink/{}", scratch.user_token))
        .await
        .expect(200);
}

#[tokio::test]
async fn refused_input_applies_nothing() {
    let (app, kept, scratch) = setup().await;
    let key = app.key.clone();
    let mut probe = Probe::new(&app);
    refuse_at_kept(&mut probe, &kept, &key).await;
    probe.finish("bad input at the kept permalink and meeting");
    verify(app, &kept, &scratch, "bad input aimed at it").await;
}

#[tokio::test]
async fn wrong_types_for_every_documented_field() {
    let (app, kept, scratch) = setup().await;
    let key = app.key.clone();
    let mut probe = Probe::new(&app);
    wrong_types(&mut probe, &scratch.targets(), &key).await;
    probe.finish("wrong types for documented fields");
    verify(app, &kept, &scratch, "wrong types").await;
}

#[tokio::test]
async fn broken_bodies_in_every_content_type() {
    let (app, kept, scratch) = setup().await;
    let key = app.key.clone();
    let targets = scratch.targets();
    let mut probe = Probe::new(&app);
    for target in &targets {
        for (content_type, body, statuses) in broken_bodies() {
            let request = Request {
                method: target.method.clone(),
                path: &target.path,
                key: target.key.then_some(key.as_str()),
                content_type: Some(&content_type),
                body: Some(body),
            };
            if statuses.is_empty() {
                probe.check(&request).await;
            } else {
                probe.expect(&request, statuses).await;
            }
        }
    }
    too_large(&mut probe, &targets, &key).await;
    probe.finish("broken bodies");
    verify(app, &kept, &scratch, "broken bodies").await;
}

#[tokio::test]
async fn odd_paths_methods_and_queries() {
    let (app, kept, scratch) = setup().await;
    let key = app.key.clone();
    let mut probe = Probe::new(&app);
    odd_paths(&mut probe, &scratch, &key).await;
    probe.finish("odd paths, methods and queries");
    verify(app, &kept, &scratch, "odd paths").await;
}

#[tokio::test]
async fn seeded_random_requests() {
    let (app, kept, scratch) = setup().await;
    let key = app.key.clone();
    let mut probe = Probe::new(&app);
    random_barrage(&mut probe, &scratch, &scratch.targets(), &key).await;
    let seed = seed();
    probe.finish(&format!("random requests (seed {seed})"));
    verify(app, &kept, &scratch, "random requests").await;
}
