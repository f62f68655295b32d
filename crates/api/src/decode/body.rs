//! Picks the decoder for a body from its content type, and decodes JSON.

use serde_json::{Map, Value};

use super::brackets::Tree;
use super::{DecodeError, MAX_BODY_BYTES, form, multipart};

/// How a body is to be read, from its `Content-Type`.
#[derive(Debug, PartialEq, Eq)]
enum Encoding {
    Json,
    Form,
    Multipart,
    /// No content type: guess, and fall back to form.
    Missing,
    /// `text/plain`: guess, but refuse what looks like neither JSON nor form.
    PlainText,
    Unsupported(String),
}

/// Decodes a request body into a nested JSON object, whatever encoding it
/// came in (D6).
///
/// JSON (`application/json` and any `+json` type), form-urlencoded and
/// multipart bodies are accepted; charset parameters are ignored and the body
/// must be UTF-8. Without a content type, a body that starts with `{` or `[`
/// is read as JSON and anything else as form. `text/plain` is guessed the
/// same way, and so is a "form" that starts with `{`: curl users forget the
/// header, and curl then labels JSON as a form.
///
/// An empty or all-whitespace body is an empty object in every encoding,
/// including a multipart content type with no body at all, which the browser
/// library sends to start a permalink meeting.
///
/// Bracketed keys are expanded in every encoding (`user[name]=Ann` is
/// `{"user": {"name": "Ann"}}`, `users[]` and `users[0]` build lists), and
/// form and multipart values stay strings; see [`Params`](super::Params)
/// for reading them leniently.
pub fn decode_body(
    content_type: Option<&str>,
    body: &[u8],
) -> Result<Map<String, Value>, DecodeError> {
    if body.len() > MAX_BODY_BYTES {
        return Err(DecodeError::TooLarge);
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }

    match classify(content_type) {
        Encoding::Json => decode_json(body),
        // `curl -d '{...}'` without `-H` sends JSON labelled as a form. No
        // form field name starts with `{`, so reading it as JSON loses nothing.
        Encoding::Form if looks_like_json(body) => decode_json(body),
        Encoding::Form => form::decode(body, "request body"),
        // `classify` only says multipart when there is a content type.
        Encoding::Multipart => multipart::decode(content_type.unwrap_or_default(), body),
        Encoding::Missing if looks_like_json(body) => decode_json(body),
        Encoding::Missing => form::decode(body, "request body"),
        Encoding::PlainText if looks_like_json(body) => decode_json(body),
        Encoding::PlainText if body.contains(&b'=') => form::decode(body, "request body"),
        Encoding::PlainText => Err(DecodeError::malformed(
            "request body is neither JSON nor form data",
        )),
        Encoding::Unsupported(essence) => Err(DecodeError::malformed(format!(
            "unsupported content type {essence}"
        ))),
    }
}

/// Decodes a URL query string (without the `?`) the same way as a
/// form-urlencoded body, bracketed keys included.
pub fn decode_query(query: &str) -> Result<Map<String, Value>, DecodeError> {
    form::decode(query.as_bytes(), "query string")
}

fn classify(content_type: Option<&str>) -> Encoding {
    let essence = content_type
        .and_then(|value| value.split(';').next())
        .map(|essence| essence.trim().to_ascii_lowercase())
        .unwrap_or_default();

    match essence.as_str() {
        "" => Encoding::Missing,
        "application/json" | "text/json" => Encoding::Json,
        json if json.ends_with("+json") => Encoding::Json,
        "application/x-www-form-urlencoded" => Encoding::Form,
        "multipart/form-data" => Encoding::Multipart,
        "text/plain" => Encoding::PlainText,
        _ => Encoding::Unsupported(essence.chars().take(64).collect()),
    }
}

/// `{` for an object, `[` so that a JSON list gets the "must be an object"
/// error rather than being read as an odd form field.
fn looks_like_json(body: &[u8]) -> bool {
    let body = body.strip_prefix(BOM).unwrap_or(body);
    matches!(
        body.iter().find(|b| !b.is_ascii_whitespace()),
        Some(b'{' | b'[')
    )
}

/// Some Windows tools start UTF-8 files with a byte order mark, which JSON
/// parsers reject; we skip it.
const BOM: &[u8] = b"\xEF\xBB\xBF";

fn decode_json(body: &[u8]) -> Result<Map<String, Value>, DecodeError> {
    let body = body.strip_prefix(BOM).unwrap_or(body);
    let text = std::str::from_utf8(body)
        .map_err(|_| DecodeError::malformed("request body is not valid UTF-8"))?;

    // serde_json stops at 128 levels of nesting by itself, so parsing cannot
    // exhaust the stack; the tree then enforces our own, lower limit.
    let value: Value = serde_json::from_str(text)
        .map_err(|err| DecodeError::malformed(format!("request body is not valid JSON: {err}")))?;
    let Value::Object(object) = value else {
        return Err(DecodeError::malformed("request body must be a JSON object"));
    };

    let mut tree = Tree::new();
    tree.insert_json(object)?;
    Ok(tree.into_map())
}

#[cfg(test)]
mod tests {
    use super::{Encoding, classify};

    #[test]
    fn classify_ignores_case_and_parameters() {
        assert_eq!(
            classify(Some("Application/JSON; charset=utf-8")),
            Encoding::Json
        );
        assert_eq!(classify(Some("application/vnd.api+json")), Encoding::Json);
        assert_eq!(
            classify(Some("multipart/form-data; boundary=x")),
            Encoding::Multipart
        );
        assert_eq!(classify(Some(" ")), Encoding::Missing);
        assert_eq!(classify(None), Encoding::Missing);
        assert_eq!(
            classify(Some("text/html")),
            Encoding::Unsupported("text/html".into())
        );
    }
}
