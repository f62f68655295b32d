use serde_json::{Value, json};
use tokio::time::{Duration, Instant};

use anteroom_domain::{AccessKey, EndReason, ParticipantId, UserId};

use super::{Effects, Outbound, Roster, SessionId};
use crate::events::Message;
use crate::realtime::protocol::ParticipantInfo;

const GRACE: Duration = Duration::from_secs(10);

fn info(n: u64) -> ParticipantInfo {
    ParticipantInfo {
        participant_id: ParticipantId::new(format!("p{n}")),
        user_id: UserId::new(format!("u{n}")),
        name: format!("Name{n}"),
        avatar: None,
        guest: false,
        audio_muted: false,
        video_muted: false,
        screen: false,
    }
}

fn key(n: u64) -> AccessKey {
    AccessKey::new(format!("key{n}"))
}

/// Opens participant `n` on session `n`.
fn join(roster: &mut Roster, n: u64, now: Instant) -> Effects {
    roster.open(&key(n), info(n), SessionId(n), now).effects
}

/// What each session is told, as (session, wire JSON).
fn told(effects: &Effects) -> Vec<(u64, Value)> {
    effects
        .sends
        .iter()
        .map(|(session, out)| {
            let json = match out {
                Outbound::Send(message) => serde_json::from_str(&message.to_json()).unwrap(),
                Outbound::Close(reason) => {
                    let message: Value = serde_json::from_str(&reason.message().to_json()).unwrap();
                    json!({"close": reason.code(), "message": message})
                }
            };
            (session.0, json)
        })
        .collect()
}

#[test]
fn a_newcomer_is_announced_to_the_others_only() {
    let now = Instant::now();
    let mut roster = Roster::default();
    assert!(told(&join(&mut roster, 1, now)).is_empty());

    let opened = roster.open(&key(2), info(2), SessionId(2), now);
    assert!(!opened.resumed);
    assert_eq!(opened.others, vec![info(1)]);
    let sends = told(&opened.effects);
    assert_eq!(sends.len(), 1);
    assert_eq!(sends[0].0, 1);
    assert_eq!(sends[0].1["type"], "participant_joined");
    assert_eq!(sends[0].1["participant"]["participant_id"], "p2");
}

#[test]
fn a_second_connection_replaces_the_first_without_a_duplicate() {
    let now = Instant::now();
    let mut roster = Roster::default();
    join(&mut roster, 1, now);
    join(&mut roster, 2, now);

    let opened = roster.open(&key(2), info(2), SessionId(20), now);
    assert!(opened.resumed);
    assert_eq!(opened.others, vec![info(1)]);
    let sends = told(&opened.effects);
    assert_eq!(sends.len(), 1, "only the old connection hears of it");
    assert_eq!(sends[0].0, 2);
    assert_eq!(sends[0].1["close"], 4003);
    assert_eq!(sends[0].1["message"]["reason"], "replaced");

    // The replaced connection closing later changes nothing.
    let dropped = roster.drop_session(SessionId(2), now, GRACE);
    assert!(told(&dropped).is_empty());
    assert_eq!(dropped.expire_at, None);
}

#[test]
fn a_drop_within_the_grace_period_is_invisible() {
    let now = Instant::now();
    let mut roster = Roster::default();
    join(&mut roster, 1, now);
    join(&mut roster, 2, now);

    let dropped = roster.drop_session(SessionId(2), now, GRACE);
    assert!(told(&dropped).is_empty());
    assert_eq!(dropped.expire_at, Some(now + GRACE));
    assert!(told(&roster.expire(now + GRACE / 2)).is_empty());

    let back = roster.open(&key(2), info(2), SessionId(21), now + GRACE / 2);
    assert!(back.resumed);
    assert!(told(&back.effects).is_empty());
    assert!(told(&roster.expire(now + GRACE * 2)).is_empty());
}

#[test]
fn a_drop_past_the_grace_period_is_a_departure() {
    let now = Instant::now();
    let mut roster = Roster::default();
    join(&mut roster, 1, now);
    join(&mut roster, 2, now);
    roster.drop_session(SessionId(2), now, GRACE);

    let expired = roster.expire(now + GRACE);
    assert_eq!(
        told(&expired),
        vec![(
            1,
            json!({"type": "participant_left", "participant_id": "p2", "reason": "dropped"})
        )]
    );
    assert_eq!(expired.gone, vec![ParticipantId::new("p2")]);

    // Coming back afterwards is joining again.
    let again = roster.open(&key(2), info(2), SessionId(22), now + GRACE * 2);
    assert!(!again.resumed);
    assert_eq!(told(&again.effects)[0].1["type"], "participant_joined");
}

#[test]
fn a_late_timer_still_ends_the_grace_on_the_next_open() {
    let now = Instant::now();
    let mut roster = Roster::default();
    join(&mut roster, 1, now);
    join(&mut roster, 2, now);
    roster.drop_session(SessionId(2), now, GRACE);

    let again = roster.open(&key(2), info(2), SessionId(22), now + GRACE * 2);
    assert!(!again.resumed);
    let kinds: Vec<Value> = told(&again.effects)
        .into_iter()
        .map(|(_, m)| m["type"].clone())
        .collect();
    assert_eq!(
        kinds,
        vec![json!("participant_left"), json!("participant_joined")]
    );
}

