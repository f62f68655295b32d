//! One ActionCable session at `/rt`: the observer of a meeting, or one
//! participant's view of it.

use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message as Frame, Utf8Bytes, WebSocket};
use serde_json::Value;
use tokio::sync::broadcast::error::RecvError;

use anteroom_domain::{Meeting, Participant, Team};

use super::cable::{self, Command};
use super::messages;
use crate::events::RoomEvent;
use crate::state::AppState;
use crate::wire::room::RoomResponse;

/// How often the server pings; ActionCable clients give up after 6 s.
const PING_EVERY: Duration = Duration::from_secs(3);

/// Who the session is for.
pub enum Mode {
    /// The meeting observer, authorised by the team's API key.
    Observer,
    /// One participant's view, authorised by its access key
    /// (`links.websocket`).
    Participant {
        participant: Box<Participant>,
        team: Team,
    },
}

/// A session that has been let in.
pub struct Session {
    pub state: AppState,
    pub meeting: Meeting,
    pub mode: Mode,
}

/// Why a session ends.
enum End {
    /// The client went away.
    Gone,
    /// We end it, telling the client why.
    Disconnect(&'static str),
}

/// The channels of one session.
#[derive(Default)]
struct Subscriptions {
    /// `RoomChannel` identifiers, exactly as the client sent them.
    room: Vec<String>,
    /// `UserChannel` identifiers.
    user: Vec<String>,
}

/// Sends one frame; false if the socket is gone.
async fn send(socket: &mut WebSocket, frame: Value) -> bool {
    let text = Utf8Bytes::from(frame.to_string());
    socket.send(Frame::Text(text)).await.is_ok()
}

/// Tells the client why it is being closed, then closes.
pub async fn refuse(mut socket: WebSocket, reason: &'static str) {
    if send(&mut socket, cable::disconnect(reason, false)).await {
        let close = CloseFrame {
            code: 1000,
            reason: Utf8Bytes::from_static(reason),
        };
        let _ = socket.send(Frame::Close(Some(close))).await;
    }
}

impl Session {
    /// Runs the session until the client leaves or the meeting ends.
    pub async fn run(mut self, mut socket: WebSocket) {
        let mut events = self.state.meetings.hub().subscribe(&self.meeting.id);
        let mut present = false;
        let end = self.serve(&mut socket, &mut events, &mut present).await;
        if present && let Mode::Participant { participant, .. } = &self.mode {
            let meetings = &self.state.meetings;
            meetings.disconnected(&self.meeting.id, &participant.access_key);
        }
        if let End::Disconnect(reason) = end {
            refuse(socket, reason).await;
        }
    }

    async fn serve(
        &mut self,
        socket: &mut WebSocket,
        events: &mut tokio::sync::broadcast::Receiver<RoomEvent>,
        present: &mut bool,
    ) -> End {
        // Subscribed first, read second: an end in between is seen either
        // way.
        if !self.refresh().await {
            return End::Disconnect("meeting_ended");
        }
        if !send(socket, cable::welcome()).await {
            return End::Gone;
        }
        let mut subscriptions = Subscriptions::default();
        let mut ping =
            tokio::time::interval_at(tokio::time::Instant::now() + PING_EVERY, PING_EVERY);
        loop {
            let sent = tokio::select! {
                _ = ping.tick() => {
                    let now = self.state.clock.now().unix_timestamp();
                    send(socket, cable::ping(now)).await
                }
                frame = socket.recv() => match frame {
                    Some(Ok(Frame::Text(text))) => {
                        match self.command(socket, &text, &mut subscriptions, present).await {
                            Ok(sent) => sent,
                            Err(end) => return end,
                        }
                    }
                    Some(Ok(Frame::Binary(_))) => return End::Disconnect("invalid_request"),
                    Some(Ok(Frame::Ping(_) | Frame::Pong(_))) => true,
                    Some(Ok(Frame::Close(_)) | Err(_)) | None => return End::Gone,
                },
                event = events.recv() => match event {
                    Ok(event) => match self.event(socket, event, &subscriptions).await {
                        Ok(sent) => sent,
                        Err(end) => return end,
                    },
                    Err(RecvError::Lagged(_)) => true,
                    Err(RecvError::Closed) => {
                        return self.ended(socket, &subscriptions).await;
                    }
                },
            };
            if !sent {
                return End::Gone;
            }
        }
    }

    /// Reads the meeting again; false once it has ended.
    async fn refresh(&mut self) -> bool {
        match self.state.store.find_meeting(&self.meeting.id).await {
            Ok(Some(meeting)) => {
                self.meeting = meeting;
                self.meeting.is_running()
            }
            Ok(None) | Err(_) => false,
        }
    }

    async fn people(&self) -> Vec<Participant> {
        let store = &self.state.store;
        store
            .list_participants(&self.meeting.id)
            .await
            .unwrap_or_default()
    }

