//! [`SfuHandle`]: how the rest of the server talks to the SFU task.

use anteroom_media::{Layer, TrackHint, TrackKind};
use std::time::Instant;

use tokio::sync::{mpsc, oneshot};
use tracing::trace;

use crate::config::SfuAddrs;
use crate::error::SfuError;

/// A cheap-to-clone way to the SFU task. Participants and meetings are
/// named by the server's own ids (`ParticipantId`, `MeetingId` as text).
///
/// Every call waits for the task's reply; after the task stopped, calls
/// fail with [`SfuError::Stopped`].
#[derive(Debug, Clone)]
pub struct SfuHandle {
    pub(crate) commands: mpsc::Sender<Command>,
    pub(crate) addrs: SfuAddrs,
}

/// What the SFU sends one participant's realtime connection: offers to
/// forward to the client, and news about its media.
#[derive(Debug)]
pub struct MediaSession {
    /// Offers the server makes (tracks of others came or went). Send each
    /// to the client and pass its answer to [`SfuHandle::answer`].
    pub offers: mpsc::UnboundedReceiver<ServerOffer>,
    /// Connected, disconnected, tracks published.
    pub events: mpsc::UnboundedReceiver<MediaStatus>,
}

/// An SDP offer the server makes to a participant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerOffer {
    /// The SDP offer.
    pub sdp: String,
    /// What each receiving m-line of the offer carries.
    pub tracks: Vec<OfferedTrack>,
}

/// One m-line of a [`ServerOffer`] and whose track it carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferedTrack {
    /// The SDP `a=mid`.
    pub mid: String,
    /// The publisher, by the server's participant id.
    pub participant: String,
    /// Which of its tracks.
    pub kind: TrackKind,
}

/// News about one participant's media.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum MediaStatus {
    /// ICE and DTLS are up: the media side accepted the participant. Sent
    /// again after a `Disconnected` heals.
    Connected,
    /// The connection was lost, or the session failed.
    Disconnected,
    /// The participant started sending a track (`layers`: its simulcast
    /// layers, lowest first, empty for one encoding).
    Published { kind: TrackKind, layers: Vec<Layer> },
    /// The participant stopped sending a track.
    Unpublished { kind: TrackKind },
}

/// What the handle asks of the task.
pub(crate) enum Command {
    Add {
        meeting: String,
        participant: String,
        reply: oneshot::Sender<Result<MediaSession, SfuError>>,
    },
    Attach {
        participant: String,
        reply: oneshot::Sender<Result<MediaSession, SfuError>>,
    },
    Remove {
        participant: String,
        reply: oneshot::Sender<Result<(), SfuError>>,
    },
    Reset {
        participant: String,
        reply: oneshot::Sender<Result<MediaSession, SfuError>>,
    },
    Offer {
        participant: String,
        sdp: String,
        hints: Vec<TrackHint>,
        reply: oneshot::Sender<Result<Option<String>, SfuError>>,
    },
    Answer {
        participant: String,
        sdp: String,
        reply: oneshot::Sender<Result<(), SfuError>>,
    },
    SetLayer {
        subscriber: String,
        publisher: String,
        layer: Option<Layer>,
        reply: oneshot::Sender<Result<(), SfuError>>,
    },
    Shutdown {
        reply: oneshot::Sender<()>,
    },
}

impl Command {
    fn name(&self) -> &'static str {
        match self {
            Command::Add { .. } => "add",
            Command::Attach { .. } => "attach",
            Command::Remove { .. } => "remove",
            Command::Reset { .. } => "reset",
            Command::Offer { .. } => "offer",
            Command::Answer { .. } => "answer",
            Command::SetLayer { .. } => "set_layer",
            Command::Shutdown { .. } => "shutdown",
        }
    }
}

impl SfuHandle {
    /// The bound sockets and the addresses in candidates.
    pub fn addrs(&self) -> SfuAddrs {
        self.addrs
    }

