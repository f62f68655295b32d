//! str0m peers playing browsers over real sockets on 127.0.0.1, against a
//! real SFU task. Each peer runs in its own tokio task: it offers what it
//! publishes, writes synthetic frames on the wall clock, answers the SFU's
//! offers through the handle and records what arrives in shared [`Stats`].

#![allow(dead_code)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, Once};
use std::time::{Duration, Instant};

use anteroom_sfu::{MediaSession, MediaStatus, OfferedTrack, SfuHandle, TrackHint, TrackKind};
use bytes::{Buf, BufMut, BytesMut};
use str0m::change::{SdpAnswer, SdpPendingOffer};
use str0m::format::Codec;
use str0m::media::{Direction, Frequency, MediaKind, MediaTime, Mid};
use str0m::net::{Protocol, Receive, TcpType};
use str0m::{Candidate, Event, Input, Output, Rtc};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpStream, UdpSocket};
use tokio::sync::oneshot;
use tokio::time::sleep_until;

const AUDIO_EVERY: Duration = Duration::from_millis(20);
const VIDEO_EVERY: Duration = Duration::from_millis(50);

/// What a peer sends.
#[derive(Debug, Clone, Copy)]
pub struct Publish {
    pub audio: bool,
    pub camera: bool,
}

pub const AUDIO_VIDEO: Publish = Publish {
    audio: true,
    camera: true,
};
pub const AUDIO_ONLY: Publish = Publish {
    audio: true,
    camera: false,
};
pub const NOTHING: Publish = Publish {
    audio: false,
    camera: false,
};

/// What a peer saw; read it while the peer runs.
#[derive(Debug, Default)]
pub struct Stats {
    pub connected_at: Option<Instant>,
    pub offers: usize,
    pub labels: HashMap<String, OfferedTrack>,
    /// (mid, tag byte) of every frame received.
    pub frames: Vec<(String, u8)>,
    pub events: Vec<MediaStatus>,
    pub events_closed: bool,
}

impl Stats {
    /// Frames received of `participant`'s `kind` track.
    pub fn frames_of(&self, participant: &str, kind: TrackKind) -> usize {
        let carries = |mid: &str| {
            self.labels
                .get(mid)
                .is_some_and(|t| t.participant == participant && t.kind == kind)
        };
        self.frames.iter().filter(|(mid, _)| carries(mid)).count()
    }
}

enum Transport {
    Udp(UdpSocket),
    /// ICE-TCP, active side: one connection to the SFU's listener.
    Tcp(TcpStream, BytesMut),
}

pub struct Peer {
    pub id: String,
    rtc: Rtc,
    transport: Transport,
    local: SocketAddr,
    sending: Vec<(Mid, TrackKind)>,
    want_keyframe: bool,
    frame: u64,
    audio_frame: u64,
}

/// A running peer: its stats, and a way to stop it.
pub struct Running {
    pub stats: Arc<Mutex<Stats>>,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl Running {
    pub fn read<T>(&self, f: impl FnOnce(&Stats) -> T) -> T {
        f(&self.stats.lock().expect("stats"))
    }

    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = self.task.await;
    }
}

impl Peer {
    /// A peer on its own UDP socket.
    pub async fn udp(id: &str) -> Self {
        let socket = UdpSocket::bind("127.0.0.1:0").await.expect("bind");
        let local = socket.local_addr().expect("addr");
        let candidate = Candidate::host(local, "udp").expect("candidate");
        Self::new(id, Transport::Udp(socket), local, candidate)
    }

    /// A peer that reaches the SFU over ICE-TCP only.
    pub async fn tcp(id: &str, server: SocketAddr) -> Self {
        let stream = TcpStream::connect(server).await.expect("connect");
        stream.set_nodelay(true).expect("nodelay");
        let local = stream.local_addr().expect("addr");
        let candidate = Candidate::builder()
            .tcp()
            .host(local)
            .tcptype(TcpType::Active)
            .build()
            .expect("candidate");
        Self::new(
            id,
            Transport::Tcp(stream, BytesMut::new()),
            local,
            candidate,
        )
    }

    fn new(id: &str, transport: Transport, local: SocketAddr, candidate: Candidate) -> Self {
        let mut rtc = Rtc::builder().build(Instant::now());
        rtc.add_local_candidate(candidate);
        Self {
            id: id.to_owned(),
            rtc,
            transport,
            local,
            sending: Vec::new(),
            want_keyframe: true,
            frame: 0,
            audio_frame: 0,
        }
    }

