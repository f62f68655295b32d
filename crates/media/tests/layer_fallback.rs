//! A subscriber is only ever aimed at a layer the publisher is sending.
//!
//! Chromium starts a simulcast camera with its low layer and adds the high
//! one as its uplink estimate grows, and it drops the high one again when
//! the uplink shrinks. A subscriber aimed at a layer that is not arriving
//! decodes nothing, so it gets the best layer that is arriving, and moves
//! to the one it asked for at that layer's next keyframe.

mod common;

use std::time::{Duration, Instant};

use anteroom_media::{Layer, MediaEvent, ParticipantKey, TrackKind};
use common::client::Frame;
use common::{NOTHING, SIMULCAST, World, track};
use str0m::media::Rid;

/// When the engine reported `key`'s media connected.
fn connected_at(w: &World, key: ParticipantKey) -> Instant {
    let connected = w.events_matching(|e| *e == MediaEvent::Connected(key));
    connected.first().expect("connected").0
}

/// The camera frames `b` received of `a` from index `from` on.
fn camera_frames(w: &World, a: ParticipantKey, b: ParticipantKey, from: usize) -> Vec<Frame> {
    let frames = w.client(b).frames_of(track(a, TrackKind::Camera));
    frames[from.min(frames.len())..]
        .iter()
        .map(|f| (*f).clone())
        .collect()
}

/// Checks that `frames` switch from `old` to `new` once, on a keyframe of
/// `new`, and that `new` then runs without a missing frame. Returns the
/// first frame of `new`.
fn one_clean_switch(frames: &[Frame], old: u8, new: u8) -> Frame {
    let first = frames
        .iter()
        .position(|f| f.tag == new)
        .unwrap_or_else(|| panic!("no {} frame", new as char));
    assert!(frames[..first].iter().all(|f| f.tag == old));
    assert!(frames[first].keyframe, "switch not on a keyframe");

    let after = &frames[first..];
    assert!(
        after.iter().all(|f| f.tag == new),
        "switched back and forth"
    );
    // A frame the decoder never got would break every frame after it.
    let seqs: Vec<u32> = after.iter().map(|f| f.seq).collect();
    assert!(seqs.windows(2).all(|p| p[1] == p[0] + 1), "gap in {seqs:?}");
    frames[first].clone()
}

/// A publisher whose camera sends only `l` until `h` is resumed.
fn join_low_only(w: &mut World) -> ParticipantKey {
    let a = w.join(1, SIMULCAST);
    w.client_mut(a).pause_layer("h");
    a
}

/// Brings `h` up at `at` and checks that `b` moves to it at its first
/// keyframe, soon.
fn high_arrives_and_b_moves_up(w: &mut World, a: ParticipantKey, b: ParticipantKey, at: Instant) {
    w.run_for(at.saturating_duration_since(w.now));
    let from = w.client(b).frames_of(track(a, TrackKind::Camera)).len();
    let resumed = w.now;
    w.client_mut(a).resume_layer("h");
    w.run_for(Duration::from_secs(1));

    let frames = camera_frames(w, a, b, from);
    let first_h = one_clean_switch(&frames, b'l', b'h');
    let delay = first_h.at - resumed;
    assert!(delay <= Duration::from_millis(200), "h after {delay:?}");
    eprintln!("h frames reach b {delay:?} after a resumed h");

    // The keyframe the layer starts with carries the switch; asking for
    // another would cost the publisher's uplink a second large frame.
    let requests = &w.client(a).keyframe_requests;
    let asked: Vec<_> = requests.iter().filter(|r| r.0 >= resumed).collect();
    assert!(asked.is_empty(), "keyframes asked for: {asked:?}");
}

#[test]
fn late_high_layer_subscriber_starts_on_low_and_moves_up() {
    let mut w = World::new(31);
    let a = join_low_only(&mut w);
    w.run_until(Duration::from_secs(5), "a connected", |w| {
        w.client(a).connected
    });
    let a_start = w.now;
    w.run_for(Duration::from_millis(800));

    let b = w.join(1, NOTHING);
    w.run_until(Duration::from_secs(5), "b's first frame", |w| {
        !camera_frames(w, a, b, 0).is_empty()
    });
    let first = camera_frames(&w, a, b, 0)[0].clone();
    let wait = first.at - connected_at(&w, b);
    assert_eq!(first.tag, b'l');
    assert!(first.keyframe);
    assert!(
        wait <= Duration::from_millis(100),
        "first frame after {wait:?}"
    );
    eprintln!("b's first frame {wait:?} after it connected");

    high_arrives_and_b_moves_up(&mut w, a, b, a_start + Duration::from_secs(2));
}

