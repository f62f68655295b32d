//! Errors of the IO layer.

use std::io;
use std::net::SocketAddr;

use anteroom_media::MediaError;

/// Why starting the SFU or one of its calls failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SfuError {
    /// A socket could not be set up on the address.
    #[error("could not bind the media {what} socket to {addr}")]
    Bind {
        /// `udp` or `tcp`.
        what: &'static str,
        /// The address asked for.
        addr: SocketAddr,
        /// What the system said.
        #[source]
        source: io::Error,
    },

    /// The participant id was never added, or was removed.
    #[error("participant is not in the media engine")]
    UnknownParticipant,

    /// `add_participant` was called twice with the same participant id.
    #[error("participant is already in the media engine")]
    DuplicateParticipant,

    /// The engine refused the call: bad SDP, no offer waiting, unknown track.
    #[error("the media engine refused the call")]
    Media(#[from] MediaError),

    /// The SFU task has stopped (shut down, or it panicked).
    #[error("the media engine has stopped")]
    Stopped,
}
