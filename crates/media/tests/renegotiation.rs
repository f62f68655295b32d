//! Tracks a client starts and stops after joining reach the others through
//! renegotiation; when both sides offer at once, the engine gives way.

mod common;

use std::time::Duration;

use anteroom_media::{MediaEvent, TrackKind};
use common::{AUDIO_VIDEO, NOTHING, World, track};

#[test]
fn screen_share_starts_and_stops_by_client_offer() {
    let mut w = World::new(15);
    let a = w.join(1, AUDIO_VIDEO);
    let b = w.join(1, NOTHING);
    w.settle_in();

    let screen = track(a, TrackKind::Screen);
    w.client_offer(a, |c| c.start_screen());
    w.run_for(Duration::from_secs(1));
    let frames = w.client(b).frames_of(screen);
    assert!(frames.len() >= 10, "screen frames: {}", frames.len());
    assert!(frames[0].keyframe);
    assert!(frames.iter().all(|f| f.tag == b's'));

    w.client_offer(a, |c| c.stop_sending(TrackKind::Screen));
    let stopped_at = w.now;
    w.run_for(Duration::from_secs(1));

    let late = w.client(b).frames_of(screen);
    let late = late
        .iter()
        .filter(|f| f.at > stopped_at + Duration::from_millis(50));
    assert_eq!(late.count(), 0);
    let mid = w.client(b).mid_of(screen).expect("had a mid");
    assert!(w.client(b).rtc.media(mid).expect("m-line").stopped());

    let unpublished = w.events_matching(|e| *e == MediaEvent::TrackUnpublished(screen));
    assert_eq!(unpublished.len(), 1);
    // The camera is unaffected.
    let camera = w.client(b).frames_of(track(a, TrackKind::Camera));
    assert!(camera.iter().filter(|f| f.at > stopped_at).count() >= 15);
}

#[test]
fn client_offer_wins_over_a_pending_engine_offer() {
    let mut w = World::new(16);
    let a = w.join(1, AUDIO_VIDEO);
    let b = w.join(1, NOTHING);
    w.settle_in();

    // C joins: the engine's offer to A (C's tracks) is on its way when A
    // starts sharing its screen with an offer of its own.
    w.hold_signals = true;
    let c = w.join(1, AUDIO_VIDEO);
    w.run_for(Duration::from_millis(100));
    w.client_offer(a, |client| client.start_screen());
    w.release_signals();
    w.run_for(Duration::from_secs(2));

    // The engine planned its offer again after answering A's.
    let from_c = w.client(a).frames_of(track(c, TrackKind::Camera));
    assert!(from_c.len() >= 15, "a got {} of c's frames", from_c.len());
    let screen = w.client(b).frames_of(track(a, TrackKind::Screen));
    assert!(screen.len() >= 15, "b got {} screen frames", screen.len());
    let screen_to_c = w.client(c).frames_of(track(a, TrackKind::Screen));
    assert!(screen_to_c.len() >= 15);
}
