//! Errors returned by the engine's entry points.
//!
//! Everything a peer sends (SDP, packets) can be wrong; those cases come back
//! as values here and never panic. Messages are lowercase and carry no SDP.

use str0m::RtcError;
use str0m::error::IceError;

use crate::ids::{ParticipantKey, TrackId};

/// Why an engine call failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MediaError {
    /// `add_participant` was called twice with the same key.
    #[error("participant {0} is already in the media engine")]
    DuplicateParticipant(ParticipantKey),

    /// The key was never added, or was removed.
    #[error("participant {0} is not in the media engine")]
    UnknownParticipant(ParticipantKey),

    /// The text is not SDP that str0m can parse.
    #[error("malformed sdp")]
    MalformedSdp(#[source] RtcError),

    /// The SDP parsed but could not be applied (no m-lines, no fingerprint, ...).
    #[error("sdp rejected")]
    SdpRejected(#[source] RtcError),

    /// An answer arrived while none of our offers was waiting for one, e.g.
    /// because the client's own offer replaced ours (we are the polite peer).
    #[error("no offer is waiting for an answer from participant {0}")]
    NoPendingOffer(ParticipantKey),

    /// The track is not published (any more).
    #[error("track {0} is not published")]
    UnknownTrack(TrackId),

    /// The crypto provider could not make the process' DTLS certificate.
    #[error("could not generate the dtls certificate")]
    Certificate,

    /// A configured candidate address cannot be used.
    #[error("invalid ice candidate address")]
    Candidate(#[source] IceError),
}
