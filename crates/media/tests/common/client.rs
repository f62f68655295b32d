//! A str0m peer playing the browser: it offers what it publishes, writes
//! synthetic frames, answers the engine's offers and records what arrives.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use anteroom_media::{OfferedTrack, ParticipantKey, TrackHint, TrackId, TrackKind};
use str0m::change::{SdpAnswer, SdpOffer, SdpPendingOffer};
use str0m::config::DtlsCert;
use str0m::format::Codec;
use str0m::media::{Direction, Frequency, MediaKind, MediaTime, Mid, Rid};
use str0m::media::{Simulcast, SimulcastLayer};
use str0m::net::{Receive, TcpType};
use str0m::{Event, Input, Output, Rtc};
use tracing::Span;

use super::net::{Net, Packet};

const AUDIO_EVERY: Duration = Duration::from_millis(20);
const VIDEO_EVERY: Duration = Duration::from_millis(50);

/// How the client sends its camera.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Camera {
    Off,
    Single,
    /// Two layers, rids `h` and `l`.
    Simulcast,
}

/// What a client publishes.
#[derive(Debug, Clone, Copy)]
pub struct Publish {
    pub audio: bool,
    pub camera: Camera,
    pub screen: bool,
}

/// A frame as a client received it, decoded from our synthetic payload.
#[derive(Debug, Clone)]
pub struct Frame {
    pub at: Instant,
    pub track: Option<TrackId>,
    pub keyframe: bool,
    /// `h`, `l` or `c` (single camera), `s` (screen), `a` (audio).
    pub tag: u8,
    pub seq: u32,
}

pub struct Client {
    pub key: ParticipantKey,
    pub addr: SocketAddr,
    pub rtc: Rtc,
    pub span: Span,
    pub next_timeout: Instant,
    pub connected: bool,
    sending: Vec<(Mid, TrackKind, Vec<Option<Rid>>)>,
    want_keyframe: Vec<(Mid, Option<Rid>)>,
    next_audio: Instant,
    next_video: Instant,
    frame: u32,
    audio_frame: u64,
    pub labels: BTreeMap<Mid, TrackId>,
    pub received: Vec<Frame>,
    pub keyframe_requests: Vec<(Instant, Mid, Option<Rid>)>,
}

fn shared_cert() -> DtlsCert {
    static CERT: OnceLock<DtlsCert> = OnceLock::new();
    let make = || {
        let provider = str0m::crypto::from_feature_flags();
        provider.dtls_provider.generate_certificate().expect("cert")
    };
    CERT.get_or_init(make).clone()
}

impl Client {
    /// A client at `addr`, reachable over UDP, or over ICE-TCP only (as
    /// behind a firewall that blocks UDP).
    pub fn new(key: ParticipantKey, addr: SocketAddr, now: Instant, tcp: bool) -> Self {
        let mut rtc = Rtc::builder().set_dtls_cert(shared_cert()).build(now);
        let host = if tcp {
            let builder = str0m::Candidate::builder().tcp().host(addr);
            builder.tcptype(TcpType::Active).build()
        } else {
            str0m::Candidate::host(addr, "udp")
        };
        rtc.add_local_candidate(host.expect("candidate"));
        Self {
            key,
            addr,
            rtc,
            span: tracing::info_span!("client", id = %key),
            next_timeout: now,
            connected: false,
            sending: Vec::new(),
            want_keyframe: Vec::new(),
            next_audio: now,
            next_video: now,
            frame: 0,
            audio_frame: 0,
            labels: BTreeMap::new(),
            received: Vec::new(),
            keyframe_requests: Vec::new(),
        }
    }

    /// The client's first offer, with a hint per published m-line.
    pub fn offer(&mut self, publish: Publish) -> (String, Vec<TrackHint>, SdpPendingOffer) {
        let mut change = self.rtc.sdp_api();
        let mut added = Vec::new();
        if publish.audio {
            let mid = change.add_media(MediaKind::Audio, Direction::SendOnly, None, None, None);
            added.push((mid, TrackKind::Audio, vec![None]));
        }
        if publish.camera != Camera::Off {
            let (simulcast, rids) = match publish.camera {
                Camera::Simulcast => {
                    let mut s = Simulcast::new();
                    s.add_send_layer(SimulcastLayer::new("h"));
                    s.add_send_layer(SimulcastLayer::new("l"));
                    (Some(s), vec![Some(Rid::from("h")), Some(Rid::from("l"))])
                }
                _ => (None, vec![None]),
            };
            let mid =
                change.add_media(MediaKind::Video, Direction::SendOnly, None, None, simulcast);
            added.push((mid, TrackKind::Camera, rids));
        }
        if publish.screen {
            let mid = change.add_media(MediaKind::Video, Direction::SendOnly, None, None, None);
            added.push((mid, TrackKind::Screen, vec![None]));
        }
        if added.is_empty() {
            // An offer needs an m-line; a viewer offers a data channel.
            change.add_channel("signaling".into());
        }

        let (offer, pending) = change.apply().expect("offer");
        let hints = added
            .iter()
            .map(|(mid, kind, _)| TrackHint {
                mid: mid.to_string(),
                kind: *kind,
            })
            .collect();
        self.sending = added;
        (offer.to_sdp_string(), hints, pending)
    }

