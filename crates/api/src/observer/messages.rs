//! The observer's messages (spec 7), built from meeting state and hub
//! events.

use serde_json::{Value, json};

use anteroom_domain::{Meeting, Participant};

use crate::events::Message;
use crate::meetings::Meetings;
use crate::wire::options::OptionsView;
use crate::wire::room::RoomView;
use crate::wire::user::ParticipantView;

/// `room_update`: the room with its options and participants. `locked` is
/// ours; clients that do not know it ignore it.
pub fn room_update(meetings: &Meetings, meeting: &Meeting, people: &[Participant]) -> Value {
    let participants: Vec<ParticipantView> = people
        .iter()
        .map(|p| ParticipantView::of(meeting, p, meetings.is_online(&meeting.id, &p.access_key)))
        .collect();
    let mut content = serde_json::to_value(RoomView::of(meeting)).unwrap_or_default();
    if let Value::Object(fields) = &mut content {
        let extra = json!({
            "options": OptionsView::from(&meeting.options),
            "participants": participants,
            "playbacks": [],
            "presentation": null,
            "broadcasts": [],
            "recording": null,
            "locked": meeting.locked,
        });
        if let Value::Object(extra) = extra {
            fields.extend(extra);
        }
    }
    json!({"type": "room_update", "content": content})
}

/// `options_update`: the meeting's options, fixed at its start (D17).
pub fn options_update(meeting: &Meeting) -> Value {
    json!({"type": "options_update", "options": OptionsView::from(&meeting.options)})
}

/// `participant_update`: someone came online or went offline.
pub fn participant_update(meeting: &Meeting, participant: &Participant, online: bool) -> Value {
    json!({
        "type": "participant_update",
        "participant": ParticipantView::of(meeting, participant, online),
    })
}

/// `chat` or `custom`: `{content, cid, user_id, created_at}`. `cid` is the
/// sender's user id; messages sent through the API by no one in
/// particular have null for both.
pub fn said(kind: &str, message: &Message) -> Value {
    let user = message.user_id.as_ref().map(ToString::to_string);
    json!({
        "type": kind,
        "content": message.content,
        "cid": user,
        "user_id": user,
        "created_at": message.created_at,
    })
}

/// `lock_update`, ours: the meeting was locked; locking is final.
pub fn lock_update() -> Value {
    json!({"type": "lock_update", "locked": true})
}
