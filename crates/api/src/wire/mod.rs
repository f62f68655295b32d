//! The JSON shapes of the wire contract (spec section 2), built from domain
//! values. Field names, null versus absent, and types follow the spec
//! exactly, because the official SDKs decode them into fixed structs.

pub mod options;
pub mod permalink;
pub mod room;
pub mod user;

use serde::Serialize;
use utoipa::ToSchema;

/// The team a room or permalink belongs to.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct TeamView {
    pub name: String,
}
