//! Bodies that must be refused, and what the client is told.

use serde_json::json;

use super::{BOUNDARY, FORM, JSON, decode, malformed, multipart_type, object};
use crate::decode::{DecodeError, MAX_BODY_BYTES, decode_body, decode_query};

#[test]
fn bodies_over_one_mib_are_too_large() {
    let mut body = vec![b' '; MAX_BODY_BYTES];
    assert_eq!(decode(Some(JSON), &body), object(json!({})));

    body.push(b' ');
    for content_type in [Some(JSON), Some(FORM), None] {
        assert_eq!(decode_body(content_type, &body), Err(DecodeError::TooLarge));
    }
    assert_eq!(
        DecodeError::TooLarge.to_string(),
        "request body is larger than 1 MiB"
    );
}

#[test]
fn the_root_must_be_a_json_object() {
    for body in ["[1, 2]", "\"text\"", "42", "true", "null"] {
        assert_eq!(
            malformed(Some(JSON), body),
            "request body must be a JSON object"
        );
    }
    // Sniffed without a content type too.
    assert_eq!(
        malformed(None, " [1]"),
        "request body must be a JSON object"
    );
}

#[test]
fn invalid_json_says_so() {
    for body in [
        "{",
        "{\"a\": }",
        "{\"user[name]\": \"John\" \"x\": 1}",
        "{} {}",
    ] {
        let message = malformed(Some(JSON), body);
        assert!(
            message.starts_with("request body is not valid JSON: "),
            "{message}"
        );
    }
}

#[test]
fn non_utf8_is_refused_in_every_encoding() {
    let not_utf8 = "request body is not valid UTF-8";
    assert_eq!(malformed(Some(JSON), b"{\"a\": \"\xff\"}"), not_utf8);
    assert_eq!(malformed(Some(FORM), b"name=\xff"), not_utf8);
    assert_eq!(malformed(Some(FORM), "name=%FF"), not_utf8);
    assert_eq!(malformed(Some(FORM), "%C3=x"), not_utf8);

    let mut multipart =
        format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n")
            .into_bytes();
    multipart.extend_from_slice(b"\xfe\xff\r\n");
    multipart.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    assert_eq!(
        malformed(Some(multipart_type().as_str()), multipart),
        not_utf8
    );

    assert_eq!(
        decode_query("name=%FF"),
        Err(DecodeError::Malformed(
            "query string is not valid UTF-8".into()
        ))
    );
}

#[test]
fn unknown_content_types_are_refused_unless_the_body_is_empty() {
    assert_eq!(
        malformed(Some("application/xml; charset=utf-8"), "<a/>"),
        "unsupported content type application/xml"
    );
    assert_eq!(decode(Some("application/xml"), ""), object(json!({})));
}

#[test]
fn plain_text_is_sniffed() {
    assert_eq!(
        decode(Some("text/plain"), "{\"name\": \"Ann\"}"),
        object(json!({"name": "Ann"}))
    );
    assert_eq!(
        decode(Some("text/plain"), "user[name]=Ann"),
        object(json!({"user": {"name": "Ann"}}))
    );
    assert_eq!(
        malformed(Some("text/plain"), "hello"),
        "request body is neither JSON nor form data"
    );
    // What `curl -d '{...}'` sends without `-H`.
    assert_eq!(
        decode(Some(FORM), "{\"user\": {\"name\": \"Ann\"}}"),
        object(json!({"user": {"name": "Ann"}}))
    );
    // Without any content type, anything that is not JSON is a form.
    assert_eq!(decode(None, "hello"), object(json!({"hello": ""})));
}

#[test]
fn broken_multipart_is_malformed() {
    for content_type in ["multipart/form-data", "multipart/form-data; boundary="] {
        assert_eq!(
            malformed(Some(content_type), "----\r\n"),
            "multipart content type has no boundary"
        );
    }
    let truncated = format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx");
    for body in ["garbage", truncated.as_str()] {
        assert_eq!(
            malformed(Some(multipart_type().as_str()), body),
            "multipart body is malformed"
        );
    }
}

#[test]
fn a_utf8_byte_order_mark_is_skipped() {
    assert_eq!(
        decode(Some(JSON), b"\xEF\xBB\xBF{\"a\": \"b\"}"),
        object(json!({"a": "b"}))
    );
}
