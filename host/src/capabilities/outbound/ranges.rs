//! The addresses a module's request may never reach unless the operator
//! names an exception: every IANA special-purpose range that is not
//! globally reachable (IPv4 and IPv6 registries), the cloud metadata
//! addresses, and every IPv6 form that carries an IPv4 address.
//!
//! A few registry entries that *are* globally reachable (AS112, AMT, the
//! PCP and TURN anycast addresses inside `192.0.0.0/24` and `2001::/23`)
//! are refused too: a module calling an API has no use for them, and one
//! whole block is easier to reason about than its holes. IPv6 outside
//! `2000::/3` (global unicast) is refused whatever it is.

use std::net::IpAddr;
use std::sync::OnceLock;

use ipnet::IpNet;

/// One refused range and the rule it falls under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpecialRange {
    /// The range, e.g. `10.0.0.0/8`.
    pub net: IpNet,
    /// The rule's stable name, e.g. `private`: what the module log names.
    pub rule: &'static str,
}

/// `(range, rule)`, IPv4 then IPv6. Where ranges nest, the most specific
/// one decides ([`special_range`]).
const RANGES: &[(&str, &str)] = &[
    ("0.0.0.0/8", "this-network"),
    ("0.0.0.0/32", "unspecified"),
    ("10.0.0.0/8", "private"),
    ("100.64.0.0/10", "cgnat"),
    ("127.0.0.0/8", "loopback"),
    ("169.254.0.0/16", "link-local"),
    ("169.254.169.254/32", "cloud-metadata"),
    ("172.16.0.0/12", "private"),
    ("192.0.0.0/24", "ietf-protocol-assignments"),
    ("192.0.2.0/24", "documentation"),
    ("192.31.196.0/24", "as112"),
    ("192.52.193.0/24", "amt"),
    ("192.88.99.0/24", "6to4-relay-anycast"),
    ("192.168.0.0/16", "private"),
    ("192.175.48.0/24", "as112"),
    ("198.18.0.0/15", "benchmarking"),
    ("198.51.100.0/24", "documentation"),
    ("203.0.113.0/24", "documentation"),
    ("224.0.0.0/4", "multicast"),
    ("240.0.0.0/4", "reserved"),
    ("255.255.255.255/32", "broadcast"),
    // IPv6: everything outside global unicast first, then the named ranges.
    ("::/3", "not-global-unicast"),
    ("4000::/2", "not-global-unicast"),
    ("8000::/1", "not-global-unicast"),
    ("::/128", "unspecified"),
    ("::1/128", "loopback"),
    ("::/96", "ipv4-compatible"),
    ("::ffff:0:0/96", "ipv4-mapped"),
    ("::ffff:0:0:0/96", "ipv4-translated"),
    ("64:ff9b::/96", "nat64"),
    ("64:ff9b:1::/48", "nat64"),
    ("100::/64", "discard-only"),
    ("100:0:0:1::/64", "dummy-prefix"),
    ("2001::/23", "ietf-protocol-assignments"),
    ("2001::/32", "teredo"),
    ("2001:2::/48", "benchmarking"),
    ("2001:db8::/32", "documentation"),
    ("2001:10::/28", "orchid"),
    ("2001:20::/28", "orchid"),
    ("2002::/16", "6to4"),
    ("3fff::/20", "documentation"),
    ("5f00::/16", "srv6-sids"),
    ("fc00::/7", "unique-local"),
    ("fd00:ec2::254/128", "cloud-metadata"),
    ("fe80::/10", "link-local"),
    ("fec0::/10", "site-local"),
    ("ff00::/8", "multicast"),
];

/// Every refused range (the table parsed once).
pub fn special_ranges() -> impl Iterator<Item = SpecialRange> {
    static PARSED: OnceLock<Vec<SpecialRange>> = OnceLock::new();
    let parsed = PARSED.get_or_init(|| {
        RANGES
            .iter()
            .map(|(net, rule)| SpecialRange {
                net: net.parse().expect("the table holds valid networks (pinned by a test)"),
                rule,
            })
            .collect()
    });
    parsed.iter().copied()
}

/// The most specific refused range `address` is in, or `None` when it is
/// globally reachable.
pub fn special_range(address: IpAddr) -> Option<SpecialRange> {
    special_ranges()
        .filter(|range| range.net.contains(&address))
        .max_by_key(|range| range.net.prefix_len())
}

/// Whether `address` may be reached under `exceptions` (the operator's
/// allowed ranges for the allowlist entry): yes when it is globally
/// reachable, or when an exception contains it and lies inside the most
/// specific refused range it is in — so an exception names a range
/// exactly or narrows it, and `0.0.0.0/0` or `169.254.0.0/16` cannot open
/// the metadata address by accident.
pub fn check_address(address: IpAddr, exceptions: &[IpNet]) -> Result<(), SpecialRange> {
    let Some(range) = special_range(address) else {
        return Ok(());
    };
    let excepted = exceptions
        .iter()
        .any(|exception| exception.contains(&address) && range.net.contains(exception));
    if excepted { Ok(()) } else { Err(range) }
}

/// Why an exception cannot be configured.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExceptionError {
    /// It covers globally reachable addresses, which need no exception.
    #[error("{0} is not inside a special-purpose range: only refused addresses need an exception")]
    NotSpecial(IpNet),
    /// It is broader than the refused range it starts in.
    #[error("{net} is broader than the special-purpose range {range} ({rule}): name {range} or a part of it")]
    TooBroad {
        /// The exception.
        net: IpNet,
        /// The most specific refused range containing its first address.
        range: IpNet,
        /// That range's rule.
        rule: &'static str,
    },
}

/// Checks an exception the operator asks for: it must lie inside a
/// refused range, so that it opens nothing globally reachable and never
/// more than the range it names. (Nested ranges stay refused unless named
/// themselves: see [`check_address`].)
pub fn check_exception(net: IpNet) -> Result<IpNet, ExceptionError> {
    let net = net.trunc();
    if special_ranges().any(|range| range.net.contains(&net)) {
        return Ok(net);
    }
    match special_range(net.network()) {
        Some(range) => Err(ExceptionError::TooBroad { net, range: range.net, rule: range.rule }),
        None => Err(ExceptionError::NotSpecial(net)),
    }
}
