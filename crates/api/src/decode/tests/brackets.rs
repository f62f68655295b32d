//! Expanding bracketed keys: nesting, lists, conflicts and limits.

use serde_json::json;

use super::{BOUNDARY, FORM, JSON, decode, malformed, multipart_type, object};
use crate::decode::MAX_DEPTH;

#[test]
fn a_repeated_plain_key_keeps_the_last_value() {
    assert_eq!(
        decode(Some(FORM), "name=a&name=b"),
        object(json!({"name": "b"}))
    );
}

#[test]
fn list_forms_build_lists() {
    let cases = [
        ("users[]=a&users[]=b", json!({"users": ["a", "b"]})),
        ("users[0]=a&users[1]=b", json!({"users": ["a", "b"]})),
        // Gaps close up; the order of the indices is kept.
        ("users[7]=b&users[2]=a", json!({"users": ["a", "b"]})),
        ("users[0]=a&users[]=b", json!({"users": ["a", "b"]})),
        (
            "users[][name]=a&users[][id]=1&users[][name]=b",
            json!({"users": [{"name": "a", "id": "1"}, {"name": "b"}]}),
        ),
        (
            "m[0][0]=a&m[0][1]=b&m[1][0]=c",
            json!({"m": [["a", "b"], ["c"]]}),
        ),
    ];
    for (body, expected) in cases {
        assert_eq!(decode(Some(FORM), body), object(expected), "{body}");
    }
}

#[test]
fn json_lists_merge_with_bracketed_keys() {
    let body = json!({"users": ["a"], "users[]": "b", "ids[]": ["1", "2"]});
    assert_eq!(
        decode(Some(JSON), body.to_string()),
        object(json!({"users": ["a", "b"], "ids": ["1", "2"]}))
    );
}

#[test]
fn keys_outside_the_bracket_grammar_stay_whole() {
    for key in ["a[b", "a[b]c", "[x]", "a]", "a[b[c]]"] {
        let body = form_urlencoded::Serializer::new(String::new())
            .append_pair(key, "v")
            .finish();
        let mut expected = serde_json::Map::new();
        expected.insert(key.to_owned(), json!("v"));
        assert_eq!(decode(Some(FORM), body), expected, "{key}");
    }
}

#[test]
fn percent_encoded_brackets_are_brackets() {
    assert_eq!(
        decode(Some(FORM), "user%5Bname%5D=Ann+Lee"),
        object(json!({"user": {"name": "Ann Lee"}}))
    );
}

#[test]
fn conflicts_name_the_parameter() {
    let cases: [(&str, &str, &str); 6] = [
        (FORM, "user=x&user[name]=y", "conflicting values for user"),
        (FORM, "user[name]=y&user=x", "conflicting values for user"),
        (FORM, "users[]=a&users[x]=b", "conflicting values for users"),
        (
            FORM,
            "a[b][c]=1&a[b][c][d]=2",
            "conflicting values for a[b][c]",
        ),
        (
            JSON,
            r#"{"user": "x", "user[name]": "y"}"#,
            "conflicting values for user",
        ),
        (
            JSON,
            r#"{"user": {"name": {"first": "a"}}, "user[name]": "b"}"#,
            "conflicting values for user[name]",
        ),
    ];
    for (content_type, body, message) in cases {
        assert_eq!(malformed(Some(content_type), body), message, "{body}");
    }
}

#[test]
fn conflicts_in_multipart_are_malformed_too() {
    let body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"user\"\r\n\r\nx\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"user[name]\"\r\n\r\ny\r\n\
         --{BOUNDARY}--\r\n"
    );
    assert_eq!(
        malformed(Some(multipart_type().as_str()), body),
        "conflicting values for user"
    );
}

#[test]
fn deep_nesting_is_refused_without_blowing_the_stack() {
    let too_deep = "request parameters are nested too deeply";

    let key = format!("a{}", "[b]".repeat(100_000));
    assert_eq!(malformed(Some(FORM), format!("{key}=1")), too_deep);
    let key = format!("a{}", "[]".repeat(100_000));
    assert_eq!(malformed(Some(FORM), format!("{key}=1")), too_deep);

    // JSON nesting and bracket segments count together.
    let half = MAX_DEPTH / 2 + 1;
    let inner = format!("{{\"b{}\": 1}}", "[c]".repeat(half));
    let body = (0..half).fold(inner, |acc, _| format!("{{\"a\": {acc}}}"));
    assert_eq!(malformed(Some(JSON), body), too_deep);

    let lists = format!("{{\"a\": {}1{}}}", "[".repeat(100), "]".repeat(100));
    assert_eq!(malformed(Some(JSON), lists), too_deep);

    // Beyond serde_json's own limit it fails while parsing.
    let lists = format!("{{\"a\": {}1{}}}", "[".repeat(10_000), "]".repeat(10_000));
    assert!(malformed(Some(JSON), lists).starts_with("request body is not valid JSON"));

    // The limit itself is allowed.
    let key = format!("a{}", "[b]".repeat(MAX_DEPTH - 1));
    assert!(decode(Some(FORM), format!("{key}=1")).contains_key("a"));
}

#[test]
fn huge_list_indices_are_refused() {
    assert_eq!(
        malformed(Some(FORM), "users[99999999999]=a"),
        "list index is too large in users[99999999999]"
    );
    assert_eq!(
        malformed(Some(FORM), "users[4294967295]=a&users[]=b"),
        "list index is too large in users[]"
    );
}

#[test]
fn long_names_are_cut_short_in_messages() {
    let key = "x".repeat(1000);
    let message = malformed(Some(FORM), format!("{key}=1&{key}[a]=2"));
    assert!(message.len() < 100, "{message}");
    assert!(message.ends_with("..."), "{message}");
}

#[test]
fn file_parts_are_summarised() {
    let body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"logo.png\"\r\n\
         Content-Type: image/png\r\n\r\n\x01\x02\x03\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"z-index\"\r\n\r\n1\r\n\
         --{BOUNDARY}--\r\n"
    );
    assert_eq!(
        decode(Some(multipart_type().as_str()), body),
        object(json!({
            "file": {"filename": "logo.png", "content_type": "image/png", "size": 3},
            "z-index": "1",
        }))
    );
}
