//! Paths nobody should call, methods no route has, garbage in path
//! segments, request lines no client library would send, and queries that
//! make no sense.

use std::time::Duration;

use reqwest::Method;

use crate::fixtures::Scratch;
use crate::harness::{Probe, Request};

/// Paths nobody should call, methods no route has, and queries that make
/// no sense.
pub async fn odd_paths(probe: &mut Probe<'_>, scratch: &Scratch, key: &str) {
    let ak = scratch.room_key.as_str();
    let pid = scratch.pid.as_str();

    // Unknown paths: 404 with `{"error"}`, with a key or without.
    for path in [
        "/nope",
        "/rooms/",
        "/ROOMS",
        "/api/rooms",
        "//rooms",
        "/rooms/a/b/c/d",
        "/rooms/a/users/b/c",
        "/permalink/a/b",
        "/permalink/a/users/b/c",
        "/guests",
        "/guests/a/b",
        "/.env",
        "/rooms/%2e%2e/%2e%2e/etc/passwd",
        "/openapi.json/x",
    ] {
        for key in [None, Some(key)] {
            for method in [Method::GET, Method::POST, Method::DELETE] {
                probe
                    .expect(
                        &Request {
                            method,
                            path,
                            key,
                            content_type: None,
                            body: None,
                        },
                        &[404],
                    )
                    .await;
            }
        }
    }

    // Methods a route does not have: 405 with `{"error"}`.
    let brew = Method::from_bytes(b"BREW").expect("method");
    let not_allowed: Vec<(Method, String)> = vec![
        (Method::PATCH, "/rooms".to_owned()),
        (Method::PUT, "/rooms".to_owned()),
        (Method::DELETE, "/rooms".to_owned()),
        (Method::POST, format!("/rooms/{ak}")),
        (Method::PUT, format!("/rooms/{ak}")),
        (Method::GET, format!("/rooms/{ak}/lock")),
        (Method::DELETE, format!("/rooms/{ak}/lock")),
        (Method::POST, "/rooms/scratch-room/users".to_owned()),
        (Method::PUT, format!("/rooms/{ak}/users/x")),
        (Method::GET, format!("/rooms/{ak}/messages")),
        (Method::GET, "/guests/x".to_owned()),
        (Method::DELETE, "/guests/x".to_owned()),
        (Method::DELETE, "/permalink".to_owned()),
        (Method::PUT, "/permalink".to_owned()),
        (Method::PATCH, format!("/permalink/{pid}")),
        (Method::GET, format!("/permalink/{pid}/users")),
        (Method::GET, format!("/permalink/{pid}/users/x")),
        (Method::POST, "/openapi.json".to_owned()),
        (Method::POST, "/".to_owned()),
        (Method::DELETE, "/".to_owned()),
        (brew.clone(), "/rooms".to_owned()),
        (brew, format!("/permalink/{pid}")),
    ];
    for (method, path) in &not_allowed {
        for key in [None, Some(key)] {
            probe
                .expect(
                    &Request {
                        method: method.clone(),
                        path,
                        key,
                        content_type: Some(b"application/json"),
                        body: Some(b"{\"x\": 1}".to_vec()),
                    },
                    &[405],
                )
                .await;
        }
    }

    // The root sends browsers on to the UI, whatever its query; the probe
    // follows the redirect to the page.
    for path in ["/", "/?%FF%00", "/?a=b&&&c", "/?guest=%0A%0D"] {
        for key in [None, Some(key)] {
            let request = Request {
                method: Method::GET,
                path,
                key,
                content_type: None,
                body: None,
            };
            probe.expect(&request, &[200]).await;
        }
    }

    // Garbage and unicode in every path segment, and very long ids.
    let segments = [
        "%FF".to_owned(),
        "%C3%28".to_owned(),
        "%E2%82".to_owned(),
        "%".to_owned(),
        "%zz".to_owned(),
        "%00".to_owned(),
        "%0A%0D".to_owned(),
        "%2F".to_owned(),
        "..%2F..%2F".to_owned(),
        "ünï😀".to_owned(),
        "%F0%9F%98%80".to_owned(),
        "\u{202e}x".to_owned(),
        "a%20b".to_owned(),
        "{id}".to_owned(),
        "x".repeat(1000),
        "y".repeat(10_000),
        "%FF".repeat(5000),
        "z".repeat(30_000),
    ];
    for segment in &segments {
        let routes = [
            (Method::GET, format!("/rooms/{segment}")),
            (Method::DELETE, format!("/rooms/{segment}")),
            (Method::POST, format!("/rooms/{segment}/lock")),
            (Method::GET, format!("/rooms/{segment}/users")),
            (Method::GET, format!("/rooms/{segment}/users/{segment}")),
            (Method::GET, format!("/rooms/{ak}/users/{segment}")),
            (Method::DELETE, format!("/rooms/{ak}/users/{segment}")),
            (Method::POST, format!("/rooms/{segment}/messages")),
            (Method::POST, format!("/guests/{segment}")),
            (Method::GET, format!("/permalink/{segment}")),
            (Method::POST, format!("/permalink/{segment}")),
            (Method::PUT, format!("/permalink/{segment}")),
            (Method::DELETE, format!("/permalink/{segment}")),
            (Method::POST, format!("/permalink/{segment}/users")),
            (
                Method::DELETE,
                format!("/permalink/{segment}/users/{segment}"),
            ),
            (Method::DELETE, format!("/permalink/{pid}/users/{segment}")),
        ];
        for (method, path) in &routes {
            for key in [None, Some(key)] {
                probe
                    .expect(
                        &Request {
                            method: method.clone(),
                            path,
                            key,
                            content_type: Some(b"application/json"),
                            body: Some(
                                b"{\"name\": \"Ann\", \"user\": {\"name\": \"Ann\"}}".to_vec(),
                            ),
                        },
                        &[400, 401, 404],
                    )
                    .await;
            }
        }
    }

    // Request lines no client library would send: past 64 KiB, or with raw
    // bytes that are not URL characters. The HTTP layer (hyper) refuses
    // them itself, with 414 or 400 and an empty body, before any route
    // runs: the only refusals that cannot carry `{"error"}`. They must be
    // a 4xx, and the server must live on.
    for target in [
        format!("/rooms/{}", "w".repeat(70_000)),
        format!("/permalink?page={}", "1".repeat(70_000)),
        "/rooms/\u{fc}n\u{ef}".to_owned(),
        "/rooms/a b".to_owned(),
    ] {
        let line = format!(
            "GET {target} HTTP/1.1\r\nHost: x\r\nAuthorization: {key}\r\nConnection: close\r\n\r\n"
        );
        probe.sent += 1;
        match raw_http(&probe.app.base, line.as_bytes()).await {
            Some(status) if (400..500).contains(&status) => {}
            other => {
                let shown: String = target.chars().take(60).collect();
                probe
                    .failures
                    .push(format!("raw GET {shown}...: expected a 4xx, got {other:?}"));
            }
        }
    }

    // Queries: those read (page, limit, expired, online) and any other.
    let queries = [
        "page=0",
        "page=-1",
        "page=4294967296",
        "page=99999999999999999999999",
        "page=1e3",
        "page=%FF",
        "page[]=1",
        "page[a]=1",
        "page=1&page[x]=2",
        "limit=0",
        "limit=101",
        "limit=NaN",
        "limit=%00",
        "expired=maybe",
        "expired[]=true",
        "expired=%C3%28",
        "online=perhaps",
        "online[x][y]=1",
        "%FF=1",
        "a[b[c]=1&&&==&[]=",
        "page=4294967295&limit=100",
        "x=ünï😀",
    ];
    let deep = format!("a{}=1", "[b]".repeat(1000));
    let long = format!("x={}", "y".repeat(60_000));
    for query in queries
        .iter()
        .copied()
        .chain([deep.as_str(), long.as_str()])
    {
        for path in [
            format!("/permalink?{query}"),
            format!("/rooms/scratch-room/users?{query}"),
            format!("/rooms?{query}"),
            format!("/rooms/{ak}?{query}"),
            format!("/permalink/{}?{query}", scratch.guest_token),
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
}

/// Writes raw bytes to the server and reads the status of the answer;
/// `None` if there was none.
async fn raw_http(base: &str, request: &[u8]) -> Option<u16> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.ok()?;
    // The server may answer and close before it has read everything.
    let _ = stream.write_all(request).await;
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer));
    let _ = read.await;
    let head = String::from_utf8_lossy(&answer);
    head.strip_prefix("HTTP/1.1 ")?.get(..3)?.parse().ok()
}
