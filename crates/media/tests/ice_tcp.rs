//! A client that cannot use UDP connects over the passive ICE-TCP
//! candidate; the engine takes `Protocol::Tcp` input and answers in kind.

mod common;

use std::time::Duration;

use anteroom_media::{Protocol, TrackKind};
use common::{AUDIO_VIDEO, SERVER_TCP, World, track};

#[test]
fn media_flows_over_ice_tcp() {
    let mut w = World::new(18);
    let a = w.join(1, AUDIO_VIDEO);
    let b = w.join_tcp(1, AUDIO_VIDEO);
    w.settle_in();
    w.run_for(Duration::from_secs(1));

    let camera = w.client(b).frames_of(track(a, TrackKind::Camera));
    assert!(camera.len() >= 15, "b got {} frames over tcp", camera.len());
    let audio = w.client(a).frames_of(track(b, TrackKind::Audio));
    assert!(
        audio.len() >= 40,
        "a got {} audio frames from b",
        audio.len()
    );

    // What B sent went to the TCP candidate, as TCP.
    let b_addr = w.client(b).addr;
    assert!(w.net.seen.iter().any(|(proto, source, destination)| {
        *proto == Protocol::Tcp && *source == b_addr && *destination == SERVER_TCP
    }));
    assert!(w.net.seen.iter().any(|(proto, source, destination)| {
        *proto == Protocol::Tcp && *source == SERVER_TCP && *destination == b_addr
    }));
}
