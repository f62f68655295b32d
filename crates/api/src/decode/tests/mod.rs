//! Tests of the request decoder, with small encoders that turn one list of
//! `key=value` pairs into each encoding the clients send.

mod brackets;
mod encodings;
mod errors;
mod fuzz;
mod params;

use serde_json::{Map, Value};

use super::{DecodeError, decode_body};

const JSON: &str = "application/json";
const FORM: &str = "application/x-www-form-urlencoded";
const BOUNDARY: &str = "----anteroomTestBoundary7MA4YWxk";

fn multipart_type() -> String {
    format!("multipart/form-data; boundary={BOUNDARY}")
}

/// Decodes a body that must decode.
fn decode(content_type: Option<&str>, body: impl AsRef<[u8]>) -> Map<String, Value> {
    match decode_body(content_type, body.as_ref()) {
        Ok(map) => map,
        Err(err) => panic!("decoding failed: {err}"),
    }
}

/// The message of a body that must be refused as malformed.
fn malformed(content_type: Option<&str>, body: impl AsRef<[u8]>) -> String {
    match decode_body(content_type, body.as_ref()) {
        Err(DecodeError::Malformed(message)) => message,
        other => panic!("expected a malformed body, got {other:?}"),
    }
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => panic!("not an object: {other}"),
    }
}

fn form_body(pairs: &[(&str, &str)]) -> String {
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    for (key, value) in pairs {
        serializer.append_pair(key, value);
    }
    serializer.finish()
}

/// A body as browsers build it from `FormData`.
fn multipart_body(pairs: &[(&str, &str)]) -> Vec<u8> {
    let mut body = Vec::new();
    for (key, value) in pairs {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{key}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// A JSON object with flat bracketed keys, as in the docs' curl examples. A
/// key given more than once (`users[]`) becomes one key with a list.
fn flat_json_body(pairs: &[(&str, &str)]) -> String {
    let mut object = Map::new();
    for (key, value) in pairs {
        let value = Value::String((*value).to_owned());
        match object.get_mut(*key) {
            Some(Value::Array(items)) => items.push(value),
            Some(first) => *first = Value::Array(vec![first.take(), value]),
            None => {
                object.insert((*key).to_owned(), value);
            }
        }
    }
    Value::Object(object).to_string()
}
