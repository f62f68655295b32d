//! The HTTP layer of anteroom: the Eyeson-compatible REST API.
//!
//! [`router`] builds the whole route table over an [`AppState`]. Handlers
//! live in `routes`, one module per resource; they read every request
//! through one decoder ([`decode`]) and answer failures with one error type
//! ([`ApiError`]). Changes to meetings go through [`Meetings`], which also
//! ends idle and empty meetings when [`Meetings::sweep`] is called.

mod access_log;
mod app;
mod auth;
pub mod clock;
pub mod config;
pub mod decode;
pub mod error;
pub mod events;
mod extract;
pub mod meetings;
mod observer;
pub mod openapi;
pub mod realtime;
mod root;
mod router;
mod routes;
pub mod state;
pub mod webhooks;
pub mod wire;

pub use clock::{Clock, ManualClock, SystemClock};
pub use config::ApiConfig;
pub use error::ApiError;
pub use meetings::Meetings;
pub use router::router;
pub use state::AppState;
