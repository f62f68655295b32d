//! The shared table runner: cases, where a table's requests go, running a
//! table once per encoding against a fresh server, and masking what differs
//! between runs so that the answers can be compared case by case.

use anteroom_api::events::RoomEvent;
use reqwest::Method;
use serde_json::{Map, Value, json};
use tokio::sync::broadcast;

use crate::common::{Encoding, TestApp, is_millis_timestamp};

/// One request of a table.
pub struct Case {
    name: &'static str,
    body: Value,
    status: u16,
    /// Fields the answer must have, checked in every encoding.
    expect: Value,
}

pub fn case(name: &'static str, status: u16, body: Value) -> Case {
    Case {
        name,
        body,
        status,
        expect: Value::Null,
    }
}

pub fn case_with(name: &'static str, status: u16, body: Value, expect: Value) -> Case {
    Case {
        name,
        body,
        status,
        expect,
    }
}

/// What one case gave in one encoding, masked.
#[derive(Debug, PartialEq)]
struct Outcome {
    status: u16,
    body: Value,
}

/// Where a table's requests go, once its setup has run.
pub struct Target {
    pub method: Method,
    pub path: String,
    pub key: Option<String>,
}

/// Runs a table in every encoding and compares the answers case by case.
/// `setup` prepares a fresh server and says where the requests go; `after`
/// may add what else a request caused (such as an event) to its outcome.
pub async fn run_table<S, SF>(cases: &[Case], setup: S)
where
    S: Fn(TestApp) -> SF,
    SF: Future<Output = (TestApp, Target, Option<broadcast::Receiver<RoomEvent>>)>,
{
    let mut all: Vec<(Encoding, Vec<Outcome>)> = Vec::new();
    for encoding in Encoding::ALL {
        let (app, target, mut events) = setup(TestApp::start().await).await;
        let mut outcomes = Vec::new();
        for case in cases {
            let reply = app
                .send(
                    target.method.clone(),
                    &target.path,
                    target.key.as_deref(),
                    Some((encoding, &case.body)),
                )
                .await;
            assert_eq!(
                reply.status.as_u16(),
                case.status,
                "{encoding:?}, case {:?}: {}",
                case.name,
                reply.text
            );
            if reply.status.is_client_error() {
                assert!(
                    reply.body["error"].is_string(),
                    "{encoding:?}, case {:?}: an error body expected, got {}",
                    case.name,
                    reply.text
                );
            }
            let body = match events.as_mut() {
                Some(events) => json!({"reply": reply.body, "events": drain(events)}),
                None => reply.body,
            };
            if !case.expect.is_null() {
                assert_contains(&body, &case.expect, encoding, case.name);
            }
            outcomes.push(Outcome {
                status: reply.status.as_u16(),
                body: mask(&body, &app),
            });
        }
        all.push((encoding, outcomes));
    }

    let (first, reference) = &all[0];
    for (encoding, outcomes) in &all[1..] {
        for ((case, want), got) in cases.iter().zip(reference).zip(outcomes) {
            assert_eq!(
                got, want,
                "case {:?}: {encoding:?} answers differently from {first:?}",
                case.name
            );
        }
    }
}

/// Every event a request caused, as the realtime side would get them.
fn drain(events: &mut broadcast::Receiver<RoomEvent>) -> Value {
    let mut seen = Vec::new();
    while let Ok(event) = events.try_recv() {
        seen.push(serde_json::to_value(&event).expect("events serialise"));
    }
    Value::Array(seen)
}

/// Asserts that every field of `want` is in `have` with the same value.
#[track_caller]
fn assert_contains(have: &Value, want: &Value, encoding: Encoding, case: &str) {
    fn walk(have: &Value, want: &Value, at: &str) -> Result<(), String> {
        match want {
            Value::Object(fields) => {
                for (key, value) in fields {
                    let path = format!("{at}/{key}");
                    let Some(inner) = have.get(key) else {
                        return Err(format!("{path} is missing"));
                    };
                    walk(inner, value, &path)?;
                }
                Ok(())
            }
            Value::Array(items) => {
                let Some(have_items) = have.as_array().filter(|h| h.len() == items.len()) else {
                    return Err(format!("{at} is {have}, not {want}"));
                };
                for (i, (inner, item)) in have_items.iter().zip(items).enumerate() {
                    walk(inner, item, &format!("{at}/{i}"))?;
                }
                Ok(())
            }
            _ if have == want => Ok(()),
            _ => Err(format!("{at} is {have}, not {want}")),
        }
    }
    if let Err(why) = walk(have, want, "") {
        panic!("{encoding:?}, case {case:?}: {why} in {have}");
    }
}

/// Masks what differs between runs: the server's port, timestamps, and
/// generated ids and tokens (24 alphanumerics, D4).
fn mask(value: &Value, app: &TestApp) -> Value {
    let host = app.api_url().replacen("http://", "", 1);
    match value {
        Value::String(text) if is_millis_timestamp(text) => json!("<time>"),
        Value::String(text) => Value::String(mask_tokens(&text.replace(&host, "<host>"))),
        Value::Array(items) => Value::Array(items.iter().map(|v| mask(v, app)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), mask(v, app)))
                .collect::<Map<_, _>>(),
        ),
        other => other.clone(),
    }
}

fn mask_tokens(text: &str) -> String {
    let mut out = String::new();
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.len() == 24 {
            out.push_str("<token>");
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// A setup that sends the table to an endpoint without anything before.
pub async fn plain(
    app: TestApp,
    path: &str,
    keyed: bool,
) -> (TestApp, Target, Option<broadcast::Receiver<RoomEvent>>) {
    let key = keyed.then(|| app.key.clone());
    let target = Target {
        method: Method::POST,
        path: path.to_owned(),
        key,
    };
    (app, target, None)
}

pub fn long_name() -> String {
    "n".repeat(257)
}
