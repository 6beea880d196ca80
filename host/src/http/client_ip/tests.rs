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
