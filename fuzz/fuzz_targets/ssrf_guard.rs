//! The outbound SSRF guard's normalisation and address ranges. A host the
//! guard keeps as a name is one no resolver reads as a number; a host it
//! reads as an address is refused whenever the address is loopback,
//! private, link-local, unspecified, multicast, broadcast or documentation,
//! in IPv4 or in any IPv6 form that carries an IPv4 address; and an
//! operator's exception opens nothing outside itself, nor the metadata
//! address unless it names it.
#![no_main]

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use arbitrary::Unstructured;
use ipnet::IpNet;
use libfuzzer_sys::fuzz_target;
use modgate_fuzz::host_names::inet_aton;
use modgate_host::capabilities::outbound::ranges::{check_address, check_exception, special_range};
use modgate_host::capabilities::outbound::target::{TargetHost, parse_host, target_of};

/// The input: a host line, a URI line, then bytes for the addresses.
struct Input<'a> {
    host: &'a str,
    uri: &'a str,
    v4: [u8; 4],
    v6: [u8; 16],
    prefix: u8,
    probe: [u8; 16],
}

fn input(data: &[u8]) -> Option<Input<'_>> {
    let mut lines = data.splitn(3, |b| *b == b'\n');
    let host = std::str::from_utf8(lines.next()?).ok()?;
    let uri = std::str::from_utf8(lines.next().unwrap_or_default()).ok()?;
    let mut u = Unstructured::new(lines.next().unwrap_or_default());
    Some(Input {
        host,
        uri,
        v4: u.arbitrary().unwrap_or_default(),
        v6: u.arbitrary().unwrap_or_default(),
        prefix: u.arbitrary().unwrap_or_default(),
        probe: u.arbitrary().unwrap_or_default(),
    })
}

fn refused(address: IpAddr) -> bool {
    check_address(address, &[]).is_err()
}

fn must_refuse_v4(v4: Ipv4Addr) -> bool {
    let [a, b, ..] = v4.octets();
    v4.is_loopback()
        || v4.is_private()
        || v4.is_link_local()
        || v4.is_unspecified()
        || v4.is_multicast()
        || v4.is_broadcast()
        || v4.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b))
        || a >= 240
}

fn must_refuse_v6(v6: Ipv6Addr) -> bool {
    let first = v6.segments()[0];
    v6.is_loopback()
        || v6.is_unspecified()
        || v6.is_multicast()
        || v6.is_unique_local()
        || v6.is_unicast_link_local()
        || v6.to_ipv4().is_some()
        || first & 0xe000 != 0x2000
        || first == 0x2002
        || (first == 0x2001 && v6.segments()[1] == 0x0db8)
}

fuzz_target!(|data: &[u8]| {
    let Some(input) = input(data) else { return };
    match parse_host(input.host) {
        Ok(TargetHost::Name(name)) => {
            assert!(!name.is_empty() && !name.ends_with('.'), "name {name:?}");
            assert!(
                name.bytes().all(|b| b.is_ascii_graphic() && !b.is_ascii_uppercase() && !b"%/\\@:[]#?".contains(&b)),
                "name {name:?} from {:?}",
                input.host
            );
            assert_eq!(inet_aton(&name), None, "{:?} kept as the name {name:?}, which a resolver reads as an address", input.host);
            assert!(name.parse::<Ipv6Addr>().is_err(), "name {name:?}");
            assert_eq!(parse_host(&name), Ok(TargetHost::Name(name.clone())), "normalising {name:?} again");
        }
        Ok(TargetHost::Ip(ip)) => {
            let again = parse_host(&TargetHost::Ip(ip).to_string());
            assert_eq!(again, Ok(TargetHost::Ip(ip)), "normalising {ip} again");
        }
        Err(_) => {}
    }

    let v4 = Ipv4Addr::from(input.v4);
    assert!(!must_refuse_v4(v4) || refused(v4.into()), "{v4} allowed");
    let embedded = [
        v4.to_ipv6_mapped(),
        v4.to_ipv6_compatible(),
        Ipv6Addr::from((0x0064_ff9b_u128 << 96) | u128::from(u32::from(v4))),
        Ipv6Addr::from((0x2002_u128 << 112) | (u128::from(u32::from(v4)) << 80)),
    ];
    for v6 in embedded {
        assert!(refused(v6.into()), "{v6} (carrying {v4}) allowed");
    }
    let v6 = Ipv6Addr::from(input.v6);
    assert!(!must_refuse_v6(v6) || refused(v6.into()), "{v6} allowed");

    for address in [IpAddr::V4(v4), IpAddr::V6(v6)] {
        let max = if address.is_ipv4() { 32 } else { 128 };
        let Ok(net) = IpNet::new(address, input.prefix % (max + 1)) else { continue };
        let net = net.trunc();
        let Ok(exception) = check_exception(net) else { continue };
        let probe = if address.is_ipv4() {
            IpAddr::V4(Ipv4Addr::new(input.probe[0], input.probe[1], input.probe[2], input.probe[3]))
        } else {
            IpAddr::V6(Ipv6Addr::from(input.probe))
        };
        for candidate in [probe, exception.network(), exception.broadcast(), address] {
            let opened = special_range(candidate).is_some() && check_address(candidate, &[exception]).is_ok();
            assert!(!opened || exception.contains(&candidate), "{exception} opened {candidate}");
        }
        let metadata = IpAddr::V4(Ipv4Addr::new(169, 254, 169, 254));
        if check_address(metadata, &[exception]).is_ok() {
            assert_eq!(exception, "169.254.169.254/32".parse::<IpNet>().unwrap(), "{exception} opened the metadata address");
        }
    }

    if let Ok(uri) = input.uri.parse::<http::Uri>()
        && let Ok(target) = target_of(&uri)
    {
        let authority = uri.authority().expect("a target has an authority");
        assert!(!authority.as_str().contains('@'));
        assert_eq!(parse_host(authority.host()), Ok(target.host.clone()));
    }
});
