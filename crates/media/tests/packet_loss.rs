//! Lost packets on both legs: video is repaired by NACK and RTX (str0m does
//! that per leg), lost frames bring keyframe requests, and nothing panics.

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use anteroom_media::TrackKind;
use common::{NOTHING, SIMULCAST, World, track};

#[test]
fn video_survives_ten_percent_loss() {
    let mut w = World::new(10);
    let a = w.join(1, SIMULCAST);
    let b = w.join(1, NOTHING);
    w.settle_in();
    w.run_for(Duration::from_millis(500));

    let camera = track(a, TrackKind::Camera);
    let first_seq = w.client(b).frames_of(camera).last().expect("frames").seq;
    let start = w.now;

    w.net.set_loss_percent(10);
    w.run_for(Duration::from_secs(4));
    w.net.set_loss_percent(0);
    // Let the last repairs land.
    w.run_for(Duration::from_millis(500));

    let frames = w.client(b).frames_of(camera);
    let during: Vec<_> = frames.iter().filter(|f| f.at > start).collect();
    let seqs: BTreeSet<u32> = during.iter().map(|f| f.seq).collect();
    let last_seq = during.last().expect("frames during loss").seq;
    let expected = (last_seq - first_seq) as usize;
    let got = seqs.len();

    assert!(w.net.dropped > 100, "too little loss: {}", w.net.dropped);
    assert!(
        got * 100 >= expected * 90,
        "{got} of {expected} frames arrived"
    );
    assert!(seqs.len() == during.len(), "a frame arrived twice");

    let audio = w.client(b).frames_of(track(a, TrackKind::Audio));
    let audio_during = audio.iter().filter(|f| f.at > start).count();
    // Audio is not repaired: roughly the loss of both legs shows.
    assert!(audio_during > 150, "audio frames: {audio_during}");
}

#[test]
fn heavy_loss_brings_keyframe_requests_and_video_recovers() {
    let mut w = World::new(11);
    let a = w.join(1, SIMULCAST);
    let b = w.join(1, NOTHING);
    w.settle_in();
    w.run_for(Duration::from_millis(500));
    let requests_before = w.client(a).keyframe_requests.len();

    w.net.set_loss_percent(35);
    w.run_for(Duration::from_secs(3));
    w.net.set_loss_percent(0);
    let healed = w.now;
    w.run_for(Duration::from_secs(2));

    // Frames that could not be repaired made the engine ask for keyframes.
    let requests = w.client(a).keyframe_requests.len() - requests_before;
    assert!(requests > 0, "no keyframe requests under heavy loss");

    let camera = w.client(b).frames_of(track(a, TrackKind::Camera));
    let after: Vec<_> = camera
        .iter()
        .filter(|f| f.at > healed + Duration::from_secs(1))
        .collect();
    assert!(
        after.len() >= 15,
        "video did not recover: {} frames",
        after.len()
    );
}
