//! Wrong types for every documented field: values of every wrong kind and
//! strings every field must survive, in every encoding, and number and
//! string texts no `Value` can hold, as raw JSON.

use serde_json::{Value, json};

use crate::common::Encoding;
use crate::harness::{Probe, Request, Target, set_path};

/// Values of every wrong kind, and strings every field must survive.
fn bad_values() -> Vec<Value> {
    vec![
        json!({}),
        json!({"x": {"y": [1, {"z": null}]}}),
        json!([]),
        json!(["a", 1, null]),
        json!([[["deep", [[]]]]]),
        json!(0),
        json!(-1),
        json!(2.5),
        json!(u64::MAX),
        json!(i64::MIN),
        json!(1e308),
        json!(-1e-308),
        json!(true),
        json!(null),
        json!(""),
        json!("   "),
        json!("x".repeat(5000)),
        json!("NaN"),
        json!("-inf"),
        json!("1e999"),
        json!("9999-12-31T23:59:59-23:59"),
        json!("0000-01-01T00:00:00+23:59"),
        json!("2024-02-30T00:00:00Z"),
        json!("\u{0}\u{1}\u{7f}"),
        json!("ünï 😀 \u{202e}"),
        json!("%FF%00%"),
        json!("a[b][]=c&d"),
        json!("https://"),
        json!("#GGGGGG"),
    ]
}

/// JSON number and string texts no `Value` can hold, put in place of a
/// field in raw JSON.
const RAW_VALUES: [&str; 9] = [
    "1e400",
    "-1e400",
    "123456789012345678901234567890",
    "0.00000000000000000000000000001e-400",
    "NaN",
    "Infinity",
    "\"\\ud800\"",
    "\"\\u0000\"",
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
];

/// Every documented field of every body endpoint, set to every bad value,
/// the encodings taking turns; then values no `Value` can hold, as raw
/// JSON.
pub async fn wrong_types(probe: &mut Probe<'_>, targets: &[Target], key: &str) {
    let values = bad_values();
    let mut turn = 0usize;
    for target in targets {
        let key = target.key.then_some(key);
        for field in &target.fields {
            for value in &values {
                let mut body = target.valid.clone();
                set_path(&mut body, field, value.clone());
                let encoding = Encoding::ALL[turn % Encoding::ALL.len()];
                turn += 1;
                let (content_type, bytes) = encoding.encode(&body);
                probe
                    .check(&Request {
                        method: target.method.clone(),
                        path: &target.path,
                        key,
                        content_type: Some(content_type.as_bytes()),
                        body: Some(bytes),
                    })
                    .await;
            }
            // Three of the raw values per field, taking turns.
            for raw in RAW_VALUES
                .iter()
                .cycle()
                .skip(turn % RAW_VALUES.len())
                .take(3)
            {
                let mut body = target.valid.clone();
                set_path(&mut body, field, json!("__RAW__"));
                let text = body.to_string().replace("\"__RAW__\"", raw);
                probe
                    .check(&Request {
                        method: target.method.clone(),
                        path: &target.path,
                        key,
                        content_type: Some(b"application/json"),
                        body: Some(text.into_bytes()),
                    })
                    .await;
            }
        }
    }
}
