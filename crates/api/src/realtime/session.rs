//! One participant's WebSocket: a task that owns the socket and waits on
//! four things at once: the client's frames, the outbox the registry fills,
//! the media engine's signals, and the keep-alive timers.

use std::pin::pin;

use axum::extract::ws::{CloseFrame, Message as Frame, WebSocket};
use tokio::sync::mpsc;
use tokio::time::{Duration, Instant, MissedTickBehavior};

use anteroom_domain::timestamp::format_millis;
use anteroom_domain::{Meeting, Participant};

use super::inbound;
use super::media::{MediaJoin, MediaSignal};
use super::protocol::{
    CLOSE_BAD_FRAME, CloseReason, Description, MAX_FRAME_BYTES, MeetingView, ParticipantInfo,
    SdpKind, ServerMessage, SessionInfo, Unreadable, Welcome, parse,
};
use super::registry::{self, OUTBOX_CAPACITY};
use super::roster::{Outbound, SessionId};
use crate::state::AppState;
use crate::wire::options::OptionsView;

/// Close code for a connection that sent nothing for too long.
const CLOSE_IDLE: u16 = 1001;

/// Close code when the server cannot go on (a failed store).
const CLOSE_INTERNAL: u16 = 1011;

/// How long a closing connection waits for the client's close frame.
const CLOSE_WAIT: Duration = Duration::from_secs(1);

/// A participant's connection, once its access key was checked.
pub struct Connection {
    pub state: AppState,
    pub meeting: Meeting,
    pub me: Participant,
    pub id: SessionId,
}

/// Serves the connection until it closes, then reports it gone.
pub async fn run(state: AppState, mut socket: WebSocket, me: Participant, meeting: Meeting) {
    let id = state.realtime.next_id();
    let key = me.access_key.clone();
    let (outbox, inbox) = mpsc::channel(OUTBOX_CAPACITY);
    let (resumed, others) = registry::open(&state, &meeting.id, &key, info(&me), id, outbox);
    let connection = Connection {
        state,
        meeting,
        me,
        id,
    };
    let state = &connection.state;
    let meeting_id = connection.meeting.id.clone();

    match state.meetings.connected(&meeting_id, &key).await {
        Ok(true) => {
            tracing::info!(resumed, "participant connected");
            let how = connection.serve(&mut socket, inbox, resumed, others).await;
            tracing::info!(how, "connection ended");
            state.meetings.disconnected(&meeting_id, &key);
        }
        Ok(false) => {
            // The meeting ended since the key was checked.
            let ended = match state.store.find_meeting(&meeting_id).await {
                Ok(Some(Meeting {
                    ended: Some(ending),
                    ..
                })) => CloseReason::Ended {
                    reason: ending.reason,
                    by: ending.by,
                },
                _ => CloseReason::Ended {
                    reason: anteroom_domain::EndReason::Shutdown,
                    by: None,
                },
            };
            close(&mut socket, &ended).await;
        }
        Err(error) => {
            tracing::error!(%error, "noting the connection failed");
            shut(&mut socket, CLOSE_INTERNAL, "internal error").await;
        }
    }
    registry::finished(state, &meeting_id, id);
}

impl Connection {
    /// Runs the connection; returns how it ended, for the log.
    async fn serve(
        &self,
        socket: &mut WebSocket,
        mut inbox: mpsc::Receiver<Outbound>,
        resumed: bool,
        others: Vec<ParticipantInfo>,
    ) -> &'static str {
        const GONE: &str = "client gone";
        let welcome = self.welcome(resumed, others);
        if send(socket, &welcome).await.is_err() {
            return GONE;
        }
        let join = MediaJoin {
            meeting: self.meeting.id.clone(),
            participant: self.me.id.clone(),
            resumed,
        };
        let mut signals = match self.state.media.join(join).await {
            Ok(signals) => Some(signals),
            Err(error) => {
                tracing::warn!(%error, "media refused the participant");
                None
            }
        };

        let timings = self.state.config.realtime;
        let mut pings =
            tokio::time::interval_at(Instant::now() + timings.ping_every, timings.ping_every);
        pings.set_missed_tick_behavior(MissedTickBehavior::Delay);
        let mut idle = pin!(tokio::time::sleep(timings.idle));

