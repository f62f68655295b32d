//! What the handle answers without any media flowing: addresses in
//! candidates, refusals, and a stopped task.

mod common;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use anteroom_sfu::{Layer, MediaStatus, SfuConfig, SfuError};
use common::{AUDIO_ONLY, AUDIO_VIDEO, NOTHING, Peer, init_log, wait_for};

#[tokio::test]
async fn candidates_carry_the_public_ip_and_the_bound_ports() {
    init_log();
    let public = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 10));
    let any = SocketAddr::from((Ipv4Addr::UNSPECIFIED, 0));
    let config = SfuConfig {
        udp: any,
        tcp: Some(any),
        public_ip: Some(public),
    };
    let sfu = anteroom_sfu::start(config).await.expect("sfu");
    let addrs = sfu.addrs();
    assert!(addrs.udp.ip().is_unspecified());
    assert_ne!(addrs.udp.port(), 0);
    assert_eq!(
        addrs.udp_candidate,
        SocketAddr::new(public, addrs.udp.port())
    );
    let tcp = addrs.tcp.expect("tcp");
    assert_eq!(
        addrs.tcp_candidate,
        Some(SocketAddr::new(public, tcp.port()))
    );

    // The answer offers exactly those: UDP, and passive TCP.
    let handle = sfu.handle();
    let _session = handle.add_participant("m1", "pa").await.expect("add");
    let mut peer = Peer::udp("pa").await;
    let (offer, hints, _pending) = peer.make_offer(AUDIO_VIDEO);
    let answer = handle.offer("pa", offer, hints).await.expect("offer");
    let answer = answer.expect("answer");
    let candidates: Vec<&str> = answer
        .lines()
        .filter(|l| l.starts_with("a=candidate"))
        .collect();
    assert_eq!(candidates.len(), 2, "{candidates:?}");
    let udp_port = format!("192.0.2.10 {} typ host", addrs.udp.port());
    assert!(candidates.iter().any(|c| c.contains(&udp_port)));
    assert!(
        candidates
            .iter()
            .any(|c| c.contains("tcptype passive") && c.contains("192.0.2.10"))
    );
    sfu.shutdown().await;
}

#[tokio::test]
async fn without_ice_tcp_only_udp_is_offered() {
    init_log();
    let mut config = SfuConfig::loopback();
    config.tcp = None;
    let sfu = anteroom_sfu::start(config).await.expect("sfu");
    assert_eq!(sfu.addrs().tcp, None);
    assert_eq!(sfu.addrs().tcp_candidate, None);
    assert_eq!(sfu.addrs().udp_candidate, sfu.addrs().udp);
    sfu.shutdown().await;
}

#[tokio::test]
async fn calls_about_unknown_participants_and_bad_sdp_are_refused() {
    init_log();
    let sfu = anteroom_sfu::start(SfuConfig::loopback())
        .await
        .expect("sfu");
    let handle = sfu.handle();

    let unknown = handle.offer("nobody", "v=0".into(), Vec::new()).await;
    assert!(matches!(unknown, Err(SfuError::UnknownParticipant)));
    let unknown = handle.answer("nobody", "v=0".into()).await;
    assert!(matches!(unknown, Err(SfuError::UnknownParticipant)));
    let unknown = handle.remove_participant("nobody").await;
    assert!(matches!(unknown, Err(SfuError::UnknownParticipant)));
    let unknown = handle.reset_participant("nobody").await;
    assert!(matches!(unknown, Err(SfuError::UnknownParticipant)));

    let _a = handle.add_participant("m1", "pa").await.expect("add");
    let _b = handle.add_participant("m1", "pb").await.expect("add");
    let again = handle.add_participant("m2", "pa").await;
    assert!(matches!(again, Err(SfuError::DuplicateParticipant)));

    let garbage = handle.offer("pa", "not sdp".into(), Vec::new()).await;
    assert!(matches!(garbage, Err(SfuError::Media(_))));
    let no_offer_out = handle.answer("pa", "not sdp".into()).await;
    assert!(matches!(no_offer_out, Err(SfuError::Media(_))));
    // B publishes no camera (yet): nothing to choose a layer of.
    let layer = handle.set_layer("pa", "pb", Some(Layer::Low)).await;
    assert!(matches!(layer, Err(SfuError::Media(_))));

    // A removed participant's id can be used again.
    handle.remove_participant("pa").await.expect("remove");
    handle.add_participant("m1", "pa").await.expect("add again");

    sfu.shutdown().await;
    let stopped = handle.add_participant("m1", "pc").await;
    assert!(matches!(stopped, Err(SfuError::Stopped)));
}

#[tokio::test]
async fn a_port_in_use_is_a_bind_error() {
    init_log();
    let first = anteroom_sfu::start(SfuConfig::loopback())
        .await
        .expect("sfu");
    let mut config = SfuConfig::loopback();
    config.udp = first.addrs().udp;
    let second = anteroom_sfu::start(config).await;
    assert!(matches!(second, Err(SfuError::Bind { what: "udp", .. })));
    first.shutdown().await;
}

#[tokio::test]
async fn a_client_offer_waits_while_ours_is_unanswered_unless_the_connection_came_back() {
    init_log();
    let sfu = anteroom_sfu::start(SfuConfig::loopback())
        .await
        .expect("sfu");
    let handle = sfu.handle();

    // A publishes (its tracks count once its media is connected).
    let a_session = handle.add_participant("m1", "pa").await.expect("add a");
    let mut a = Peer::udp("pa").await;
    a.negotiate(&handle, AUDIO_VIDEO).await;
    let a = a.spawn(handle.clone(), a_session);
    wait_for(Duration::from_secs(10), "a's tracks", || {
        a.read(|s| {
            s.events
                .iter()
                .filter(|e| matches!(e, MediaStatus::Published { .. }))
                .count()
                == 2
        })
    })
    .await;

    let mut b_session = handle.add_participant("m1", "pb").await.expect("add b");
    let mut b = Peer::udp("pb").await;
    b.negotiate(&handle, NOTHING).await;
    let ours = b_session
        .offers
        .recv()
        .await
        .expect("an offer of a's tracks");
    assert_eq!(ours.tracks.len(), 2);

    // B offers before answering: ignored, B must answer ours first.
    let (offer, hints, _) = b.make_offer(AUDIO_ONLY);
    let ignored = handle.offer("pb", offer, hints).await.expect("offer");
    assert_eq!(ignored, None);

    // B's realtime connection comes back: the offer of ours may be lost, so
    // the next client offer wins, and ours is made again after it.
    let mut b_session = handle.attach("pb").await.expect("attach");
    assert!(
        b_session.offers.try_recv().is_err(),
        "the unanswered offer is not sent again"
    );
    let (offer, hints, _) = b.make_offer(AUDIO_ONLY);
    let answer = handle.offer("pb", offer, hints).await.expect("offer");
    assert!(answer.is_some(), "taken after a re-attach");
    let again = b_session.offers.recv().await.expect("ours again");
    assert_eq!(again.tracks.len(), 2);
    a.stop().await;
    sfu.shutdown().await;
}
