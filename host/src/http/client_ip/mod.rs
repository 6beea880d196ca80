//! Who the client is: the peer address, or what trusted proxies say about it.
//!
//! `X-Forwarded-For` is believed only as far as it was written by proxies the operator trusts.
//! Each proxy appends the address it received the request from, so the list is read from the
//! right: entries added by trusted proxies are skipped and the first address a trusted proxy
//! vouches for that is not itself a trusted proxy is the client. Everything to the left of it
//! was written by the client and is ignored.
//!
//! Tests: `tests.rs`.

#[cfg(test)]
mod tests;

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
