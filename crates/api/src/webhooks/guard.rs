//! Where webhooks may point: public addresses only, unless the operator
//! allows private ones (`--webhooks-allow-private`). A registered URL is
//! checked when it is registered, and its addresses again at every
//! delivery, so a name that later resolves to an inside address (DNS
//! rebinding) reaches nothing.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use reqwest::Url;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// Whether an address is reachable from the public internet.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public_v4(v4),
            None => is_public_v6(v6),
        },
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    let shared = a == 100 && (64..128).contains(&b); // 100.64.0.0/10, carrier NAT
    let this_network = a == 0;
    let benchmarking = a == 198 && (b == 18 || b == 19);
    !(ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || ip.is_unspecified()
        || shared
        || this_network
        || benchmarking
        || a >= 240)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    !(ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || ip.is_unique_local()
        || ip.is_unicast_link_local())
}

/// Why a URL cannot be a webhook.
pub fn check_url(text: &str, allow_private: bool) -> Result<Url, &'static str> {
    let url = Url::parse(text.trim()).map_err(|_| "url must be an http or https URL")?;
    if !matches!(url.scheme(), "http" | "https") || text.len() > 2048 {
        return Err("url must be an http or https URL");
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("url must not carry credentials");
    }
    let host = url.host_str().ok_or("url must be an http or https URL")?;
    let inside = match literal_ip(host) {
        Some(ip) => !is_public(ip),
        None => {
            let name = host.trim_end_matches('.').to_ascii_lowercase();
            name == "localhost" || name.ends_with(".localhost")
        }
    };
    if inside && !allow_private {
        return Err("url must not point to a private or loopback address");
    }
    Ok(url)
}

/// The address a URL host names literally, if it is one (`[::1]` too).
pub fn literal_ip(host: &str) -> Option<IpAddr> {
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .parse()
        .ok()
}

/// Resolves names and drops every address that is not public.
#[derive(Debug)]
struct PublicOnly;

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        Box::pin(async move {
            let found = tokio::net::lookup_host((name.as_str(), 0)).await?;
            let public: Vec<SocketAddr> = found.filter(|addr| is_public(addr.ip())).collect();
            if public.is_empty() {
                let refused = format!("{} has no public address", name.as_str());
                return Err(refused.into());
            }
            Ok(Box::new(public.into_iter()) as Addrs)
        })
    }
}

/// The HTTP client deliveries go out with. Redirects are not followed:
/// one could lead to an address the check did not see.
pub fn client(allow_private: bool) -> reqwest::Client {
    let mut builder = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .user_agent(concat!("anteroom-webhooks/", env!("CARGO_PKG_VERSION")));
    if !allow_private {
        builder = builder.dns_resolver(Arc::new(PublicOnly));
    }
    // Building fails only if the TLS backend cannot start, which the
    // process cannot do without.
    builder.build().unwrap_or_else(|_| reqwest::Client::new())
}

#[cfg(test)]
mod tests {
    use super::{check_url, is_public};

    #[test]
    fn tells_inside_addresses_from_public_ones() {
        for inside in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "224.0.0.1",
        ] {
            assert!(!is_public(inside.parse().expect("ip")), "{inside}");
        }
        for public in ["8.8.8.8", "1.1.1.1", "2606:4700::1111", "::ffff:8.8.8.8"] {
            assert!(is_public(public.parse().expect("ip")), "{public}");
        }
    }

    #[test]
    fn registration_refuses_inside_urls_unless_allowed() {
        for url in [
            "http://127.0.0.1:9/x",
            "https://localhost/hook",
            "http://[::1]/",
            "http://10.0.0.5/",
            "http://app.localhost./",
        ] {
            assert!(check_url(url, false).is_err(), "{url}");
            assert!(check_url(url, true).is_ok(), "{url}");
        }
        assert!(check_url("https://example.com/hooks", false).is_ok());
        for bad in [
            "ftp://example.com/",
            "example.com",
            "",
            "https://u:p@example.com/",
        ] {
            assert!(check_url(bad, true).is_err(), "{bad}");
        }
    }
}
