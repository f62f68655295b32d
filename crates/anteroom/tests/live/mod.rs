//! Helpers for the live connections: a server with short realtime timings,
//! a WebSocket client that speaks the participant protocol, and a reader of
//! server-sent events.

#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use time::OffsetDateTime;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message as Frame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use anteroom::server::{self, ServerOptions};
use anteroom_api::ManualClock;
use anteroom_api::config::RealtimeTimings;
use anteroom_domain::Timeouts;

use crate::common::TestApp;

/// The grace period the tests run with.
pub const GRACE: Duration = Duration::from_millis(600);

/// How long a test waits for something that should come.
pub const PATIENCE: Duration = Duration::from_secs(2);

/// Timings short enough to test without long sleeps.
pub fn quick() -> RealtimeTimings {
    RealtimeTimings {
        grace: GRACE,
        ping_every: Duration::from_millis(300),
        idle: Duration::from_secs(5),
        waiting_keepalive: Duration::from_millis(400),
    }
}

/// A fresh server with these realtime timings.
pub async fn start(timings: RealtimeTimings) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let clock = ManualClock::new(OffsetDateTime::now_utc());
    let key = format!("live{}x{}keyforthetests", std::process::id(), next());
    let options = ServerOptions {
        listen: "127.0.0.1:0".parse().expect("address"),
        data_dir: dir.path().to_owned(),
        api_url: None,
        app_url: None,
        timeouts: Timeouts::default(),
        tls: None,
        api_key: Some(key.clone()),
        clock: Arc::new(clock.clone()),
        sweep_every: Duration::from_secs(3600),
    };
    let server = server::start_with(options, timings)
        .await
        .expect("server starts");
    let base = format!("http://{}", server.local_addr);
    TestApp {
        server: Some(server),
        clock,
        client: reqwest::Client::new(),
        key,
        base,
        dir,
    }
}

fn next() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// One participant's realtime connection.
pub struct Client {
    socket: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

/// How a connection ended, as the client saw it.
#[derive(Debug, PartialEq, Eq)]
pub struct Closed {
    /// The `closed` message, if one came first.
    pub message: Option<Value>,
    pub code: Option<u16>,
}

impl Client {
    /// Connects with an access key; panics if refused.
    pub async fn connect(app: &TestApp, access_key: &str) -> Self {
        let url = ws_url(app, access_key);
        let (socket, _) = tokio_tungstenite::connect_async(url)
            .await
            .expect("the upgrade succeeds");
        Self { socket }
    }

    /// Connects and reads the `welcome`.
    pub async fn join(app: &TestApp, access_key: &str) -> (Self, Value) {
        let mut client = Self::connect(app, access_key).await;
        let welcome = client.next().await;
        assert_eq!(welcome["type"], "welcome", "{welcome}");
        (client, welcome)
    }

    /// Sends a message.
    pub async fn send(&mut self, message: Value) {
        self.send_frame(Frame::text(message.to_string())).await;
    }

    /// Sends any frame.
    pub async fn send_frame(&mut self, frame: Frame) {
        self.socket.send(frame).await.expect("frame sent");
    }

    /// The next message, waiting at most [`PATIENCE`].
    pub async fn next(&mut self) -> Value {
        tokio::time::timeout(PATIENCE, self.read())
            .await
            .expect("a message in time")
            .unwrap_or_else(|closed| panic!("connection closed: {closed:?}"))
    }

    /// The next message of this type, skipping others.
    pub async fn next_of(&mut self, kind: &str) -> Value {
        loop {
            let message = self.next().await;
            if message["type"] == kind {
                return message;
            }
        }
    }

    /// Asserts that no message comes within `wait`.
    pub async fn silent_for(&mut self, wait: Duration) {
        if let Ok(got) = tokio::time::timeout(wait, self.read()).await {
            panic!("expected nothing, got {got:?}");
        }
    }

    /// Reads until the connection closes, returning the `closed` message
    /// (if any came) and the close code. Other messages are skipped.
    pub async fn closed(&mut self) -> Closed {
        let mut message = None;
        let result = tokio::time::timeout(PATIENCE, async {
            loop {
                match self.read().await {
                    Ok(m) if m["type"] == "closed" => message = Some(m),
                    Ok(_) => {}
                    Err(code) => return code,
                }
            }
        })
        .await
        .expect("closed in time");
        Closed {
            message,
            code: result,
        }
    }

    /// Whether a WebSocket ping from the server comes within [`PATIENCE`];
    /// messages before it are skipped.
    pub async fn saw_ping(&mut self) -> bool {
        let ping = async {
            while let Some(Ok(frame)) = self.socket.next().await {
                if matches!(frame, Frame::Ping(_)) {
                    return true;
                }
            }
            false
        };
        tokio::time::timeout(PATIENCE, ping).await.unwrap_or(false)
    }

    /// Drops the TCP connection without a close handshake.
    pub fn drop_connection(self) {
        drop(self.socket);
    }

    /// Sends a close frame, as a browser tab does when it goes away.
    pub async fn close(mut self) {
        let _ = self.socket.close(None).await;
    }

