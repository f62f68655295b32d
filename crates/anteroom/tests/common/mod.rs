//! The test harness: a real server on a temporary SQLite file, reached
//! through a real HTTP client, with a clock the test moves.

#![allow(dead_code)]

pub mod encoding;

use std::sync::Arc;
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::Value;
use tempfile::TempDir;
use time::OffsetDateTime;

use anteroom::keys;
use anteroom::server::{self, RunningServer, ServerOptions};
use anteroom_api::events::RoomEvent;
use anteroom_api::{Clock, ManualClock};
use anteroom_domain::{AccessKey, MeetingId, Timeouts};
use tokio::sync::broadcast;

pub use encoding::Encoding;

/// A running server and what a test needs to talk to it.
pub struct TestApp {
    pub server: Option<RunningServer>,
    pub clock: ManualClock,
    pub client: reqwest::Client,
    /// The API key of the first team.
    pub key: String,
    pub base: String,
    pub dir: TempDir,
}

/// The bases of links a test server is given; none means the defaults.
#[derive(Default)]
struct Links {
    api_url: Option<String>,
    app_url: Option<String>,
}

/// A response: status and JSON body (null when empty).
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub body: Value,
    pub text: String,
}

impl Reply {
    /// The body's field at a `/`-separated JSON pointer, as text.
    pub fn str(&self, pointer: &str) -> String {
        self.body
            .pointer(pointer)
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no string at {pointer} in {}", self.text))
            .to_owned()
    }

    /// Asserts the status, showing the body if it differs.
    #[track_caller]
    pub fn expect(self, status: u16) -> Self {
        assert_eq!(self.status.as_u16(), status, "body: {}", self.text);
        self
    }

    /// Asserts an error status with a `{"error": "..."}` body.
    #[track_caller]
    pub fn expect_error(self, status: u16) -> Self {
        assert_eq!(self.status.as_u16(), status, "body: {}", self.text);
        assert!(
            self.body.get("error").and_then(Value::as_str).is_some(),
            "error body expected, got {}",
            self.text
        );
        self
    }
}

impl TestApp {
    /// A fresh server with default timeouts.
    pub async fn start() -> Self {
        Self::start_with(Timeouts::default(), Duration::from_secs(3600)).await
    }

    /// A fresh server with chosen timeouts and sweep interval.
    pub async fn start_with(timeouts: Timeouts, sweep_every: Duration) -> Self {
        Self::launch(timeouts, sweep_every, Links::default()).await
    }

    /// A fresh server whose links are built on these bases (D1); requests
    /// still go to the local address.
    pub async fn start_with_links(api_url: &str, app_url: &str) -> Self {
        let links = Links {
            api_url: Some(api_url.to_owned()),
            app_url: Some(app_url.to_owned()),
        };
        Self::launch(Timeouts::default(), Duration::from_secs(3600), links).await
    }

