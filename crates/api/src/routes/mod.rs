//! Request handlers, one module per resource.

mod common;
pub mod messages;
pub mod permalinks;
pub mod rooms;
pub mod users;
