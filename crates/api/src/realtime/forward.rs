//! From the hub to the connections: one task per meeting with live
//! connections turns the meeting's room events into roster changes and
//! messages. Events that concern everyone (chat, lock, kick, end) reach the
//! hub whether they come from the REST API or from a client, so both paths
//! look the same to participants, the observer and webhooks.

use tokio::sync::broadcast::error::RecvError;
use tokio::sync::{broadcast, oneshot};

use anteroom_domain::{AccessKey, EndReason, MeetingId, UserId};

use super::protocol::{ChatMessage, ServerMessage};
use super::registry;
use crate::events::{Message, RoomEvent};
use crate::state::AppState;

/// What a room event asks of the connections.
#[derive(Debug)]
pub enum Reaction {
    /// Presence and admission events: the roster has its own.
    Ignore,
    /// Everyone hears of the lock.
    Locked,
    /// A message for everyone, once its sender is known.
    Message {
        custom: bool,
        message: Message,
    },
    Kick(UserId),
    Remove(Vec<AccessKey>),
    End {
        reason: EndReason,
        by: Option<String>,
    },
}

/// Decides what an event means for the connections.
pub fn react(event: RoomEvent) -> Reaction {
    match event {
        RoomEvent::Started
        | RoomEvent::Joined { .. }
        | RoomEvent::Online { .. }
        | RoomEvent::Offline { .. } => Reaction::Ignore,
        RoomEvent::Chat(message) => Reaction::Message {
            custom: false,
            message,
        },
        RoomEvent::Custom(message) => Reaction::Message {
            custom: true,
            message,
        },
        RoomEvent::Locked => Reaction::Locked,
        RoomEvent::Kicked { user_id } => Reaction::Kick(user_id),
        RoomEvent::Removed { access_keys } => Reaction::Remove(access_keys),
        RoomEvent::Ended { reason, by } => Reaction::End { reason, by },
    }
}

/// Follows one meeting's events until the meeting ends or its last
/// connection is gone (`stop`).
pub async fn run(
    state: AppState,
    meeting: MeetingId,
    mut events: broadcast::Receiver<RoomEvent>,
    mut stop: oneshot::Receiver<()>,
) {
    loop {
        let event = tokio::select! {
            _ = &mut stop => return,
            event = events.recv() => event,
        };
        match event {
            Ok(event) => handle(&state, &meeting, react(event)).await,
            Err(RecvError::Lagged(missed)) => {
                tracing::warn!(meeting.id = %meeting, missed, "realtime fell behind the hub");
                end_if_over(&state, &meeting).await;
            }
            Err(RecvError::Closed) => {
                // The hub closes a meeting's channel right after its end.
                end_if_over(&state, &meeting).await;
                return;
            }
        }
    }
}

async fn handle(state: &AppState, meeting: &MeetingId, reaction: Reaction) {
    match reaction {
        Reaction::Ignore => {}
        Reaction::Locked => registry::apply(state, meeting, |roster| {
            roster.broadcast(&ServerMessage::Locked)
        }),
        Reaction::Message { custom, message } => {
            let chat = attribute(state, meeting, message).await;
            let out = if custom {
                ServerMessage::Custom { message: chat }
            } else {
                ServerMessage::Chat { message: chat }
            };
            registry::apply(state, meeting, |roster| roster.broadcast(&out));
        }
        Reaction::Kick(user) => registry::apply(state, meeting, |roster| roster.kick(&user)),
        Reaction::Remove(keys) => registry::apply(state, meeting, |roster| roster.remove(&keys)),
        Reaction::End { reason, by } => {
            registry::apply(state, meeting, |roster| roster.end(reason, by));
        }
    }
}

/// Names the sender of a message: from the roster if they are or were
/// connected, else from the meeting's participants (a message sent through
/// the API by someone who never connected).
async fn attribute(state: &AppState, meeting: &MeetingId, message: Message) -> ChatMessage {
    let known = state
        .realtime
        .inspect(meeting, |roster| roster.sender(&message))
        .flatten();
    let sender = match (known, &message.user_id) {
        (Some(found), _) => Some(found),
        (None, Some(user)) => match state.store.list_participants(meeting).await {
            Ok(everyone) => everyone
                .into_iter()
                .rev()
                .find(|p| &p.user.id == user)
                .map(|p| (p.id, p.user.name)),
            Err(error) => {
                tracing::error!(%error, "looking up a message's sender failed");
                None
            }
        },
        (None, None) => None,
    };
    let (participant_id, name) = sender.unzip();
    ChatMessage {
        content: message.content,
        participant_id,
        user_id: message.user_id,
        name,
        created_at: message.created_at,
    }
}

/// After events were lost: if one of them was the end, close everyone as
/// the end would have.
async fn end_if_over(state: &AppState, meeting: &MeetingId) {
    match state.store.find_meeting(meeting).await {
        Ok(Some(found)) => {
            if let Some(ending) = found.ended {
                registry::apply(state, meeting, |roster| {
                    roster.end(ending.reason, ending.by)
                });
            }
        }
        Ok(None) => {}
        Err(error) => tracing::error!(%error, "reading a meeting failed"),
    }
}

#[cfg(test)]
mod tests {
    use anteroom_domain::ParticipantId;

    use super::*;

    #[test]
    fn presence_events_are_left_to_the_roster() {
        let online = RoomEvent::Online {
            participant_id: ParticipantId::new("p"),
            user_id: UserId::new("u"),
        };
        assert!(matches!(react(online), Reaction::Ignore));
        assert!(matches!(react(RoomEvent::Started), Reaction::Ignore));
    }

    #[test]
    fn meeting_events_become_actions() {
        assert!(matches!(react(RoomEvent::Locked), Reaction::Locked));
        let kicked = RoomEvent::Kicked {
            user_id: UserId::new("u"),
        };
        assert!(matches!(react(kicked), Reaction::Kick(user) if user.as_str() == "u"));
        let ended = RoomEvent::Ended {
            reason: EndReason::Shutdown,
            by: None,
        };
        assert!(matches!(
            react(ended),
            Reaction::End {
                reason: EndReason::Shutdown,
                by: None
            }
        ));
        let message = Message {
            content: String::from("hi"),
            user_id: None,
            created_at: String::from("2026-01-01T00:00:00.000Z"),
        };
        assert!(matches!(
            react(RoomEvent::Custom(message)),
            Reaction::Message { custom: true, .. }
        ));
    }
}
