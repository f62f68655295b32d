//! The egress bandwidth estimate caps a subscriber's simulcast layer below
//! what it asked for, and lets it back up when the link widens.

mod common;

use std::time::Duration;

use anteroom_media::{Layer, MediaEvent, TrackKind};
use common::{NOTHING, SIMULCAST, World, track};

#[test]
fn narrow_link_gets_the_low_layer_and_recovers() {
    let mut w = World::new(17);
    let a = w.join(1, SIMULCAST);
    let b = w.join(1, NOTHING);
    w.settle_in();
    w.run_for(Duration::from_secs(1));
    let camera = track(a, TrackKind::Camera);
    assert_eq!(
        w.client(b).frames_of(camera).last().expect("frames").tag,
        b'h'
    );

    // The high layer alone needs about 420 kbit/s.
    let b_addr = w.client(b).addr;
    let before_narrowing = w.client(b).frames_of(camera).len();
    let now = w.now;
    w.net.set_link(b_addr, Some(300_000), now);
    let switched_to = |w: &World, layer: Layer| {
        w.events_matching(|e| {
            matches!(e, MediaEvent::LayerSwitched { subscriber, layer: Some(l), .. }
                if *subscriber == b && *l == layer)
        })
        .len()
    };
    let lows = switched_to(&w, Layer::Low);
    w.run_until(Duration::from_secs(10), "switch to low", |w| {
        switched_to(w, Layer::Low) > lows
    });
    // What the pacer had queued at the higher rate drains first. (The
    // subscriber also started on the low layer, before the estimate had
    // room for the high one; those frames are older.)
    let lows_at = |w: &World| {
        let frames = w.client(b).frames_of(camera);
        let mut after = frames.iter().skip(before_narrowing);
        after
            .position(|f| f.tag == b'l')
            .map(|i| i + before_narrowing)
    };
    w.run_until(Duration::from_secs(10), "low frames", |w| {
        lows_at(w).is_some()
    });
    w.run_for(Duration::from_secs(2));
    let frames = w.client(b).frames_of(camera);
    let first_low = lows_at(&w).expect("low frames");
    assert!(frames[first_low].keyframe);
    assert!(frames[first_low..].iter().all(|f| f.tag == b'l'));

    let now = w.now;
    w.net.set_link(b_addr, None, now);
    let highs = switched_to(&w, Layer::High);
    w.run_until(Duration::from_secs(20), "back to high", |w| {
        switched_to(w, Layer::High) > highs
    });
}