    async fn to_rooms(&self, socket: &mut WebSocket, subs: &Subscriptions, message: Value) -> bool {
        for identifier in &subs.room {
            if !send(socket, cable::message(identifier, message.clone())).await {
                return false;
            }
        }
        true
    }

    /// Handles a client's frame. A frame we cannot read ends the session.
    async fn command(
        &self,
        socket: &mut WebSocket,
        text: &str,
        subs: &mut Subscriptions,
        present: &mut bool,
    ) -> Result<bool, End> {
        let command = cable::parse(text).map_err(|why| {
            tracing::debug!(why, "malformed ActionCable frame");
            End::Disconnect("invalid_request")
        })?;
        match command {
            Command::Subscribe {
                identifier,
                channel,
            } => Ok(self.subscribe(socket, identifier, &channel, subs).await),
            Command::Unsubscribe { identifier } => {
                subs.room.retain(|id| id != &identifier);
                subs.user.retain(|id| id != &identifier);
                Ok(true)
            }
            Command::Message { identifier, action } => {
                // The observer is one-way; `stfu` and unknown actions are
                // accepted and ignored, as Eyeson's clients expect.
                let joins = action == "user_joins" && subs.room.contains(&identifier);
                if let (true, false, Mode::Participant { participant, .. }) =
                    (joins, *present, &self.mode)
                {
                    let meetings = &self.state.meetings;
                    let key = &participant.access_key;
                    *present = meetings
                        .connected(&self.meeting.id, key)
                        .await
                        .unwrap_or(false);
                }
                Ok(true)
            }
        }
    }

    async fn subscribe(
        &self,
        socket: &mut WebSocket,
        identifier: String,
        channel: &str,
        subs: &mut Subscriptions,
    ) -> bool {
        let is_participant = matches!(self.mode, Mode::Participant { .. });
        let list = match channel {
            "RoomChannel" => &mut subs.room,
            "UserChannel" if is_participant => &mut subs.user,
            _ => return send(socket, cable::reject(&identifier)).await,
        };
        if !list.contains(&identifier) {
            list.push(identifier.clone());
        }
        if !send(socket, cable::confirm(&identifier)).await {
            return false;
        }
        if channel != "RoomChannel" {
            return true;
        }
        let first: Vec<Value> = match &self.mode {
            Mode::Observer => {
                let people = self.people().await;
                let meetings = &self.state.meetings;
                vec![
                    messages::room_update(meetings, &self.meeting, &people),
                    messages::options_update(&self.meeting),
                ]
            }
            Mode::Participant { participant, team } => {
                let content =
                    RoomResponse::new(&self.state.config, team, &self.meeting, participant);
                let content = serde_json::to_value(content).unwrap_or_default();
                vec![
                    serde_json::json!({"type": "room_setup", "content": content}),
                    serde_json::json!({"type": "room_ready", "content": content}),
                ]
            }
        };
        for message in first {
            if !send(socket, cable::message(&identifier, message)).await {
                return false;
            }
        }
        true
    }

    /// Forwards a hub event.
    async fn event(
        &mut self,
        socket: &mut WebSocket,
        event: RoomEvent,
        subs: &Subscriptions,
    ) -> Result<bool, End> {
        let message = match event {
            RoomEvent::Online {
                ref participant_id, ..
            }
            | RoomEvent::Offline {
                ref participant_id, ..
            } => {
                let online = matches!(event, RoomEvent::Online { .. });
                let people = self.people().await;
                let Some(who) = people.iter().find(|p| &p.id == participant_id) else {
                    return Ok(true);
                };
                messages::participant_update(&self.meeting, who, online)
            }
            RoomEvent::Chat(message) => messages::said("chat", &message),
            RoomEvent::Custom(message) => messages::said("custom", &message),
            RoomEvent::Locked => {
                self.meeting.locked = true;
                messages::lock_update()
            }
            RoomEvent::Kicked { user_id } => match &self.mode {
                Mode::Participant { participant, .. } if participant.user.id == user_id => {
                    return Err(End::Disconnect("kicked"));
                }
                _ => return Ok(true),
            },
            RoomEvent::Removed { access_keys } => match &self.mode {
                Mode::Participant { participant, .. }
                    if access_keys.contains(&participant.access_key) =>
                {
                    return Err(End::Disconnect("removed"));
                }
                _ => return Ok(true),
            },
            RoomEvent::Ended { .. } => return Err(self.ended(socket, subs).await),
            RoomEvent::Started | RoomEvent::Joined { .. } => return Ok(true),
        };
        Ok(self.to_rooms(socket, subs, message).await)
    }

    /// The meeting shut down: a last `room_update`, then the end.
    async fn ended(&mut self, socket: &mut WebSocket, subs: &Subscriptions) -> End {
        self.refresh().await;
        let people = self.people().await;
        let update = messages::room_update(&self.state.meetings, &self.meeting, &people);
        if !self.to_rooms(socket, subs, update).await {
            return End::Gone;
        }
        End::Disconnect("meeting_ended")
    }
}
