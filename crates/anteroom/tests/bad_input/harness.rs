//! The barrage's shared harness: requests and the probe that sends them and
//! judges every answer, the limits and the multipart boundary the bodies
//! use, and the endpoints that take a body with their documented fields.

use std::time::Instant;

use reqwest::Method;
use reqwest::header::HeaderValue;
use serde_json::{Map, Value, json};

use crate::common::TestApp;

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

/// The boundary [`Encoding::Multipart`](crate::common::Encoding::Multipart) uses.
pub const BOUNDARY: &str = "anteroomtestboundary7MA4YWxkTrZu0gW";

/// Two MiB, twice the limit.
pub const TWO_MIB: usize = 2 * 1024 * 1024;

/// The 1 MiB limit of D7.
pub const ONE_MIB: usize = 1024 * 1024;

/// What came back.
#[derive(Debug)]
pub struct Answer {
    status: u16,
    content_type: String,
    text: String,
}

/// One request, described for failure messages.
pub struct Request<'a> {
    pub method: Method,
    pub path: &'a str,
    pub key: Option<&'a str>,
    pub content_type: Option<&'a [u8]>,
    pub body: Option<Vec<u8>>,
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
pub struct Probe<'a> {
    pub app: &'a TestApp,
    pub failures: Vec<String>,
    pub sent: usize,
    started: Instant,
}

impl<'a> Probe<'a> {
    pub fn new(app: &'a TestApp) -> Self {
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
    pub async fn check(&mut self, request: &Request<'_>) -> Option<Answer> {
        let answer = self.send(request).await?;
        if let Some(problem) = problem(&answer) {
            self.fail(request, problem);
        }
        Some(answer)
    }

    /// Like [`Probe::check`], and the status must be one of `statuses`.
    pub async fn expect(&mut self, request: &Request<'_>, statuses: &[u16]) -> Option<Answer> {
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
    pub fn finish(self, phase: &str) {
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

/// Every documented room option (spec 2.3), with a valid value.
pub fn valid_options() -> Value {
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

pub fn user_body() -> Value {
    json!({"name": "Ann", "id": "ann", "avatar": "https://example.com/ann.png"})
}

/// An endpoint that reads a body, with a valid body and its documented
/// fields as dotted paths.
pub struct Target {
    pub method: Method,
    pub path: String,
    pub key: bool,
    pub valid: Value,
    pub fields: Vec<String>,
}

impl Target {
    pub fn new(method: Method, path: String, key: bool, valid: Value, fields: &[&str]) -> Self {
        Self {
            method,
            path,
            key,
            valid,
            fields: fields.iter().map(|f| (*f).to_owned()).collect(),
        }
    }
}

pub fn with_options(fields: &[&str]) -> Vec<String> {
    let mut all: Vec<String> = fields.iter().map(|f| (*f).to_owned()).collect();
    all.push("options".to_owned());
    all.extend(OPTION_FIELDS.iter().map(|f| format!("options.{f}")));
    all
}

/// Sets the field at a dotted path, making objects on the way.
pub fn set_path(body: &mut Value, path: &str, value: Value) {
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
