//! D6: the same logical request decodes to the same object in every encoding.

use serde_json::{Value, json};

use super::{
    FORM, JSON, decode, flat_json_body, form_body, multipart_body, multipart_type, object,
};
use crate::decode::{Params, decode_query};

struct Case {
    what: &'static str,
    pairs: &'static [(&'static str, &'static str)],
    nested: fn() -> Value,
}

const CASES: &[Case] = &[
    Case {
        what: "permalink create",
        pairs: &[
            ("name", "Standup"),
            ("user[name]", "Ann"),
            ("user[id]", "ann-1"),
            ("options[widescreen]", "true"),
            ("options[custom_fields][locale]", "de"),
            ("expires_at", "2030-01-01T10:00:00.000Z"),
            ("users[]", "a"),
            ("users[]", "b"),
        ],
        nested: || {
            json!({
                "name": "Standup",
                "user": {"name": "Ann", "id": "ann-1"},
                "options": {"widescreen": "true", "custom_fields": {"locale": "de"}},
                "expires_at": "2030-01-01T10:00:00.000Z",
                "users": ["a", "b"],
            })
        },
    },
    Case {
        what: "text that needs escaping",
        pairs: &[
            ("name", "Zoë & Co. 100% + \"friends\""),
            ("options[exit_url]", "https://x.test/bye?a=1&b=[2]"),
            ("user[name]", "  spaced  "),
        ],
        nested: || {
            json!({
                "name": "Zoë & Co. 100% + \"friends\"",
                "options": {"exit_url": "https://x.test/bye?a=1&b=[2]"},
                "user": {"name": "  spaced  "},
            })
        },
    },
    Case {
        what: "indexed list, out of order",
        pairs: &[("users[1]", "b"), ("users[0]", "a"), ("users[2]", "c")],
        nested: || json!({"users": ["a", "b", "c"]}),
    },
    Case {
        what: "playback",
        pairs: &[
            ("playback[url]", "https://x.test/v.mp4"),
            ("playback[play_id]", "intro"),
            ("playback[audio]", "0"),
            ("playback[loop_count]", "-1"),
        ],
        nested: || {
            json!({"playback": {
                "url": "https://x.test/v.mp4",
                "play_id": "intro",
                "audio": "0",
                "loop_count": "-1",
            }})
        },
    },
    Case {
        what: "empty values",
        pairs: &[("name", ""), ("options[custom_fields][x1]", "")],
        nested: || json!({"name": "", "options": {"custom_fields": {"x1": ""}}}),
    },
    Case {
        what: "nothing at all",
        pairs: &[],
        nested: || json!({}),
    },
];

#[test]
fn every_encoding_gives_the_same_object() {
    let multipart = multipart_type();
    for case in CASES {
        let expected = object((case.nested)());
        let form = form_body(case.pairs);

        let decoded = [
            (
                "nested json",
                decode(Some(JSON), (case.nested)().to_string()),
            ),
            ("flat json", decode(Some(JSON), flat_json_body(case.pairs))),
            ("form", decode(Some(FORM), &form)),
            (
                "multipart",
                decode(Some(multipart.as_str()), multipart_body(case.pairs)),
            ),
            ("query", decode_query(&form).unwrap()),
            ("sniffed form", decode(None, &form)),
        ];
        for (encoding, got) in decoded {
            assert_eq!(got, expected, "{}: {encoding}", case.what);
        }
    }
}

#[test]
fn typed_json_reads_like_strings_through_params() {
    let typed = json!({
        "user": {"name": "Ann", "id": 42},
        "options": {"widescreen": true, "custom_fields": {"locale": "de"}},
        "users": ["a", "b"],
        "limit": 10,
    });
    let pairs = &[
        ("user[name]", "Ann"),
        ("user[id]", "42"),
        ("options[widescreen]", "true"),
        ("options[custom_fields][locale]", "de"),
        ("users[]", "a"),
        ("users[]", "b"),
        ("limit", "10"),
    ];

    let from_json = Params::from(decode(Some(JSON), typed.to_string()));
    let others = [
        decode(Some(FORM), form_body(pairs)),
        decode(Some(multipart_type().as_str()), multipart_body(pairs)),
    ];
    for other in others.map(Params::from) {
        assert_eq!(other.str("user.name"), from_json.str("user.name"));
        assert_eq!(other.str("user.id"), from_json.str("user.id"));
        assert_eq!(
            other.bool("options.widescreen"),
            from_json.bool("options.widescreen")
        );
        assert_eq!(
            other.str("options.custom_fields.locale"),
            from_json.str("options.custom_fields.locale")
        );
        assert_eq!(other.str_list("users"), from_json.str_list("users"));
        assert_eq!(other.int("limit"), from_json.int("limit"));
    }
    assert_eq!(from_json.bool("options.widescreen"), Ok(Some(true)));
    assert_eq!(from_json.str("user.id"), Ok(Some("42".into())));
}

#[test]
fn flat_and_nested_json_keys_merge_at_any_level() {
    let body = json!({
        "user[name]": "Ann",
        "user": {"id": "ann-1"},
        "options": {"widescreen": true, "custom_fields[locale]": "de"},
        "options[custom_fields][theme]": "dark",
    });
    let expected = json!({
        "user": {"name": "Ann", "id": "ann-1"},
        "options": {"widescreen": true, "custom_fields": {"locale": "de", "theme": "dark"}},
    });
    assert_eq!(decode(Some(JSON), body.to_string()), object(expected));
}

#[test]
fn empty_bodies_are_empty_objects_in_every_encoding() {
    let multipart = multipart_type();
    let closing_only = format!("--{}--\r\n", super::BOUNDARY);
    let bodies: &[(Option<&str>, &[u8])] = &[
        (None, b""),
        (Some(JSON), b""),
        (Some(JSON), b" \r\n"),
        (Some(FORM), b""),
        (Some("text/plain"), b""),
        (Some("application/octet-stream"), b""),
        // The browser library starts a permalink meeting with a multipart
        // content type and no body, sometimes without a boundary.
        (Some("multipart/form-data"), b""),
        (Some(multipart.as_str()), b""),
        (Some(multipart.as_str()), closing_only.as_bytes()),
        (Some(JSON), b"{}"),
        (Some(FORM), b"&&"),
    ];
    for (content_type, body) in bodies {
        assert_eq!(
            decode(*content_type, body),
            object(json!({})),
            "{content_type:?}"
        );
    }
}