    /// Offers what it publishes to the SFU and applies the answer.
    pub async fn negotiate(&mut self, sfu: &SfuHandle, publish: Publish) {
        let (offer, hints, pending) = self.make_offer(publish);
        let answer = sfu
            .offer(&self.id, offer, hints)
            .await
            .expect("the sfu takes the offer")
            .expect("the sfu answers");
        self.accept_answer(pending, &answer);
    }

    /// The first offer: one sendonly m-line per track, named by hints.
    pub fn make_offer(&mut self, publish: Publish) -> (String, Vec<TrackHint>, SdpPendingOffer) {
        let mut change = self.rtc.sdp_api();
        let mut hints = Vec::new();
        let kinds = [
            (publish.audio, TrackKind::Audio),
            (publish.camera, TrackKind::Camera),
        ];
        for (on, kind) in kinds {
            if !on {
                continue;
            }
            let media = if kind.is_video() {
                MediaKind::Video
            } else {
                MediaKind::Audio
            };
            let mid = change.add_media(media, Direction::SendOnly, None, None, None);
            self.sending.push((mid, kind));
            let mid = mid.to_string();
            hints.push(TrackHint { mid, kind });
        }
        if hints.is_empty() {
            change.add_channel("signaling".into());
        }
        let (offer, pending) = change.apply().expect("offer");
        (offer.to_sdp_string(), hints, pending)
    }

    fn accept_answer(&mut self, pending: SdpPendingOffer, sdp: &str) {
        let answer = SdpAnswer::from_sdp_string(sdp).expect("answer parses");
        let api = self.rtc.sdp_api();
        api.accept_answer(pending, answer).expect("answer applies");
    }

    /// Runs the peer in a task until stopped.
    pub fn spawn(self, sfu: SfuHandle, session: MediaSession) -> Running {
        let stats = Arc::new(Mutex::new(Stats::default()));
        let (stop, stopped) = oneshot::channel();
        let task = tokio::spawn(self.run(sfu, session, stats.clone(), stopped));
        Running {
            stats,
            stop: Some(stop),
            task,
        }
    }

    async fn run(
        mut self,
        sfu: SfuHandle,
        mut session: MediaSession,
        stats: Arc<Mutex<Stats>>,
        mut stopped: oneshot::Receiver<()>,
    ) {
        let mut next_audio = Instant::now();
        let mut next_video = Instant::now();
        let mut buf = vec![0; 2048];
        loop {
            let timeout = self.drain(&stats).await;
            let wake = timeout
                .min(next_audio)
                .min(next_video)
                .max(Instant::now() + Duration::from_millis(1));
            tokio::select! {
                _ = &mut stopped => return,
                received = recv(&mut self.transport, &mut buf) => {
                    for (source, packet) in received {
                        self.receive(source, &packet);
                    }
                }
                Some(offer) = session.offers.recv() => {
                    {
                        let mut s = stats.lock().expect("stats");
                        s.offers += 1;
                        for t in &offer.tracks {
                            s.labels.insert(t.mid.clone(), t.clone());
                        }
                    }
                    let offer_sdp = str0m::change::SdpOffer::from_sdp_string(&offer.sdp)
                        .expect("offer parses");
                    let answer = self.rtc.sdp_api().accept_offer(offer_sdp).expect("offer");
                    sfu.answer(&self.id, answer.to_sdp_string()).await.expect("answer taken");
                }
                event = session.events.recv() => {
                    let closed = {
                        let mut s = stats.lock().expect("stats");
                        match event {
                            Some(e) => s.events.push(e),
                            None => s.events_closed = true,
                        }
                        s.events_closed
                    };
                    if closed {
                        // The SFU let go of us: nothing more will come.
                        let _ = (&mut stopped).await;
                        return;
                    }
                }
                () = sleep_until(wake.into()) => {
                    let now = Instant::now();
                    let _ = self.rtc.handle_input(Input::Timeout(now));
                    let connected = stats.lock().expect("stats").connected_at.is_some();
                    if now >= next_audio {
                        next_audio = now + AUDIO_EVERY;
                        if connected {
                            self.write_media(&stats, false).await;
                        }
                    }
                    if now >= next_video {
                        next_video = now + VIDEO_EVERY;
                        if connected {
                            self.write_media(&stats, true).await;
                        }
                    }
                }
            }
        }
    }

