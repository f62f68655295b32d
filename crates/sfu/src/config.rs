//! Where the SFU listens, what it puts in candidates, and binding its sockets.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use socket2::{Domain, Protocol, Socket, Type};
use tokio::net::{TcpListener, UdpSocket};
use tracing::{debug, warn};

use crate::error::SfuError;

/// The receive (and send) buffer asked for on the shared UDP socket. With the
/// default 208 KiB, one socket for every participant dropped packets at
/// eight participants on the machines we measured; 4 MiB dropped none.
pub const UDP_BUFFER_BYTES: usize = 4 * 1024 * 1024;

/// How to start the SFU.
#[derive(Debug, Clone)]
pub struct SfuConfig {
    /// Where the shared UDP socket is bound. Port 0 picks a free port.
    pub udp: SocketAddr,

    /// Where the ICE-TCP listener is bound, for networks that block UDP;
    /// `None` offers UDP only.
    pub tcp: Option<SocketAddr>,

    /// The address clients reach the sockets at, put in the ICE candidates
    /// (ports stay the bound ones). Without it, the bound IP; a socket bound
    /// to every interface (`0.0.0.0`, `::`) then falls back to loopback.
    pub public_ip: Option<IpAddr>,
}

impl SfuConfig {
    /// UDP and ICE-TCP on free loopback ports: for development and tests.
    pub fn loopback() -> Self {
        let any_port = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
        Self {
            udp: any_port,
            tcp: Some(any_port),
            public_ip: None,
        }
    }
}

/// The addresses a running SFU uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SfuAddrs {
    /// The bound UDP socket.
    pub udp: SocketAddr,
    /// The bound ICE-TCP listener, if any.
    pub tcp: Option<SocketAddr>,
    /// The UDP address put in candidates.
    pub udp_candidate: SocketAddr,
    /// The ICE-TCP address put in candidates, if any.
    pub tcp_candidate: Option<SocketAddr>,
}

/// The candidate address for a socket bound to `bound`: the public IP if
/// given, else the bound IP, else (bound to every interface) loopback.
pub(crate) fn candidate_addr(bound: SocketAddr, public_ip: Option<IpAddr>) -> SocketAddr {
    let ip = match public_ip {
        Some(ip) => ip,
        None if bound.ip().is_unspecified() => {
            let loopback = match bound.ip() {
                IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::LOCALHOST),
                IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::LOCALHOST),
            };
            warn!(
                bound = %bound,
                candidate = %loopback,
                "media socket bound to every interface without --public-ip; \
                 only clients on this host can reach it"
            );
            loopback
        }
        None => bound.ip(),
    };
    SocketAddr::new(ip, bound.port())
}

/// Binds the shared UDP socket with raised buffers.
pub(crate) fn bind_udp(addr: SocketAddr) -> Result<UdpSocket, SfuError> {
    let bind_error = |source| SfuError::Bind {
        what: "udp",
        addr,
        source,
    };
    let socket = Socket::new(Domain::for_address(addr), Type::DGRAM, Some(Protocol::UDP))
        .map_err(bind_error)?;

    // The kernel caps these at net.core.rmem_max / wmem_max; a smaller buffer
    // still works, it only drops sooner under load, so failure is no error.
    if let Err(error) = socket.set_recv_buffer_size(UDP_BUFFER_BYTES) {
        warn!(%error, "could not raise the media socket's receive buffer");
    }
    if let Err(error) = socket.set_send_buffer_size(UDP_BUFFER_BYTES) {
        warn!(%error, "could not raise the media socket's send buffer");
    }
    let granted = socket.recv_buffer_size().unwrap_or(0);
    if granted < UDP_BUFFER_BYTES {
        warn!(
            granted_bytes = granted,
            wanted_bytes = UDP_BUFFER_BYTES,
            "the media socket's receive buffer is smaller than asked (net.core.rmem_max)"
        );
    } else {
        debug!(granted_bytes = granted, "media socket receive buffer");
    }

    socket.set_nonblocking(true).map_err(bind_error)?;
    socket.bind(&addr.into()).map_err(bind_error)?;
    UdpSocket::from_std(socket.into()).map_err(bind_error)
}

/// Binds the ICE-TCP listener.
pub(crate) async fn bind_tcp(addr: SocketAddr) -> Result<TcpListener, SfuError> {
    TcpListener::bind(addr)
        .await
        .map_err(|source| SfuError::Bind {
            what: "tcp",
            addr,
            source,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(s: &str) -> SocketAddr {
        s.parse().expect("address")
    }

    #[test]
    fn the_candidate_is_the_bound_address_by_default() {
        let bound = addr("127.0.0.1:4000");
        assert_eq!(candidate_addr(bound, None), bound);
    }

    #[test]
    fn a_public_ip_replaces_the_bound_ip_but_not_the_port() {
        let public = "203.0.113.7".parse().ok();
        let candidate = candidate_addr(addr("0.0.0.0:4000"), public);
        assert_eq!(candidate, addr("203.0.113.7:4000"));
    }

    #[test]
    fn every_interface_without_a_public_ip_falls_back_to_loopback() {
        assert_eq!(
            candidate_addr(addr("0.0.0.0:4000"), None),
            addr("127.0.0.1:4000")
        );
        assert_eq!(candidate_addr(addr("[::]:4000"), None), addr("[::1]:4000"));
    }

    #[tokio::test]
    async fn the_udp_socket_gets_the_larger_receive_buffer() {
        let socket = bind_udp(addr("127.0.0.1:0")).expect("bind");
        let std = socket.into_std().expect("std socket");
        let granted = socket2::SockRef::from(&std)
            .recv_buffer_size()
            .expect("size");
        // Linux doubles what it grants, up to rmem_max (4 MiB on our
        // machines); a host with a small rmem_max still beats the default.
        let rmem_max = std::fs::read_to_string("/proc/sys/net/core/rmem_max")
            .ok()
            .and_then(|s| s.trim().parse::<usize>().ok())
            .unwrap_or(UDP_BUFFER_BYTES);
        assert!(
            granted >= UDP_BUFFER_BYTES.min(rmem_max),
            "granted {granted}"
        );
    }
}
