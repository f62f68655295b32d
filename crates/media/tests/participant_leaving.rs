//! A participant leaving mid-stream: the others stop receiving its tracks,
//! renegotiation removes their m-lines, and nothing breaks.

mod common;

use std::time::Duration;

use anteroom_media::{MediaEvent, ParticipantKey, TrackKind};
use common::{AUDIO_VIDEO, SIMULCAST, World, track};

fn frames_after(
    w: &World,
    receiver: ParticipantKey,
    publisher: ParticipantKey,
    kind: TrackKind,
    at: std::time::Instant,
) -> usize {
    let frames = w.client(receiver).frames_of(track(publisher, kind));
    frames.iter().filter(|f| f.at > at).count()
}

#[test]
fn leaving_stops_its_tracks_and_removes_their_m_lines() {
    let mut w = World::new(7);
    let a = w.join(1, SIMULCAST);
    let b = w.join(1, AUDIO_VIDEO);
    let c = w.join(1, AUDIO_VIDEO);
    w.settle_in();
    w.run_for(Duration::from_secs(1));
    assert!(frames_after(&w, b, a, TrackKind::Camera, w.start) > 10);

    let left_at = w.now;
    w.leave(a);
    w.run_for(Duration::from_secs(2));

    // Only what was already on the wire may still arrive.
    let grace = left_at + Duration::from_millis(50);
    for receiver in [b, c] {
        for kind in [TrackKind::Audio, TrackKind::Camera] {
            let late = frames_after(&w, receiver, a, kind, grace);
            assert_eq!(late, 0, "{receiver} still got a's {kind}");
        }
        // The m-lines that carried a's tracks were stopped by an offer.
        for kind in [TrackKind::Audio, TrackKind::Camera] {
            let mid = w
                .client(receiver)
                .mid_of(track(a, kind))
                .expect("had a mid");
            let media = w.client(receiver).rtc.media(mid).expect("m-line");
            assert!(
                media.stopped(),
                "{receiver}'s m-line for a's {kind} is live"
            );
        }
    }

    // B and C still hear and see each other.
    assert!(frames_after(&w, b, c, TrackKind::Camera, grace) >= 30);
    assert!(frames_after(&w, c, b, TrackKind::Audio, grace) >= 80);

    let unpublished =
        w.events_matching(|e| matches!(e, MediaEvent::TrackUnpublished(t) if t.publisher == a));
    assert_eq!(unpublished.len(), 2);
    assert_eq!(
        w.engine
            .published_tracks(anteroom_media::RoomKey::new(1))
            .len(),
        4
    );
}

#[test]
fn leaving_while_an_offer_is_in_flight() {
    let mut w = World::new(8);
    let a = w.join(1, AUDIO_VIDEO);
    let b = w.join(1, AUDIO_VIDEO);
    w.settle_in();

    // C joins; the offers telling A and B about C's tracks are held back,
    // and A leaves while they are unanswered.
    w.hold_signals = true;
    let c = w.join(1, AUDIO_VIDEO);
    assert!(w.held_signals() > 0);
    w.run_for(Duration::from_millis(200));
    w.leave(a);
    w.release_signals();
    w.run_for(Duration::from_secs(2));

    // B ends up with C's tracks and without A's.
    let grace = w.now - Duration::from_secs(1);
    assert!(frames_after(&w, b, c, TrackKind::Camera, grace) >= 15);
    assert_eq!(frames_after(&w, b, a, TrackKind::Camera, grace), 0);
    for kind in [TrackKind::Audio, TrackKind::Camera] {
        let mid = w.client(b).mid_of(track(a, kind)).expect("had a mid");
        assert!(w.client(b).rtc.media(mid).expect("m-line").stopped());
    }
    assert!(frames_after(&w, c, b, TrackKind::Audio, grace) >= 40);
}

#[test]
fn removing_an_unknown_participant_is_an_error() {
    let mut w = World::new(9);
    let a = w.join(1, AUDIO_VIDEO);
    w.leave(a);
    assert!(w.engine.remove_participant(w.now, a).is_err());
    assert!(w.engine.accept_answer(w.now, a, "v=0").is_err());
}
