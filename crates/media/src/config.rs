//! Engine configuration, and the factory that builds one `Rtc` per
//! participant from it.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use str0m::bwe::Bitrate;
use str0m::config::{CryptoProvider, DtlsCert};
use str0m::net::TcpType;
use str0m::{Candidate, Rtc};

use crate::error::MediaError;

/// What the engine needs to know about the process it runs in.
#[derive(Debug, Clone)]
pub struct MediaConfig {
    /// The address put in the UDP host candidate: where clients reach the
    /// shared UDP socket (the public address when behind NAT).
    pub udp_candidate: SocketAddr,

    /// The address put in a passive ICE-TCP candidate, for networks that
    /// block UDP. `None` offers UDP only.
    pub tcp_candidate: Option<SocketAddr>,

    /// Answer as an ICE-lite agent (only respond to checks). Works with
    /// Chromium; full ICE is the default because it was measured first.
    pub ice_lite: bool,

    /// Starting point of the egress bandwidth estimate toward each
    /// participant, in bits per second.
    pub initial_bitrate_bps: u64,

    /// The least time between two keyframe requests sent to one layer of one
    /// publisher's track, however many subscribers ask.
    pub keyframe_interval: Duration,
}

impl MediaConfig {
    /// A configuration with one UDP candidate and the defaults: no TCP, full
    /// ICE, 1 Mbit/s initial estimate, 500 ms between keyframe requests.
    pub fn new(udp_candidate: SocketAddr) -> Self {
        Self {
            udp_candidate,
            tcp_candidate: None,
            ice_lite: false,
            initial_bitrate_bps: 1_000_000,
            keyframe_interval: Duration::from_millis(500),
        }
    }
}

/// Builds the per-participant `Rtc`s, all with the same certificate and
/// candidates.
pub(crate) struct RtcFactory {
    crypto: Arc<CryptoProvider>,
    // Generating a certificate costs about 50 ms with aws-lc-rs, so the
    // process makes exactly one and every Rtc presents it.
    cert: DtlsCert,
    candidates: Vec<Candidate>,
    ice_lite: bool,
    initial_bitrate: Bitrate,
}

impl RtcFactory {
    pub(crate) fn new(config: &MediaConfig) -> Result<Self, MediaError> {
        let crypto = Arc::new(str0m::crypto::from_feature_flags());
        let cert = crypto
            .dtls_provider
            .generate_certificate()
            .ok_or(MediaError::Certificate)?;

        let mut candidates =
            vec![Candidate::host(config.udp_candidate, "udp").map_err(MediaError::Candidate)?];
        if let Some(tcp) = config.tcp_candidate {
            let passive = Candidate::builder()
                .tcp()
                .host(tcp)
                .tcptype(TcpType::Passive)
                .build()
                .map_err(MediaError::Candidate)?;
            candidates.push(passive);
        }

        Ok(Self {
            crypto,
            cert,
            candidates,
            ice_lite: config.ice_lite,
            initial_bitrate: Bitrate::bps(config.initial_bitrate_bps),
        })
    }

    /// Where every participant's egress estimate starts.
    pub(crate) fn initial_bitrate_bps(&self) -> u64 {
        self.initial_bitrate.as_u64()
    }

    pub(crate) fn build(&self, now: Instant) -> Rtc {
        let mut rtc = Rtc::builder()
            .set_crypto_provider(self.crypto.clone())
            .set_dtls_cert(self.cert.clone())
            .set_ice_lite(self.ice_lite)
            .enable_bwe(Some(self.initial_bitrate))
            .build(now);

        for candidate in &self.candidates {
            rtc.add_local_candidate(candidate.clone());
        }
        rtc
    }
}
