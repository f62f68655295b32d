//! A subscriber's layer follows what it asks for, and changes only on a
//! keyframe of the new layer.

mod common;

use std::time::Duration;

use anteroom_media::{Layer, MediaEvent, TrackKind};
use common::{NOTHING, SIMULCAST, World, track};

/// Asks for `layer` and checks the frames that follow: the old layer until
/// a keyframe of the new one, then only the new one.
fn switch_to(w: &mut World, layer: Layer, old_tag: u8, new_tag: u8) {
    let (a, b) = (common_keys().0, common_keys().1);
    let camera = track(a, TrackKind::Camera);
    let from = w.client(b).frames_of(camera).len();

    w.engine
        .set_desired_layer(w.now, b, camera, layer)
        .expect("layer");
    w.run_for(Duration::from_secs(1));

    let frames = w.client(b).frames_of(camera);
    let after = &frames[from..];
    let first_new = after
        .iter()
        .position(|f| f.tag == new_tag)
        .expect("the new layer arrives");
    assert!(
        after[first_new].keyframe,
        "switch to {layer} not on a keyframe"
    );
    assert!(after[..first_new].iter().all(|f| f.tag == old_tag));
    assert!(after[first_new..].iter().all(|f| f.tag == new_tag));
    assert!(after.len() - first_new >= 15, "too few {layer} frames");

    // Frame numbers never go back across the switch. The first frame of
    // the new layer may be the same picture as the last of the old one.
    let seqs: Vec<u32> = after.iter().map(|f| f.seq).collect();
    assert!(seqs.windows(2).all(|p| p[0] <= p[1]), "{seqs:?}");

    let switched = w.events_matching(|e| {
        matches!(e, MediaEvent::LayerSwitched { subscriber, layer: Some(l), .. }
            if *subscriber == b && *l == layer)
    });
    assert!(!switched.is_empty(), "no LayerSwitched to {layer}");
}

/// The harness hands out keys in join order.
fn common_keys() -> (
    anteroom_media::ParticipantKey,
    anteroom_media::ParticipantKey,
) {
    (
        anteroom_media::ParticipantKey::new(1),
        anteroom_media::ParticipantKey::new(2),
    )
}

#[test]
fn subscriber_moves_to_low_and_back_to_high_on_keyframes() {
    let mut w = World::new(5);
    let a = w.join(1, SIMULCAST);
    let b = w.join(1, NOTHING);
    assert_eq!((a, b), common_keys());
    w.settle_in();
    let camera = track(a, TrackKind::Camera);
    // The default is the highest layer, once the estimate has room for it.
    let on_high = w.run_until_on_layer(b, camera, b'h');
    w.run_for(Duration::from_secs(1));
    let frames = &w.client(b).frames_of(camera)[on_high..];
    assert!(frames.len() >= 15);
    assert!(frames.iter().all(|f| f.tag == b'h'), "stays on the highest");

    switch_to(&mut w, Layer::Low, b'h', b'l');
    switch_to(&mut w, Layer::High, b'l', b'h');
}

#[test]
fn asking_for_an_unpublished_track_is_an_error() {
    let mut w = World::new(6);
    let a = w.join(1, NOTHING);
    let b = w.join(1, NOTHING);
    let camera = track(a, TrackKind::Camera);
    let result = w.engine.set_desired_layer(w.now, b, camera, Layer::Low);
    assert!(result.is_err());
}

#[test]
fn a_paused_top_layer_gives_way_to_a_live_one_and_comes_back() {
    let mut w = World::new(7);
    let a = w.join(1, SIMULCAST);
    let b = w.join(1, NOTHING);
    w.settle_in();
    let camera = track(a, TrackKind::Camera);
    let on_high = w.run_until_on_layer(b, camera, b'h');
    w.run_for(Duration::from_secs(1));
    let frames = &w.client(b).frames_of(camera)[on_high..];
    assert!(frames.iter().all(|f| f.tag == b'h'));

    // A's browser suspends its top layer: B must not stay on a frozen picture.
    w.client_mut(a).pause_layer("h");
    let from = w.client(b).frames_of(camera).len();
    w.run_for(Duration::from_secs(3));
    let frames = w.client(b).frames_of(camera);
    let after = &frames[from..];
    let first_low = after
        .iter()
        .position(|f| f.tag == b'l')
        .expect("the low layer arrives");
    assert!(after[first_low].keyframe, "switch to l not on a keyframe");
    assert!(after.len() - first_low >= 20, "too few l frames");

    // The layer comes back, and so does B's full picture.
    w.client_mut(a).resume_layer("h");
    let from = w.client(b).frames_of(camera).len();
    w.run_for(Duration::from_secs(3));
    let frames = w.client(b).frames_of(camera);
    let back = frames[from..].iter().filter(|f| f.tag == b'h').count();
    assert!(back >= 15, "h frames after the resume: {back}");
}
