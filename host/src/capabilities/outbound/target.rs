//! Where a request wants to go, normalised before anything is checked: the
//! scheme, the host (a lower-case ASCII name, or an IP address however it
//! was written) and the port.
//!
//! Host text is parsed the way browsers parse URL hosts (the `url` crate's
//! WHATWG host parser): `0x7f.1`, `2130706433`, `0177.0.0.1` and `127.1`
//! are all `127.0.0.1`, percent-escapes are decoded, international names
//! become punycode. An IPv6 zone id (`fe80::1%eth0`) is dropped: it only
//! selects an interface, the address is what is checked. A trailing dot is
//! dropped from names, so `localhost.` is `localhost`.

use std::fmt;
use std::net::{IpAddr, Ipv6Addr};

use http::Uri;
use http::uri::Scheme;

/// A host as the guard compares it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TargetHost {
    /// A DNS name: lower-case ASCII, no trailing dot.
    Name(String),
    /// An address literal.
    Ip(IpAddr),
}

impl fmt::Display for TargetHost {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TargetHost::Name(name) => f.write_str(name),
            TargetHost::Ip(IpAddr::V4(ip)) => write!(f, "{ip}"),
            TargetHost::Ip(IpAddr::V6(ip)) => write!(f, "[{ip}]"),
        }
    }
}

/// A request's destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// Whether it is `https`.
    pub tls: bool,
    /// The host.
    pub host: TargetHost,
    /// The port, explicit or the scheme's.
    pub port: u16,
}

impl Target {
    /// `scheme://host:port`, for log lines (never the path or query,
    /// which may carry a module's data).
    pub fn origin(&self) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://{}:{}", self.host, self.port)
    }
}

/// Why a destination is refused before any lookup.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    /// Neither `http` nor `https`.
    #[error("only http and https requests may be sent")]
    Scheme,
    /// The authority carries `user:password@`.
    #[error("the URL carries user information (user@host); send credentials in a header instead")]
    Userinfo,
    /// No host, or one that does not parse.
    #[error("the host is missing or not a valid host name or address")]
    InvalidHost,
}

impl TargetError {
    /// The rule's name in the module log.
    pub fn rule(&self) -> &'static str {
        match self {
            TargetError::Scheme => "scheme",
            TargetError::Userinfo => "userinfo",
            TargetError::InvalidHost => "invalid-host",
        }
    }
}

/// The destination of a request URI as wasmtime-wasi-http built it from
/// the guest's scheme and authority.
pub fn target_of(uri: &Uri) -> Result<Target, TargetError> {
    let tls = match uri.scheme() {
        Some(scheme) if *scheme == Scheme::HTTPS => true,
        Some(scheme) if *scheme == Scheme::HTTP => false,
        _ => return Err(TargetError::Scheme),
    };
    let authority = uri.authority().ok_or(TargetError::InvalidHost)?;
    if authority.as_str().contains('@') {
        return Err(TargetError::Userinfo);
    }
    let host = parse_host(authority.host())?;
    let port = authority.port_u16().unwrap_or(if tls { 443 } else { 80 });
    Ok(Target { tls, host, port })
}

/// Normalises host text (`[v6]` with brackets, or a name or IPv4 in any
/// notation); see the module documentation.
pub fn parse_host(text: &str) -> Result<TargetHost, TargetError> {
    if let Some(inner) = text.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
        return parse_ipv6(inner).map(|ip| TargetHost::Ip(IpAddr::V6(ip)));
    }
    if text.contains(':') {
        // A bare IPv6 literal (as the operator may write one).
        return parse_ipv6(text).map(|ip| TargetHost::Ip(IpAddr::V6(ip)));
    }
    let name = text.strip_suffix('.').unwrap_or(text);
    if name.is_empty() || name.ends_with('.') {
        return Err(TargetError::InvalidHost);
    }
    match url::Host::parse(name).map_err(|_| TargetError::InvalidHost)? {
        url::Host::Domain(domain) => {
            // The parser decodes escapes: a decoded name can end in a dot too.
            // An empty label (`a..b`, or `a.%2e` decoding to `a..`) is no DNS
            // name; kept, it would only fail later and unlike its allowlist
            // spelling (found by the ssrf_guard fuzz target).
            let domain = domain.strip_suffix('.').unwrap_or(&domain);
            if domain.split('.').any(str::is_empty) || domain.contains(['%', '[', ']']) {
                return Err(TargetError::InvalidHost);
            }
            Ok(TargetHost::Name(domain.to_owned()))
        }
        url::Host::Ipv4(ip) => Ok(TargetHost::Ip(IpAddr::V4(ip))),
        url::Host::Ipv6(ip) => Ok(TargetHost::Ip(IpAddr::V6(ip))),
    }
}

/// An IPv6 literal without brackets; a zone id (`%eth0`, `%25eth0`) is
/// dropped.
fn parse_ipv6(text: &str) -> Result<Ipv6Addr, TargetError> {
    let address = text.split_once('%').map_or(text, |(address, _zone)| address);
    address.parse().map_err(|_| TargetError::InvalidHost)
}
