//! One access line per request.
//!
//! The line is written inside the request's span, which carries the method,
//! the matched route (never the raw path, which holds tokens) and the room
//! and user ids that handlers add.

use std::time::Duration;

use axum::http::Response;
use tracing::Span;

/// Writes the access line when a response is ready.
pub fn on_response<B>(response: &Response<B>, latency: Duration, _span: &Span) {
    let status = response.status().as_u16();
    let duration_ms = latency.as_secs_f64() * 1000.0;
    if status >= 500 {
        tracing::error!(status, duration_ms, "request answered");
    } else {
        tracing::info!(status, duration_ms, "request answered");
    }
}
