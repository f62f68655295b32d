//! A webhook receiver on 127.0.0.1 that can go down, answer errors or
//! hang, and keeps what it accepted.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::CONNECTION;
use axum::http::{HeaderMap, StatusCode};
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio::task::JoinHandle;

/// One request the receiver got.
#[derive(Clone, Debug)]
pub struct Received {
    pub body: Vec<u8>,
    pub signature: Option<String>,
    pub delivery: Option<String>,
}

impl Received {
    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }
}

/// How the receiver answers.
#[derive(Clone, Copy, Debug)]
pub enum Answer {
    Accept,
    Fail(u16),
    Hang(Duration),
}

struct Inbox {
    got: Mutex<Vec<Received>>,
    answer: Mutex<Answer>,
    arrived: Notify,
}

/// A webhook receiver on 127.0.0.1 that keeps everything it accepted.
pub struct Receiver {
    pub port: u16,
    inbox: Arc<Inbox>,
    serving: Option<JoinHandle<()>>,
}

async fn hook(
    State(inbox): State<Arc<Inbox>>,
    headers: HeaderMap,
    body: Bytes,
) -> impl axum::response::IntoResponse {
    let answer = *inbox.answer.lock().unwrap_or_else(PoisonError::into_inner);
    let status = match answer {
        Answer::Accept => {
            let header = |name: &str| {
                headers
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned)
            };
            let got = Received {
                body: body.to_vec(),
                signature: header("x-eyeson-signature"),
                delivery: header("x-anteroom-delivery"),
            };
            inbox
                .got
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(got);
            inbox.arrived.notify_waiters();
            StatusCode::CREATED
        }
        Answer::Fail(code) => StatusCode::from_u16(code).expect("status"),
        Answer::Hang(long) => {
            tokio::time::sleep(long).await;
            StatusCode::OK
        }
    };
    // No keep-alive, so that taking the listener down takes the receiver
    // down.
    (status, [(CONNECTION, "close")])
}

impl Receiver {
    /// Listens on a free port.
    pub async fn start() -> Self {
        let inbox = Arc::new(Inbox {
            got: Mutex::new(Vec::new()),
            answer: Mutex::new(Answer::Accept),
            arrived: Notify::new(),
        });
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let mut receiver = Self {
            port,
            inbox,
            serving: None,
        };
        receiver.serve(listener);
        receiver
    }

    fn serve(&mut self, listener: TcpListener) {
        let app = axum::Router::new()
            .route("/hook", axum::routing::post(hook))
            .with_state(self.inbox.clone());
        self.serving = Some(tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        }));
    }

    /// The URL to register.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/hook", self.port)
    }

    /// Stops listening: connections are refused.
    pub async fn down(&mut self) {
        if let Some(task) = self.serving.take() {
            task.abort();
            let _ = task.await;
        }
    }

    /// Listens again on the same port.
    pub async fn up(&mut self) {
        let listener = TcpListener::bind(("127.0.0.1", self.port))
            .await
            .expect("the same port again");
        self.serve(listener);
    }

    /// Answers from now on this way.
    pub fn answer(&self, answer: Answer) {
        *self
            .inbox
            .answer
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = answer;
    }

    /// Everything accepted so far.
    pub fn received(&self) -> Vec<Received> {
        self.inbox
            .got
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Waits until `check` holds for what was accepted.
    pub async fn wait_until(
        &self,
        within: Duration,
        check: impl Fn(&[Received]) -> bool,
    ) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let arrived = self.inbox.arrived.notified();
            let got = self.received();
            if check(&got) {
                return got;
            }
            if tokio::time::timeout_at(deadline, arrived).await.is_err() {
                let got = self.received();
                assert!(check(&got), "not in time; got {:#?}", bodies(&got));
                return got;
            }
        }
    }
}

/// The bodies, for messages.
pub fn bodies(got: &[Received]) -> Vec<Value> {
    got.iter().map(Received::json).collect()
}

/// Checks a signature as the Go SDK does: hex HMAC-SHA256 of the raw body
/// keyed with the API key.
pub fn signed_with(key: &str, got: &Received) -> bool {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("any key length");
    mac.update(&got.body);
    got.signature.as_deref() == Some(hex::encode(mac.finalize().into_bytes()).as_str())
}
