//! ICE-TCP: the passive listener, its connection table and RFC 4571 framing.
//!
//! str0m owns no sockets, so this is ours. Every connection carries
//! packets, each with a two-byte big-endian length before it. The SFU task
//! polls the whole table from one future ([`TcpSide::next_event`]) and
//! writes without waiting ([`TcpSide::send`]): a connection that cannot take
//! more gets packets dropped, as a full UDP buffer would, never a stalled
//! task.

use std::future::poll_fn;
use std::io;
use std::net::SocketAddr;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::{Buf, BufMut, BytesMut};
use tokio::net::{TcpListener, TcpStream};
use tracing::{debug, trace};

/// Most connections kept at once; more are refused.
const MAX_CONNECTIONS: usize = 1024;

/// Bytes that may wait to be written to one connection before packets for
/// it are dropped.
const MAX_PENDING_WRITE: usize = 1024 * 1024;

/// A connection that carried no packet this long is closed. ICE consent
/// checks arrive every few seconds on a live one.
pub(crate) const IDLE_TIMEOUT: Duration = Duration::from_secs(30);

/// Something that happened on the ICE-TCP side.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum TcpEvent {
    /// One packet from `peer`.
    Packet { peer: SocketAddr, packet: Vec<u8> },
    /// A connection ended (closed by the peer, failed, or sent garbage).
    Closed { peer: SocketAddr },
}

struct Conn {
    stream: TcpStream,
    peer: SocketAddr,
    read: BytesMut,
    write: BytesMut,
    last_packet: Instant,
}

pub(crate) struct TcpSide {
    listener: TcpListener,
    conns: Vec<Conn>,
    /// Where polling starts, moved on each time so no connection starves.
    start: usize,
}

impl TcpSide {
    pub(crate) fn new(listener: TcpListener) -> Self {
        Self {
            listener,
            conns: Vec::new(),
            start: 0,
        }
    }

    /// How many connections are open.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.conns.len()
    }

    /// The next packet or closed connection. Cancel-safe: nothing is lost
    /// when the future is dropped.
    pub(crate) async fn next_event(&mut self) -> TcpEvent {
        poll_fn(|cx| self.poll_event(cx)).await
    }

    /// Frames `packet` onto the connection from `peer`. Returns false when
    /// it was dropped: no such connection, or it is not keeping up.
    pub(crate) fn send(&mut self, peer: SocketAddr, packet: &[u8]) -> bool {
        let Some(conn) = self.conns.iter_mut().find(|c| c.peer == peer) else {
            trace!(%peer, "no ice-tcp connection to send on");
            return false;
        };
        let Ok(len) = u16::try_from(packet.len()) else {
            return false;
        };
        if conn.write.len() + packet.len() + 2 > MAX_PENDING_WRITE {
            trace!(%peer, "ice-tcp connection is not keeping up; packet dropped");
            return false;
        }
        conn.write.put_u16(len);
        conn.write.put_slice(packet);

        // Most writes go straight out; what the kernel does not take now is
        // flushed when the socket is writable again (in poll_event).
        if let Err(error) = flush(conn) {
            debug!(%peer, %error, "ice-tcp write failed");
            conn.write.clear();
        }
        true
    }

    /// Closes connections that carried nothing for [`IDLE_TIMEOUT`].
    pub(crate) fn close_idle(&mut self, now: Instant) -> Vec<SocketAddr> {
        let (idle, live): (Vec<Conn>, Vec<Conn>) = std::mem::take(&mut self.conns)
            .into_iter()
            .partition(|c| now.saturating_duration_since(c.last_packet) >= IDLE_TIMEOUT);
        self.conns = live;
        let peers: Vec<SocketAddr> = idle.into_iter().map(|c| c.peer).collect();
        for peer in &peers {
            debug!(%peer, "idle ice-tcp connection closed");
        }
        peers
    }

    fn poll_event(&mut self, cx: &mut Context<'_>) -> Poll<TcpEvent> {
        // New connections first; they produce no event of their own.
        while let Poll::Ready(accepted) = self.listener.poll_accept(cx) {
            match accepted {
                Ok((stream, peer)) if self.conns.len() < MAX_CONNECTIONS => {
                    debug!(%peer, "ice-tcp connection accepted");
                    // Small STUN and media packets must not wait for Nagle.
                    let _ = stream.set_nodelay(true);
                    self.conns.push(Conn {
                        stream,
                        peer,
                        read: BytesMut::with_capacity(4096),
                        write: BytesMut::new(),
                        last_packet: Instant::now(),
                    });
                }
                Ok((_, peer)) => debug!(%peer, "too many ice-tcp connections; refused"),
                // Per-connection failures (reset before accept, out of
                // descriptors) must not stop the listener.
                Err(error) => {
                    debug!(%error, "ice-tcp accept failed");
                    break;
                }
            }
        }

        let n = self.conns.len();
        for step in 0..n {
            let i = (self.start + step) % n;
            match poll_conn(&mut self.conns[i], cx) {
                Poll::Pending => {}
                Poll::Ready(Some(packet)) => {
                    self.start = (i + 1) % n;
                    let conn = &mut self.conns[i];
                    conn.last_packet = Instant::now();
                    return Poll::Ready(TcpEvent::Packet {
                        peer: conn.peer,
                        packet,
                    });
                }
                Poll::Ready(None) => {
                    let conn = self.conns.swap_remove(i);
                    debug!(peer = %conn.peer, "ice-tcp connection closed");
                    return Poll::Ready(TcpEvent::Closed { peer: conn.peer });
                }
            }
        }
        Poll::Pending
    }
}

