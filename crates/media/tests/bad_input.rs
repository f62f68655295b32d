//! Whatever a peer sends (broken SDP, stray packets, answers nobody asked
//! for) comes back as an error value or is ignored; nothing panics.

mod common;

use std::time::Duration;

use anteroom_media::{MediaError, ParticipantKey, Protocol, RoomKey};
use common::{AUDIO_VIDEO, Client, SERVER, SIMULCAST, World};

/// A real client offer, to break in various ways.
fn valid_offer(w: &World) -> String {
    let addr = "10.9.9.9:5000".parse().unwrap();
    let mut client = Client::new(ParticipantKey::new(999), addr, w.now, false);
    client.offer(SIMULCAST).0
}

#[test]
fn broken_offers_are_errors() {
    let mut w = World::new(12);
    let key = ParticipantKey::new(100);
    w.engine
        .add_participant(w.now, RoomKey::new(1), key)
        .unwrap();

    let garbage = w.engine.accept_offer(w.now, key, "hello", &[]);
    assert!(
        matches!(garbage, Err(MediaError::MalformedSdp(_))),
        "{garbage:?}"
    );

    let offer = valid_offer(&w);
    let no_lines: String = offer
        .lines()
        .take_while(|l| !l.starts_with("m="))
        .map(|l| format!("{l}\r\n"))
        .collect();
    let empty = w.engine.accept_offer(w.now, key, &no_lines, &[]);
    assert!(empty.is_err());

    let unfingerprinted: String = offer
        .lines()
        .filter(|l| !l.starts_with("a=fingerprint"))
        .map(|l| format!("{l}\r\n"))
        .collect();
    let rejected = w.engine.accept_offer(w.now, key, &unfingerprinted, &[]);
    assert!(
        matches!(rejected, Err(MediaError::SdpRejected(_))),
        "{rejected:?}"
    );

    // str0m gave up on that session; a good offer still gets an answer.
    let answer = w.engine.accept_offer(w.now, key, &offer, &[]);
    assert!(answer.is_ok(), "{answer:?}");
}

#[test]
fn mangled_offers_never_panic() {
    let mut w = World::new(13);
    let offer = valid_offer(&w);
    let lines: Vec<&str> = offer.lines().collect();

    // Cut short at many points, and without the first line of each kind
    // (`a=fingerprint`, `m=`, `a=mid`, ...): parsing SDP is slow in debug
    // builds, so not every line.
    let mut variants: Vec<String> = (1..offer.len())
        .step_by(211)
        .map(|n| offer[..n].to_string())
        .collect();
    let mut kinds_seen = Vec::new();
    for skip in 0..lines.len() {
        let kind = lines[skip].split([':', ' ']).next().unwrap_or_default();
        if kinds_seen.contains(&kind) {
            continue;
        }
        kinds_seen.push(kind);
        let kept = lines.iter().enumerate().filter(|(i, _)| *i != skip);
        let without: Vec<&str> = kept.map(|(_, l)| *l).collect();
        variants.push(without.join("\r\n") + "\r\n");
    }
    variants.push(offer.replace("UDP/TLS/RTP/SAVPF", "RTP/AVP"));
    variants.push(offer.replace("a=rid:h send", "a=rid:h recv"));
    variants.push(offer.replace("sha-256", "md5"));

    for (n, sdp) in variants.iter().enumerate() {
        let key = ParticipantKey::new(1000 + n as u64);
        w.engine
            .add_participant(w.now, RoomKey::new(1), key)
            .unwrap();
        let _ = w.engine.accept_offer(w.now, key, sdp, &[]);
        w.engine.remove_participant(w.now, key).unwrap();
    }
    // The engine still works afterwards.
    let a = w.join(2, AUDIO_VIDEO);
    let b = w.join(2, AUDIO_VIDEO);
    w.settle_in();
    w.run_for(Duration::from_millis(500));
    assert!(!w.client(b).received.is_empty());
    assert!(!w.client(a).received.is_empty());
}

#[test]
fn stray_packets_and_unasked_answers_are_ignored() {
    let mut w = World::new(14);
    let a = w.join(1, AUDIO_VIDEO);
    let b = w.join(1, AUDIO_VIDEO);
    w.settle_in();

    let answer = w.engine.accept_answer(w.now, a, "v=0\r\n");
    assert!(answer.is_err());
    let valid_but_unasked = w.engine.accept_answer(w.now, a, &valid_offer(&w));
    assert!(valid_but_unasked.is_err());

    let stranger = "203.0.113.9:4000".parse().unwrap();
    let known = w.client(a).addr;
    let junk: [&[u8]; 5] = [
        &[],
        &[0x00, 0x01, 0x00],                                  // truncated STUN
        &[0x16, 0xfe, 0xfd, 0, 0, 0],                         // truncated DTLS
        &[0x80, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 9, 9, 9], // RTP-looking junk
        &[0xff; 1500],
    ];
    for packet in junk {
        for source in [stranger, known] {
            for proto in [Protocol::Udp, Protocol::Tcp] {
                let now = w.now;
                let _ = w.engine.handle_receive(now, proto, source, SERVER, packet);
            }
        }
    }

    // The session is unharmed.
    let before = w.client(b).received.len();
    w.run_for(Duration::from_millis(500));
    assert!(w.client(b).received.len() > before);
}
