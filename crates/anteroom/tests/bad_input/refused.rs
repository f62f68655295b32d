//! Bad input aimed at the kept permalink and meeting themselves, in every
//! encoding: updates, hosts, joins, guests and messages that must each be
//! refused as a whole.

use reqwest::Method;
use serde_json::json;

use crate::common::Encoding;
use crate::fixtures::Kept;
use crate::harness::{Probe, Request, TWO_MIB};

/// Bad input aimed at the kept permalink and meeting themselves: each must
/// be refused, and refused as a whole, nothing of it applied.
pub async fn refuse_at_kept(probe: &mut Probe<'_>, kept: &Kept, key: &str) {
    let put = format!("/permalink/{}", kept.pid);
    let json_type: &[u8] = b"application/json";
    let bodies = [
        json!({"name": "Changed", "options": {"widescreen": "maybe"}}),
        json!({"name": "Changed", "expires_at": "soon"}),
        json!({"name": "Changed", "expires_at": "2001-01-01T00:00:00Z"}),
        json!({"name": "Changed", "expires_at": "9999-12-31T23:59:59-23:59"}),
        json!({"options": {"show_names": false, "audio_insert_position": {"x": "NaN"}}}),
        json!({"options": {"show_names": false, "audio_insert_position": {"y": "1e999"}}}),
        json!({"options": {"show_names": false, "audio_insert_position": {"x": "-inf"}}}),
        json!({"name": "Changed", "options": {"custom_fields": {"hide_chat": "maybe"}}}),
        json!({"name": "Changed", "options": {"background_color": "blue"}}),
        json!({"name": "Changed", "options": {"exit_url": "javascript:alert(1)"}}),
        json!({"name": {"first": "x"}}),
        json!({"name": "Changed", "options": {"custom_fields": "x"}}),
    ];
    for body in &bodies {
        for encoding in Encoding::ALL {
            let (content_type, bytes) = encoding.encode(body);
            probe
                .expect(
                    &Request {
                        method: Method::PUT,
                        path: &put,
                        key: Some(key),
                        content_type: Some(content_type.as_bytes()),
                        body: Some(bytes),
                    },
                    &[400],
                )
                .await;
        }
    }
    for raw in [
        &b"{\"name\": \"Changed\""[..],
        b"{\"name\": \"Changed\", \"options\": {\"widescreen\": 1e400}}",
        b"[{\"name\": \"Changed\"}]",
        b"{\"name\": \"Chan\xffged\"}",
    ] {
        probe
            .expect(
                &Request {
                    method: Method::PUT,
                    path: &put,
                    key: Some(key),
                    content_type: Some(json_type),
                    body: Some(raw.to_vec()),
                },
                &[400],
            )
            .await;
    }
    let mut huge = b"{\"name\": \"Changed\", \"pad\": \"".to_vec();
    huge.resize(TWO_MIB, b'x');
    huge.extend_from_slice(b"\"}");
    probe
        .expect(
            &Request {
                method: Method::PUT,
                path: &put,
                key: Some(key),
                content_type: Some(json_type),
                body: Some(huge),
            },
            &[413],
        )
        .await;

    // Hosts: a refused host is not added.
    let users = format!("/permalink/{}/users", kept.pid);
    for body in [
        json!({"user": {"name": ""}}),
        json!({"user": {"name": "Hal", "avatar": "ftp://x"}}),
        json!({"user": {"name": "Hal", "id": "a/b"}}),
        json!({"user": {"name": ["Hal"]}}),
        json!({"user": "Hal"}),
    ] {
        let (content_type, bytes) = Encoding::NestedJson.encode(&body);
        probe
            .expect(
                &Request {
                    method: Method::POST,
                    path: &users,
                    key: Some(key),
                    content_type: Some(content_type.as_bytes()),
                    body: Some(bytes),
                },
                &[400],
            )
            .await;
    }
    for token in ["%FF", "%00", "x", "ünï", &"t".repeat(5000)] {
        probe
            .expect(
                &Request {
                    method: Method::DELETE,
                    path: &format!("{users}/{token}"),
                    key: Some(key),
                    content_type: None,
                    body: None,
                },
                &[400, 404],
            )
            .await;
    }

    // The room: a refused join does not join, a refused guest is not added.
    for body in [
        json!({"id": "keep-room", "user": {"name": ""}}),
        json!({"id": "keep-room", "user": {"name": "Max"}, "options": {"sfu_mode": "warp"}}),
        json!({"id": "keep-room", "user": {"name": "Max", "avatar": ["x"]}}),
        json!({"id": "keep-room", "user": {"name": "Max"}, "options": {"audio_insert_position": {"x": "NaN"}}}),
        json!({"id": "keep-room", "name": "x".repeat(300), "user": {"name": "Max"}}),
    ] {
        for encoding in Encoding::ALL {
            let (content_type, bytes) = encoding.encode(&body);
            probe
                .expect(
                    &Request {
                        method: Method::POST,
                        path: "/rooms",
                        key: Some(key),
                        content_type: Some(content_type.as_bytes()),
                        body: Some(bytes),
                    },
                    &[400],
                )
                .await;
        }
    }
    let guests = format!("/guests/{}", kept.room_guest_token);
    let permalink_guests = format!("/guests/{}", kept.guest_token);
    for body in [
        json!({"name": {}}),
        json!({"name": "Max", "avatar": "ftp://x"}),
        json!({"name": "Max", "id": "a/b"}),
        json!({"name": ""}),
        json!({"id": "max"}),
    ] {
        for encoding in Encoding::ALL {
            let (content_type, bytes) = encoding.encode(&body);
            probe
                .expect(
                    &Request {
                        method: Method::POST,
                        path: &guests,
                        key: None,
                        content_type: Some(content_type.as_bytes()),
                        body: Some(bytes.clone()),
                    },
                    &[400],
                )
                .await;
            // The permalink's meeting does not run: its guests wait (D14).
            probe
                .expect(
                    &Request {
                        method: Method::POST,
                        path: &permalink_guests,
                        key: None,
                        content_type: Some(content_type.as_bytes()),
                        body: Some(bytes),
                    },
                    &[400, 409],
                )
                .await;
        }
    }
    let messages = format!("/rooms/{}/messages", kept.room_key);
    for body in [
        json!({"type": "shout", "content": "x"}),
        json!({"type": "chat"}),
        json!({"type": "chat", "content": {"a": 1}}),
        json!({"type": ["chat"], "content": "x"}),
        json!({"type": "chat", "content": "x".repeat(70_000)}),
    ] {
        let (content_type, bytes) = Encoding::Form.encode(&body);
        probe
            .expect(
                &Request {
                    method: Method::POST,
                    path: &messages,
                    key: None,
                    content_type: Some(content_type.as_bytes()),
                    body: Some(bytes),
                },
                &[400],
            )
            .await;
    }
}
