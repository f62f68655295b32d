//! The anteroom server: wires the store, the meeting domain and the HTTP
//! layer into one process.
//!
//! `main.rs` is the command line; [`server::start`] is what it and the
//! integration tests use to run a server.

pub mod cli;
pub mod keys;
pub mod media;
pub mod server;