#[test]
fn subscriber_joining_with_the_publisher_starts_on_low() {
    // Nothing has arrived yet when B's forwarding is set up, so the engine
    // cannot know then that `h` is missing.
    let mut w = World::new(32);
    let a = join_low_only(&mut w);
    let b = w.join(1, NOTHING);
    w.run_until(Duration::from_secs(5), "b's first frame", |w| {
        !camera_frames(w, a, b, 0).is_empty()
    });
    let first = camera_frames(&w, a, b, 0)[0].clone();
    let wait = first.at - connected_at(&w, a).max(connected_at(&w, b));
    assert_eq!(first.tag, b'l');
    assert!(first.keyframe);
    assert!(
        wait <= Duration::from_millis(100),
        "first frame after {wait:?}"
    );
    eprintln!("b's first frame {wait:?} after both connected");

    let a_start = connected_at(&w, a);
    high_arrives_and_b_moves_up(&mut w, a, b, a_start + Duration::from_secs(2));
}

#[test]
fn high_layer_stopping_mid_stream_falls_back_to_low_at_a_keyframe() {
    let mut w = World::new(33);
    let a = w.join(1, SIMULCAST);
    let b = w.join(1, NOTHING);
    w.settle_in();
    let on_high = w.run_until_on_layer(b, track(a, TrackKind::Camera), b'h');
    w.run_for(Duration::from_millis(500));
    let from = camera_frames(&w, a, b, 0).len();
    assert!(
        camera_frames(&w, a, b, on_high)
            .iter()
            .all(|f| f.tag == b'h')
    );

    let paused = w.now;
    w.client_mut(a).pause_layer("h");
    w.run_for(Duration::from_secs(3));
    let frames = camera_frames(&w, a, b, from);
    let first_l = one_clean_switch(&frames, b'h', b'l');
    let freeze = first_l.at - paused;
    assert!(freeze <= Duration::from_secs(1), "l after {freeze:?}");
    eprintln!("l frames reach b {freeze:?} after a paused h");

    // The keyframe asked for is one of `l`, sent as `h` is given up; asking
    // the paused layer would get nothing.
    let requests = &w.client(a).keyframe_requests;
    let asked: Vec<_> = requests.iter().filter(|r| r.0 > paused).collect();
    assert!(!asked.is_empty());
    assert!(
        asked.iter().all(|r| r.2 == Some(Rid::from("l"))),
        "{asked:?}"
    );
    assert!(asked[0].0 - paused <= Duration::from_millis(600));

    let resume_at = w.now;
    high_arrives_and_b_moves_up(&mut w, a, b, resume_at);
}

#[test]
fn subscriber_asking_for_low_gets_high_while_low_is_missing() {
    let mut w = World::new(34);
    let a = w.join(1, SIMULCAST);
    let b = w.join(1, NOTHING);
    w.settle_in();
    let camera = track(a, TrackKind::Camera);
    w.engine
        .set_desired_layer(w.now, b, camera, Layer::Low)
        .expect("layer");
    w.run_for(Duration::from_secs(1));
    let last = camera_frames(&w, a, b, 0).last().expect("frames").clone();
    assert_eq!(last.tag, b'l');

    // No layer below the one asked for: the nearest one above it.
    let from = camera_frames(&w, a, b, 0).len();
    let paused = w.now;
    w.client_mut(a).pause_layer("l");
    w.run_for(Duration::from_secs(2));
    let frames = camera_frames(&w, a, b, from);
    let first_h = one_clean_switch(&frames, b'l', b'h');
    assert!(first_h.at - paused <= Duration::from_secs(1));

    let from = camera_frames(&w, a, b, 0).len();
    let resumed = w.now;
    w.client_mut(a).resume_layer("l");
    w.run_for(Duration::from_secs(1));
    let frames = camera_frames(&w, a, b, from);
    let first_l = one_clean_switch(&frames, b'h', b'l');
    assert!(first_l.at - resumed <= Duration::from_millis(200));
}
