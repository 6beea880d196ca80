//! Who the client is: the peer address, or what trusted proxies say about it.
//!
//! `X-Forwarded-For` is believed only as far as it was written by proxies the operator trusts.
//! Each proxy appends the address it received the request from, so the list is read from the
//! right: entries added by trusted proxies are skipped and the first address a trusted proxy
//! vouches for that is not itself a trusted proxy is the client. Everything to the left of it
//! was written by the client and is ignored.

use std::net::{IpAddr, SocketAddr};

use http::HeaderMap;
use ipnet::IpNet;

/// Narrowest IPv4 prefix length refused as "everyone": anything shorter than /8 is refused.
const MIN_IPV4_PREFIX: u8 = 8;
/// Anything shorter than an IPv6 /16 is refused.
const MIN_IPV6_PREFIX: u8 = 16;

/// Why a trusted-proxy entry was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidCidr {
    /// The entry is neither an IP address nor a CIDR.
    #[error(
        "trusted proxy entry {entry:?} is not an IP address or CIDR; write e.g. \"10.0.0.7\", \"10.0.0.0/8\" or \"2001:db8::/32\""
    )]
    Unparsable {
        /// The entry as configured.
        entry: String,
    },
    /// The entry covers so much of the address space that any client could spoof its address.
    #[error(
        "trusted proxy entry {entry:?} (/{prefix_len}) is too broad: it would let any client spoof its address with X-Forwarded-For; list only your proxies' addresses or subnets (IPv4 /8 or longer, IPv6 /16 or longer)"
    )]
    OverlyBroad {
        /// The entry as configured.
        entry: String,
        /// Its prefix length (after mapping `::ffff:a.b.c.d/n` to IPv4).
        prefix_len: u8,
    },
}

impl InvalidCidr {
    /// Stable machine-readable code for this refusal.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unparsable { .. } => "trusted-proxy-unparsable",
            Self::OverlyBroad { .. } => "trusted-proxy-too-broad",
        }
    }
}

/// Refuses `net` if it is broader than IPv4 /8 or IPv6 /16 (e.g. `0.0.0.0/0`, `::/0`,
/// `::ffff:0.0.0.0/96`): trusting it would let any client choose its own address.
pub fn refuses_overly_broad(net: &IpNet) -> Result<(), InvalidCidr> {
    check_breadth(&net.to_string(), canonical_net(*net))
}

fn check_breadth(entry: &str, net: IpNet) -> Result<(), InvalidCidr> {
    let minimum = match net {
        IpNet::V4(_) => MIN_IPV4_PREFIX,
        IpNet::V6(_) => MIN_IPV6_PREFIX,
    };
    if net.prefix_len() < minimum {
        return Err(InvalidCidr::OverlyBroad {
            entry: entry.to_owned(),
            prefix_len: net.prefix_len(),
        });
    }
    Ok(())
}

/// The proxies whose `X-Forwarded-For` entries are believed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies {
    /// Canonical (IPv4-mapped IPv6 turned into IPv4) and truncated networks.
    nets: Vec<IpNet>,
}

impl TrustedProxies {
    /// Trusts exactly `cidrs`, without the breadth check [`TrustedProxies::parse`] applies.
    pub fn new(cidrs: Vec<IpNet>) -> Self {
        Self {
            nets: cidrs.into_iter().map(canonical_net).collect(),
        }
    }

    /// Parses configured entries: CIDRs (`10.0.0.0/8`) or single addresses (`10.0.0.7`).
    /// Entries broader than IPv4 /8 or IPv6 /16 are refused.
    pub fn parse(cidrs: &[String]) -> Result<Self, InvalidCidr> {
        let mut nets = Vec::with_capacity(cidrs.len());
        for entry in cidrs {
            let text = entry.trim();
            let net = text
                .parse::<IpNet>()
                .or_else(|_| text.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| InvalidCidr::Unparsable {
                    entry: entry.clone(),
                })?;
            let net = canonical_net(net);
            check_breadth(entry, net)?;
            nets.push(net);
        }
        Ok(Self { nets })
    }

