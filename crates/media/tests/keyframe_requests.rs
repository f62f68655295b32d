//! A subscriber's keyframe requests reach the publisher's layer it decodes,
//! throttled; the engine also asks for one when a subscriber starts.

mod common;

use std::time::Duration;

use anteroom_media::TrackKind;
use common::{NOTHING, SIMULCAST, World, track};
use str0m::media::{KeyframeRequestKind, Rid};

#[test]
fn subscriber_start_asks_the_publisher_for_a_keyframe() {
    let mut w = World::new(3);
    let a = w.join(1, SIMULCAST);
    // Let A's encoder pass its first keyframe before anyone watches, and
    // its layers be measured, so B starts on the high one it asks for.
    w.run_until(Duration::from_secs(5), "a connected", |w| {
        w.client(a).connected
    });
    w.run_for(Duration::from_secs(2));
    let before = w.client(a).keyframe_requests.len();

    let b = w.join(1, NOTHING);
    w.settle_in();
    w.run_for(Duration::from_millis(500));

    let requests = &w.client(a).keyframe_requests[before..];
    assert!(!requests.is_empty(), "no keyframe request when b started");
    assert!(
        requests
            .iter()
            .all(|(_, _, rid)| *rid == Some(Rid::from("h")))
    );

    let camera = w.client(b).frames_of(track(a, TrackKind::Camera));
    assert!(!camera.is_empty());
    assert!(camera[0].keyframe, "b's first frame must be a keyframe");
}

#[test]
fn repeated_plis_reach_the_publisher_throttled() {
    let mut w = World::new(4);
    let a = w.join(1, SIMULCAST);
    let b = w.join(1, NOTHING);
    w.settle_in();
    w.run_for(Duration::from_secs(1));

    let camera = track(a, TrackKind::Camera);
    let mid = w.client(b).mid_of(camera).expect("b receives a's camera");
    let before = w.client(a).keyframe_requests.len();
    let start = w.now;

    // B's decoder keeps asking: 40 PLIs in two seconds.
    for _ in 0..40 {
        let now = w.now;
        let net = &mut w.net;
        let client = w.clients.get_mut(&b).expect("b");
        let mut writer = client.rtc.writer(mid).expect("writer");
        writer
            .request_keyframe(None, KeyframeRequestKind::Pli)
            .expect("pli");
        client.drain(now, net);
        w.run_for(Duration::from_millis(50));
    }
    let elapsed = w.now - start;

    let requests = &w.client(a).keyframe_requests[before..];
    // One per 500 ms at most, with one at the start of the window.
    let max = (elapsed.as_millis() / 500 + 1) as usize;
    assert!(
        (2..=max).contains(&requests.len()),
        "a got {} requests in {elapsed:?}",
        requests.len()
    );
    assert!(
        requests
            .iter()
            .all(|(_, _, rid)| *rid == Some(Rid::from("h")))
    );
    let a_camera_mid = requests[0].1;
    assert!(requests.iter().all(|(_, m, _)| *m == a_camera_mid));
}