    fn receive(&mut self, source: SocketAddr, packet: &[u8]) {
        let proto = match self.transport {
            Transport::Udp(_) => Protocol::Udp,
            Transport::Tcp(..) => Protocol::Tcp,
        };
        let Ok(r) = Receive::new(proto, source, self.local, packet) else {
            return;
        };
        let _ = self.rtc.handle_input(Input::Receive(Instant::now(), r));
    }

    /// Sends what str0m wants sent and records its events.
    async fn drain(&mut self, stats: &Mutex<Stats>) -> Instant {
        loop {
            match self.rtc.poll_output().expect("peer poll") {
                Output::Timeout(at) => return at,
                Output::Transmit(t) => match &mut self.transport {
                    Transport::Udp(socket) => {
                        let _ = socket.send_to(&t.contents, t.destination).await;
                    }
                    Transport::Tcp(stream, _) => {
                        let mut framed = BytesMut::with_capacity(t.contents.len() + 2);
                        framed.put_u16(t.contents.len() as u16);
                        framed.put_slice(&t.contents);
                        let _ = stream.write_all(&framed).await;
                    }
                },
                Output::Event(event) => {
                    let mut s = stats.lock().expect("stats");
                    match event {
                        Event::Connected => s.connected_at = Some(Instant::now()),
                        Event::KeyframeRequest(_) => self.want_keyframe = true,
                        Event::MediaData(d) if d.data.len() >= 2 => {
                            s.frames.push((d.mid.to_string(), d.data[1]));
                        }
                        _ => {}
                    }
                }
            }
        }
    }

    async fn write_media(&mut self, stats: &Mutex<Stats>, video: bool) {
        let sending = self.sending.clone();
        for (mid, kind) in sending {
            if kind.is_video() != video {
                continue;
            }
            // An encoder starts with a keyframe, then makes one when asked.
            let keyframe = video && std::mem::take(&mut self.want_keyframe);
            let (codec, tag, size, time) = if video {
                self.frame += 1;
                let time = MediaTime::new(self.frame * 4_500, Frequency::NINETY_KHZ);
                (Codec::Vp8, b'c', 1_200, time)
            } else {
                self.audio_frame += 1;
                let time = MediaTime::new(self.audio_frame * 960, Frequency::FORTY_EIGHT_KHZ);
                (Codec::Opus, b'a', 60, time)
            };
            // Byte 0 is VP8's P bit (0 on a keyframe), then the tag.
            let mut payload = vec![u8::from(!keyframe), tag];
            payload.resize(size, 0xAB);

            let Some(writer) = self.rtc.writer(mid) else {
                continue;
            };
            let Some(pt) = writer
                .payload_params()
                .find(|p| p.spec().codec == codec)
                .map(|p| p.pt())
            else {
                continue;
            };
            let _ = writer.write(pt, Instant::now(), time, payload);
            // str0m wants a poll between two writes.
            self.drain(stats).await;
        }
    }
}

/// The next packets from the transport, with their source.
async fn recv(transport: &mut Transport, buf: &mut [u8]) -> Vec<(SocketAddr, Vec<u8>)> {
    match transport {
        Transport::Udp(socket) => match socket.recv_from(buf).await {
            Ok((n, source)) => vec![(source, buf[..n].to_vec())],
            Err(_) => Vec::new(),
        },
        Transport::Tcp(stream, read) => {
            let peer = stream.peer_addr().expect("peer");
            if stream.read_buf(read).await.unwrap_or(0) == 0 {
                // Closed: wait forever rather than spin.
                std::future::pending::<()>().await;
            }
            let mut packets = Vec::new();
            while read.len() >= 2 {
                let len = usize::from(u16::from_be_bytes([read[0], read[1]]));
                if read.len() < 2 + len {
                    break;
                }
                read.advance(2);
                packets.push((peer, read.split_to(len).to_vec()));
            }
            packets
        }
    }
}

/// Polls `done` every 20 ms; panics with `what` after `limit`.
pub async fn wait_for(limit: Duration, what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Logs to the test output when `RUST_LOG` is set.
pub fn init_log() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        let filter = tracing_subscriber::EnvFilter::try_from_default_env()
            .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("off"));
        tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_test_writer()
            .init();
    });
}