    /// Creates the participant's media session in the meeting's room. The
    /// session waits for the client's first offer ([`SfuHandle::offer`]).
    pub async fn add_participant(
        &self,
        meeting: &str,
        participant: &str,
    ) -> Result<MediaSession, SfuError> {
        let (meeting, participant) = (meeting.to_owned(), participant.to_owned());
        self.call(|reply| Command::Add {
            meeting,
            participant,
            reply,
        })
        .await?
    }

    /// New channels for a participant whose realtime connection was
    /// replaced or came back; the old [`MediaSession`] channels close. Its
    /// session goes on (the peer connection may still be up): a
    /// `Connected` comes first if it is. Its next offer is answered even if
    /// an offer of ours is unanswered, since that one may have been lost.
    /// An offer from a new peer connection (another DTLS fingerprint) gets
    /// a fresh session by itself, as after [`SfuHandle::reset_participant`].
    pub async fn attach(&self, participant: &str) -> Result<MediaSession, SfuError> {
        let participant = participant.to_owned();
        self.call(|reply| Command::Attach { participant, reply })
            .await?
    }

    /// Ends the participant's media: its tracks leave the others' offers
    /// and its [`MediaSession`] channels close.
    pub async fn remove_participant(&self, participant: &str) -> Result<(), SfuError> {
        let participant = participant.to_owned();
        self.call(|reply| Command::Remove { participant, reply })
            .await?
    }

    /// Starts the participant over with a fresh session, for a client with
    /// a new peer connection (a reload, or a reconnect that lost it). The
    /// old [`MediaSession`] channels close; the new ones replace them.
    pub async fn reset_participant(&self, participant: &str) -> Result<MediaSession, SfuError> {
        let participant = participant.to_owned();
        self.call(|reply| Command::Reset { participant, reply })
            .await?
    }

    /// Applies the client's offer and returns the answer, or `None` when
    /// the offer is ignored because an offer of ours is unanswered: the
    /// client is the polite side of perfect negotiation and answers ours
    /// first (docs/realtime.md). An offer from a new peer connection of the
    /// participant starts a fresh session first.
    ///
    /// The answer comes back before any offer made after it is put in the
    /// participant's [`MediaSession::offers`]: send the answer to the client
    /// before reading that channel again, and the client sees them in order.
    /// `hints` name what the client's m-lines carry (see `TrackHint`).
    pub async fn offer(
        &self,
        participant: &str,
        sdp: String,
        hints: Vec<TrackHint>,
    ) -> Result<Option<String>, SfuError> {
        let participant = participant.to_owned();
        self.call(|reply| Command::Offer {
            participant,
            sdp,
            hints,
            reply,
        })
        .await?
    }

    /// Applies the client's answer to the latest [`ServerOffer`].
    pub async fn answer(&self, participant: &str, sdp: String) -> Result<(), SfuError> {
        let participant = participant.to_owned();
        self.call(|reply| Command::Answer {
            participant,
            sdp,
            reply,
        })
        .await?
    }

    /// Asks for one simulcast layer of `publisher`'s camera for
    /// `subscriber`; `None` is automatic (the highest the measured bandwidth
    /// allows).
    pub async fn set_layer(
        &self,
        subscriber: &str,
        publisher: &str,
        layer: Option<Layer>,
    ) -> Result<(), SfuError> {
        let (subscriber, publisher) = (subscriber.to_owned(), publisher.to_owned());
        self.call(|reply| Command::SetLayer {
            subscriber,
            publisher,
            layer,
            reply,
        })
        .await?
    }

    /// Closes every session (clients are told at once, not by timeout) and
    /// stops the task. Later calls fail with [`SfuError::Stopped`].
    pub async fn shutdown(&self) {
        let _ = self.call(|reply| Command::Shutdown { reply }).await;
    }

    async fn call<T>(
        &self,
        command: impl FnOnce(oneshot::Sender<T>) -> Command,
    ) -> Result<T, SfuError> {
        let started = Instant::now();
        let (reply, response) = oneshot::channel();
        let command = command(reply);
        let name = command.name();
        self.commands
            .send(command)
            .await
            .map_err(|_| SfuError::Stopped)?;
        let result = response.await.map_err(|_| SfuError::Stopped);
        trace!(
            command = name,
            took_us = started.elapsed().as_micros(),
            "sfu call"
        );
        result
    }
}
