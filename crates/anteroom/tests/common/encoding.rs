//! The four request encodings real clients use (D6), made from one nested
//! JSON description of a request.

use serde_json::Value;

/// How a request body is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// `{"user": {"name": "Ann"}}`, as the Node SDK sends.
    NestedJson,
    /// `{"user[name]": "Ann"}`, as the docs' curl examples send.
    FlatJson,
    /// `user[name]=Ann`, as the Go and PHP SDKs send.
    Form,
    /// multipart with `user[name]`, as the browser library sends.
    Multipart,
}

impl Encoding {
    /// Every encoding.
    pub const ALL: [Encoding; 4] = [
        Encoding::NestedJson,
        Encoding::FlatJson,
        Encoding::Form,
        Encoding::Multipart,
    ];

    /// Content type and body bytes for a request.
    pub fn encode(self, value: &Value) -> (String, Vec<u8>) {
        match self {
            Self::NestedJson => (
                "application/json".into(),
                serde_json::to_vec(value).expect("json"),
            ),
            Self::FlatJson => {
                let mut flat = serde_json::Map::new();
                for (key, leaf) in flatten(value) {
                    // Repeated list keys gather into one JSON list.
                    match flat.get_mut(&key) {
                        Some(Value::Array(items)) => items.push(leaf),
                        _ if key.ends_with("[]") => {
                            flat.insert(key, Value::Array(vec![leaf]));
                        }
                        _ => {
                            flat.insert(key, leaf);
                        }
                    }
                }
                (
                    "application/json".into(),
                    serde_json::to_vec(&Value::Object(flat)).expect("json"),
                )
            }
            Self::Form => {
                let mut form = form_urlencoded::Serializer::new(String::new());
                for (key, leaf) in flatten(value) {
                    form.append_pair(&key, &text(&leaf));
                }
                (
                    "application/x-www-form-urlencoded".into(),
                    form.finish().into_bytes(),
                )
            }
            Self::Multipart => {
                let boundary = "anteroomtestboundary7MA4YWxkTrZu0gW";
                let mut body = String::new();
                for (key, leaf) in flatten(value) {
                    body.push_str(&format!(
                        "--{boundary}\r\nContent-Disposition: form-data; name=\"{key}\"\r\n\r\n{}\r\n",
                        text(&leaf)
                    ));
                }
                body.push_str(&format!("--{boundary}--\r\n"));
                (
                    format!("multipart/form-data; boundary={boundary}"),
                    body.into_bytes(),
                )
            }
        }
    }
}

/// `{"a": {"b": 1}, "l": ["x"]}` → `[("a[b]", 1), ("l[]", "x")]`.
fn flatten(value: &Value) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    if let Value::Object(map) = value {
        for (key, child) in map {
            walk(key.clone(), child, &mut out);
        }
    }
    out
}

fn walk(prefix: String, value: &Value, out: &mut Vec<(String, Value)>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                walk(format!("{prefix}[{key}]"), child, out);
            }
        }
        Value::Array(items) => {
            for item in items {
                walk(format!("{prefix}[]"), item, out);
            }
        }
        leaf => out.push((prefix, leaf.clone())),
    }
}

/// How a form sends a JSON leaf: booleans as PHP sends them.
fn text(leaf: &Value) -> String {
    match leaf {
        Value::String(text) => text.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}
