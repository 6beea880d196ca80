//! Per-client rate limiting over loopback: the socket address is the
//! client unless the peer is a trusted proxy, in which case the rightmost
//! untrusted `X-Forwarded-For` address is.

use std::time::Instant;

use modgate_tests::http::{code, json, test_http_config};

use super::probe_harness_with;

const CAPACITY: u32 = 5;

fn limited_config(trusted_proxies: &[&str]) -> modgate_host::http::HttpConfig {
    let mut config = test_http_config();
    config.rate_limit.capacity = CAPACITY;
    config.rate_limit.refill_per_second = 1;
    config.trusted_proxies = trusted_proxies.iter().map(|s| s.to_string()).collect();
    config
}

/// Sends `count` requests claiming `forwarded_for`; returns how many passed,
/// the first 429 seen (status, code, Retry-After) and the seconds it took.
async fn burst(h: &modgate_tests::http::HttpHarness, forwarded_for: &str, count: usize) -> (usize, Option<(u16, String, String)>, u64) {
    let started = Instant::now();
    let mut passed = 0;
    let mut refused = None;
    for _ in 0..count {
        let response = h
            .client
            .get(h.url("/modules/http-probe/echo"))
            .header("x-forwarded-for", forwarded_for)
            .send()
            .await
            .unwrap();
        let (status, headers, body) = json(response).await;
        match status {
            200 => passed += 1,
            429 if refused.is_none() => {
                let retry = headers.get("retry-after").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
                refused = Some((status, code(&body).to_owned(), retry));
            }
            429 => {}
            other => panic!("unexpected status {other}: {body}"),
        }
    }
    (passed, refused, started.elapsed().as_secs())
}

/// At most the bucket plus what refilled while the burst ran.
fn assert_limited(passed: usize, refused: &Option<(u16, String, String)>, seconds: u64) {
    assert!(passed as u64 <= u64::from(CAPACITY) + seconds + 1, "{passed} passed in {seconds}s");
    let (status, code, retry_after) = refused.clone().expect("a 429 was answered");
    assert_eq!((status, code.as_str()), (429, "rate-limited"));
    assert!(retry_after.parse::<u64>().unwrap() >= 1);
}

#[test]
fn without_trusted_proxies_forwarded_for_is_ignored() {
    modgate_tests::run(async {
        let h = probe_harness_with(limited_config(&[])).await;
        let (passed, refused, seconds) = burst(&h, "1.1.1.1", 20).await;
        assert_limited(passed, &refused, seconds);
        // Claiming another address does not buy a fresh bucket.
        let (passed, refused, _) = burst(&h, "2.2.2.2", 3).await;
        assert!(passed <= 2, "the same socket address shares its bucket");
        assert!(refused.is_some());
    });
}

#[test]
fn behind_a_trusted_proxy_the_forwarded_client_has_its_own_bucket() {
    modgate_tests::run(async {
        let h = probe_harness_with(limited_config(&["127.0.0.0/8"])).await;
        let (passed, refused, seconds) = burst(&h, "1.1.1.1", 20).await;
        assert_limited(passed, &refused, seconds);
        // Another client behind the same proxy is not affected...
        let (passed, _, _) = burst(&h, "2.2.2.2", 3).await;
        assert_eq!(passed, 3);
        // ...and a client prepending a fake address is still itself: the
        // rightmost untrusted address counts.
        let (passed, refused, _) = burst(&h, "9.9.9.9, 1.1.1.1", 3).await;
        assert!(passed <= 2 && refused.is_some(), "spoofed prefix ignored");
    });
}
