//! Every participant receives every other participant's tracks, and never
//! its own.

mod common;

use std::time::Duration;

use anteroom_media::{MediaEvent, TrackKind};
use common::{AUDIO_VIDEO, Camera, NOTHING, Publish, World, track};

#[test]
fn audio_and_video_reach_the_other_participant() {
    let mut w = World::new(1);
    let a = w.join(1, AUDIO_VIDEO);
    let b = w.join(1, NOTHING);
    w.settle_in();
    w.run_for(Duration::from_secs(2));

    let camera = w.client(b).frames_of(track(a, TrackKind::Camera));
    let audio = w.client(b).frames_of(track(a, TrackKind::Audio));
    assert!(camera.len() >= 35, "camera frames: {}", camera.len());
    assert!(audio.len() >= 90, "audio frames: {}", audio.len());
    assert!(camera[0].keyframe, "video starts on a keyframe");
    assert!(camera.iter().all(|f| f.tag == b'c'));
    assert!(audio.iter().all(|f| f.tag == b'a'));

    // A gets nothing: B publishes nothing, and A's own tracks stay away.
    assert!(w.client(a).received.is_empty());
    assert!(w.client(a).labels.is_empty());

    let connected = w.events_matching(|e| matches!(e, MediaEvent::Connected(_)));
    assert_eq!(connected.len(), 2);
    let published = w.events_matching(|e| matches!(e, MediaEvent::TrackPublished { .. }));
    assert_eq!(published.len(), 2);
}

#[test]
fn three_participants_receive_each_others_camera_screen_and_audio() {
    let mut w = World::new(2);
    let everything = Publish {
        audio: true,
        camera: Camera::Simulcast,
        screen: true,
    };
    let a = w.join(7, everything);
    let b = w.join(7, AUDIO_VIDEO);
    let c = w.join(7, NOTHING);
    // Another room must not leak in.
    let stranger = w.join(8, AUDIO_VIDEO);
    w.settle_in();
    w.run_for(Duration::from_secs(2));

    let kinds = [TrackKind::Audio, TrackKind::Camera, TrackKind::Screen];
    for receiver in [b, c] {
        for kind in kinds {
            let frames = w.client(receiver).frames_of(track(a, kind));
            assert!(
                frames.len() >= 20,
                "{receiver} got {} of a's {kind}",
                frames.len()
            );
        }
    }
    for receiver in [a, c] {
        for kind in [TrackKind::Audio, TrackKind::Camera] {
            let frames = w.client(receiver).frames_of(track(b, kind));
            assert!(
                frames.len() >= 20,
                "{receiver} got {} of b's {kind}",
                frames.len()
            );
        }
    }

    // Simulcast reaches a subscriber as one layer at a time, switching
    // only on a keyframe: lower ones while the estimate has no room for
    // more, then the highest, asked for by default.
    let camera = w.client(b).frames_of(track(a, TrackKind::Camera));
    for pair in camera.windows(2) {
        if pair[0].tag != pair[1].tag {
            assert!(pair[1].keyframe, "switch to {} on a keyframe", pair[1].tag);
        }
    }
    assert_eq!(camera.last().expect("frames").tag, b'h');

    for receiver in [a, b, c] {
        let own = w
            .client(receiver)
            .labels
            .values()
            .any(|t| t.publisher == receiver);
        assert!(!own, "{receiver} was offered its own track");
        let foreign = w
            .client(receiver)
            .labels
            .values()
            .any(|t| t.publisher == stranger);
        assert!(!foreign, "{receiver} was offered another room's track");
    }
    assert!(w.client(stranger).received.is_empty());
}
