//! The circuit breaker over HTTP: consecutive failures open it, an open
//! breaker answers 503 without running the module, a probe after the reset
//! interval closes or re-opens it, and the operator can reset it.

use std::time::Duration;

use modgate_tests::acme;
use modgate_tests::http::{code, json, test_http_config};

use super::probe_harness_with;

async fn status_of(h: &modgate_tests::http::HttpHarness, path: &str) -> (u16, String) {
    let (status, _, body) = json(h.client.get(h.url(path)).send().await.unwrap()).await;
    (status, code(&body).to_owned())
}

fn config(reset_after: Duration) -> modgate_host::http::HttpConfig {
    let mut config = test_http_config();
    config.breaker.failure_threshold = 3;
    config.breaker.reset_after = reset_after;
    config
}

#[test]
fn failures_open_the_breaker_and_the_operator_resets_it() {
    modgate_tests::run(async {
        let h = probe_harness_with(config(Duration::from_secs(3600))).await;
        // 5xx answers and traps both count; a 4xx does not.
        assert_eq!(status_of(&h, "/modules/http-probe/status/404").await.0, 404);
        assert_eq!(status_of(&h, "/modules/http-probe/status/500").await.0, 500);
        assert_eq!(status_of(&h, "/modules/http-probe/trap").await, (502, "handler-error".to_owned()));
        let log = h.lifecycle.module(&acme(), "http-probe").unwrap().log().lines();
        assert!(
            log.iter().any(|l| l.message.starts_with("http GET /trap failed (trap)")),
            "the operator can read why in the module log"
        );
        assert_eq!(status_of(&h, "/modules/http-probe/status/503").await.0, 503);
        // Open: refused without running the module, whatever the route.
        assert_eq!(status_of(&h, "/modules/http-probe/echo").await, (503, "breaker-open".to_owned()));
        let response = h.client.get(h.url("/modules/http-probe/echo")).send().await.unwrap();
        assert!(response.headers().get("retry-after").is_some());
        // The operator's reset (as `modgate breaker-reset` writes it).
        h.lifecycle.reset_breaker(&acme(), "http-probe").await.unwrap();
        assert_eq!(status_of(&h, "/modules/http-probe/echo").await.0, 200);
    });
}

#[test]
fn after_the_interval_one_probe_decides() {
    modgate_tests::run(async {
        // Long enough that "at once" holds on a loaded machine.
        let interval = Duration::from_secs(3);
        let h = probe_harness_with(config(interval)).await;
        for _ in 0..3 {
            assert_eq!(status_of(&h, "/modules/http-probe/status/500").await.0, 500);
        }
        assert_eq!(status_of(&h, "/modules/http-probe/echo").await.1, "breaker-open");
        tokio::time::sleep(interval + Duration::from_millis(200)).await;
        // Half-open: the probe fails, the breaker opens again at once.
        assert_eq!(status_of(&h, "/modules/http-probe/status/500").await.0, 500);
        assert_eq!(status_of(&h, "/modules/http-probe/echo").await.1, "breaker-open");
        tokio::time::sleep(interval + Duration::from_millis(200)).await;
        // Half-open again: a successful probe closes it.
        assert_eq!(status_of(&h, "/modules/http-probe/echo").await.0, 200);
        assert_eq!(status_of(&h, "/modules/http-probe/echo").await.0, 200);
    });
}
