//! The operator's allowlist for one (module, tenant): which hosts the
//! module may send requests to, on which ports, which special-purpose
//! addresses each host may resolve into, and which secret the host adds
//! to requests for it. Empty means every request is refused.
//!
//! An entry is written `HOST[:PORT]`: an exact name (`api.prices.example`),
//! `*.domain` (names *below* the domain, never the domain itself), an IPv4
//! address or a bracketed IPv6 address. Without a port an entry allows 80
//! and 443 only.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use http::HeaderName;
use ipnet::IpNet;
use serde::{Deserialize, Serialize};

use super::ranges::check_exception;
use super::target::{TargetHost, parse_host};

/// Ports an entry without one allows.
pub const DEFAULT_PORTS: [u16; 2] = [80, 443];

/// Which hosts an entry matches.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum HostPattern {
    /// Exactly this name.
    Name(String),
    /// Every name below this domain (`*.example.com`: `a.example.com`,
    /// `a.b.example.com`, not `example.com`).
    Below(String),
    /// This address literal.
    Ip(IpAddr),
}

impl HostPattern {
    /// Whether a request to `host` matches, and how specifically: an exact
    /// name or address beats every wildcard, a longer domain a shorter one.
    fn specificity(&self, host: &TargetHost) -> Option<usize> {
        match (self, host) {
            (HostPattern::Name(name), TargetHost::Name(host)) if name == host => Some(usize::MAX),
            (HostPattern::Ip(ip), TargetHost::Ip(host)) if ip == host => Some(usize::MAX),
            (HostPattern::Below(domain), TargetHost::Name(host)) => host
                .strip_suffix(domain.as_str())
                .filter(|prefix| prefix.len() > 1 && prefix.ends_with('.'))
                .map(|_| domain.len()),
            _ => None,
        }
    }
}

impl fmt::Display for HostPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HostPattern::Name(name) => f.write_str(name),
            HostPattern::Below(domain) => write!(f, "*.{domain}"),
            HostPattern::Ip(ip) => TargetHost::Ip(*ip).fmt(f),
        }
    }
}

impl FromStr for HostPattern {
    type Err = AllowlistError;

    fn from_str(text: &str) -> Result<Self, AllowlistError> {
        let invalid = |why: &str| AllowlistError::new(format!("host `{text}`: {why}"));
        if let Some(domain) = text.strip_prefix("*.") {
            return match parse_host(domain) {
                Ok(TargetHost::Name(domain)) if domain.contains('.') => Ok(HostPattern::Below(domain)),
                Ok(TargetHost::Name(_)) => Err(invalid("a wildcard needs a domain of two labels or more (`*.example.com`)")),
                _ => Err(invalid("`*.` must be followed by a domain name")),
            };
        }
        if text.contains('*') {
            return Err(invalid("`*` is only allowed as the whole first label (`*.example.com`)"));
        }
        match parse_host(text) {
            Ok(TargetHost::Name(name)) => Ok(HostPattern::Name(name)),
            Ok(TargetHost::Ip(ip)) => Ok(HostPattern::Ip(ip)),
            Err(_) => Err(invalid("not a host name, `*.domain`, IPv4 address or [IPv6] address")),
        }
    }
}

/// A secret the host adds to requests for an entry's host. Made only by
/// [`Credential::new`], so its header is one a module may not control.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credential {
    header: String,
    secret: String,
}

impl Credential {
    /// The header it goes in, e.g. `authorization` (lower case). Whatever
    /// the module sets in this header is removed first.
    pub fn header(&self) -> &str {
        &self.header
    }

    /// The secret's name in the host's secret store (its value is never
    /// stored with the allowlist).
    pub fn secret(&self) -> &str {
        &self.secret
    }

