//! The outbound capability without wasm: the pure rules here (ranges,
//! host notations, the allowlist), the guard against real loopback
//! servers in [`guard`] and the SSRF corpus in [`corpus`].

mod corpus;
mod guard;
mod support;

use std::net::IpAddr;

use ipnet::IpNet;

use super::allowlist::{Allowlist, AllowlistEntry, AllowlistError, Credential, HostPattern, NotAllowed};
use super::ranges::{ExceptionError, check_address, check_exception, special_range, special_ranges};
use super::target::{TargetError, TargetHost, parse_host, target_of};

fn ip(text: &str) -> IpAddr {
    text.parse().unwrap()
}

fn net(text: &str) -> IpNet {
    text.parse().unwrap()
}

/// `HOST[:PORT]` with address exceptions.
pub(super) fn entry_with(text: &str, addresses: &[&str]) -> Result<AllowlistEntry, AllowlistError> {
    text.parse::<AllowlistEntry>()?.with_addresses(addresses.iter().map(|a| net(a)))
}

fn name(text: &str) -> TargetHost {
    TargetHost::Name(text.to_owned())
}

#[test]
fn every_range_in_the_table_parses() {
    assert!(special_ranges().count() > 40);
}

#[test]
fn special_purpose_addresses_are_named_by_their_most_specific_rule() {
    let cases = [
        ("127.0.0.1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.31.255.255", "private"),
        ("192.168.1.1", "private"),
        ("100.64.0.1", "cgnat"),
        ("169.254.1.1", "link-local"),
        ("169.254.169.254", "cloud-metadata"),
        ("0.0.0.0", "unspecified"),
        ("0.1.2.3", "this-network"),
        ("224.0.0.1", "multicast"),
        ("255.255.255.255", "broadcast"),
        ("240.0.0.1", "reserved"),
        ("192.0.2.1", "documentation"),
        ("198.18.0.1", "benchmarking"),
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("::ffff:8.8.8.8", "ipv4-mapped"),
        ("::8.8.8.8", "ipv4-compatible"),
        ("64:ff9b::808:808", "nat64"),
        ("2002:808:808::1", "6to4"),
        ("2001:0:4136:e378::1", "teredo"),
        ("fd00:ec2::254", "cloud-metadata"),
        ("fd12::1", "unique-local"),
        ("fe80::1", "link-local"),
        ("ff02::1", "multicast"),
        ("2001:db8::1", "documentation"),
        ("3fff::1", "documentation"),
        ("4000::1", "not-global-unicast"),
    ];
    for (address, rule) in cases {
        assert_eq!(special_range(ip(address)).map(|r| r.rule), Some(rule), "{address}");
    }
    for public in ["8.8.8.8", "93.184.216.34", "1.1.1.1", "2606:4700::1111", "2a00:1450::1"] {
        assert_eq!(special_range(ip(public)), None, "{public} is globally reachable");
    }
}

#[test]
fn an_exception_opens_only_what_it_names() {
    assert_eq!(check_address(ip("127.0.0.1"), &[net("127.0.0.1/32")]), Ok(()));
    assert!(check_address(ip("127.0.0.2"), &[net("127.0.0.1/32")]).is_err());
    assert_eq!(check_address(ip("10.9.9.9"), &[net("10.0.0.0/8")]), Ok(()));
    // The metadata address is its own rule: allowing link-local does not open it.
    let refused = check_address(ip("169.254.169.254"), &[net("169.254.0.0/16")]).unwrap_err();
    assert_eq!(refused.rule, "cloud-metadata");
    assert_eq!(check_address(ip("169.254.169.254"), &[net("169.254.169.254/32")]), Ok(()));
    assert_eq!(check_address(ip("8.8.8.8"), &[]), Ok(()));
}