#[test]
fn leaving_closes_with_left_and_tells_the_others() {
    let now = Instant::now();
    let mut roster = Roster::default();
    join(&mut roster, 1, now);
    join(&mut roster, 2, now);

    let left = roster.leave(SessionId(2));
    let sends = told(&left);
    assert_eq!(
        sends[0],
        (
            2,
            json!({"close": 1000, "message": {"type": "closed", "reason": "left"}})
        )
    );
    assert_eq!(sends[1].0, 1);
    assert_eq!(sends[1].1["reason"], "left");
    assert_eq!(left.gone, vec![ParticipantId::new("p2")]);
}

#[test]
fn a_kick_removes_every_participant_of_the_user() {
    let now = Instant::now();
    let mut roster = Roster::default();
    join(&mut roster, 1, now);
    join(&mut roster, 2, now);
    let mut twin = info(3);
    twin.user_id = UserId::new("u2");
    roster.open(&key(3), twin, SessionId(3), now);

    let kicked = roster.kick(&UserId::new("u2"));
    let closes: Vec<u64> = told(&kicked)
        .into_iter()
        .filter(|(_, m)| m["close"] == 4001)
        .map(|(s, _)| s)
        .collect();
    assert_eq!(closes, vec![2, 3]);
    let to_ann: Vec<Value> = told(&kicked)
        .into_iter()
        .filter(|(s, _)| *s == 1)
        .map(|(_, m)| m["reason"].clone())
        .collect();
    assert_eq!(to_ann, vec![json!("kicked"), json!("kicked")]);
}

#[test]
fn removal_closes_only_those_access_keys() {
    let now = Instant::now();
    let mut roster = Roster::default();
    join(&mut roster, 1, now);
    join(&mut roster, 2, now);
    let removed = roster.remove(&[key(1)]);
    let sends = told(&removed);
    assert_eq!(sends[0].0, 1);
    assert_eq!(sends[0].1["close"], 4002);
    assert_eq!(
        sends[1],
        (
            2,
            json!({"type": "participant_left", "participant_id": "p1", "reason": "removed"})
        )
    );
}

#[test]
fn the_end_closes_everyone_and_says_by_whom() {
    let now = Instant::now();
    let mut roster = Roster::default();
    join(&mut roster, 1, now);
    join(&mut roster, 2, now);
    join(&mut roster, 3, now);
    roster.drop_session(SessionId(3), now, GRACE);

    let ended = roster.end(EndReason::Stopped, Some(String::from("Name1")));
    let sends = told(&ended);
    assert_eq!(sends.len(), 2, "the dropped one has no connection to close");
    for (_, message) in &sends {
        assert_eq!(message["close"], 4004);
        assert_eq!(
            message["message"]["ended"],
            json!({"reason": "stopped", "by": "Name1"})
        );
    }
    assert_eq!(ended.gone.len(), 3);
    assert!(roster.is_empty());
}

#[test]
fn mute_goes_to_everyone_including_the_sender() {
    let now = Instant::now();
    let mut roster = Roster::default();
    join(&mut roster, 1, now);
    join(&mut roster, 2, now);

    let muted = roster.mute(SessionId(2), Some(true), None);
    let sends = told(&muted);
    assert_eq!(sends.len(), 2);
    for (_, message) in &sends {
        assert_eq!(message["type"], "participant_updated");
        assert_eq!(message["participant"]["audio_muted"], true);
        assert_eq!(message["participant"]["video_muted"], false);
    }

    // The state survives a reconnect, and shows in the newcomer's list.
    roster.drop_session(SessionId(2), now, GRACE);
    roster.open(&key(2), info(2), SessionId(20), now);
    let opened = roster.open(&key(4), info(4), SessionId(4), now);
    assert!(
        opened
            .others
            .iter()
            .any(|p| p.participant_id.as_str() == "p2" && p.audio_muted)
    );
}

#[test]
fn screen_changes_are_announced_once() {
    let now = Instant::now();
    let mut roster = Roster::default();
    join(&mut roster, 1, now);
    let on = roster.screen(&ParticipantId::new("p1"), true);
    assert_eq!(told(&on)[0].1["participant"]["screen"], true);
    assert!(
        roster
            .screen(&ParticipantId::new("p1"), true)
            .sends
            .is_empty()
    );
}

#[test]
fn messages_are_attributed_to_the_connection_that_sent_them() {
    let now = Instant::now();
    let mut roster = Roster::default();
    join(&mut roster, 1, now);
    let mut twin = info(2);
    twin.user_id = UserId::new("u1");
    roster.open(&key(2), twin, SessionId(2), now);

    let message = Message {
        content: String::from("hello"),
        user_id: Some(UserId::new("u1")),
        created_at: String::from("2026-01-01T00:00:00.000Z"),
    };
    roster.note_sent(SessionId(2), &message);
    let (participant, _) = roster.sender(&message).unwrap();
    assert_eq!(participant.as_str(), "p2");

    // Sent through the API: the user's first connected participant.
    let (participant, name) = roster.sender(&message).unwrap();
    assert_eq!((participant.as_str(), name.as_str()), ("p1", "Name1"));

    let stranger = Message {
        user_id: Some(UserId::new("nobody")),
        ..message
    };
    assert!(roster.sender(&stranger).is_none());
}
