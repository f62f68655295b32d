//! The JSON messages of the participant connection, both ways
//! (docs/realtime.md, "The participant connection").

use serde::{Deserialize, Serialize};
use serde_json::Value;

use anteroom_domain::{EndReason, MeetingId, ParticipantId, RoomId, UserId};

use super::media::{Layer, TrackKind, TrackLabel};
use crate::wire::options::OptionsView;

/// Largest text frame a client may send; a larger one closes with 4400.
pub const MAX_FRAME_BYTES: usize = 256 * 1024;

/// Longest chat or custom content, as for `POST /rooms/<key>/messages`.
pub const MAX_CONTENT_BYTES: usize = 64 * 1024;

/// Close code for a frame that is not JSON text, or too large.
pub const CLOSE_BAD_FRAME: u16 = 4400;

/// What everyone in a meeting sees of a participant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ParticipantInfo {
    pub participant_id: ParticipantId,
    pub user_id: UserId,
    pub name: String,
    pub avatar: Option<String>,
    pub guest: bool,
    pub audio_muted: bool,
    pub video_muted: bool,
    pub screen: bool,
}

/// Who this connection is, in `welcome`.
#[derive(Clone, Debug, Serialize)]
pub struct SessionInfo {
    pub participant_id: ParticipantId,
    pub user_id: UserId,
    pub name: String,
    pub guest: bool,
    pub resumed: bool,
}

/// The first message of every connection.
#[derive(Clone, Debug, Serialize)]
pub struct Welcome {
    pub session: SessionInfo,
    pub meeting: MeetingView,
    /// The others in the meeting now.
    pub participants: Vec<ParticipantInfo>,
}

/// The meeting, in `welcome`.
#[derive(Clone, Debug, Serialize)]
pub struct MeetingView {
    pub id: MeetingId,
    pub room_id: RoomId,
    pub name: String,
    pub started_at: String,
    pub locked: bool,
    pub options: OptionsView,
}

/// A chat or custom message as participants receive it. The sender fields
/// are null for a message whose sender is not known.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ChatMessage {
    pub content: String,
    pub participant_id: Option<ParticipantId>,
    pub user_id: Option<UserId>,
    pub name: Option<String>,
    pub created_at: String,
}

/// Why a participant is no longer in the meeting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LeaveReason {
    Left,
    Dropped,
    Kicked,
    Removed,
}

/// Why the server closes a connection on purpose; each has its `closed`
/// message and close code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CloseReason {
    /// The participant sent `leave`.
    Left,
    /// A host removed the participant; it may rejoin.
    Kicked,
    /// The permalink host token it entered with was removed (D19).
    Removed,
    /// The same access key connected elsewhere (D11).
    Replaced,
    /// The meeting ended.
    Ended {
        reason: EndReason,
        by: Option<String>,
    },
}

impl CloseReason {
    /// The WebSocket close code that follows the `closed` message.
    pub fn code(&self) -> u16 {
        match self {
            Self::Left => 1000,
            Self::Kicked => 4001,
            Self::Removed => 4002,
            Self::Replaced => 4003,
            Self::Ended { .. } => 4004,
        }
    }

    /// The reason's name, as the `closed` message and the log give it.
    pub fn label(&self) -> &'static str {
        match self {
            Self::Left => "left",
            Self::Kicked => "kicked",
            Self::Removed => "removed",
            Self::Replaced => "replaced",
            Self::Ended { .. } => "ended",
        }
    }

    /// The `closed` message.
    pub fn message(&self) -> ServerMessage {
        let (reason, ended) = match self {
            Self::Left => (ClosedKind::Left, None),
            Self::Kicked => (ClosedKind::Kicked, None),
            Self::Removed => (ClosedKind::Removed, None),
            Self::Replaced => (ClosedKind::Replaced, None),
            Self::Ended { reason, by } => (
                ClosedKind::Ended,
                Some(EndedView {
                    reason: *reason,
                    by: by.clone(),
                }),
            ),
        };
        ServerMessage::Closed { reason, ended }
    }
}

/// The `reason` of a `closed` message.
#[derive(Clone, Copy, Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClosedKind {
    Left,
    Kicked,
    Removed,
    Replaced,
    Ended,
}

/// How and by whom a meeting ended.
#[derive(Clone, Debug, Serialize)]
pub struct EndedView {
    pub reason: EndReason,
    /// The display name of whoever ended it, when a person did.
    pub by: Option<String>,
}

/// Which side of an SDP exchange a description is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SdpKind {
    Offer,
    Answer,
}

/// An `RTCSessionDescription`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Description {
    #[serde(rename = "type")]
    pub kind: SdpKind,
    pub sdp: String,
}

/// An entry of `tracks` in a client's offer: the kind of an m-line it sends.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct OfferedTrack {
    pub mid: String,
    pub kind: TrackKind,
}

/// Server to client.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMessage {
    /// Boxed: it is by far the largest, and sent once per connection.
    Welcome(Box<Welcome>),
    ParticipantJoined {
        participant: ParticipantInfo,
    },
    ParticipantUpdated {
        participant: ParticipantInfo,
    },
    ParticipantLeft {
        participant_id: ParticipantId,
        reason: LeaveReason,
    },
    Chat {
        message: ChatMessage,
    },
    Custom {
        message: ChatMessage,
    },
    Locked,
    Closed {
        reason: ClosedKind,
        #[serde(skip_serializing_if = "Option::is_none")]
        ended: Option<EndedView>,
    },
    Error {
        error: String,
    },
    Pong,
    Sdp {
        description: Description,
        tracks: Vec<TrackLabel>,
    },
}