    /// Checks the header and the secret's name.
    pub fn new(header: &str, secret: &str) -> Result<Self, AllowlistError> {
        let header = header.trim().to_ascii_lowercase();
        let name = HeaderName::from_str(&header)
            .map_err(|_| AllowlistError::new(format!("credential header `{header}` is not a header name")))?;
        if wasmtime_wasi_http::DEFAULT_FORBIDDEN_HEADERS.contains(&name) || header.starts_with("modgate-") {
            return Err(AllowlistError::new(format!(
                "credential header `{header}` is one the host controls; use e.g. `authorization` or `x-api-key`"
            )));
        }
        let valid_secret = !secret.is_empty()
            && secret.len() <= 64
            && secret.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
        if !valid_secret {
            return Err(AllowlistError::new(format!(
                "secret name `{secret}`: use 1 to 64 lower-case letters, digits, `-` or `_`"
            )));
        }
        Ok(Credential { header, secret: secret.to_owned() })
    }
}

/// One allowed destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowlistEntry {
    /// The hosts it matches.
    pub host: HostPattern,
    /// The one port it allows, or `None`: 80 and 443.
    pub port: Option<u16>,
    /// Special-purpose addresses its host may resolve into (each inside
    /// one refused range: [`check_exception`]).
    pub addresses: Vec<IpNet>,
    /// The secret added to its requests.
    pub credential: Option<Credential>,
}

impl AllowlistEntry {
    /// Whether it allows `port`.
    pub fn allows_port(&self, port: u16) -> bool {
        match self.port {
            Some(allowed) => allowed == port,
            None => DEFAULT_PORTS.contains(&port),
        }
    }

    /// Adds an exception for special-purpose addresses.
    pub fn with_addresses(mut self, addresses: impl IntoIterator<Item = IpNet>) -> Result<Self, AllowlistError> {
        for net in addresses {
            let net = check_exception(net).map_err(|e| AllowlistError::new(format!("{}: {e}", self.key())))?;
            if !self.addresses.contains(&net) {
                self.addresses.push(net);
            }
        }
        Ok(self)
    }

    /// Attaches a credential.
    pub fn with_credential(mut self, credential: Credential) -> Self {
        self.credential = Some(credential);
        self
    }

    /// `HOST[:PORT]`: what identifies the entry in the allowlist.
    pub fn key(&self) -> String {
        match self.port {
            Some(port) => format!("{}:{port}", self.host),
            None => self.host.to_string(),
        }
    }
}

impl FromStr for AllowlistEntry {
    type Err = AllowlistError;

    /// Parses `HOST[:PORT]`.
    fn from_str(text: &str) -> Result<Self, AllowlistError> {
        let text = text.trim();
        let (host, port) = split_port(text)?;
        Ok(AllowlistEntry { host: host.parse()?, port, addresses: Vec::new(), credential: None })
    }
}

impl fmt::Display for AllowlistEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.key())?;
        for net in &self.addresses {
            write!(f, " address={net}")?;
        }
        if let Some(credential) = &self.credential {
            write!(f, " credential={}:secret({})", credential.header, credential.secret)?;
        }
        Ok(())
    }
}

/// Splits `host:port`, `[v6]:port`, `host`, `[v6]`, `v6`.
fn split_port(text: &str) -> Result<(&str, Option<u16>), AllowlistError> {
    let port_of = |port: &str| {
        port.parse::<u16>()
            .ok()
            .filter(|port| *port != 0)
            .ok_or_else(|| AllowlistError::new(format!("`{text}`: the port must be 1 to 65535")))
    };
    if text.starts_with('[') {
        let end = text.find(']').ok_or_else(|| AllowlistError::new(format!("`{text}`: unclosed `[`")))?;
        let (host, rest) = text.split_at(end + 1);
        return match rest.strip_prefix(':') {
            Some(port) => Ok((host, Some(port_of(port)?))),
            None if rest.is_empty() => Ok((host, None)),
            None => Err(AllowlistError::new(format!("`{text}`: expected `[address]:port`"))),
        };
    }
    match text.rsplit_once(':') {
        // More than one colon: a bare IPv6 address, no port.
        Some((host, _)) if host.contains(':') => Ok((text, None)),
        Some((host, port)) => Ok((host, Some(port_of(port)?))),
        None => Ok((text, None)),
    }
}

/// The allowlist of one (module, tenant).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Allowlist {
    entries: Vec<AllowlistEntry>,
}