    /// Starts a screen share: a new sendonly video m-line.
    pub fn start_screen(&mut self) -> (String, Vec<TrackHint>, SdpPendingOffer) {
        let mut change = self.rtc.sdp_api();
        let mid = change.add_media(MediaKind::Video, Direction::SendOnly, None, None, None);
        let (offer, pending) = change.apply().expect("offer");
        self.sending.push((mid, TrackKind::Screen, vec![None]));
        let hint = TrackHint {
            mid: mid.to_string(),
            kind: TrackKind::Screen,
        };
        (offer.to_sdp_string(), vec![hint], pending)
    }

    /// Stops sending one simulcast layer of the camera, as a browser does
    /// with its upper layers while its uplink estimate is low.
    pub fn pause_layer(&mut self, rid: &str) {
        for (_, kind, rids) in &mut self.sending {
            if *kind == TrackKind::Camera {
                rids.retain(|r| r.as_deref() != Some(rid));
            }
        }
    }

    /// Sends a paused simulcast layer of the camera again; the encoder
    /// starts it with a keyframe.
    pub fn resume_layer(&mut self, rid: &str) {
        for (mid, kind, rids) in &mut self.sending {
            if *kind == TrackKind::Camera && !rids.contains(&Some(Rid::from(rid))) {
                rids.push(Some(Rid::from(rid)));
                self.want_keyframe.push((*mid, Some(Rid::from(rid))));
            }
        }
    }

    /// Stops sending `kind`, as a browser setting its transceiver inactive.
    pub fn stop_sending(&mut self, kind: TrackKind) -> (String, Vec<TrackHint>, SdpPendingOffer) {
        let i = self
            .sending
            .iter()
            .position(|s| s.1 == kind)
            .expect("sending");
        let (mid, _, _) = self.sending.remove(i);
        let mut change = self.rtc.sdp_api();
        change.set_direction(mid, Direction::Inactive);
        let (offer, pending) = change.apply().expect("offer");
        (offer.to_sdp_string(), Vec::new(), pending)
    }

    pub fn accept_answer(&mut self, pending: SdpPendingOffer, sdp: &str) {
        let answer = SdpAnswer::from_sdp_string(sdp).expect("answer parses");
        self.rtc
            .sdp_api()
            .accept_answer(pending, answer)
            .expect("answer");
    }

    /// Answers an engine offer, learning which track each m-line carries.
    pub fn answer(&mut self, sdp: &str, tracks: &[OfferedTrack]) -> String {
        for t in tracks {
            self.labels.insert(Mid::from(t.mid.as_str()), t.track);
        }
        let offer = SdpOffer::from_sdp_string(sdp).expect("offer parses");
        let answer = self.rtc.sdp_api().accept_offer(offer).expect("offer");
        answer.to_sdp_string()
    }

    /// The mid the client receives `track` on.
    pub fn mid_of(&self, track: TrackId) -> Option<Mid> {
        self.labels
            .iter()
            .find(|(_, t)| **t == track)
            .map(|(m, _)| *m)
    }

    pub fn next_event(&self) -> Instant {
        self.next_timeout.min(self.next_audio).min(self.next_video)
    }

    pub fn receive(&mut self, now: Instant, p: &Packet, net: &mut Net) {
        let Ok(r) = Receive::new(p.proto, p.source, p.destination, &p.contents) else {
            return;
        };
        let _ = self
            .span
            .in_scope(|| self.rtc.handle_input(Input::Receive(now, r)));
        self.drain(now, net);
    }

    pub fn tick(&mut self, now: Instant, net: &mut Net) {
        if self.next_timeout <= now {
            let _ = self
                .span
                .in_scope(|| self.rtc.handle_input(Input::Timeout(now)));
            self.drain(now, net);
        }
        if self.next_audio <= now {
            self.next_audio = now + AUDIO_EVERY;
            if self.connected {
                self.write_media(now, net, false);
                self.audio_frame += 1;
            }
        }
        if self.next_video <= now {
            self.next_video = now + VIDEO_EVERY;
            if self.connected {
                self.write_media(now, net, true);
                self.frame += 1;
            }
        }
    }