impl ServerMessage {
    /// An `error` message.
    pub fn error(text: impl Into<String>) -> Self {
        Self::Error { error: text.into() }
    }

    /// The JSON text of the message.
    pub fn to_json(&self) -> String {
        // Every field is a string, number, bool or list of them: this
        // cannot fail.
        serde_json::to_string(self).unwrap_or_else(|_| String::from("{}"))
    }
}

/// Client to server.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientMessage {
    Ping,
    Mute {
        audio: Option<bool>,
        video: Option<bool>,
    },
    Leave,
    Chat {
        content: String,
    },
    Custom {
        content: String,
    },
    Kick {
        user_id: UserId,
    },
    Lock,
    End,
    Sdp {
        description: Description,
        #[serde(default)]
        tracks: Vec<OfferedTrack>,
    },
    Layer {
        participant_id: ParticipantId,
        layer: Layer,
    },
}

/// The `type`s a client may send.
const CLIENT_TYPES: [&str; 10] = [
    "ping", "mute", "leave", "chat", "custom", "kick", "lock", "end", "sdp", "layer",
];

/// Why a text frame was not a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unreadable {
    /// Not JSON at all: the connection closes with 4400.
    NotJson,
    /// JSON, but not a message we know: answered with this `error`.
    Refused(String),
}

/// Reads one text frame.
pub fn parse(text: &str) -> Result<ClientMessage, Unreadable> {
    let value: Value = serde_json::from_str(text).map_err(|_| Unreadable::NotJson)?;
    let Some(kind) = value.get("type").and_then(Value::as_str) else {
        return Err(Unreadable::Refused(String::from(
            "a message is an object with a string type",
        )));
    };
    if !CLIENT_TYPES.contains(&kind) {
        // Cut what we echo, so an error never grows with the input.
        let shown: String = kind.chars().take(40).collect();
        return Err(Unreadable::Refused(format!(
            "unknown message type: {shown}"
        )));
    }
    let kind = kind.to_owned();
    serde_json::from_value(value)
        .map_err(|_| Unreadable::Refused(format!("malformed {kind} message")))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn reads_the_messages_of_the_doc() {
        assert_eq!(parse(r#"{"type":"ping"}"#), Ok(ClientMessage::Ping));
        assert_eq!(
            parse(r#"{"type":"mute","audio":true}"#),
            Ok(ClientMessage::Mute {
                audio: Some(true),
                video: None
            })
        );
        assert_eq!(
            parse(r#"{"type":"layer","participant_id":"p1","layer":"auto"}"#),
            Ok(ClientMessage::Layer {
                participant_id: ParticipantId::new("p1"),
                layer: Layer::Auto
            })
        );
        let sdp = r#"{"type":"sdp","description":{"type":"offer","sdp":"v=0"},
            "tracks":[{"mid":"0","kind":"audio","participant_id":"ignored"}]}"#;
        let Ok(ClientMessage::Sdp {
            description,
            tracks,
        }) = parse(sdp)
        else {
            panic!("an sdp message");
        };
        assert_eq!(description.kind, SdpKind::Offer);
        assert_eq!(tracks[0].kind, TrackKind::Audio);
    }

    #[test]
    fn tells_garbage_from_refusals() {
        assert_eq!(parse("not json"), Err(Unreadable::NotJson));
        assert_eq!(parse(""), Err(Unreadable::NotJson));
        assert!(matches!(parse("[1,2]"), Err(Unreadable::Refused(_))));
        assert!(matches!(
            parse(r#"{"type":7}"#),
            Err(Unreadable::Refused(_))
        ));
        assert_eq!(
            parse(r#"{"type":"dance"}"#),
            Err(Unreadable::Refused(String::from(
                "unknown message type: dance"
            )))
        );
        assert_eq!(
            parse(r#"{"type":"mute","audio":"yes"}"#),
            Err(Unreadable::Refused(String::from("malformed mute message")))
        );
        let long = format!(r#"{{"type":"{}"}}"#, "x".repeat(10_000));
        let Err(Unreadable::Refused(error)) = parse(&long) else {
            panic!("refused");
        };
        assert!(error.len() < 100);
    }

    #[test]
    fn closed_messages_and_codes() {
        let ended = CloseReason::Ended {
            reason: EndReason::Stopped,
            by: Some(String::from("Ann")),
        };
        let json: Value = serde_json::from_str(&ended.message().to_json()).unwrap();
        assert_eq!(
            json,
            json!({"type": "closed", "reason": "ended",
                   "ended": {"reason": "stopped", "by": "Ann"}})
        );
        assert_eq!(ended.code(), 4004);
        let json: Value = serde_json::from_str(&CloseReason::Replaced.message().to_json()).unwrap();
        assert_eq!(json, json!({"type": "closed", "reason": "replaced"}));
        let codes = [
            CloseReason::Left,
            CloseReason::Kicked,
            CloseReason::Removed,
            CloseReason::Replaced,
        ]
        .map(|reason| reason.code());
        assert_eq!(codes, [1000, 4001, 4002, 4003]);
    }

    #[test]
    fn unit_messages_carry_only_their_type() {
        let json: Value = serde_json::from_str(&ServerMessage::Locked.to_json()).unwrap();
        assert_eq!(json, json!({"type": "locked"}));
        let json: Value = serde_json::from_str(&ServerMessage::Pong.to_json()).unwrap();
        assert_eq!(json, json!({"type": "pong"}));
    }
}