#[test]
fn an_exception_must_lie_inside_one_refused_range() {
    assert_eq!(check_exception(net("127.0.0.1/32")), Ok(net("127.0.0.1/32")));
    assert_eq!(check_exception(net("10.1.2.0/24")), Ok(net("10.1.2.0/24")));
    assert!(matches!(check_exception(net("0.0.0.0/0")), Err(ExceptionError::TooBroad { .. })));
    assert!(matches!(check_exception(net("10.0.0.0/7")), Err(ExceptionError::TooBroad { .. })));
    assert!(matches!(check_exception(net("8.8.8.0/24")), Err(ExceptionError::NotSpecial(_))));
    assert!(matches!(check_exception(net("::/0")), Err(ExceptionError::TooBroad { .. })));
}

#[test]
fn hosts_in_every_notation_are_normalised() {
    let loopback = TargetHost::Ip(ip("127.0.0.1"));
    for text in ["127.0.0.1", "127.1", "0x7f.1", "0x7f000001", "2130706433", "0177.0.0.1", "017700000001", "127.0.0.1."] {
        assert_eq!(parse_host(text), Ok(loopback.clone()), "{text}");
    }
    assert_eq!(parse_host("[::1]"), Ok(TargetHost::Ip(ip("::1"))));
    assert_eq!(parse_host("[0:0:0:0:0:0:0:1]"), Ok(TargetHost::Ip(ip("::1"))));
    assert_eq!(parse_host("[fe80::1%25eth0]"), Ok(TargetHost::Ip(ip("fe80::1"))));
    assert_eq!(parse_host("[::ffff:127.0.0.1]"), Ok(TargetHost::Ip(ip("::ffff:127.0.0.1"))));
    assert_eq!(parse_host("API.Prices.Example."), Ok(name("api.prices.example")));
    assert_eq!(parse_host("bücher.example"), Ok(name("xn--bcher-kva.example")));
    assert_eq!(parse_host("%31%32%37.0.0.1"), Ok(loopback));
    for bad in ["", "[::1", "exa mple.com", "[not-an-address]", "a<b"] {
        assert_eq!(parse_host(bad), Err(TargetError::InvalidHost), "{bad:?}");
    }
}

#[test]
fn a_name_with_an_empty_label_is_invalid() {
    // Found by the ssrf_guard fuzz target: `0..10p.%2e` decoded to a name
    // ending in a dot, unlike any allowlist spelling of it.
    for bad in ["0..10p.%2e", "api..example", "api.example..", ".api.example", "api.example.%2e"] {
        assert_eq!(parse_host(bad), Err(TargetError::InvalidHost), "{bad:?}");
    }
}

#[test]
fn an_ipv6_zone_id_is_dropped_and_the_address_checked() {
    // The `http` crate, which builds the request URI, lets a zone id
    // through: the guard sees the address without it.
    let uri: http::Uri = "http://[fe80::1%25eth0]:80/".parse().expect("the http crate accepts zone ids");
    assert_eq!(target_of(&uri).unwrap().host, TargetHost::Ip(ip("fe80::1")));
    assert_eq!(parse_host("[fe80::1%eth0]"), Ok(TargetHost::Ip(ip("fe80::1"))));
}

#[test]
fn a_target_needs_http_a_host_and_no_userinfo() {
    let uri: http::Uri = "https://api.example/x?y=1".parse().unwrap();
    let target = target_of(&uri).unwrap();
    assert_eq!((target.tls, target.host, target.port), (true, name("api.example"), 443));
    let uri: http::Uri = "http://api.example:8080/".parse().unwrap();
    assert_eq!(target_of(&uri).unwrap().port, 8080);
    let uri: http::Uri = "http://user:pw@api.example/".parse().unwrap();
    assert_eq!(target_of(&uri), Err(TargetError::Userinfo));
    let uri: http::Uri = "ftp://api.example/".parse().unwrap();
    assert_eq!(target_of(&uri), Err(TargetError::Scheme));
}

