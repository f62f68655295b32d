//! The webhook bodies (spec 6): `{"timestamp": <unix seconds>, "type":
//! <type>, <resource>: {...}}`, built once when the event happens and sent
//! byte for byte as stored.

use serde::Serialize;
use serde_json::json;
use time::OffsetDateTime;

use anteroom_domain::timestamp::format_millis;
use anteroom_domain::{Meeting, Participant, Permalink, RoomId, TeamId};
use anteroom_store::OutboxEvent;

use crate::wire::room::RoomView;
use crate::wire::user::ParticipantView;

/// A meeting started, or ended (`shutdown: true`).
pub const ROOM_UPDATE: &str = "room_update";
/// A participant came online or went offline.
pub const PARTICIPANT_UPDATE: &str = "participant_update";
/// Our extension: how many guests wait on a permalink's waiting page.
pub const WAITING_UPDATE: &str = "waiting_update";
/// Types Eyeson sends that anteroom accepts in a registration but never
/// sends, because it neither records nor takes snapshots.
pub const NEVER_SENT: [&str; 2] = ["recording_update", "snapshot_update"];

/// Every type a webhook may ask for.
pub fn valid_types() -> Vec<&'static str> {
    let mut types = vec![ROOM_UPDATE, PARTICIPANT_UPDATE, WAITING_UPDATE];
    types.extend(NEVER_SENT);
    types
}

fn event(
    team: &TeamId,
    room: &RoomId,
    kind: &str,
    key: &str,
    value: impl Serialize,
    at: OffsetDateTime,
) -> OutboxEvent {
    let body = json!({"timestamp": at.unix_timestamp(), "type": kind, key: value});
    OutboxEvent {
        team_id: team.clone(),
        room_id: room.clone(),
        kind: kind.to_owned(),
        body: body.to_string(),
        created_at: at,
    }
}

/// `room_update` with the meeting as it is now: running, or ended.
pub fn room_update(meeting: &Meeting, at: OffsetDateTime) -> OutboxEvent {
    let room = RoomView::of(meeting);
    event(
        &meeting.team_id,
        &meeting.room_id,
        ROOM_UPDATE,
        "room",
        room,
        at,
    )
}

/// `participant_update`: the observer's participant object (spec 2.2).
pub fn participant_update(
    meeting: &Meeting,
    participant: &Participant,
    online: bool,
    at: OffsetDateTime,
) -> OutboxEvent {
    let view = ParticipantView::of(meeting, participant, online);
    event(
        &meeting.team_id,
        &meeting.room_id,
        PARTICIPANT_UPDATE,
        "participant",
        view,
        at,
    )
}

/// What `waiting_update` says.
#[derive(Serialize)]
struct WaitingView<'a> {
    room_id: &'a str,
    permalink_id: &'a str,
    name: &'a str,
    count: u32,
    since: Option<String>,
}

/// `waiting_update`: `count` guests wait on the permalink's waiting page,
/// the first of them since `since` (none when nobody waits).
pub fn waiting_update(
    permalink: &Permalink,
    count: u32,
    since: Option<OffsetDateTime>,
    at: OffsetDateTime,
) -> OutboxEvent {
    let view = WaitingView {
        room_id: permalink.id.as_str(),
        permalink_id: permalink.id.as_str(),
        name: &permalink.name,
        count,
        since: since.map(format_millis),
    };
    // D12: a permalink's meetings use its id as room id, so these queue
    // with the room's own events.
    let room = RoomId::new(permalink.id.as_str());
    event(
        &permalink.team_id,
        &room,
        WAITING_UPDATE,
        "waiting",
        view,
        at,
    )
}
