//! Seeded random requests: a reproducible generator, random bodies, forms,
//! queries and path segments, and the barrage that sends a few hundred of
//! them per endpoint.

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{Map, Value, json};

use crate::common::Encoding;
use crate::fixtures::Scratch;
use crate::harness::{BOUNDARY, Probe, Request, Target, set_path};

/// A 64-bit xorshift generator: seeded, reproducible, no dependencies.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Self(seed.max(1))
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n.max(1) as u64).unwrap_or(0)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'t, T>(&mut self, items: &'t [T]) -> &'t T {
        &items[self.below(items.len())]
    }
}

/// The seed; `ANTEROOM_FUZZ_SEED` picks another to explore.
pub fn seed() -> u64 {
    std::env::var("ANTEROOM_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_a17e_900d_cafe)
}

/// Vocabulary for random bodies: real names, bracketed forms, and pieces.
const KEYS: [&str; 30] = [
    "user",
    "user[name]",
    "user[id]",
    "user[avatar]",
    "name",
    "id",
    "avatar",
    "email",
    "type",
    "content",
    "expires_at",
    "options",
    "options[widescreen]",
    "options[custom_fields][locale]",
    "options[audio_insert_position][x]",
    "options[background_color]",
    "options[exit_url]",
    "options[sfu_mode]",
    "custom_fields",
    "users[]",
    "users[0]",
    "users[][name]",
    "[",
    "]",
    "[]",
    "a[b",
    "a]b[",
    "x[99999999999]",
    "",
    "__proto__",
];

const STRINGS: [&str; 18] = [
    "Ann",
    "",
    "true",
    "0",
    "NaN",
    "inf",
    "#12ab34",
    "https://example.com/x",
    "2099-01-01T00:00:00Z",
    "9999-12-31T23:59:59-23:59",
    "chat",
    "custom",
    "ptp",
    "audio_only",
    "%FF",
    "ünï😀",
    "\u{0}",
    "a&b=c[d]",
];

/// Characters for random text; chosen so that nothing random can spell a
/// word of [`INTERNALS`](crate::harness::INTERNALS).
const ALPHABET: &[u8] = b"abxyz019[]%&=+ _-{}\"\\";

fn random_text(rng: &mut Rng) -> String {
    if rng.chance(60) {
        return (*rng.pick(&STRINGS)).to_owned();
    }
    let len = rng.below(24);
    (0..len).map(|_| char::from(*rng.pick(ALPHABET))).collect()
}

fn random_json(rng: &mut Rng, depth: usize) -> Value {
    let kinds = if depth >= 4 { 6 } else { 8 };
    match rng.below(kinds) {
        0 => Value::Null,
        1 => Value::Bool(rng.chance(50)),
        2 => json!(rng.next() >> rng.below(64)),
        3 => json!(f64::from(u32::try_from(rng.next() >> 40).unwrap_or(0)) / 7.0),
        4 | 5 => Value::String(random_text(rng)),
        6 => Value::Array(
            (0..rng.below(4))
                .map(|_| random_json(rng, depth + 1))
                .collect(),
        ),
        _ => {
            let mut map = Map::new();
            for _ in 0..rng.below(5) {
                map.insert((*rng.pick(&KEYS)).to_owned(), random_json(rng, depth + 1));
            }
            Value::Object(map)
        }
    }
}

/// Bytes that break things when put in a body.
const SPECIAL: &[u8] = b"\xff\x00[]%&={}\"\\-\r\n,:";

fn garble(rng: &mut Rng, mut bytes: Vec<u8>) -> Vec<u8> {
    for _ in 0..=rng.below(8) {
        if bytes.is_empty() {
            bytes.push(*rng.pick(SPECIAL));
            continue;
        }
        let at = rng.below(bytes.len());
        match rng.below(6) {
            0 => bytes[at] ^= 1 << rng.below(8),
            1 => bytes[at] = *rng.pick(SPECIAL),
            2 => bytes.insert(at, *rng.pick(SPECIAL)),
            3 => {
                bytes.remove(at);
            }
            4 => {
                let end = (at + rng.below(32)).min(bytes.len());
                let chunk = bytes[at..end].to_vec();
                bytes.splice(at..at, chunk);
            }
            _ => bytes.truncate(at),
        }
    }
    bytes
}

/// Content types, honest and otherwise.
fn content_types() -> Vec<Option<String>> {
    vec![
        None,
        Some("application/json".to_owned()),
        Some("application/vnd.api+json; charset=utf-8".to_owned()),
        Some("application/x-www-form-urlencoded".to_owned()),
        Some(format!("multipart/form-data; boundary={BOUNDARY}")),
        Some("multipart/form-data; boundary=other".to_owned()),
        Some("multipart/form-data".to_owned()),
        Some("text/plain".to_owned()),
        Some("image/png".to_owned()),
        Some(String::new()),
    ]
}

/// One random request for a target: its valid body with fields swapped for
/// random values, a garbled encoding of it, a random object, random form
/// pairs, or random bytes; usually labelled honestly, sometimes not.
fn random_request(rng: &mut Rng, target: &Target) -> (Option<String>, Vec<u8>) {
    let encoding = *rng.pick(&Encoding::ALL);
    let (mut content_type, body) = match rng.below(5) {
        0 => {
            let mut body = target.valid.clone();
            for _ in 0..=rng.below(3) {
                let field = rng.pick(&target.fields).clone();
                set_path(&mut body, &field, random_json(rng, 1));
            }
            let (content_type, bytes) = encoding.encode(&body);
            (Some(content_type), bytes)
        }
        1 => {
            let (content_type, bytes) = encoding.encode(&target.valid);
            (Some(content_type), garble(rng, bytes))
        }
        2 => {
            let mut body = random_json(rng, 0);
            if !body.is_object() && rng.chance(70) {
                let mut map = Map::new();
                map.insert((*rng.pick(&KEYS)).to_owned(), body);
                body = Value::Object(map);
            }
            let (content_type, bytes) = encoding.encode(&body);
            (Some(content_type), bytes)
        }
        3 => {
            let pairs: Vec<String> = (0..rng.below(8))
                .map(|_| format!("{}={}", rng.pick(&KEYS), random_text(rng)))
                .collect();
            let form = pairs.join(if rng.chance(80) { "&" } else { "&&" });
            let bytes = if rng.chance(30) {
                garble(rng, form.into_bytes())
            } else {
                form.into_bytes()
            };
            (Some("application/x-www-form-urlencoded".to_owned()), bytes)
        }
        _ => {
            let len = rng.below(256);
            let bytes = (0..len).map(|_| (rng.next() >> 56) as u8).collect();
            (None, bytes)
        }
    };
    if rng.chance(15) {
        content_type = rng.pick(&content_types()).clone();
    }
    (content_type, body)
}

/// A random query string of real and made-up keys.
fn random_query(rng: &mut Rng) -> String {
    const NAMES: [&str; 8] = [
        "page", "limit", "expired", "online", "page[]", "limit[x]", "%FF", "",
    ];
    let pairs: Vec<String> = (0..rng.below(6))
        .map(|_| {
            let value = if rng.chance(50) {
                rng.next().to_string()
            } else {
                random_text(rng).replace(['&', '#', ' '], "%26")
            };
            format!("{}={value}", rng.pick(&NAMES))
        })
        .collect();
    pairs.join("&")
}

/// A random path segment: percent-encoded random bytes or random text.
fn random_segment(rng: &mut Rng) -> String {
    let len = 1 + rng.below(40);
    if rng.chance(50) {
        (0..len)
            .map(|_| format!("%{:02X}", rng.next() >> 56))
            .collect()
    } else {
        (0..len)
            .map(|_| char::from(*rng.pick(b"abcXYZ019-_.~!$'()*,;:@")))
            .collect()
    }
}

/// A few hundred seeded random requests per endpoint, within a time budget.
pub async fn random_barrage(
    probe: &mut Probe<'_>,
    scratch: &Scratch,
    targets: &[Target],
    key: &str,
) {
    const PER_ENDPOINT: usize = 300;
    let budget = Duration::from_secs(6);
    let mut rng = Rng::new(seed());

    for target in targets {
        let started = Instant::now();
        for _ in 0..PER_ENDPOINT {
            if started.elapsed() > budget {
                break;
            }
            let (content_type, body) = random_request(&mut rng, target);
            let with_key = target.key && rng.chance(90);
            probe
                .check(&Request {
                    method: target.method.clone(),
                    path: &target.path,
                    key: with_key.then_some(key),
                    content_type: content_type.as_deref().map(str::as_bytes),
                    body: Some(body),
                })
                .await;
        }
    }

    let started = Instant::now();
    for _ in 0..PER_ENDPOINT {
        if started.elapsed() > budget {
            break;
        }
        let query = random_query(&mut rng);
        for path in [
            format!("/permalink?{query}"),
            format!("/rooms/scratch-room/users?{query}"),
        ] {
            probe
                .check(&Request {
                    method: Method::GET,
                    path: &path,
                    key: Some(key),
                    content_type: None,
                    body: None,
                })
                .await;
        }
    }

    // Random garbage in the path segments of every route, any method.
    let patterns = [
        "/rooms/{}",
        "/rooms/{}/lock",
        "/rooms/{}/users",
        "/rooms/{}/users/{}",
        "/rooms/{}/messages",
        "/guests/{}",
        "/permalink/{}",
        "/permalink/{}/users",
        "/permalink/{}/users/{}",
    ];
    let methods = [
        Method::GET,
        Method::POST,
        Method::PUT,
        Method::DELETE,
        Method::PATCH,
    ];
    let started = Instant::now();
    for _ in 0..PER_ENDPOINT {
        if started.elapsed() > budget {
            break;
        }
        let mut path = (*rng.pick(&patterns)).to_owned();
        let mut method = rng.pick(&methods).clone();
        while path.contains("{}") {
            let segment = if rng.chance(20) {
                // A real key or id, but never to stop or delete with it.
                method = rng.pick(&[Method::GET, Method::POST]).clone();
                rng.pick(&[scratch.room_key.as_str(), scratch.pid.as_str()])
                    .to_string()
            } else {
                random_segment(&mut rng)
            };
            path = path.replacen("{}", &segment, 1);
        }
        probe
            .check(&Request {
                method,
                path: &path,
                key: rng.chance(50).then_some(key),
                content_type: Some(b"application/json"),
                body: Some(b"{\"user\": {\"name\": \"Ann\"}, \"name\": \"Ann\"}".to_vec()),
            })
            .await;
    }
}
