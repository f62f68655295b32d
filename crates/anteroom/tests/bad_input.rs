//! No input yields a 5xx or takes the server down, and bad input loses
//! nothing (D7).
//!
//! Malformed bodies in every encoding, wrong types for every documented
//! field, oversized bodies, lying content types, odd paths, methods and
//! queries, and a few hundred seeded random garblings per endpoint. Every
//! refusal must be a 4xx with `{"error": "<string>"}` and no internal
//! detail. Afterwards the permalink and the meeting made before the barrage
//! are exactly as they were, still work, and survive a restart.
//!
//! The tests and the checks before and after each barrage are here; the
//! harness that sends and judges requests is in `harness`, what the
//! barrages run against in `fixtures`, and each barrage in a module of its
//! own.

#[path = "bad_input/bodies.rs"]
mod bodies;
mod common;
#[path = "bad_input/fields.rs"]
mod fields;
#[path = "bad_input/fixtures.rs"]
mod fixtures;
#[path = "bad_input/harness.rs"]
mod harness;
#[path = "bad_input/paths.rs"]
mod paths;
#[path = "bad_input/random.rs"]
mod random;
#[path = "bad_input/refused.rs"]
mod refused;

use std::sync::Arc;
use std::time::Duration;

use common::TestApp;

use anteroom::server::{self, ServerOptions};
use anteroom_domain::Timeouts;

use bodies::{broken_bodies, too_large};
use fields::wrong_types;
use fixtures::{Kept, Scratch};
use harness::{Probe, Request};
use paths::odd_paths;
use random::{random_barrage, seed};
use refused::refuse_at_kept;

/// Stops the server and starts a new one on the same data folder.
async fn restart(app: &mut TestApp) {
    app.stop().await;
    let server = server::start(ServerOptions {
        listen: "127.0.0.1:0".parse().expect("address"),
        data_dir: app.dir.path().to_owned(),
        api_url: None,
        app_url: None,
        timeouts: Timeouts::default(),
        tls: None,
        api_key: Some(app.key.clone()),
        clock: Arc::new(app.clock.clone()),
        sweep_every: Duration::from_secs(3600),
    })
    .await
    .expect("the server starts again on the same data");
    app.base = format!("http://{}", server.local_addr);
    app.server = Some(server);
}

/// The server still answers normally.
async fn assert_alive(app: &TestApp, after: &str) {
    let reply = app.get("/rooms").await;
    assert_eq!(reply.status, 200, "after {after}: {}", reply.text);
}

/// A server with the kept things and the scratch things.
async fn setup() -> (TestApp, Kept, Scratch) {
    let app = TestApp::start().await;
    let kept = Kept::make(&app).await;
    let scratch = Scratch::make(&app).await;
    (app, kept, scratch)
}

/// After a barrage: the server answers, what was kept is unchanged, also
/// after a restart, and still works; the scratch permalink, shaken hard,
/// still reads back.
async fn verify(mut app: TestApp, kept: &Kept, scratch: &Scratch, after: &str) {
    assert_alive(&app, after).await;
    kept.assert_unchanged(&app, after).await;
    restart(&mut app).await;
    kept.assert_unchanged(&app, &format!("{after}, then a restart"))
        .await;
    kept.assert_working(&app).await;
    app.get(&format!("/permalink/{}", scratch.pid))
        .await
        .expect(200);
    app.get_anon(&format!("/permalink/{}", scratch.user_token))
        .await
        .expect(200);
}

#[tokio::test]
async fn refused_input_applies_nothing() {
    let (app, kept, scratch) = setup().await;
    let key = app.key.clone();
    let mut probe = Probe::new(&app);
    refuse_at_kept(&mut probe, &kept, &key).await;
    probe.finish("bad input at the kept permalink and meeting");
    verify(app, &kept, &scratch, "bad input aimed at it").await;
}

#[tokio::test]
async fn wrong_types_for_every_documented_field() {
    let (app, kept, scratch) = setup().await;
    let key = app.key.clone();
    let mut probe = Probe::new(&app);
    wrong_types(&mut probe, &scratch.targets(), &key).await;
    probe.finish("wrong types for documented fields");
    verify(app, &kept, &scratch, "wrong types").await;
}

#[tokio::test]
async fn broken_bodies_in_every_content_type() {
    let (app, kept, scratch) = setup().await;
    let key = app.key.clone();
    let targets = scratch.targets();
    let mut probe = Probe::new(&app);
    for target in &targets {
        for (content_type, body, statuses) in broken_bodies() {
            let request = Request {
                method: target.method.clone(),
                path: &target.path,
                key: target.key.then_some(key.as_str()),
                content_type: Some(&content_type),
                body: Some(body),
            };
            if statuses.is_empty() {
                probe.check(&request).await;
            } else {
                probe.expect(&request, statuses).await;
            }
        }
    }
    too_large(&mut probe, &targets, &key).await;
    probe.finish("broken bodies");
    verify(app, &kept, &scratch, "broken bodies").await;
}

#[tokio::test]
async fn odd_paths_methods_and_queries() {
    let (app, kept, scratch) = setup().await;
    let key = app.key.clone();
    let mut probe = Probe::new(&app);
    odd_paths(&mut probe, &scratch, &key).await;
    probe.finish("odd paths, methods and queries");
    verify(app, &kept, &scratch, "odd paths").await;
}

#[tokio::test]
async fn seeded_random_requests() {
    let (app, kept, scratch) = setup().await;
    let key = app.key.clone();
    let mut probe = Probe::new(&app);
    random_barrage(&mut probe, &scratch, &scratch.targets(), &key).await;
    let seed = seed();
    probe.finish(&format!("random requests (seed {seed})"));
    verify(app, &kept, &scratch, "random requests").await;
}
