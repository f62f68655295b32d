//! Settings the HTTP layer needs.

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
