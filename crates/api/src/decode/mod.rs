//! Request decoding shared by every route (decision D6).
//!
//! The official clients disagree on how to send a request: the Node SDK sends
//! nested JSON, the Go and PHP SDKs send form-urlencoded bodies with bracketed
//! keys, the browser library sends `multipart/form-data`, and the docs' curl
//! examples send JSON objects with flat bracketed keys. Every route therefore
//! decodes its body here, into one nested JSON object, so that the same
//! logical request looks the same to the handler whatever encoding it came in.
//!
//! The decoder is pure: it takes a content type and bytes that were already
//! read, and never does IO. Handlers then read parameters through [`Params`],
//! whose accessors are lenient about types, because form and multipart values
//! are always strings (`"true"`, `"1"`, `"42"`).
//!
//! ```
//! use anteroom_api::decode::{Params, decode_body};
//!
//! let body = b"user[name]=Ann&options[widescreen]=true&users[]=a&users[]=b";
//! let params = Params::from(
//!     decode_body(Some("application/x-www-form-urlencoded"), body).unwrap(),
//! );
//! assert_eq!(params.str("user.name").unwrap().as_deref(), Some("Ann"));
//! assert_eq!(params.bool("options.widescreen").unwrap(), Some(true));
//! assert_eq!(params.str_list("users").unwrap().unwrap(), ["a", "b"]);
//! ```

mod body;
mod brackets;
mod form;
mod keys;
mod multipart;
mod params;

#[cfg(test)]
mod tests;

pub use body::{decode_body, decode_query};
pub use params::{ParamError, Params};

/// Bodies larger than this are refused with [`DecodeError::TooLarge`] (D7).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// How deep parameters may nest, counting both JSON nesting and bracketed key
/// segments. Real requests nest three levels at most
/// (`options[custom_fields][locale]`); the limit keeps hostile input from
/// exhausting the stack.
pub const MAX_DEPTH: usize = 32;

/// What went wrong turning a body into parameters.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The body is larger than [`MAX_BODY_BYTES`]; the client should get 413.
    #[error("request body is larger than 1 MiB")]
    TooLarge,
    /// The body cannot be decoded; the message is short, lowercase and safe to
    /// send to the client with a 400.
    #[error("{0}")]
    Malformed(String),
}

impl DecodeError {
    fn malformed(message: impl Into<String>) -> Self {
        DecodeError::Malformed(message.into())
    }
}
