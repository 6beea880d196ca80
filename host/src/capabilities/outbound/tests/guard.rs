//! The guard letting through what the operator allowed, exactly: a real
//! exchange with a loopback server, the credential in place of the
//! module's header, one lookup per request whatever the resolver answers
//! next, and every bound.

use std::time::{Duration, Instant};

use wasmtime_wasi_http::Error;

use super::entry_with;
use super::support::{Probe, ScriptedResolver, TestServer, test_limits, tls_server};
use crate::testing::Tripwire;
use crate::capabilities::outbound::{Allowlist, Credential, Outbound, OutboundLimits, StaticSecrets};

#[tokio::test]
async fn an_allowed_request_reaches_the_server_when_its_address_is_allowed_exactly() {
    let server = TestServer::start().await;
    let s = server.port;
    let resolver = ScriptedResolver::default().answer("api.example", &[&["127.0.0.1"]]);
    let allowlist = Allowlist::new([entry_with(&format!("api.example:{s}"), &["127.0.0.1/32"]).unwrap()]);
    let mut probe = Probe::scripted(allowlist, resolver);
    let answer = probe.send("GET", &format!("http://api.example:{s}/ok"), &[], "").await.unwrap();
    assert_eq!((answer.status, answer.body.unwrap().as_ref()), (200, b"ok".as_ref()));
    let answer = probe.send("POST", &format!("http://api.example:{s}/echo?x=1"), &[], "ping").await.unwrap();
    assert_eq!(answer.body.unwrap().as_ref(), b"pong");
    let seen = server.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1);
    assert_eq!((seen[0].path.as_str(), seen[0].body.as_ref()), ("/echo", b"ping".as_ref()));
    assert_eq!(seen[0].headers[http::header::HOST], format!("api.example:{s}"), "Host is the name, not the address");
}

#[tokio::test]
async fn the_operators_credential_replaces_the_modules_header_for_that_host_only() {
    let server = TestServer::start().await;
    let s = server.port;
    let resolver = ScriptedResolver::default()
        .answer("prices.example", &[&["127.0.0.1"]])
        .answer("other.example", &[&["127.0.0.1"]]);
    let allowlist = Allowlist::new([
        entry_with(&format!("prices.example:{s}"), &["127.0.0.1/32"])
            .unwrap()
            .with_credential(Credential::new("authorization", "price-api").unwrap()),
        entry_with(&format!("other.example:{s}"), &["127.0.0.1/32"]).unwrap(),
    ]);
    let secrets = StaticSecrets::new().with("price-api", "Bearer operator-secret").unwrap();
    let outbound = Outbound::new(test_limits()).with_resolver(resolver).with_secrets(secrets);
    let mut probe = Probe::new(allowlist, outbound);
    let guest = [("authorization", "guest-token"), ("Authorization", "second-guest-token")];
    probe.send("POST", &format!("http://prices.example:{s}/echo"), &guest, "ping").await.unwrap();
    probe.send("POST", &format!("http://other.example:{s}/echo"), &guest[..1], "ping").await.unwrap();
    let seen = server.seen.lock().unwrap().clone();
    let values = |i: usize| seen[i].headers.get_all("authorization").iter().map(|v| v.to_str().unwrap().to_owned()).collect::<Vec<_>>();
    assert_eq!(values(0), ["Bearer operator-secret"], "the module's values are gone");
    assert_eq!(values(1), ["guest-token"], "another host gets the module's own header");
    assert!(probe.log().iter().all(|line| !line.message.contains("operator-secret")));
}

#[tokio::test]
async fn a_missing_secret_refuses_the_request_rather_than_sending_it_bare() {
    let server = TestServer::start().await;
    let s = server.port;
    let resolver = ScriptedResolver::default().answer("prices.example", &[&["127.0.0.1"]]);
    let allowlist = Allowlist::new([entry_with(&format!("prices.example:{s}"), &["127.0.0.1/32"])
        .unwrap()
        .with_credential(Credential::new("x-api-key", "not-configured-anywhere").unwrap())]);
    let mut probe = Probe::scripted(allowlist, resolver);
    let outcome = probe.send("GET", &format!("http://prices.example:{s}/echo"), &[], "").await;
    assert!(matches!(outcome, Err(Error::HttpRequestDenied)), "{outcome:?}");
    assert!(probe.last_log().contains("(credential-unavailable)"), "{}", probe.last_log());
    assert!(!probe.last_log().contains("not-configured-anywhere"), "the secret's name stays with the operator");
    assert!(server.seen.lock().unwrap().is_empty());
}

