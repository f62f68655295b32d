//! Helpers for the integrator-facing events: the real binary with chosen
//! flags, a webhook receiver on 127.0.0.1 that can go down, answer errors
//! or hang, and an ActionCable client.

#![allow(dead_code, unused_imports)]

mod cable;
mod receiver;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

pub use cable::{Cable, ROOM_CHANNEL};
pub use receiver::{Answer, Received, Receiver, bodies, signed_with};

const BIN: &str = env!("CARGO_BIN_EXE_anteroom");

/// How long a test waits for something that should come.
pub const PATIENCE: Duration = Duration::from_secs(10);

/// The anteroom binary, running.
pub struct Binary {
    child: Child,
    pub api: String,
}

impl Binary {
    /// Starts `anteroom serve` on a data folder with extra flags.
    pub fn spawn(data: &Path, key: &str, flags: &[&str]) -> Self {
        let mut child = Command::new(BIN)
            .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
            .arg(data)
            .args(flags)
            .env("ANTEROOM_API_KEY", key)
            .env("ANTEROOM_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("binary starts");
        let stdout = child.stdout.take().expect("stdout");
        for line in BufReader::new(stdout).lines() {
            let line = line.expect("stdout line");
            if let Some(rest) = line.strip_prefix("anteroom ready ") {
                let api = rest
                    .split_whitespace()
                    .find_map(|part| part.strip_prefix("api="))
                    .expect("api= in the ready line")
                    .to_owned();
                return Self { child, api };
            }
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("no ready line");
    }

    /// The websocket base of the API.
    pub fn ws(&self) -> String {
        self.api.replacen("http://", "ws://", 1)
    }

    /// Stops it with SIGTERM and checks the exit.
    pub fn stop(mut self) {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-TERM", &pid]).status();
        assert!(sent.is_ok_and(|s| s.success()), "SIGTERM sent");
        let status = self.child.wait().expect("exit");
        assert!(status.success(), "clean exit: {status}");
    }

    /// Kills it outright, as a crash would.
    pub fn crash(mut self) {
        self.child.kill().expect("killed");
        self.child.wait().expect("reaped");
    }
}

/// A request to the binary; answers status and JSON (null when empty).
pub async fn call(
    method: reqwest::Method,
    url: String,
    key: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .request(method, url)
        .timeout(Duration::from_secs(10));
    if let Some(key) = key {
        request = request.header("Authorization", key);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// An in-process server whose webhooks may reach 127.0.0.1 and retry fast.
pub async fn start_app() -> crate::common::TestApp {
    use anteroom::server::{self, ServerOptions};
    use anteroom_api::webhooks::WebhookConfig;

    let dir = tempfile::tempdir().expect("temp dir");
    let clock = anteroom_api::ManualClock::new(time::OffsetDateTime::now_utc());
    let key = format!(
        "hooks{}x{}keyforthetests",
        std::process::id(),
        rand_suffix()
    );
    let options = ServerOptions {
        listen: "127.0.0.1:0".parse().expect("address"),
        data_dir: dir.path().to_owned(),
        api_url: None,
        app_url: None,
        timeouts: anteroom_domain::Timeouts::default(),
        tls: None,
        api_key: Some(key.clone()),
        clock: Arc::new(clock.clone()),
        sweep_every: Duration::from_secs(3600),
    };
    let webhooks = WebhookConfig {
        allow_private: true,
        backoff_base: Duration::from_millis(50),
        backoff_max: Duration::from_millis(500),
        ..WebhookConfig::default()
    };
    let realtime = anteroom_api::config::RealtimeTimings::default();
    let server = server::start_with_webhooks(options, realtime, webhooks)
        .await
        .expect("server starts");
    let base = format!("http://{}", server.local_addr);
    crate::common::TestApp {
        server: Some(server),
        clock,
        client: reqwest::Client::new(),
        key,
        base,
        dir,
    }
}

fn rand_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}