    /// Whether no proxy is trusted (then `X-Forwarded-For` is always ignored).
    pub fn is_empty(&self) -> bool {
        self.nets.is_empty()
    }

    /// Whether `ip` belongs to a trusted proxy.
    pub fn is_trusted(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.nets.iter().any(|net| net.contains(&ip))
    }

    /// The client's address for a request received from `peer` with `headers`.
    ///
    /// Never fails: anything untrustworthy falls back to an address a trusted party vouched
    /// for, so junk in the header cannot mint fresh identities (and fresh rate-limit buckets).
    pub fn client_ip(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = peer.to_canonical();
        if !self.is_trusted(peer) {
            return peer;
        }
        // All header lines in order form one list (RFC 9110 §5.3). A value that is not text
        // becomes a single unreadable entry, which stops the walk where it stands.
        let mut entries: Vec<Option<&str>> = Vec::new();
        for value in headers.get_all("x-forwarded-for") {
            match value.to_str() {
                Ok(text) => entries.extend(text.split(',').map(Some)),
                Err(_) => entries.push(None),
            }
        }
        let mut vouched = peer;
        for entry in entries.into_iter().rev() {
            let Some(ip) = entry.and_then(parse_forwarded_entry) else {
                return vouched;
            };
            if !self.is_trusted(ip) {
                return ip;
            }
            vouched = ip;
        }
        // Every hop was a trusted proxy: the leftmost one is the best we know.
        vouched
    }
}

/// One `X-Forwarded-For` entry: `1.2.3.4`, `1.2.3.4:5678`, `2001:db8::1`, `[2001:db8::1]`
/// or `[2001:db8::1]:80`, with optional surrounding whitespace.
fn parse_forwarded_entry(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim();
    let ip = entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|socket| socket.ip()))
        .or_else(|| {
            let inner = entry.strip_prefix('[')?.strip_suffix(']')?;
            inner.parse::<std::net::Ipv6Addr>().ok().map(IpAddr::V6)
        })?;
    Some(ip.to_canonical())
}