        loop {
            tokio::select! {
                out = inbox.recv() => match out {
                    Some(Outbound::Send(message)) => {
                        if send(socket, &message).await.is_err() {
                            return GONE;
                        }
                    }
                    Some(Outbound::Close(reason)) => {
                        close(socket, &reason).await;
                        return reason.label();
                    }
                    // Detached by the registry: the client must reconnect.
                    None => return "too slow",
                },
                signal = next_signal(&mut signals) => match signal {
                    Some(signal) => {
                        if let Some(message) = self.on_media(signal)
                            && send(socket, &message).await.is_err()
                        {
                            return GONE;
                        }
                    }
                    None => signals = None,
                },
                frame = socket.recv() => {
                    idle.as_mut().reset(Instant::now() + timings.idle);
                    match frame {
                        Some(Ok(Frame::Text(text))) => {
                            if let Err(how) = self.on_text(socket, text.as_str()).await {
                                return how;
                            }
                        }
                        Some(Ok(Frame::Binary(_))) => {
                            shut(socket, CLOSE_BAD_FRAME, "json text only").await;
                            return "binary frame";
                        }
                        Some(Ok(Frame::Ping(_) | Frame::Pong(_))) => {}
                        Some(Ok(Frame::Close(_))) | None => return GONE,
                        Some(Err(error)) => {
                            // Mostly a frame over the size limit; for a
                            // broken connection this send fails quietly.
                            tracing::debug!(%error, "reading the connection failed");
                            shut(socket, CLOSE_BAD_FRAME, "unreadable frame").await;
                            return "unreadable frame";
                        }
                    }
                },
                _ = pings.tick() => {
                    if socket.send(Frame::Ping(Default::default())).await.is_err() {
                        return GONE;
                    }
                },
                () = &mut idle => {
                    shut(socket, CLOSE_IDLE, "idle").await;
                    return "idle";
                },
            }
        }
    }

    /// Handles a text frame; `Err` says how the connection ended.
    async fn on_text(&self, socket: &mut WebSocket, text: &str) -> Result<(), &'static str> {
        if text.len() > MAX_FRAME_BYTES {
            shut(socket, CLOSE_BAD_FRAME, "frame too large").await;
            return Err("frame too large");
        }
        let reply = match parse(text) {
            Ok(message) => inbound::handle(self, message).await,
            Err(Unreadable::NotJson) => {
                shut(socket, CLOSE_BAD_FRAME, "not json").await;
                return Err("not json");
            }
            Err(Unreadable::Refused(error)) => Some(ServerMessage::error(error)),
        };
        match reply {
            Some(reply) => send(socket, &reply).await.map_err(|_| "client gone"),
            None => Ok(()),
        }
    }

    /// What the media engine's news means for this connection.
    fn on_media(&self, signal: MediaSignal) -> Option<ServerMessage> {
        let (meeting, me) = (&self.meeting.id, &self.me.id);
        match signal {
            MediaSignal::Offer { sdp, tracks } => {
                tracing::debug!(sdp.len = sdp.len(), tracks = tracks.len(), "media offers");
                let description = Description {
                    kind: SdpKind::Offer,
                    sdp,
                };
                return Some(ServerMessage::Sdp {
                    description,
                    tracks,
                });
            }
            MediaSignal::Connected | MediaSignal::Disconnected => {
                let ready = signal == MediaSignal::Connected;
                tracing::info!(ready, "media state changed");
                self.state
                    .realtime
                    .inspect(meeting, |roster| roster.set_media_ready(me, ready));
            }
            MediaSignal::Screen(on) => {
                registry::apply(&self.state, meeting, |roster| roster.screen(me, on));
            }
        }
        None
    }

    fn welcome(&self, resumed: bool, participants: Vec<ParticipantInfo>) -> ServerMessage {
        let (me, meeting) = (&self.me, &self.meeting);
        ServerMessage::Welcome(Box::new(Welcome {
            session: SessionInfo {
                participant_id: me.id.clone(),
                user_id: me.user.id.clone(),
                name: me.user.name.clone(),
                guest: me.guest,
                resumed,
            },
            meeting: MeetingView {
                id: meeting.id.clone(),
                room_id: meeting.room_id.clone(),
                name: meeting.name.clone(),
                started_at: format_millis(meeting.started_at),
                locked: meeting.locked,
                options: OptionsView::from(&meeting.options),
            },
            participants,
        }))
    }
}

/// How a participant first appears to the others.
fn info(me: &Participant) -> ParticipantInfo {
    ParticipantInfo {
        participant_id: me.id.clone(),
        user_id: me.user.id.clone(),
        name: me.user.name.clone(),
        avatar: me.user.avatar.clone(),
        guest: me.guest,
        audio_muted: false,
        video_muted: false,
        screen: false,
    }
}

async fn next_signal(signals: &mut Option<mpsc::Receiver<MediaSignal>>) -> Option<MediaSignal> {
    match signals {
        Some(signals) => signals.recv().await,
        None => std::future::pending().await,
    }
}

async fn send(socket: &mut WebSocket, message: &ServerMessage) -> Result<(), axum::Error> {
    socket.send(Frame::Text(message.to_json().into())).await
}

/// Sends the `closed` message, then closes with its code.
async fn close(socket: &mut WebSocket, reason: &CloseReason) {
    if send(socket, &reason.message()).await.is_ok() {
        shut(socket, reason.code(), "").await;
    }
}

/// Sends a close frame and waits a moment for the client's, so the close
/// is clean rather than a reset.
async fn shut(socket: &mut WebSocket, code: u16, reason: &'static str) {
    let frame = Frame::Close(Some(CloseFrame {
        code,
        reason: reason.into(),
    }));
    if socket.send(frame).await.is_err() {
        return;
    }
    let drain = async { while let Some(Ok(_)) = socket.recv().await {} };
    let _ = tokio::time::timeout(CLOSE_WAIT, drain).await;
}