    async fn launch(timeouts: Timeouts, sweep_every: Duration, links: Links) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let clock = ManualClock::new(OffsetDateTime::now_utc());
        let key = format!("test{}", keys_suffix());
        let server = server::start(ServerOptions {
            listen: "127.0.0.1:0".parse().expect("address"),
            data_dir: dir.path().to_owned(),
            api_url: links.api_url,
            app_url: links.app_url,
            timeouts,
            tls: None,
            api_key: Some(key.clone()),
            clock: Arc::new(clock.clone()),
            sweep_every,
        })
        .await
        .expect("server starts");
        let base = format!("http://{}", server.local_addr);
        Self {
            server: Some(server),
            clock,
            client: reqwest::Client::new(),
            key,
            base,
            dir,
        }
    }

    /// The running server.
    pub fn server(&self) -> &RunningServer {
        self.server.as_ref().expect("server runs")
    }

    /// The api url the server puts in links.
    pub fn api_url(&self) -> String {
        self.server().api_url.clone()
    }

    /// Makes an API key for another team.
    pub async fn other_team_key(&self, team: &str) -> String {
        let store = self.server().state.store.clone();
        let (_, plain) = keys::create(store.as_ref(), team, self.clock.now())
            .await
            .expect("key created");
        plain
    }

    /// Ends whatever meetings are due now.
    pub async fn sweep(&self) {
        self.server().state.meetings.sweep().await.expect("sweep");
    }

    /// Moves time forward.
    pub fn advance(&self, seconds: i64) {
        self.clock.advance(time::Duration::seconds(seconds));
    }

    /// Any request; `key` is sent as `Authorization` when given.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        key: Option<&str>,
        body: Option<(Encoding, &Value)>,
    ) -> Reply {
        let mut request = self.client.request(method, format!("{}{path}", self.base));
        if let Some(key) = key {
            request = request.header("Authorization", key);
        }
        if let Some((encoding, value)) = body {
            let (content_type, bytes) = encoding.encode(value);
            request = request.header("Content-Type", content_type).body(bytes);
        }
        let response = request.send().await.expect("request sent");
        let status = response.status();
        let text = response.text().await.expect("body read");
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::Null)
        };
        Reply { status, body, text }
    }

    /// GET with the team's key.
    pub async fn get(&self, path: &str) -> Reply {
        self.send(Method::GET, path, Some(&self.key), None).await
    }

    /// GET without a key.
    pub async fn get_anon(&self, path: &str) -> Reply {
        self.send(Method::GET, path, None, None).await
    }

    /// POST nested JSON with the team's key.
    pub async fn post(&self, path: &str, body: Value) -> Reply {
        self.send(
            Method::POST,
            path,
            Some(&self.key),
            Some((Encoding::NestedJson, &body)),
        )
        .await
    }

    /// POST nested JSON without a key.
    pub async fn post_anon(&self, path: &str, body: Value) -> Reply {
        self.send(
            Method::POST,
            path,
            None,
            Some((Encoding::NestedJson, &body)),
        )
        .await
    }

    /// PUT nested JSON with the team's key.
    pub async fn put(&self, path: &str, body: Value) -> Reply {
        self.send(
            Method::PUT,
            path,
            Some(&self.key),
            Some((Encoding::NestedJson, &body)),
        )
        .await
    }

    /// DELETE with the team's key.
    pub async fn delete(&self, path: &str) -> Reply {
        self.send(Method::DELETE, path, Some(&self.key), None).await
    }

    /// DELETE without a key.
    pub async fn delete_anon(&self, path: &str) -> Reply {
        self.send(Method::DELETE, path, None, None).await
    }

    /// Creates a permalink with a host named Ann; returns the response body.
    pub async fn create_permalink(&self, extra: Value) -> Value {
        let mut body = serde_json::json!({"user": {"name": "Ann"}, "name": "Standup"});
        merge(&mut body, extra);
        self.post("/permalink", body).await.expect(201).body
    }

    /// `POST /permalink/<user_token>`: a host starts or joins its meeting.
    pub async fn start_permalink(&self, user_token: &str) -> Reply {
        let path = format!("/permalink/{user_token}");
        self.send(Method::POST, &path, None, None).await
    }

    /// Starts a room meeting for a user; returns the room response.
    pub async fn create_room(&self, room_id: &str, user: &str) -> Value {
        let body = serde_json::json!({"id": room_id, "name": "Room", "user": {"name": user}});
        self.post("/rooms", body).await.expect(201).body
    }

    /// The meeting a room response's access key belongs to.
    pub async fn meeting_of(&self, room: &Value) -> MeetingId {
        let key = AccessKey::new(room["access_key"].as_str().expect("access_key"));
        let (_, meeting) = self
            .server()
            .state
            .store
            .find_participant(&key)
            .await
            .expect("store answers")
            .expect("a participant with this access key");
        meeting.id
    }

    /// Opens a realtime connection for a room response's access key, the
    /// way the realtime layer reports it; false if the meeting has ended.
    pub async fn connect(&self, room: &Value) -> bool {
        let meeting = self.meeting_of(room).await;
        self.server()
            .state
            .meetings
            .connected(&meeting, &access_key(room))
            .await
            .expect("store answers")
    }

    /// Closes the realtime connection opened by [`TestApp::connect`].
    pub async fn disconnect(&self, room: &Value) {
        let meeting = self.meeting_of(room).await;
        self.server()
            .state
            .meetings
            .disconnected(&meeting, &access_key(room));
    }

    /// Listens to the events of a room response's meeting from now on.
    pub async fn subscribe(&self, room: &Value) -> broadcast::Receiver<RoomEvent> {
        let meeting = self.meeting_of(room).await;
        self.server().state.meetings.hub().subscribe(&meeting)
    }

    /// Stops the server, keeping its data folder.
    pub async fn stop(&mut self) {
        if let Some(server) = self.server.take() {
            server.shutdown().await.expect("clean shutdown");
        }
    }
}

