//! What a client's messages do. Changes to the meeting go where the REST
//! API sends them (the meeting service, the hub), so a kick, lock, end or
//! chat has one effect whichever way it came in. The returned message, if
//! any, is the direct reply to the sender.

use anteroom_domain::timestamp::format_millis;
use anteroom_domain::{EndReason, UserId};

use super::media::{ClientOffer, TrackHint};
use super::protocol::{
    ClientMessage, Description, MAX_CONTENT_BYTES, OfferedTrack, SdpKind, ServerMessage,
};
use super::registry;
use super::session::Connection;
use crate::events::{Message, Place, RoomEvent};

/// A host control a guest tried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Control {
    Kick,
    Lock,
    End,
}

/// Whether a participant may use a host control, and if not, why.
fn refusal(
    control: Control,
    guest: bool,
    kick_available: bool,
    lock_available: bool,
) -> Option<&'static str> {
    match control {
        _ if guest => Some(match control {
            Control::Kick => "guests may not kick",
            Control::Lock => "guests may not lock the meeting",
            Control::End => "guests may not end the meeting",
        }),
        Control::Kick if !kick_available => Some("kicking is not available in this meeting"),
        Control::Lock if !lock_available => Some("locking is not available in this meeting"),
        _ => None,
    }
}

/// Checks a chat or custom content.
fn check_content(content: &str) -> Result<(), &'static str> {
    if content.is_empty() {
        Err("content is required")
    } else if content.len() > MAX_CONTENT_BYTES {
        Err("content must be at most 64 KiB")
    } else {
        Ok(())
    }
}

/// Carries out one client message.
pub async fn handle(connection: &Connection, message: ClientMessage) -> Option<ServerMessage> {
    let Connection {
        state,
        meeting,
        me,
        id,
    } = connection;
    let options = &meeting.options;
    let control = |control| {
        refusal(
            control,
            me.guest,
            options.kick_available,
            options.lock_available,
        )
        .map(ServerMessage::error)
    };
    match message {
        ClientMessage::Ping => Some(ServerMessage::Pong),
        ClientMessage::Mute { audio, video } => {
            registry::apply(state, &meeting.id, |roster| roster.mute(*id, audio, video));
            None
        }
        ClientMessage::Leave => {
            tracing::info!("participant leaves");
            registry::apply(state, &meeting.id, |roster| roster.leave(*id));
            None
        }
        ClientMessage::Chat { content } => send_message(connection, content, false),
        ClientMessage::Custom { content } => send_message(connection, content, true),
        ClientMessage::Kick { user_id } => match control(Control::Kick) {
            Some(refused) => Some(refused),
            None => kick(connection, user_id).await,
        },
        ClientMessage::Lock => match control(Control::Lock) {
            Some(refused) => Some(refused),
            None => state
                .meetings
                .lock(meeting)
                .await
                .err()
                .map(|error| ServerMessage::error(error.message())),
        },
        ClientMessage::End => match control(Control::End) {
            Some(refused) => Some(refused),
            None => {
                tracing::info!("participant ends the meeting");
                let by = Some(me.user.name.clone());
                match state
                    .meetings
                    .end(&meeting.id, EndReason::Stopped, by)
                    .await
                {
                    Ok(_) => None,
                    Err(error) => {
                        tracing::error!(%error, "ending the meeting failed");
                        Some(ServerMessage::error("internal error"))
                    }
                }
            }
        },
        ClientMessage::Sdp {
            description,
            tracks,
        } => negotiate(connection, description, tracks).await,
        ClientMessage::Layer {
            participant_id,
            layer,
        } => state
            .media
            .set_layer(&me.id, &participant_id, layer)
            .await
            .err()
            .map(|error| ServerMessage::error(error.to_string())),
    }
}

/// Publishes a message on the hub, remembering that this connection sent
/// it so that it comes back under this participant's id.
fn send_message(connection: &Connection, content: String, custom: bool) -> Option<ServerMessage> {
    if let Err(refused) = check_content(&content) {
        return Some(ServerMessage::error(refused));
    }
    let Connection {
        state,
        meeting,
        me,
        id,
        ..
    } = connection;
    let message = Message {
        content,
        user_id: Some(me.user.id.clone()),
        created_at: format_millis(state.clock.now()),
    };
    state
        .realtime
        .inspect(&meeting.id, |roster| roster.note_sent(*id, &message));
    let event = if custom {
        RoomEvent::Custom(message)
    } else {
        RoomEvent::Chat(message)
    };
    state.meetings.hub().publish(Place::of(meeting), event);
    None
}

/// Kicks a user of this meeting, as `DELETE /rooms/<key>/users/<id>` does.
async fn kick(connection: &Connection, user: UserId) -> Option<ServerMessage> {
    let Connection { state, meeting, .. } = connection;
    let everyone = match state.store.list_participants(&meeting.id).await {
        Ok(everyone) => everyone,
        Err(error) => {
            tracing::error!(%error, "listing participants failed");
            return Some(ServerMessage::error("internal error"));
        }
    };
    if !everyone.iter().any(|p| p.user.id == user) {
        return Some(ServerMessage::error("unknown user"));
    }
    tracing::info!(kicked.user.id = %user, "participant kicks a user");
    let event = RoomEvent::Kicked { user_id: user };
    state.meetings.hub().publish(Place::of(meeting), event);
    None
}

/// Hands SDP to the media engine; an answer to a client offer goes back
/// at once.
async fn negotiate(
    connection: &Connection,
    description: Description,
    tracks: Vec<OfferedTrack>,
) -> Option<ServerMessage> {
    let Connection { state, me, .. } = connection;
    tracing::debug!(sdp.len = description.sdp.len(), kind = ?description.kind, "client sdp");
    let result = match description.kind {
        SdpKind::Offer => {
            let hints = tracks
                .into_iter()
                .map(|t| TrackHint {
                    mid: t.mid,
                    kind: t.kind,
                })
                .collect();
            let offer = ClientOffer {
                sdp: description.sdp,
                hints,
            };
            state.media.offer(&me.id, offer).await.map(|answer| {
                answer.map(|answer| ServerMessage::Sdp {
                    description: Description {
                        kind: SdpKind::Answer,
                        sdp: answer.sdp,
                    },
                    tracks: answer.tracks,
                })
            })
        }
        SdpKind::Answer => state
            .media
            .answer(&me.id, description.sdp)
            .await
            .map(|()| None),
    };
    result.unwrap_or_else(|error| Some(ServerMessage::error(error.to_string())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guests_get_no_host_controls() {
        for control in [Control::Kick, Control::Lock, Control::End] {
            assert!(refusal(control, true, true, true).is_some());
            assert_eq!(refusal(control, false, true, true), None);
        }
    }

    #[test]
    fn switched_off_controls_are_refused_to_hosts_too() {
        assert!(refusal(Control::Kick, false, false, true).is_some());
        assert!(refusal(Control::Lock, false, true, false).is_some());
        assert_eq!(refusal(Control::End, false, false, false), None);
    }

    #[test]
    fn content_must_be_there_and_not_too_long() {
        assert_eq!(check_content(""), Err("content is required"));
        assert!(check_content(&"x".repeat(MAX_CONTENT_BYTES + 1)).is_err());
        assert_eq!(check_content(&"x".repeat(MAX_CONTENT_BYTES)), Ok(()));
    }
}