#[tokio::test]
async fn dns_rebinding_cannot_switch_the_checked_address() {
    let tripwire = Tripwire::start().await.unwrap();
    let t = tripwire.port;
    // First answer public (unreachable here), every later one loopback.
    let resolver = ScriptedResolver::default()
        .answer("rebind.example", &[&["93.184.216.34"], &["127.0.0.1"]])
        .answer("flip.example", &[&["127.0.0.1"], &["93.184.216.34"]]);
    let allowlist = Allowlist::new([
        entry_with(&format!("rebind.example:{t}"), &[]).unwrap(),
        entry_with(&format!("flip.example:{t}"), &[]).unwrap(),
    ]);
    let mut probe = Probe::scripted(allowlist, resolver.clone());
    // The one lookup says public: the connection goes there (and fails
    // here, there is no internet), never to a second answer.
    let first = probe.send("GET", &format!("http://rebind.example:{t}/"), &[], "").await;
    assert!(!matches!(first, Ok(_) | Err(Error::HttpRequestDenied)), "{first:?}");
    assert_eq!(resolver.lookups(), 1, "one lookup per request");
    assert_eq!(tripwire.hits(), 0);
    // The next request looks up again, gets loopback, and is refused.
    let second = probe.send("GET", &format!("http://rebind.example:{t}/"), &[], "").await;
    assert!(matches!(second, Err(Error::HttpRequestDenied)), "{second:?}");
    let third = probe.send("GET", &format!("http://flip.example:{t}/"), &[], "").await;
    assert!(matches!(third, Err(Error::HttpRequestDenied)), "{third:?}");
    assert_eq!(resolver.lookups(), 3);
    assert_eq!(tripwire.hits(), 0, "no answer ever reached the loopback listener");
}

#[tokio::test]
async fn bodies_are_bounded_both_ways() {
    let server = TestServer::start().await;
    let s = server.port;
    let limit = test_limits().max_response_body_bytes as usize;
    let resolver = ScriptedResolver::default().answer("api.example", &[&["127.0.0.1"]]);
    let allowlist = Allowlist::new([entry_with(&format!("api.example:{s}"), &["127.0.0.1/32"]).unwrap()]);
    let mut probe = Probe::scripted(allowlist, resolver);
    let url = |path: &str| format!("http://api.example:{s}{path}");

    let fits = probe.send("GET", &url(&format!("/big?n={limit}")), &[], "").await.unwrap();
    assert_eq!(fits.body.unwrap().len(), limit);
    let declared = probe.send("GET", &url(&format!("/big?n={}", limit + 1)), &[], "").await;
    assert!(matches!(declared, Err(Error::HttpResponseBodySize(Some(4096)))), "{declared:?}");
    let streamed = probe.send("GET", &url(&format!("/stream?n={}", limit * 2)), &[], "").await.unwrap();
    assert!(matches!(streamed.body, Err(Error::HttpResponseBodySize(Some(4096)))), "{:?}", streamed.body);

    let head = probe.send("HEAD", &url(&format!("/big?n={}", limit * 4)), &[], "").await.unwrap();
    assert_eq!(head.status, 200, "a HEAD declares a length it does not send");

    let big_request = "x".repeat(test_limits().max_request_body_bytes as usize + 1);
    let refused = probe.send("POST", &url("/echo"), &[], &big_request).await;
    assert!(matches!(refused, Err(Error::HttpRequestBodySize(Some(1024)))), "{refused:?}");
}

