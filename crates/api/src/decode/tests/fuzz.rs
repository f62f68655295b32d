//! Garbled input of every kind must give a result or an error, never a panic.

use serde_json::{Map, Value};

use super::{BOUNDARY, FORM, JSON, multipart_type};
use crate::decode::{Params, decode_body, decode_query};

/// A tiny seeded generator, so that a failure can be replayed.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

/// Pieces that reach deep into the parsers: bracket syntax, escapes, JSON
/// structure and multipart framing.
const TOKENS: &[&[u8]] = &[
    b"[",
    b"]",
    b"[]",
    b"[0]",
    b"[4294967295]",
    b"{",
    b"}",
    b"\"",
    b":",
    b",",
    b"=",
    b"&",
    b"%",
    b"%5B",
    b"%5D",
    b"%FF",
    b"%C3",
    b"+",
    b"user",
    b"name",
    b"a",
    b"null",
    b"true",
    b"1.5e400",
    b"-",
    b"\\u0000",
    b"\\",
    b"\r\n",
    b"\r\n\r\n",
    b"--",
    b"\xff",
    b"\xEF\xBB\xBF",
    b"Content-Disposition: form-data; name=\"",
    b"; filename=\"f\"",
    b"Content-Type: x/y\r\n",
    b" ",
];

fn random_body(rng: &mut XorShift) -> Vec<u8> {
    let mut body = Vec::new();
    let pieces = rng.below(40);
    for _ in 0..pieces {
        match rng.below(4) {
            0 => body.push(rng.next() as u8),
            1 => body.extend_from_slice(format!("--{BOUNDARY}").as_bytes()),
            _ => {
                body.extend_from_slice(rng.pick(TOKENS));
            }
        }
    }
    body
}

/// A valid body with a few bytes flipped, inserted or cut.
fn mutated(rng: &mut XorShift, seeds: &[Vec<u8>]) -> Vec<u8> {
    let mut body = seeds[rng.below(seeds.len())].clone();
    for _ in 0..=rng.below(4) {
        if body.is_empty() {
            break;
        }
        let at = rng.below(body.len());
        match rng.below(3) {
            0 => body[at] = rng.next() as u8,
            1 => body.insert(at, rng.pick(b"[]{}\"=&%\r\n-")),
            _ => body.truncate(at),
        }
    }
    body
}

fn seeds() -> Vec<Vec<u8>> {
    let pairs = &[
        ("user[name]", "Ann"),
        ("options[custom_fields][locale]", "de"),
        ("users[]", "a"),
        ("users[1]", "b"),
    ];
    vec![
        super::form_body(pairs).into_bytes(),
        super::flat_json_body(pairs).into_bytes(),
        super::multipart_body(pairs),
        br#"{"user":{"name":"Ann"},"users":[["a"],{"b":null}],"x[y][]":[1,2]}"#.to_vec(),
    ]
}

/// Reads every top-level parameter through every accessor.
fn touch_all(map: Map<String, Value>) {
    let keys: Vec<String> = map.keys().cloned().collect();
    let params = Params::from(map);
    for key in keys {
        let _ = params.get(&key);
        let _ = params.str(&key).map_err(|err| err.to_string());
        let _ = params.bool(&key);
        let _ = params.int(&key);
        let _ = params.str_list(&key);
        let _ = params.object(&key);
        let _ = params.str(&format!("{key}.0.a"));
    }
}

#[test]
fn garbled_bodies_never_panic() {
    let multipart = multipart_type();
    let content_types = [
        Some(JSON),
        Some(FORM),
        Some(multipart.as_str()),
        Some("multipart/form-data"),
        Some("multipart/form-data; boundary="),
        Some("text/plain"),
        Some("application/xml"),
        Some(";;;"),
        None,
    ];
    let seeds = seeds();
    let mut rng = XorShift(0x5EED_1234_ABCD_0001);

    for round in 0..4000 {
        let body = if round % 2 == 0 {
            random_body(&mut rng)
        } else {
            mutated(&mut rng, &seeds)
        };
        for content_type in content_types {
            if let Ok(map) = decode_body(content_type, &body) {
                touch_all(map);
            }
        }
        if let Ok(map) = decode_query(&String::from_utf8_lossy(&body)) {
            touch_all(map);
        }
    }
}
