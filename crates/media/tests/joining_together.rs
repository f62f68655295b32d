//! Participants who join at nearly the same moment: each is offered the
//! other's tracks as soon as the other's offer is answered, not once its
//! connection is up, so neither waits a second set-up for the other.

mod common;

use std::time::Duration;

use anteroom_media::{MediaEvent, TrackKind};
use common::{SIMULCAST, World, track};

#[test]
fn tracks_are_published_when_the_offer_is_answered() {
    let mut w = World::new(11);
    let a = w.join(1, SIMULCAST);

    // Nothing has crossed the network yet, and the room knows a's tracks.
    let connected = w.events_matching(|e| matches!(e, MediaEvent::Connected(_)));
    assert!(connected.is_empty());
    let published = w.events_matching(|e| matches!(e, MediaEvent::TrackPublished { .. }));
    assert_eq!(published.len(), 2, "audio and camera of {a}");
}

#[test]
fn the_second_joiner_is_offered_the_first_ones_tracks_at_once() {
    let mut w = World::new(12);
    let a = w.join(1, SIMULCAST);
    let b = w.join(1, SIMULCAST);

    // b's client holds a's m-lines before either has connected, and a
    // holds b's: the engine offered them right after b's offer.
    for (me, other) in [(b, a), (a, b)] {
        let labels: Vec<_> = w.client(me).labels.values().copied().collect();
        assert!(labels.contains(&track(other, TrackKind::Camera)), "{me}");
        assert!(labels.contains(&track(other, TrackKind::Audio)), "{me}");
    }

    // Media flows both ways soon after both are connected.
    let joined = w.now;
    w.run_until(Duration::from_secs(3), "both decode", |w| {
        let sees = |me, other| {
            !w.client(me)
                .frames_of(track(other, TrackKind::Camera))
                .is_empty()
        };
        sees(a, b) && sees(b, a)
    });
    let first_frames = w.now - joined;
    assert!(
        first_frames < Duration::from_millis(800),
        "first frames both ways after {first_frames:?} of virtual time"
    );
    for (me, other) in [(a, b), (b, a)] {
        let frames = w.client(me).frames_of(track(other, TrackKind::Camera));
        assert!(frames[0].keyframe, "{me} starts on a keyframe");
    }
}