#[tokio::test]
async fn a_server_that_never_answers_times_out_within_the_total_bound() {
    let server = TestServer::start().await;
    let s = server.port;
    let resolver = ScriptedResolver::default().answer("api.example", &[&["127.0.0.1"]]);
    let allowlist = Allowlist::new([entry_with(&format!("api.example:{s}"), &["127.0.0.1/32"]).unwrap()]);
    let limits = OutboundLimits { total_timeout: Duration::from_millis(300), ..test_limits() };
    let mut probe = Probe::new(allowlist, Outbound::new(limits).with_resolver(resolver));
    let started = Instant::now();
    let outcome = probe.send("GET", &format!("http://api.example:{s}/hang"), &[], "").await;
    assert!(matches!(outcome, Err(Error::HttpResponseTimeout)), "{outcome:?}");
    assert!(started.elapsed() < Duration::from_secs(10), "bounded, not hung");
}

#[tokio::test]
async fn requests_in_flight_per_module_are_capped_until_their_body_is_done() {
    let server = TestServer::start().await;
    let s = server.port;
    let resolver = ScriptedResolver::default().answer("api.example", &[&["127.0.0.1"]]);
    let allowlist = Allowlist::new([entry_with(&format!("api.example:{s}"), &["127.0.0.1/32"]).unwrap()]);
    let limits = OutboundLimits { max_in_flight_per_module: 1, ..test_limits() };
    let mut probe = Probe::new(allowlist, Outbound::new(limits).with_resolver(resolver));
    let url = format!("http://api.example:{s}/ok");
    let held = probe.open("GET", &url, &[], "").await.expect("the first is sent");
    let outcome = probe.send("GET", &url, &[], "").await;
    assert!(matches!(outcome, Err(Error::ConnectionLimitReached)), "{outcome:?}");
    assert!(probe.last_log().contains("(in-flight)"), "{}", probe.last_log());
    drop(held);
    let answer = probe.send("GET", &url, &[], "").await.expect("the slot is free again");
    assert_eq!(answer.status, 200);
}

#[tokio::test]
async fn tls_goes_to_the_checked_address_and_still_verifies_the_name() {
    let (port, certificate) = tls_server(&["api.example"]).await;
    let mut roots = rustls::RootCertStore::empty();
    roots.add(certificate).unwrap();
    let resolver = ScriptedResolver::default()
        .answer("api.example", &[&["127.0.0.1"]])
        .answer("impostor.example", &[&["127.0.0.1"]]);
    let allowlist = Allowlist::new([
        entry_with(&format!("api.example:{port}"), &["127.0.0.1/32"]).unwrap(),
        entry_with(&format!("impostor.example:{port}"), &["127.0.0.1/32"]).unwrap(),
        entry_with(&format!("127.0.0.1:{port}"), &["127.0.0.1/32"]).unwrap(),
    ]);
    let outbound = Outbound::new(test_limits()).with_resolver(resolver).with_tls_roots(roots);
    let mut probe = Probe::new(allowlist, outbound);
    let answer = probe.send("GET", &format!("https://api.example:{port}/ok"), &[], "").await.unwrap();
    assert_eq!((answer.status, answer.body.unwrap().as_ref()), (200, b"ok".as_ref()));
    // The same address under a name the certificate does not carry, or as
    // an address literal: the handshake fails on the name.
    for url in [format!("https://impostor.example:{port}/ok"), format!("https://127.0.0.1:{port}/ok")] {
        let outcome = probe.send("GET", &url, &[], "").await;
        assert!(matches!(outcome, Err(Error::TlsCertificateError)), "{url}: {outcome:?}");
    }
}

#[tokio::test]
async fn another_notation_of_an_allowed_address_is_that_address() {
    let server = TestServer::start().await;
    let s = server.port;
    let allowlist = Allowlist::new([entry_with(&format!("127.0.0.1:{s}"), &["127.0.0.1/32"]).unwrap()]);
    let mut probe = Probe::scripted(allowlist, ScriptedResolver::default());
    for host in ["127.0.0.1", "0x7f.1", "2130706433", "127.1"] {
        let answer = probe.send("GET", &format!("http://{host}:{s}/ok"), &[], "").await.unwrap();
        assert_eq!(answer.status, 200, "{host}");
    }
}