    fn write_media(&mut self, now: Instant, net: &mut Net, video: bool) {
        let sending = self.sending.clone();
        for (mid, kind, rids) in sending {
            if kind.is_video() != video {
                continue;
            }
            for rid in rids {
                self.write_frame(now, net, mid, kind, rid);
            }
        }
    }

    fn write_frame(
        &mut self,
        now: Instant,
        net: &mut Net,
        mid: Mid,
        kind: TrackKind,
        rid: Option<Rid>,
    ) {
        // An encoder starts with a keyframe, then makes one only when asked.
        let asked = self.want_keyframe.iter().position(|w| *w == (mid, rid));
        let keyframe = kind.is_video() && (self.frame == 0 || asked.is_some());
        if let Some(i) = asked {
            self.want_keyframe.remove(i);
        }

        let (tag, size, codec, time) = match (kind, rid.as_deref()) {
            (TrackKind::Audio, _) => (b'a', 60, Codec::Opus, self.audio_time()),
            (TrackKind::Camera, Some("h")) => (b'h', 2_500, Codec::Vp8, self.video_time()),
            (TrackKind::Camera, Some(_)) => (b'l', 600, Codec::Vp8, self.video_time()),
            (TrackKind::Camera, None) => (b'c', 1_500, Codec::Vp8, self.video_time()),
            (TrackKind::Screen, _) => (b's', 1_200, Codec::Vp8, self.video_time()),
        };
        let seq = if kind.is_video() {
            self.frame
        } else {
            self.audio_frame as u32
        };
        let payload = payload(keyframe, tag, self.key, seq, size);

        let _entered = self.span.enter();
        let Some(writer) = self.rtc.writer(mid) else {
            return;
        };
        let pt = writer
            .payload_params()
            .find(|p| p.spec().codec == codec)
            .map(|p| p.pt())
            .expect("negotiated codec");
        let writer = match rid {
            Some(rid) => writer.rid(rid),
            None => writer,
        };
        writer.write(pt, now, time, payload).expect("write");
        drop(_entered);
        // str0m wants a poll between two writes.
        self.drain(now, net);
    }

    fn audio_time(&self) -> MediaTime {
        MediaTime::new(self.audio_frame * 960, Frequency::FORTY_EIGHT_KHZ)
    }

    fn video_time(&self) -> MediaTime {
        MediaTime::new(u64::from(self.frame) * 4_500, Frequency::NINETY_KHZ)
    }

    pub fn drain(&mut self, now: Instant, net: &mut Net) {
        loop {
            let output = self.span.in_scope(|| self.rtc.poll_output());
            match output.expect("client poll") {
                Output::Timeout(at) => {
                    // Nothing scheduled shows as "now": look again a bit later.
                    self.next_timeout = at.max(now + Duration::from_micros(100));
                    break;
                }
                Output::Transmit(t) => net.send(
                    now,
                    Packet {
                        proto: t.proto,
                        source: t.source,
                        destination: t.destination,
                        contents: t.contents.into(),
                    },
                ),
                Output::Event(e) => self.on_event(now, e),
            }
        }
    }

    fn on_event(&mut self, now: Instant, event: Event) {
        match event {
            Event::Connected => self.connected = true,
            Event::KeyframeRequest(r) => {
                self.keyframe_requests.push((now, r.mid, r.rid));
                self.want_keyframe.push((r.mid, r.rid));
            }
            Event::MediaData(d) => {
                let data = &d.data;
                if data.len() < 7 {
                    return;
                }
                self.received.push(Frame {
                    at: now,
                    track: self.labels.get(&d.mid).copied(),
                    keyframe: data[0] & 1 == 0 && d.is_keyframe(),
                    tag: data[1],
                    seq: u32::from_be_bytes([data[3], data[4], data[5], data[6]]),
                });
            }
            _ => {}
        }
    }

    /// Frames received of `track`.
    pub fn frames_of(&self, track: TrackId) -> Vec<&Frame> {
        let frames = self.received.iter();
        frames.filter(|f| f.track == Some(track)).collect()
    }
}

/// Our synthetic frame: byte 0 is VP8's P bit (0 on a keyframe), then the
/// layer tag, the publisher, a frame counter, and filler.
fn payload(keyframe: bool, tag: u8, publisher: ParticipantKey, seq: u32, size: usize) -> Vec<u8> {
    let mut data = vec![u8::from(!keyframe), tag, publisher.get() as u8];
    data.extend_from_slice(&seq.to_be_bytes());
    data.resize(size, 0xAB);
    data
}