    /// A message, or the close code once the connection ends.
    async fn read(&mut self) -> Result<Value, Option<u16>> {
        loop {
            match self.socket.next().await {
                Some(Ok(Frame::Text(text))) => {
                    return Ok(serde_json::from_str(text.as_str()).expect("JSON from the server"));
                }
                Some(Ok(Frame::Close(frame))) => {
                    return Err(frame.map(|f| u16::from(f.code)));
                }
                Some(Ok(_)) => {}
                Some(Err(_)) | None => return Err(None),
            }
        }
    }
}

/// The realtime URL of an access key.
pub fn ws_url(app: &TestApp, access_key: &str) -> String {
    let base = app.base.replacen("http://", "ws://", 1);
    format!("{base}/realtime?access_key={access_key}")
}

/// The status and JSON body of a refused upgrade.
pub async fn refused(app: &TestApp, access_key: &str) -> (u16, Value) {
    match tokio_tungstenite::connect_async(ws_url(app, access_key)).await {
        Ok(_) => panic!("the upgrade should be refused"),
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            let body = response.body().clone().unwrap_or_default();
            let json = serde_json::from_slice(&body).unwrap_or(Value::Null);
            (response.status().as_u16(), json)
        }
        Err(other) => panic!("refused with an HTTP answer, got {other}"),
    }
}

/// Close codes by number, for comparisons.
pub fn code(code: CloseCode) -> u16 {
    u16::from(code)
}

/// One server-sent event.
#[derive(Debug, Clone, PartialEq)]
pub enum Sse {
    Event { name: String, data: Value },
    Comment,
}

/// A server-sent events stream read chunk by chunk.
pub struct SseReader {
    response: reqwest::Response,
    buffer: String,
}

impl SseReader {
    /// Opens a stream; returns the response if it is not 200.
    pub async fn open(app: &TestApp, path: &str) -> Result<Self, reqwest::Response> {
        let response = app
            .client
            .get(format!("{}{path}", app.base))
            .send()
            .await
            .expect("request sent");
        if response.status() != 200 {
            return Err(response);
        }
        Ok(Self {
            response,
            buffer: String::new(),
        })
    }

    /// The next event or comment; `None` when the stream ended.
    pub async fn next(&mut self) -> Option<Sse> {
        tokio::time::timeout(PATIENCE, self.read())
            .await
            .expect("an event in time")
    }

    /// The next named event, skipping comments.
    pub async fn next_event(&mut self) -> Option<(String, Value)> {
        loop {
            match self.next().await? {
                Sse::Event { name, data } => return Some((name, data)),
                Sse::Comment => {}
            }
        }
    }

    /// Asserts that nothing, not even a comment, comes within `wait`.
    pub async fn silent_for(&mut self, wait: Duration) {
        if let Ok(got) = tokio::time::timeout(wait, self.read()).await {
            panic!("expected nothing, got {got:?}");
        }
    }

    async fn read(&mut self) -> Option<Sse> {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                return Some(parse_block(&block));
            }
            let chunk = self.response.chunk().await.expect("stream readable")?;
            self.buffer
                .push_str(std::str::from_utf8(&chunk).expect("utf-8"));
        }
    }
}

fn parse_block(block: &str) -> Sse {
    let mut name = None;
    let mut data = String::new();
    for line in block.lines() {
        if let Some(value) = line.strip_prefix("event:") {
            name = Some(value.trim().to_owned());
        } else if let Some(value) = line.strip_prefix("data:") {
            data.push_str(value.trim_start());
        }
    }
    match name {
        Some(name) => Sse::Event {
            name,
            data: serde_json::from_str(&data).unwrap_or(Value::Null),
        },
        None => Sse::Comment,
    }
}

/// A room with Ann (a user) and Gus (a guest), neither connected yet.
pub async fn room_with_a_guest(app: &TestApp) -> (Value, Value) {
    let ann = app.create_room("standup", "Ann").await;
    let token = ann["room"]["guest_token"].as_str().expect("guest token");
    let gus = app
        .post_anon(&format!("/guests/{token}"), json!({"name": "Gus"}))
        .await
        .expect(201)
        .body;
    (ann, gus)
}

/// The access key of a room response.
pub fn key(room: &Value) -> &str {
    room["access_key"].as_str().expect("access_key")
}

/// The participant id of a room response.
pub fn participant_id(room: &Value) -> &str {
    room["signaling"]["options"]["client_id"]
        .as_str()
        .expect("client_id")
}

/// Ann and Gus connected, each having read its welcome, Ann also Gus's
/// arrival.
pub async fn both_connected(app: &TestApp) -> (Value, Value, Client, Client) {
    let (ann, gus) = room_with_a_guest(app).await;
    let (mut a, _) = Client::join(app, key(&ann)).await;
    let (g, _) = Client::join(app, key(&gus)).await;
    let joined = a.next().await;
    assert_eq!(joined["type"], "participant_joined");
    (ann, gus, a, g)
}
