//! Media through the real IO loop: str0m peers on 127.0.0.1 sockets, one
//! publishing and one receiving, over UDP and over ICE-TCP. Wall-clock
//! tests, each bounded by a timeout.

mod common;

use std::time::{Duration, Instant};

use anteroom_sfu::{MediaStatus, SfuConfig, TrackKind};
use common::{AUDIO_ONLY, AUDIO_VIDEO, NOTHING, Peer, init_log, wait_for};

const LIMIT: Duration = Duration::from_secs(15);

#[tokio::test]
async fn media_crosses_the_shared_udp_socket_and_stops_when_the_publisher_leaves() {
    init_log();
    let started = Instant::now();
    let sfu = anteroom_sfu::start(SfuConfig::loopback())
        .await
        .expect("sfu");
    let handle = sfu.handle();

    let session_a = handle.add_participant("m1", "pa").await.expect("add a");
    let mut a = Peer::udp("pa").await;
    a.negotiate(&handle, AUDIO_VIDEO).await;
    let a = a.spawn(handle.clone(), session_a);

    let session_b = handle.add_participant("m1", "pb").await.expect("add b");
    let mut b = Peer::udp("pb").await;
    b.negotiate(&handle, NOTHING).await;
    let b = b.spawn(handle.clone(), session_b);

    wait_for(LIMIT, "b decodes a's camera and audio", || {
        b.read(|s| {
            s.frames_of("pa", TrackKind::Camera) >= 20 && s.frames_of("pa", TrackKind::Audio) >= 50
        })
    })
    .await;
    let flowing = started.elapsed();

    // The realtime side hears that both are connected, and what A publishes.
    for peer in [&a, &b] {
        assert!(peer.read(|s| s.events.contains(&MediaStatus::Connected)));
    }
    let published = a.read(|s| s.events.clone());
    for kind in [TrackKind::Audio, TrackKind::Camera] {
        let found = published
            .iter()
            .any(|e| matches!(e, MediaStatus::Published { kind: k, .. } if *k == kind));
        assert!(found, "a's {kind} reported: {published:?}");
    }
    // B's offer named A's tracks by the server's participant id.
    let labels = b.read(|s| {
        s.labels
            .values()
            .map(|t| t.participant.clone())
            .collect::<Vec<_>>()
    });
    assert_eq!(labels, vec!["pa".to_owned(); 2]);
    assert_eq!(a.read(|s| s.frames.len()), 0, "b publishes nothing");

    // A leaves: its channels close and B is offered the m-lines' end.
    let offers_before = b.read(|s| s.offers);
    handle.remove_participant("pa").await.expect("remove a");
    wait_for(LIMIT, "a's session to close", || {
        a.read(|s| s.events_closed)
    })
    .await;
    wait_for(LIMIT, "b's renegotiation", || {
        b.read(|s| s.offers > offers_before)
    })
    .await;
    let frames = b.read(|s| s.frames.len());
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(b.read(|s| s.frames.len()) <= frames + 2, "frames stop");

    a.stop().await;
    b.stop().await;
    sfu.shutdown().await;
    eprintln!(
        "udp: media flowing after {flowing:?}, test took {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn media_crosses_ice_tcp_both_ways() {
    init_log();
    let started = Instant::now();
    let sfu = anteroom_sfu::start(SfuConfig::loopback())
        .await
        .expect("sfu");
    let handle = sfu.handle();
    let tcp = handle.addrs().tcp.expect("ice-tcp listener");

    let session_a = handle.add_participant("m1", "pa").await.expect("add a");
    let mut a = Peer::udp("pa").await;
    a.negotiate(&handle, AUDIO_VIDEO).await;
    let a = a.spawn(handle.clone(), session_a);

    let session_b = handle.add_participant("m1", "pb").await.expect("add b");
    let mut b = Peer::tcp("pb", tcp).await;
    b.negotiate(&handle, AUDIO_ONLY).await;
    let b = b.spawn(handle.clone(), session_b);

    wait_for(LIMIT, "media both ways with b on ice-tcp", || {
        let b_gets = b.read(|s| s.frames_of("pa", TrackKind::Camera) >= 20);
        let a_gets = a.read(|s| s.frames_of("pb", TrackKind::Audio) >= 50);
        b_gets && a_gets
    })
    .await;
    assert!(b.read(|s| s.events.contains(&MediaStatus::Connected)));

    a.stop().await;
    b.stop().await;
    sfu.shutdown().await;
    eprintln!("ice-tcp: test took {:?}", started.elapsed());
}

#[tokio::test]
async fn a_reset_participant_gets_media_again_on_a_new_peer_connection() {
    init_log();
    let sfu = anteroom_sfu::start(SfuConfig::loopback())
        .await
        .expect("sfu");
    let handle = sfu.handle();

    let session_a = handle.add_participant("m1", "pa").await.expect("add a");
    let mut a = Peer::udp("pa").await;
    a.negotiate(&handle, AUDIO_VIDEO).await;
    let a = a.spawn(handle.clone(), session_a);

    let session_b = handle.add_participant("m1", "pb").await.expect("add b");
    let mut b = Peer::udp("pb").await;
    b.negotiate(&handle, NOTHING).await;
    let b = b.spawn(handle.clone(), session_b);
    wait_for(LIMIT, "first connection", || {
        b.read(|s| s.frames_of("pa", TrackKind::Camera) >= 5)
    })
    .await;

    // B reloads: a new peer connection, the same participant.
    let session_b = handle.reset_participant("pb").await.expect("reset");
    wait_for(LIMIT, "the old session's channels to close", || {
        b.read(|s| s.events_closed)
    })
    .await;
    b.stop().await;
    let mut b = Peer::udp("pb").await;
    b.negotiate(&handle, NOTHING).await;
    let b = b.spawn(handle.clone(), session_b);
    wait_for(LIMIT, "media on the new connection", || {
        b.read(|s| s.frames_of("pa", TrackKind::Camera) >= 10)
    })
    .await;

    a.stop().await;
    b.stop().await;
    sfu.shutdown().await;
}

#[tokio::test]
async fn a_new_peer_connection_after_a_reconnect_gets_a_fresh_session() {
    init_log();
    let sfu = anteroom_sfu::start(SfuConfig::loopback())
        .await
        .expect("sfu");
    let handle = sfu.handle();

    let session_a = handle.add_participant("m1", "pa").await.expect("add a");
    let mut a = Peer::udp("pa").await;
    a.negotiate(&handle, AUDIO_VIDEO).await;
    let a = a.spawn(handle.clone(), session_a);

    let session_b = handle.add_participant("m1", "pb").await.expect("add b");
    let mut b = Peer::udp("pb").await;
    b.negotiate(&handle, NOTHING).await;
    let b = b.spawn(handle.clone(), session_b);
    wait_for(LIMIT, "first connection", || {
        b.read(|s| s.frames_of("pa", TrackKind::Camera) >= 5)
    })
    .await;

    // A reload within the grace period: the realtime side only re-attaches;
    // the new peer connection's offer is recognised by its fingerprint.
    b.stop().await;
    let session_b = handle.attach("pb").await.expect("attach");
    let mut b = Peer::udp("pb").await;
    b.negotiate(&handle, NOTHING).await;
    let b = b.spawn(handle.clone(), session_b);
    wait_for(LIMIT, "media on the new connection", || {
        b.read(|s| s.frames_of("pa", TrackKind::Camera) >= 10)
    })
    .await;
    // The attach said "connected" for the old connection; the new one
    // connects again.
    let connected = b.read(|s| {
        let connected = s.events.iter().filter(|e| **e == MediaStatus::Connected);
        connected.count()
    });
    assert!(connected >= 2, "connected {connected} times");

    a.stop().await;
    b.stop().await;
    sfu.shutdown().await;
}