/// Why a request's destination is not on the allowlist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotAllowed {
    /// No entry matches the host.
    Host,
    /// Entries match the host, none the port.
    Port,
}

impl NotAllowed {
    /// The rule's name in the module log.
    pub fn rule(self) -> &'static str {
        match self {
            NotAllowed::Host => "not-allowlisted",
            NotAllowed::Port => "port-not-allowed",
        }
    }
}

impl Allowlist {
    /// An allowlist of these entries; a later entry with the same
    /// `HOST[:PORT]` replaces an earlier one.
    pub fn new(entries: impl IntoIterator<Item = AllowlistEntry>) -> Self {
        entries.into_iter().fold(Allowlist::default(), Allowlist::with)
    }

    /// Its entries, in the order they were added.
    pub fn entries(&self) -> &[AllowlistEntry] {
        &self.entries
    }

    /// Whether it refuses everything.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Adds `entry`, replacing the one with the same `HOST[:PORT]`.
    pub fn with(mut self, entry: AllowlistEntry) -> Self {
        match self.entries.iter_mut().find(|e| e.key() == entry.key()) {
            Some(existing) => *existing = entry,
            None => self.entries.push(entry),
        }
        self
    }

    /// Removes the entry `key` (`HOST[:PORT]`, as [`AllowlistEntry::key`]
    /// writes it); `None` when there is none.
    pub fn without(mut self, key: &str) -> Result<Option<Self>, AllowlistError> {
        let key = key.parse::<AllowlistEntry>()?.key();
        let before = self.entries.len();
        self.entries.retain(|entry| entry.key() != key);
        Ok((self.entries.len() < before).then_some(self))
    }

    /// The entry a request to `host:port` goes under: the most specific
    /// host match that allows the port.
    pub fn entry_for(&self, host: &TargetHost, port: u16) -> Result<&AllowlistEntry, NotAllowed> {
        let matching: Vec<(usize, &AllowlistEntry)> = self
            .entries
            .iter()
            .filter_map(|entry| entry.host.specificity(host).map(|s| (s, entry)))
            .collect();
        if matching.is_empty() {
            return Err(NotAllowed::Host);
        }
        matching
            .into_iter()
            .filter(|(_, entry)| entry.allows_port(port))
            // An entry naming the port beats one allowing the defaults.
            .max_by_key(|(specificity, entry)| (*specificity, entry.port.is_some()))
            .map(|(_, entry)| entry)
            .ok_or(NotAllowed::Port)
    }
}

/// An allowlist entry the operator wrote cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid allowlist entry: {message}")]
pub struct AllowlistError {
    message: String,
}

impl AllowlistError {
    /// An entry refused for `message` (what is wrong and how to write it).
    pub fn new(message: String) -> Self {
        AllowlistError { message }
    }

    /// The stable error code.
    pub fn code(&self) -> &'static str {
        "invalid-allowlist-entry"
    }
}

/// How an entry is stored: plain strings, checked again when read.
#[derive(Serialize, Deserialize)]
struct StoredEntry {
    host: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    port: Option<u16>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    addresses: Vec<IpNet>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    credential: Option<Credential>,
}

impl Serialize for Allowlist {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let stored: Vec<StoredEntry> = self
            .entries
            .iter()
            .map(|entry| StoredEntry {
                host: entry.host.to_string(),
                port: entry.port,
                addresses: entry.addresses.clone(),
                credential: entry.credential.clone(),
            })
            .collect();
        stored.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Allowlist {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let stored = Vec::<StoredEntry>::deserialize(deserializer)?;
        let entries = stored
            .into_iter()
            .map(|stored| {
                let entry = AllowlistEntry {
                    host: stored.host.parse()?,
                    port: stored.port.filter(|port| *port != 0),
                    addresses: Vec::new(),
                    credential: stored
                        .credential
                        .map(|c| Credential::new(c.header(), c.secret()))
                        .transpose()?,
                };
                entry.with_addresses(stored.addresses)
            })
            .collect::<Result<Vec<_>, AllowlistError>>()
            .map_err(serde::de::Error::custom)?;
        Ok(Allowlist::new(entries))
    }
}