/// Rewrites `::ffff:a.b.c.d/n` (n >= 96) as `a.b.c.d/(n-96)` so mapped and plain IPv4 match
/// the same networks, and clears host bits.
fn canonical_net(net: IpNet) -> IpNet {
    if let IpNet::V6(v6) = net
        && let Some(v4) = v6.addr().to_ipv4_mapped()
        && v6.prefix_len() >= 96
        && let Ok(mapped) = IpNet::new(IpAddr::V4(v4), v6.prefix_len() - 96)
    {
        return mapped.trunc();
    }
    net.trunc()
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn proxies(cidrs: &[&str]) -> TrustedProxies {
        TrustedProxies::parse(&cidrs.iter().map(|c| (*c).to_owned()).collect::<Vec<_>>()).unwrap()
    }

    fn xff(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append("x-forwarded-for", HeaderValue::from_str(value).unwrap());
        }
        headers
    }

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client() {
        let none = TrustedProxies::default();
        assert!(none.is_empty());
        assert_eq!(
            none.client_ip(ip("203.0.113.9"), &xff(&["1.1.1.1"])),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn client_sending_its_own_forwarded_for_directly_is_ignored() {
        // Spoofing without a proxy: the peer is not trusted, so the header is not read.
        let trusted = proxies(&["10.0.0.0/8"]);
        let headers = xff(&["10.0.0.1", "198.51.100.1"]);
        assert_eq!(
            trusted.client_ip(ip("203.0.113.9"), &headers),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn behind_a_trusted_proxy_the_forwarded_address_is_the_client() {
        let trusted = proxies(&["10.0.0.0/8"]);
        assert_eq!(
            trusted.client_ip(ip("10.1.2.3"), &xff(&["203.0.113.9"])),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn trusted_proxy_without_forwarded_for_is_the_client() {
        let trusted = proxies(&["10.0.0.0/8"]);
        assert_eq!(
            trusted.client_ip(ip("10.1.2.3"), &HeaderMap::new()),
            ip("10.1.2.3")
        );
    }

    #[test]
    fn addresses_prepended_by_the_client_are_ignored() {
        // The client sent "X-Forwarded-For: 1.1.1.1, 10.9.9.9"; our proxy appended its peer.
        let trusted = proxies(&["10.0.0.0/8"]);
        let headers = xff(&["1.1.1.1, 10.9.9.9, 203.0.113.9"]);
        assert_eq!(
            trusted.client_ip(ip("10.1.2.3"), &headers),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn chains_of_trusted_proxies_are_skipped_from_the_right() {
        let trusted = proxies(&["10.0.0.0/8", "192.168.0.0/16"]);
        let headers = xff(&["198.51.100.7, 203.0.113.9, 192.168.1.1, 10.0.0.2"]);
        assert_eq!(
            trusted.client_ip(ip("10.0.0.1"), &headers),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn multiple_header_lines_are_read_as_one_list_in_order() {
        let trusted = proxies(&["10.0.0.0/8"]);
        let headers = xff(&["198.51.100.7", "203.0.113.9, 10.0.0.2"]);
        assert_eq!(
            trusted.client_ip(ip("10.0.0.1"), &headers),
            ip("203.0.113.9")
        );
        let headers = xff(&["203.0.113.9, 10.0.0.2", "10.0.0.3"]);
        assert_eq!(
            trusted.client_ip(ip("10.0.0.1"), &headers),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn when_every_entry_is_trusted_the_leftmost_is_the_client() {
        let trusted = proxies(&["10.0.0.0/8"]);
        let headers = xff(&["10.0.0.5, 10.0.0.4", "10.0.0.3"]);
        assert_eq!(trusted.client_ip(ip("10.0.0.1"), &headers), ip("10.0.0.5"));
    }

    #[test]
    fn garbage_stops_the_walk_at_the_last_trusted_address() {
        let trusted = proxies(&["10.0.0.0/8"]);
        let peer = ip("10.0.0.1");
        assert_eq!(trusted.client_ip(peer, &xff(&["unknown"])), peer);
        assert_eq!(
            trusted.client_ip(peer, &xff(&["203.0.113.9, nonsense"])),
            peer
        );
        assert_eq!(
            trusted.client_ip(peer, &xff(&["203.0.113.9, junk, 10.0.0.2"])),
            ip("10.0.0.2")
        );
        assert_eq!(
            trusted.client_ip(peer, &xff(&["203.0.113.9,,10.0.0.2"])),
            ip("10.0.0.2")
        );
        assert_eq!(trusted.client_ip(peer, &xff(&[""])), peer);
        // A non-text header value is one unreadable entry.
        let mut headers = xff(&["203.0.113.9"]);
        headers.append(
            "x-forwarded-for",
            HeaderValue::from_bytes(b"\xff1.2.3.4").unwrap(),
        );
        assert_eq!(trusted.client_ip(peer, &headers), peer);
    }

    #[test]
    fn entry_formats_with_ports_brackets_and_spaces_are_accepted() {
        let trusted = proxies(&["10.0.0.0/8"]);
        let peer = ip("10.0.0.1");
        for (entry, expected) in [
            ("1.2.3.4", "1.2.3.4"),
            ("  1.2.3.4  ", "1.2.3.4"),
            ("1.2.3.4:5678", "1.2.3.4"),
            ("2001:db8::1", "2001:db8::1"),
            ("[2001:db8::1]", "2001:db8::1"),
            ("[2001:db8::1]:80", "2001:db8::1"),
            (" [2001:db8::1]:80 ", "2001:db8::1"),
        ] {
            assert_eq!(
                trusted.client_ip(peer, &xff(&[entry])),
                ip(expected),
                "{entry:?}"
            );
        }
    }

    #[test]
    fn ipv4_mapped_ipv6_is_treated_as_ipv4() {
        let trusted = proxies(&["10.0.0.0/8"]);
        // Mapped peer matches an IPv4 CIDR, and the mapped client comes out as IPv4.
        assert_eq!(
            trusted.client_ip(ip("::ffff:10.0.0.1"), &xff(&["::ffff:203.0.113.9"])),
            ip("203.0.113.9")
        );
        // Mapped entries are recognised as trusted hops.
        assert_eq!(
            trusted.client_ip(
                ip("10.0.0.1"),
                &xff(&["203.0.113.9, [::ffff:10.0.0.2]:443"])
            ),
            ip("203.0.113.9")
        );
        // An untrusted mapped peer is reported as plain IPv4.
        assert_eq!(
            TrustedProxies::default().client_ip(ip("::ffff:1.2.3.4"), &HeaderMap::new()),
            ip("1.2.3.4")
        );
        // A mapped CIDR matches plain IPv4 peers.
        let mapped = proxies(&["::ffff:10.0.0.0/104"]);
        assert!(mapped.is_trusted(ip("10.200.0.1")));
        assert!(!mapped.is_trusted(ip("11.0.0.1")));
    }

    #[test]
    fn ipv6_proxies_are_supported() {
        let trusted = proxies(&["2001:db8:aa::/48"]);
        let headers = xff(&["2001:db8:ff::9"]);
        assert_eq!(
            trusted.client_ip(ip("2001:db8:aa::1"), &headers),
            ip("2001:db8:ff::9")
        );
        assert_eq!(
            trusted.client_ip(ip("2001:db8:bb::1"), &headers),
            ip("2001:db8:bb::1")
        );
    }

    #[test]
    fn parse_accepts_single_addresses_and_cidrs() {
        let trusted = proxies(&["10.0.0.7", " 192.168.0.0/16 ", "2001:db8::1", "10.1.2.3/8"]);
        assert!(trusted.is_trusted(ip("10.0.0.7")));
        assert!(trusted.is_trusted(ip("192.168.44.1")));
        assert!(trusted.is_trusted(ip("2001:db8::1")));
        assert!(!trusted.is_trusted(ip("2001:db8::2")));
        // Host bits are cleared: 10.1.2.3/8 trusts all of 10/8.
        assert!(trusted.is_trusted(ip("10.250.0.1")));
    }

    #[test]
    fn parse_names_the_unparsable_entry() {
        let err =
            TrustedProxies::parse(&["10.0.0.0/8".into(), "proxy.internal".into()]).unwrap_err();
        assert_eq!(
            err,
            InvalidCidr::Unparsable {
                entry: "proxy.internal".into()
            }
        );
        assert_eq!(err.code(), "trusted-proxy-unparsable");
        assert!(err.to_string().contains("\"proxy.internal\""));
        assert!(TrustedProxies::parse(&["10.0.0.0/33".into()]).is_err());
    }

    #[test]
    fn parse_refuses_ranges_that_would_trust_everyone() {
        for (entry, prefix_len) in [
            ("0.0.0.0/0", 0),
            ("::/0", 0),
            ("10.0.0.0/7", 7),
            ("2000::/15", 15),
            ("::ffff:0.0.0.0/96", 0),
        ] {
            let err = TrustedProxies::parse(&[entry.to_owned()]).unwrap_err();
            assert_eq!(
                err,
                InvalidCidr::OverlyBroad {
                    entry: entry.into(),
                    prefix_len
                },
                "{entry}"
            );
            assert_eq!(err.code(), "trusted-proxy-too-broad");
            assert!(err.to_string().contains("spoof"), "{err}");
        }
        assert!(TrustedProxies::parse(&["10.0.0.0/8".into(), "2001:db8::/16".into()]).is_ok());
    }

    #[test]
    fn refuses_overly_broad_checks_single_networks() {
        let any: IpNet = "0.0.0.0/0".parse().unwrap();
        assert_eq!(
            refuses_overly_broad(&any),
            Err(InvalidCidr::OverlyBroad {
                entry: "0.0.0.0/0".into(),
                prefix_len: 0
            })
        );
        assert_eq!(refuses_overly_broad(&"10.0.0.0/8".parse().unwrap()), Ok(()));
        // `new` is the unchecked programmatic constructor.
        assert!(TrustedProxies::new(vec![any]).is_trusted(ip("8.8.8.8")));
    }
}
