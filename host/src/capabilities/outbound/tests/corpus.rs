//! The SSRF corpus: every target below is refused with
//! `HTTP-request-denied`, the module log names the rule that refused it,
//! and no connection reaches the tripwire listening on loopback (on IPv4
//! and, where the machine has it, IPv6). The allowlist lets every host
//! here through on the tripwire's port, so what refuses the address
//! forms is the address guard itself, after normalisation.

use wasmtime_wasi_http::Error;

use super::entry_with;
use super::support::{Probe, ScriptedResolver, TestServer};
use crate::testing::Tripwire;
use crate::capabilities::outbound::Allowlist;

/// `(URL with {T} for the tripwire's port, the rule the log must name)`.
const LITERALS: &[(&str, &str)] = &[
    // Loopback in every IPv4 notation.
    ("http://127.0.0.1:{T}/", "loopback"),
    ("http://127.1:{T}/", "loopback"),
    ("http://0x7f.1:{T}/", "loopback"),
    ("http://0x7f000001:{T}/", "loopback"),
    ("http://2130706433:{T}/", "loopback"),
    ("http://0177.0.0.1:{T}/", "loopback"),
    ("http://017700000001:{T}/", "loopback"),
    ("http://127.0.0.1.:{T}/", "loopback"),
    ("http://127.255.255.254:{T}/", "loopback"),
    ("https://127.0.0.1:{T}/", "loopback"),
    // Other special-purpose IPv4.
    ("http://10.0.0.1:{T}/", "private"),
    ("http://172.16.0.1:{T}/", "private"),
    ("http://192.168.0.1:{T}/", "private"),
    ("http://100.64.0.1:{T}/", "cgnat"),
    ("http://169.254.169.254:{T}/", "cloud-metadata"),
    ("http://169.254.0.1:{T}/", "link-local"),
    ("http://0.0.0.0:{T}/", "unspecified"),
    ("http://0:{T}/", "unspecified"),
    ("http://0.1.2.3:{T}/", "this-network"),
    ("http://224.0.0.1:{T}/", "multicast"),
    ("http://255.255.255.255:{T}/", "broadcast"),
    ("http://192.0.2.1:{T}/", "documentation"),
    ("http://198.51.100.1:{T}/", "documentation"),
    ("http://203.0.113.1:{T}/", "documentation"),
    ("http://198.18.0.1:{T}/", "benchmarking"),
    ("http://240.0.0.1:{T}/", "reserved"),
    ("http://192.0.0.1:{T}/", "ietf-protocol-assignments"),
    ("http://192.88.99.1:{T}/", "6to4-relay-anycast"),
    // IPv6, including every form that carries IPv4.
    ("http://[::1]:{T}/", "loopback"),
    ("http://[0:0:0:0:0:0:0:1]:{T}/", "loopback"),
    ("http://[::]:{T}/", "unspecified"),
    ("http://[::ffff:127.0.0.1]:{T}/", "ipv4-mapped"),
    ("http://[::ffff:7f00:1]:{T}/", "ipv4-mapped"),
    ("http://[::ffff:169.254.169.254]:{T}/", "ipv4-mapped"),
    ("http://[::127.0.0.1]:{T}/", "ipv4-compatible"),
    ("http://[64:ff9b::7f00:1]:{T}/", "nat64"),
    ("http://[2002:7f00:1::]:{T}/", "6to4"),
    ("http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]:{T}/", "teredo"),
    ("http://[fd00:ec2::254]:{T}/", "cloud-metadata"),
    ("http://[fe80::1]:{T}/", "link-local"),
    ("http://[fc00::1]:{T}/", "unique-local"),
    ("http://[ff02::1]:{T}/", "multicast"),
    ("http://[2001:db8::1]:{T}/", "documentation"),
    ("http://[fec0::1]:{T}/", "site-local"),
    // IPv6 zone ids are dropped before the check.
    ("http://[fe80::1%25eth0]:{T}/", "link-local"),
    ("http://[::1%25lo]:{T}/", "loopback"),
    ("http://[::ffff:127.0.0.1%251]:{T}/", "ipv4-mapped"),
];

/// `(name, what it resolves to, the rule)`: allowlisted names whose answer
/// is internal.
const NAMES: &[(&str, &[&str], &str)] = &[
    ("localhost", &["127.0.0.1"], "loopback"),
    ("internal.example", &["10.0.0.5"], "private"),
    ("metadata.example", &["169.254.169.254"], "cloud-metadata"),
    ("v6-loopback.example", &["::1"], "loopback"),
    ("mapped.example", &["::ffff:10.0.0.1"], "ipv4-mapped"),
    ("mixed.example", &["93.184.216.34", "127.0.0.1"], "loopback"),
    ("nat64.example", &["64:ff9b::a00:1"], "nat64"),
    ("cgnat.example", &["100.64.1.1"], "cgnat"),
    ("ula.example", &["fd00::1"], "unique-local"),
    ("linklocal6.example", &["fe80::1"], "link-local"),
    ("zero.example", &["0.0.0.0"], "unspecified"),
];

