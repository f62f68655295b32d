//! Settings the HTTP layer needs.

use std::time::Duration;

use anteroom_domain::Timeouts;

/// How links are built and how long meetings wait (D1, D8).
#[derive(Clone, Debug)]
pub struct ApiConfig {
    /// Base of REST links, without a trailing slash.
    pub api_url: String,
    /// Base of UI links, without a trailing slash.
    pub app_url: String,
    /// When idle and empty meetings end.
    pub timeouts: Timeouts,
    /// The timings of the live connections (`docs/realtime.md`).
    pub realtime: RealtimeTimings,
    /// How webhooks are delivered (`docs/webhooks.md`).
    pub webhooks: crate::webhooks::WebhookConfig,
}

/// How long the live connections wait for things. The defaults are the
/// ones `docs/realtime.md` promises; tests shorten them instead of sleeping.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RealtimeTimings {
    /// How long a participant whose connection dropped stays in the
    /// meeting, so that a reconnect shows no departure.
    pub grace: Duration,
    /// How often the server pings a participant's WebSocket.
    pub ping_every: Duration,
    /// How long a participant's connection may send nothing before it is
    /// closed.
    pub idle: Duration,
    /// How often a waiting page's stream gets a keep-alive comment; its
    /// token is checked again at the same time.
    pub waiting_keepalive: Duration,
}

impl Default for RealtimeTimings {
    fn default() -> Self {
        Self {
            grace: Duration::from_secs(10),
            ping_every: Duration::from_secs(15),
            idle: Duration::from_secs(45),
            waiting_keepalive: Duration::from_secs(15),
        }
    }
}

impl ApiConfig {
    /// The base for `links.websocket`: `api_url` with a `ws` scheme (D2).
    pub fn websocket_base(&self) -> String {
        if let Some(rest) = self.api_url.strip_prefix("https://") {
            format!("wss://{rest}")
        } else if let Some(rest) = self.api_url.strip_prefix("http://") {
            format!("ws://{rest}")
        } else {
            self.api_url.clone()
        }
    }
}
