//! `multipart/form-data` bodies, as the browser library sends them.

use std::convert::Infallible;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use bytes::Bytes;
use serde_json::{Map, Value, json};

use super::DecodeError;
use super::brackets::Tree;

/// One part of the body, read to its end.
struct Part {
    name: Option<String>,
    file_name: Option<String>,
    content_type: Option<String>,
    data: Bytes,
}

/// Decodes a multipart body into a nested object. Text fields become strings.
///
/// A file part (one with a `filename`) becomes a summary
/// `{"filename": ..., "content_type": ..., "size": ...}` rather than its
/// bytes: routes that take uploads (layers) can see that a file was sent, but
/// the decoded parameters stay small and printable.
pub(crate) fn decode(content_type: &str, body: &[u8]) -> Result<Map<String, Value>, DecodeError> {
    // RFC 2046 wants 1 to 70 characters; `multer` accepts `boundary=` as an
    // empty one, which would make any `--` in the body a delimiter.
    let boundary = multer::parse_boundary(content_type)
        .ok()
        .filter(|boundary| !boundary.is_empty())
        .ok_or_else(|| DecodeError::malformed("multipart content type has no boundary"))?;

    let parts = match poll_once(read_parts(boundary, Bytes::copy_from_slice(body))) {
        Some(Ok(parts)) => parts,
        Some(Err(_)) | None => return Err(DecodeError::malformed("multipart body is malformed")),
    };

    let mut tree = Tree::new();
    for part in parts {
        // A part without a name has no parameter to fill.
        let Some(name) = part.name else { continue };
        let value = match part.file_name {
            Some(file_name) => json!({
                "filename": file_name,
                "content_type": part.content_type,
                "size": part.data.len(),
            }),
            None => Value::String(
                String::from_utf8(part.data.to_vec())
                    .map_err(|_| DecodeError::malformed("request body is not valid UTF-8"))?,
            ),
        };
        tree.insert(&name, value)?;
    }
    Ok(tree.into_map())
}

async fn read_parts(boundary: String, body: Bytes) -> Result<Vec<Part>, multer::Error> {
    let stream = futures_util::stream::once(async move { Ok::<_, Infallible>(body) });
    let mut multipart = multer::Multipart::new(stream, boundary);

    let mut parts = Vec::new();
    while let Some(field) = multipart.next_field().await? {
        let name = field.name().map(str::to_owned);
        let file_name = field.file_name().map(str::to_owned);
        let content_type = field.content_type().map(ToString::to_string);
        let data = field.bytes().await?;
        parts.push(Part {
            name,
            file_name,
            content_type,
            data,
        });
    }
    Ok(parts)
}

/// Runs a future that never waits. `multer` is written for streamed bodies,
/// but ours is already in memory: the stream yields all of it on the first
/// poll, so the parser always finishes (or fails) without pending. `None`
/// means it pended anyway, which we treat as a malformed body rather than
/// spin or block.
fn poll_once<F: Future>(future: F) -> Option<F::Output> {
    let future = pin!(future);
    match future.poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(output) => Some(output),
        Poll::Pending => None,
    }
}