#[tokio::test]
async fn every_special_purpose_address_is_refused_before_any_connection() {
    let tripwire = Tripwire::start().await.unwrap();
    let t = tripwire.port;
    let mut resolver = ScriptedResolver::default();
    let mut allowlist = Allowlist::default();
    for (url, _) in LITERALS {
        let url: http::Uri = url.replace("{T}", &t.to_string()).parse().unwrap();
        let host = url.host().unwrap();
        // The allowlist names each host as its normal form, so the address
        // guard (not the allowlist) is what refuses it.
        let host = super::super::target::parse_host(host).unwrap().to_string();
        allowlist = allowlist.with(entry_with(&format!("{host}:{t}"), &[]).unwrap());
    }
    for (name, answer, _) in NAMES {
        resolver = resolver.answer(name, &[answer]);
        allowlist = allowlist.with(entry_with(&format!("{name}:{t}"), &[]).unwrap());
    }
    let mut probe = Probe::scripted(allowlist, resolver);
    let mut refused = 0;
    let cases = LITERALS
        .iter()
        .map(|(url, rule)| (url.replace("{T}", &t.to_string()), *rule))
        .chain(NAMES.iter().map(|(name, _, rule)| (format!("http://{name}:{t}/"), *rule)));
    for (url, rule) in cases {
        let outcome = probe.send("GET", &url, &[], "").await;
        assert!(matches!(outcome, Err(Error::HttpRequestDenied)), "{url}: {outcome:?}");
        let line = probe.last_log();
        assert!(line.contains("special-purpose-address") && line.contains(&format!("({rule})")), "{url}: {line}");
        assert!(!line.contains("93.184") && !line.contains("10.0.0.5"), "no resolved address in the log: {line}");
        assert_eq!(tripwire.hits(), 0, "{url} reached the listener");
        refused += 1;
    }
    assert!(refused >= 58, "the corpus has {refused} address targets");
}

#[tokio::test]
async fn what_the_allowlist_does_not_name_is_refused_without_a_lookup() {
    let tripwire = Tripwire::start().await.unwrap();
    let t = tripwire.port;
    let resolver = ScriptedResolver::default()
        .answer("allowed.example", &[&["127.0.0.1"]])
        .answer("evil.example", &[&["127.0.0.1"]])
        .answer("example.com", &[&["127.0.0.1"]]);
    let allowlist = Allowlist::new([
        entry_with(&format!("allowed.example:{t}"), &["127.0.0.1/32"]).unwrap(),
        entry_with("*.example.com", &[]).unwrap(),
        entry_with(&format!("127.0.0.1:{t}"), &["127.0.0.1/32"]).unwrap(),
    ]);
    let mut probe = Probe::scripted(allowlist, resolver.clone());
    let cases = [
        (format!("http://evil.example:{t}/"), "not-allowlisted"),
        (format!("http://allowed.example:{}/", t + 1), "port-not-allowed"),
        ("http://allowed.example/".to_owned(), "port-not-allowed"),
        (format!("http://user@allowed.example:{t}/"), "userinfo"),
        (format!("http://user:pw@127.0.0.1:{t}/"), "userinfo"),
        (format!("http://example.com:{t}/"), "not-allowlisted"),
        (format!("http://localhost:{t}/"), "not-allowlisted"),
        (format!("http://127.0.0.2:{t}/"), "not-allowlisted"),
        (format!("http://[::1]:{t}/"), "not-allowlisted"),
    ];
    for (url, rule) in &cases {
        let outcome = probe.send("GET", url, &[], "").await;
        assert!(matches!(outcome, Err(Error::HttpRequestDenied)), "{url}: {outcome:?}");
        assert!(probe.last_log().contains(&format!("({rule})")), "{url}: {}", probe.last_log());
    }
    assert_eq!(resolver.lookups(), 0, "no name outside the allowlist is looked up");
    assert_eq!(tripwire.hits(), 0);

    let mut empty = Probe::scripted(Allowlist::default(), resolver.clone());
    let outcome = empty.send("GET", &format!("http://127.0.0.1:{t}/"), &[], "").await;
    assert!(matches!(outcome, Err(Error::HttpRequestDenied)));
    assert!(empty.last_log().contains("allowlist for this module is empty"), "{}", empty.last_log());
    assert_eq!(tripwire.hits(), 0);
}

#[tokio::test]
async fn redirects_into_internal_addresses_reach_the_module_and_are_never_followed() {
    let tripwire = Tripwire::start().await.unwrap();
    let server = TestServer::start().await;
    let (t, s) = (tripwire.port, server.port);
    let resolver = ScriptedResolver::default()
        .answer("api.example", &[&["127.0.0.1"]])
        .answer("localhost", &[&["127.0.0.1"]]);
    // The API is allowed (its loopback address named exactly); the
    // redirect targets are on the allowlist too, without exceptions.
    let allowlist = Allowlist::new([
        entry_with(&format!("api.example:{s}"), &["127.0.0.1/32"]).unwrap(),
        entry_with(&format!("localhost:{t}"), &[]).unwrap(),
        entry_with(&format!("127.0.0.1:{t}"), &[]).unwrap(),
        entry_with(&format!("[::1]:{t}"), &[]).unwrap(),
        entry_with("169.254.169.254", &[]).unwrap(),
    ]);
    let mut probe = Probe::scripted(allowlist, resolver);
    let targets = [
        format!("http://127.0.0.1:{t}/"),
        format!("http://localhost:{t}/admin"),
        format!("http://[::1]:{t}/"),
        "http://169.254.169.254/latest/meta-data/".to_owned(),
    ];
    for target in &targets {
        let url = format!("http://api.example:{s}/redirect?to={target}");
        let answer = probe.send("GET", &url, &[], "").await.expect("the redirect itself is allowed");
        assert_eq!(answer.status, 302, "{url}");
        assert_eq!(answer.headers[http::header::LOCATION], target.as_str(), "the module sees where it points");
        // The module follows it itself: a new request, checked from scratch.
        let followed = probe.send("GET", target, &[], "").await;
        assert!(matches!(followed, Err(Error::HttpRequestDenied)), "{target}: {followed:?}");
        assert!(probe.last_log().contains("special-purpose-address"), "{}", probe.last_log());
    }
    assert_eq!(tripwire.hits(), 0);
}