#[test]
fn entries_parse_with_ports_wildcards_and_addresses() {
    let entry: AllowlistEntry = "api.prices.example".parse().unwrap();
    assert_eq!((entry.host, entry.port), (HostPattern::Name("api.prices.example".into()), None));
    let entry: AllowlistEntry = "*.cdn.example:8443".parse().unwrap();
    assert_eq!((entry.host, entry.port), (HostPattern::Below("cdn.example".into()), Some(8443)));
    let entry: AllowlistEntry = "[::1]:9000".parse().unwrap();
    assert_eq!((entry.host, entry.port), (HostPattern::Ip(ip("::1")), Some(9000)));
    let entry: AllowlistEntry = "127.0.0.1:9000".parse().unwrap();
    assert_eq!(entry.host, HostPattern::Ip(ip("127.0.0.1")));
    for bad in ["*", "*.com", "a.*.example", "*example.com", "host:0", "host:70000", "host:x", "[::1", ""] {
        let refused = bad.parse::<AllowlistEntry>().unwrap_err();
        assert_eq!(refused.code(), "invalid-allowlist-entry", "{bad}");
    }
    let refused = entry_with("127.0.0.1", &["0.0.0.0/0"]).unwrap_err();
    assert!(refused.to_string().contains("broader"), "{refused}");
    assert_eq!(Credential::new("Host", "key").unwrap_err().code(), "invalid-allowlist-entry");
    assert_eq!(Credential::new("authorization", "Bad Name").unwrap_err().code(), "invalid-allowlist-entry");
    assert!(Credential::new("Authorization", "price-api").is_ok());
}

#[test]
fn the_most_specific_entry_that_allows_the_port_wins() {
    let allowlist = Allowlist::new([
        "*.example.com".parse().unwrap(),
        "api.example.com:8443".parse::<AllowlistEntry>().unwrap(),
        "*.eu.example.com".parse().unwrap(),
    ]);
    let entry = |host: &str, port| allowlist.entry_for(&name(host), port).map(|e| e.key());
    assert_eq!(entry("a.example.com", 443), Ok("*.example.com".into()));
    assert_eq!(entry("a.eu.example.com", 80), Ok("*.eu.example.com".into()));
    assert_eq!(entry("api.example.com", 8443), Ok("api.example.com:8443".into()));
    assert_eq!(entry("api.example.com", 443), Ok("*.example.com".into()));
    assert_eq!(entry("example.com", 443), Err(NotAllowed::Host), "a wildcard never matches its domain");
    assert_eq!(entry("badexample.com", 443), Err(NotAllowed::Host));
    assert_eq!(entry("a.example.com", 8080), Err(NotAllowed::Port));
    assert_eq!(Allowlist::default().entry_for(&name("a.example.com"), 443), Err(NotAllowed::Host));
    let by_ip = Allowlist::new(["127.0.0.1:9000".parse().unwrap()]);
    assert!(by_ip.entry_for(&TargetHost::Ip(ip("127.0.0.1")), 9000).is_ok());
    assert_eq!(by_ip.entry_for(&name("localhost"), 9000), Err(NotAllowed::Host), "an address entry matches no name");
}

#[test]
fn an_allowlist_is_stored_and_read_back_checked() {
    let allowlist = Allowlist::new([
        entry_with("prices.internal:8080", &["10.1.2.3/32"])
            .unwrap()
            .with_credential(Credential::new("x-api-key", "prices").unwrap()),
        "*.cdn.example".parse().unwrap(),
    ]);
    let json = serde_json::to_string(&allowlist).unwrap();
    assert!(!json.contains("value"), "only the secret's name is stored: {json}");
    assert_eq!(serde_json::from_str::<Allowlist>(&json).unwrap(), allowlist);
    let tampered = r#"[{"host":"127.0.0.1","addresses":["0.0.0.0/0"]}]"#;
    assert!(serde_json::from_str::<Allowlist>(tampered).is_err(), "a hand-edited exception is checked again");
    let replaced = allowlist.clone().with("*.cdn.example".parse().unwrap());
    assert_eq!(replaced.entries().len(), 2, "same HOST[:PORT] replaces");
    assert_eq!(allowlist.clone().without("*.cdn.example").unwrap().unwrap().entries().len(), 1);
    assert_eq!(allowlist.without("nothing.example").unwrap(), None);
}
