//! The boundary between the participant connection and the media engine.
//!
//! The realtime layer carries `sdp` and `layer` messages (docs/realtime.md,
//! "Media negotiation") and knows nothing of SDP itself: it hands them to a
//! [`MediaPort`] and sends back what comes out. The SFU implements the trait;
//! without one, [`NoMedia`] refuses every negotiation, so a client learns
//! that media is missing instead of waiting for an answer that never comes.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;

use anteroom_domain::{MeetingId, ParticipantId};

/// What a track carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrackKind {
    Audio,
    Camera,
    Screen,
}

/// The client's word on what one m-line of its offer sends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrackHint {
    /// The SDP `a=mid` of the m-line.
    pub mid: String,
    pub kind: TrackKind,
}

/// Which participant's track an m-line toward the client carries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TrackLabel {
    /// The SDP `a=mid` of the m-line.
    pub mid: String,
    /// Whose track it is.
    pub participant_id: ParticipantId,
    pub kind: TrackKind,
}

/// A client's SDP offer: what it sends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientOffer {
    pub sdp: String,
    /// The kinds the client named for its m-lines; may be empty.
    pub hints: Vec<TrackHint>,
}

/// The engine's answer to a client offer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SdpAnswer {
    pub sdp: String,
    /// Receiving m-lines the answer labels, if any.
    pub tracks: Vec<TrackLabel>,
}

/// The simulcast layer a subscriber asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Layer {
    #[serde(rename = "h")]
    High,
    #[serde(rename = "l")]
    Low,
    /// The engine chooses from the bandwidth it measures.
    #[serde(rename = "auto")]
    Auto,
}

/// Who a media session is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MediaJoin {
    pub meeting: MeetingId,
    pub participant: ParticipantId,
    /// The participant was already in the meeting: its WebSocket was
    /// replaced or reconnected within the grace period. Its peer connection
    /// may still be up.
    pub resumed: bool,
}

/// What the engine starts on its own, for one participant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MediaSignal {
    /// An offer for the client to answer (through [`MediaPort::answer`]),
    /// sent when tracks toward it come or go.
    Offer {
        sdp: String,
        tracks: Vec<TrackLabel>,
    },
    /// ICE and DTLS are up: the participant's media works.
    Connected,
    /// The participant's media was lost.
    Disconnected,
    /// The participant started (true) or stopped (false) sending a screen.
    Screen(bool),
}

/// Why the engine refused something; the text goes to the client in an
/// `error` message.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MediaError {
    /// No media engine runs in this server.
    #[error("media is not available")]
    Unavailable,
    /// The engine refused this request (malformed SDP, unknown track, ...).
    #[error("{0}")]
    Refused(String),
}

/// The media engine as the participant connection sees it.
///
/// Calls for one participant come from one task, in the order its client
/// sent them. Methods are called with the server's ids; mapping them to the
/// engine's keys is the implementation's business.
#[async_trait]
pub trait MediaPort: Send + Sync + 'static {
    /// A participant's connection opened: also after a reconnect or a
    /// second tab ([`MediaJoin::resumed`]). Returns the participant's signals
    /// from now on; a later `join` of the same participant replaces the
    /// receiver, and the engine drops the old sender.
    async fn join(&self, join: MediaJoin) -> Result<mpsc::Receiver<MediaSignal>, MediaError>;

    /// A client offer. `Ok(None)` means it was ignored because an offer of
    /// the engine is unanswered (the server is the impolite peer).
    async fn offer(
        &self,
        participant: &ParticipantId,
        offer: ClientOffer,
    ) -> Result<Option<SdpAnswer>, MediaError>;

    /// The client's answer to the engine's last offer.
    async fn answer(&self, participant: &ParticipantId, sdp: String) -> Result<(), MediaError>;

    /// Which layer of `publisher`'s camera `subscriber` wants.
    async fn set_layer(
        &self,
        subscriber: &ParticipantId,
        publisher: &ParticipantId,
        layer: Layer,
    ) -> Result<(), MediaError>;

    /// The participant left the meeting for good (left, kicked, removed,
    /// gone past the grace period, or the meeting ended).
    async fn leave(&self, participant: &ParticipantId);
}

/// The port used when no media engine is configured: meetings, chat and
/// presence work; every negotiation is refused with "media is not
/// available".
#[derive(Clone, Copy, Debug, Default)]
pub struct NoMedia;

#[async_trait]
impl MediaPort for NoMedia {
    async fn join(&self, _join: MediaJoin) -> Result<mpsc::Receiver<MediaSignal>, MediaError> {
        // A receiver whose sender is gone: it yields nothing, ever.
        let (_, signals) = mpsc::channel(1);
        Ok(signals)
    }

    async fn offer(
        &self,
        _participant: &ParticipantId,
        _offer: ClientOffer,
    ) -> Result<Option<SdpAnswer>, MediaError> {
        Err(MediaError::Unavailable)
    }

    async fn answer(&self, _participant: &ParticipantId, _sdp: String) -> Result<(), MediaError> {
        Err(MediaError::Unavailable)
    }

    async fn set_layer(
        &self,
        _subscriber: &ParticipantId,
        _publisher: &ParticipantId,
        _layer: Layer,
    ) -> Result<(), MediaError> {
        Err(MediaError::Unavailable)
    }

    async fn leave(&self, _participant: &ParticipantId) {}
}
