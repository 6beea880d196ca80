//! Body limits, the deadline on a module that streams forever, and the
//! per-module in-flight cap (503 `busy`, which does not trip the breaker).

use std::time::Duration;

use modgate_host::engine::EngineConfig;
use modgate_tests::acme;
use modgate_tests::http::{code, http_harness_with, json, test_http_config};

use super::{PROBE_APPROVED, PROBE_MANIFEST, probe_harness_with};

#[test]
fn request_bodies_over_the_limit_answer_413() {
    modgate_tests::run(async {
        let mut config = test_http_config();
        config.max_request_body_bytes = 1024;
        let h = probe_harness_with(config).await;
        let ok = h.client.post(h.url("/modules/http-probe/echo")).body(vec![b'a'; 1024]).send().await.unwrap();
        assert_eq!(ok.status().as_u16(), 200);
        let (status, _, body) = json(h.client.post(h.url("/modules/http-probe/echo")).body(vec![b'a'; 1025]).send().await.unwrap()).await;
        assert_eq!((status, code(&body)), (413, "payload-too-large"));
        // Chunked, without a length up front: cut while reading.
        let stream = futures_stream(vec![vec![b'a'; 800], vec![b'b'; 800]]);
        let response = h.client.post(h.url("/modules/http-probe/echo")).body(stream).send().await.unwrap();
        let (status, _, body) = json(response).await;
        assert_eq!((status, code(&body)), (413, "payload-too-large"));
    });
}

fn futures_stream(chunks: Vec<Vec<u8>>) -> reqwest::Body {
    let chunks = chunks.into_iter().map(Ok::<_, std::io::Error>);
    reqwest::Body::wrap_stream(futures_util::stream::iter(chunks))
}

#[test]
fn response_bodies_over_the_limit_answer_502() {
    modgate_tests::run(async {
        let mut config = test_http_config();
        config.max_response_body_bytes = 10_000;
        let h = probe_harness_with(config).await;
        let ok = h.client.get(h.url("/modules/http-probe/big/10000")).send().await.unwrap();
        assert_eq!(ok.status().as_u16(), 200);
        assert_eq!(ok.bytes().await.unwrap().len(), 10_000);
        let (status, _, body) = json(h.client.get(h.url("/modules/http-probe/big/10001")).send().await.unwrap()).await;
        assert_eq!((status, code(&body)), (502, "protocol"));
    });
}

/// Fuel off, so that the deadline (not fuel) is what stops a busy guest.
fn http_deadline(max_in_flight: usize, deadline: Duration) -> EngineConfig {
    let mut engine = EngineConfig { fuel: false, max_in_flight_per_module: max_in_flight, ..EngineConfig::default() };
    engine.budgets.http.wall_clock = deadline;
    engine
}

#[test]
fn a_module_streaming_forever_is_cut_at_the_deadline() {
    modgate_tests::run(async {
        let h = http_harness_with(test_http_config(), http_deadline(4, Duration::from_millis(1500))).await;
        h.install(&acme(), PROBE_MANIFEST, modgate_artifacts::HTTP_PROBE).await;
        h.approve(&acme(), "http-probe", &PROBE_APPROVED).await;
        let (status, _, body) = json(h.client.get(h.url("/modules/http-probe/stream")).send().await.unwrap()).await;
        assert_eq!((status, code(&body)), (504, "timeout"));
        let (status, _, body) = json(h.client.get(h.url("/modules/http-probe/spin")).send().await.unwrap()).await;
        assert_eq!((status, code(&body)), (504, "timeout"));
        // The host keeps serving.
        assert_eq!(h.client.get(h.url("/modules/http-probe/echo")).send().await.unwrap().status().as_u16(), 200);
    });
}

#[test]
fn the_in_flight_cap_answers_503_busy_without_tripping_the_breaker() {
    modgate_tests::run(async {
        let mut config = test_http_config();
        config.breaker.failure_threshold = 1;
        // A long deadline: the spin must still hold the only slot when a
        // second request gets through on a loaded machine.
        let h = http_harness_with(config, http_deadline(1, Duration::from_secs(2))).await;
        h.install(&acme(), PROBE_MANIFEST, modgate_artifacts::HTTP_PROBE).await;
        h.approve(&acme(), "http-probe", &PROBE_APPROVED).await;
        let client = h.client.clone();
        let echo = h.url("/modules/http-probe/echo");
        let spin = || {
            let client = client.clone();
            let url = h.url("/modules/http-probe/spin");
            tokio::spawn(async move { client.get(url).send().await.map(|r| r.status().as_u16()) })
        };
        // Ask until the spinning request holds the only slot. Either request
        // can be the one refused, so a spin that was itself refused is retried.
        let mut seen_busy = None;
        let mut spin_status = None;
        for _ in 0..50 {
            let spinning = spin();
            while !spinning.is_finished() && seen_busy.is_none() {
                let (status, headers, body) = json(client.get(&echo).send().await.unwrap()).await;
                if status == 503 {
                    seen_busy = Some((code(&body).to_owned(), headers.get("retry-after").is_some()));
                }
            }
            let status = spinning.await.unwrap().unwrap();
            if seen_busy.is_some() {
                spin_status = Some(status);
                break;
            }
            assert_eq!(status, 503, "a spin that ran would have been answered 504");
        }
        assert_eq!(seen_busy, Some(("busy".to_owned(), true)), "a second request found the module busy");
        assert_eq!(spin_status, Some(504));
        // The spin's timeout opened the breaker (threshold 1); busy answers did not count.
        let (status, _, body) = json(client.get(&echo).send().await.unwrap()).await;
        assert_eq!((status, code(&body)), (503, "breaker-open"));
    });
}