/// Reads one connection until it yields a whole packet (`Some`), ends
/// (`None`), or would block (`Pending`, with the waker registered).
fn poll_conn(conn: &mut Conn, cx: &mut Context<'_>) -> Poll<Option<Vec<u8>>> {
    // Flush what waits; a write that would block leaves the waker set.
    while !conn.write.is_empty() {
        match conn.stream.poll_write_ready(cx) {
            Poll::Pending => break,
            Poll::Ready(Err(_)) => return Poll::Ready(None),
            Poll::Ready(Ok(())) => {
                if flush(conn).is_err() {
                    return Poll::Ready(None);
                }
            }
        }
    }

    loop {
        match take_frame(&mut conn.read) {
            Some(Frame::Packet(packet)) => return Poll::Ready(Some(packet)),
            Some(Frame::Empty) => continue,
            None => {}
        }

        match conn.stream.poll_read_ready(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(Err(_)) => return Poll::Ready(None),
            Poll::Ready(Ok(())) => {}
        }
        conn.read.reserve(4096);
        match conn.stream.try_read_buf(&mut conn.read) {
            Ok(0) => return Poll::Ready(None),
            Ok(_) => {}
            // Readiness was stale; polling again registers the waker.
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(_) => return Poll::Ready(None),
        }
    }
}

/// Writes what the kernel takes now.
fn flush(conn: &mut Conn) -> io::Result<()> {
    while !conn.write.is_empty() {
        match conn.stream.try_write(&conn.write) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => conn.write.advance(n),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(()),
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

#[derive(Debug, PartialEq, Eq)]
enum Frame {
    Packet(Vec<u8>),
    /// A zero-length frame: legal, carries nothing.
    Empty,
}

/// Takes one RFC 4571 frame off the front of `buf`, if it is all there.
fn take_frame(buf: &mut BytesMut) -> Option<Frame> {
    let len = usize::from(u16::from_be_bytes([*buf.first()?, *buf.get(1)?]));
    if buf.len() < 2 + len {
        return None;
    }
    buf.advance(2);
    if len == 0 {
        return Some(Frame::Empty);
    }
    Some(Frame::Packet(buf.split_to(len).to_vec()))
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;

    #[test]
    fn frames_come_off_whole_and_in_order() {
        let mut buf = BytesMut::new();
        buf.put_slice(&[0, 3, b'a', b'b', b'c', 0, 0, 0, 2, b'x']);
        assert_eq!(take_frame(&mut buf), Some(Frame::Packet(b"abc".to_vec())));
        assert_eq!(take_frame(&mut buf), Some(Frame::Empty));
        assert_eq!(take_frame(&mut buf), None, "half a frame waits");
        buf.put_slice(b"y");
        assert_eq!(take_frame(&mut buf), Some(Frame::Packet(b"xy".to_vec())));
        assert_eq!(take_frame(&mut buf), None);
        assert!(buf.is_empty());
    }

    #[tokio::test]
    async fn packets_cross_a_real_connection_both_ways() {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let mut side = TcpSide::new(listener);
        let mut client = TcpStream::connect(addr).await.expect("connect");
        let me = client.local_addr().expect("local");

        // Two packets, the second split across writes.
        client
            .write_all(&[0, 2, 1, 2, 0, 3, 7])
            .await
            .expect("write");
        let first = side.next_event().await;
        assert_eq!(
            first,
            TcpEvent::Packet {
                peer: me,
                packet: vec![1, 2]
            }
        );
        client.write_all(&[8, 9]).await.expect("write");
        let second = side.next_event().await;
        assert_eq!(
            second,
            TcpEvent::Packet {
                peer: me,
                packet: vec![7, 8, 9]
            }
        );

        assert!(side.send(me, b"hey"));
        let mut got = [0; 5];
        client.read_exact(&mut got).await.expect("read");
        assert_eq!(&got, &[0, 3, b'h', b'e', b'y']);
        assert!(!side.send("127.0.0.1:9".parse().expect("addr"), b"lost"));

        drop(client);
        assert_eq!(side.next_event().await, TcpEvent::Closed { peer: me });
        assert_eq!(side.len(), 0);
    }
}