/// The access key of a room response.
pub fn access_key(room: &Value) -> AccessKey {
    AccessKey::new(room["access_key"].as_str().expect("access_key"))
}

/// The next event a subscriber receives, waiting at most a second; the
/// presence events (started, joined, online, offline) are skipped.
pub async fn next_event(events: &mut broadcast::Receiver<RoomEvent>) -> RoomEvent {
    loop {
        let event = tokio::time::timeout(Duration::from_secs(1), events.recv())
            .await
            .expect("an event within a second")
            .expect("the channel is open");
        if !is_presence(&event) {
            return event;
        }
    }
}

/// Every event received so far, presence events included.
pub fn received(events: &mut broadcast::Receiver<RoomEvent>) -> Vec<RoomEvent> {
    let mut seen = Vec::new();
    while let Ok(event) = events.try_recv() {
        seen.push(event);
    }
    seen
}

/// Whether an event only tells who is there.
pub fn is_presence(event: &RoomEvent) -> bool {
    matches!(
        event,
        RoomEvent::Started
            | RoomEvent::Joined { .. }
            | RoomEvent::Online { .. }
            | RoomEvent::Offline { .. }
    )
}

/// Whether text is a timestamp like `2024-05-14T13:34:19.468Z` (spec 1.5).
pub fn is_millis_timestamp(text: &str) -> bool {
    let b = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| b[range].iter().all(u8::is_ascii_digit);
    b.len() == 24
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && b[10] == b'T'
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19)
        && b[19] == b'.'
        && digits(20..23)
        && b[23] == b'Z'
}

/// The time formatted the way the API shows it.
pub fn millis(at: OffsetDateTime) -> String {
    anteroom_domain::timestamp::format_millis(at)
}

/// Asserts that a JSON object has exactly these keys.
#[track_caller]
pub fn assert_keys(value: &Value, keys: &[&str]) {
    let object = value
        .as_object()
        .unwrap_or_else(|| panic!("an object expected, got {value}"));
    let mut have: Vec<&str> = object.keys().map(String::as_str).collect();
    let mut want = keys.to_vec();
    have.sort_unstable();
    want.sort_unstable();
    assert_eq!(have, want, "keys of {value}");
}

/// Whether text is a token or access key: 24 characters of `[A-Za-z0-9]` (D4).
pub fn is_token(text: &str) -> bool {
    text.len() == 24 && text.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Whether text is a generated id: 24 lowercase hex characters (D4).
pub fn is_hex_id(text: &str) -> bool {
    text.len() == 24 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Adds the fields of `extra` to `body`, recursively.
pub fn merge(body: &mut Value, extra: Value) {
    match (body, extra) {
        (Value::Object(into), Value::Object(from)) => {
            for (key, value) in from {
                match into.get_mut(&key) {
                    Some(slot) if slot.is_object() && value.is_object() => merge(slot, value),
                    _ => {
                        into.insert(key, value);
                    }
                }
            }
        }
        (slot, value) => *slot = value,
    }
}

fn keys_suffix() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("{}x{n}xkeyforthetests", std::process::id())
}
