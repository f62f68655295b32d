//! The live connections of `docs/realtime.md`: the participant's WebSocket
//! (`/realtime`) and the waiting page's event stream
//! (`/permalink/<token>/events`).
//!
//! A participant connection is a task ([`session`]) that owns its socket.
//! What each connection is told is decided by plain functions: the
//! per-meeting [`roster`] (who is there, the grace period after a drop, one
//! session per access key) and [`forward`] (what a hub event means). The
//! [`registry`] holds the rosters and queues their messages into each
//! connection's outbox. Meeting changes a client asks for go through the
//! meeting service and the hub, as the REST API's do. Media stays behind the
//! [`MediaPort`] trait.

mod forward;
mod inbound;
pub mod media;
pub mod protocol;
mod registry;
mod roster;
mod session;
mod upgrade;
pub mod waiting;

use utoipa::OpenApi;

pub use media::{MediaError, MediaPort, NoMedia};
pub use registry::Sessions;
pub use upgrade::connect;
pub use waiting::events as waiting_events;

/// The OpenAPI description of the live endpoints; the router merges it
/// into the REST API's document.
#[derive(OpenApi)]
#[openapi(paths(upgrade::connect, waiting::events))]
pub struct RealtimeDoc;
