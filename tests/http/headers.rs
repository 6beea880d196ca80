//! Response hygiene: headers that could attack the client never leave, the
//! two protective headers are always set, and the length is the host's.

use modgate_host::http::hygiene::MODULE_CONTENT_SECURITY_POLICY;
use modgate_tests::http::{code, json};

use super::{echoed, probe_harness};

#[test]
pub fn blocked_response_headers_are_dropped_and_protective_ones_set() {
    modgate_tests::run(async {
        let h = probe_harness().await;
        let response = h.client.get(h.url("/modules/http-probe/headers")).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 200);
        let headers = response.headers().clone();
        for blocked in [
            "set-cookie",
            "access-control-allow-origin",
            "access-control-allow-credentials",
            "cache-control",
            "transfer-encoding",
            "connection",
            "modgate-customer-id",
        ] {
            assert!(headers.get(blocked).is_none(), "{blocked} must be dropped");
        }
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(headers["x-frame-options"], "DENY");
        assert_eq!(headers.get_all("x-frame-options").iter().count(), 1);
        assert_eq!(headers["content-security-policy"], MODULE_CONTENT_SECURITY_POLICY);
        assert_eq!(headers["x-module-header"], "kept");
        assert_eq!(headers.get_all("content-length").iter().count(), 1);
        assert_eq!(headers["content-length"], "13", "set by the host from the body it holds");
        assert_eq!(response.text().await.unwrap(), "headers probe");
    });
}

#[test]
fn a_length_that_does_not_match_the_body_is_a_protocol_error() {
    modgate_tests::run(async {
        let h = probe_harness().await;
        let (status, _, body) = json(h.client.get(h.url("/modules/http-probe/lying-length")).send().await.unwrap()).await;
        assert_eq!((status, code(&body)), (502, "protocol"));
    });
}

#[test]
fn host_answers_carry_the_protective_headers_too() {
    modgate_tests::run(async {
        let h = probe_harness().await;
        let (status, headers, body) = json(h.client.get(h.url("/modules/http-probe/nowhere")).send().await.unwrap()).await;
        assert_eq!((status, code(&body)), (404, "not-found"));
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(headers["x-frame-options"], "DENY");
        assert_eq!(headers["content-security-policy"], MODULE_CONTENT_SECURITY_POLICY);
    });
}

fn probe_log(h: &modgate_tests::http::HttpHarness) -> Vec<String> {
    h.lifecycle
        .module(&modgate_tests::acme(), "http-probe")
        .unwrap()
        .log()
        .lines()
        .into_iter()
        .map(|line| line.message)
        .collect()
}

#[test]
fn every_header_class_is_dropped_while_ordinary_headers_pass() {
    modgate_tests::run(async {
        let h = probe_harness().await;
        let response = h.client.get(h.url("/modules/http-probe/trick/every-class")).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 200);
        let headers = response.headers().clone();
        for dropped in [
            "set-cookie2",
            "strict-transport-security",
            "clear-site-data",
            "service-worker-allowed",
            "access-control-allow-private-network",
            "content-security-policy-report-only",
            "cdn-cache-control",
            "surrogate-control",
            "expires",
            "x-accel-redirect",
            "x-sendfile",
            "www-authenticate",
            "refresh",
            "link",
            "location",
            "modgate-tenant",
        ] {
            assert!(headers.get(dropped).is_none(), "{dropped} must be dropped");
        }
        for (kept, value) in [
            ("content-type", "text/plain"),
            ("etag", "\"v7\""),
            ("last-modified", "Tue, 01 Dec 2026 10:00:00 GMT"),
            ("vary", "accept-language"),
            ("x-module-header", "kept"),
        ] {
            assert_eq!(headers[kept], value, "{kept} must be kept");
        }
        assert_eq!(headers["content-security-policy"], MODULE_CONTENT_SECURITY_POLICY);
        assert_eq!(response.text().await.unwrap(), "every class");
        let log = probe_log(&h);
        assert!(
            log.iter().any(|l| l.starts_with("http GET /trick/{name}: response headers dropped:")
                && l.contains("x-accel-redirect (proxy-directive)")
                && l.contains("strict-transport-security (origin-policy)")),
            "the module author can read what was dropped and why: {log:?}"
        );
    });
}

#[test]
fn a_non_ascii_header_value_makes_the_whole_response_a_502() {
    modgate_tests::run(async {
        let h = probe_harness().await;
        let response = h.client.get(h.url("/modules/http-probe/trick/bad-value")).send().await.unwrap();
        assert!(response.headers().get("x-note").is_none());
        let (status, headers, body) = json(response).await;
        assert_eq!((status, code(&body)), (502, "protocol"));
        assert!(!body.to_string().contains("bad value"), "none of the module's bytes reach the client");
        assert_eq!(headers["content-security-policy"], MODULE_CONTENT_SECURITY_POLICY);
        let log = probe_log(&h);
        assert!(log.iter().any(|l| l.contains("response refused (protocol)") && l.contains("x-note")), "{log:?}");
    });
}

#[test]
fn a_disguised_cookie_header_makes_the_whole_response_a_502() {
    modgate_tests::run(async {
        let h = probe_harness().await;
        let response = h.client.get(h.url("/modules/http-probe/trick/lookalike-cookie")).send().await.unwrap();
        assert!(response.headers().get("set_cookie").is_none() && response.headers().get("set-cookie").is_none());
        let (status, _, body) = json(response).await;
        assert_eq!((status, code(&body)), (502, "protocol"));
    });
}

#[test]
fn header_names_that_are_not_tokens_never_reach_the_client() {
    modgate_tests::run(async {
        let h = probe_harness().await;
        let response = h.client.get(h.url("/modules/http-probe/trick/invalid-names")).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 200);
        assert!(response.headers().get("set-cookie").is_none());
        let (_, _, body) = json(response).await;
        // `wasi:http/types` answers `invalid-syntax` to the guest for each one.
        assert_eq!(body["accepted"], serde_json::json!([]), "{body}");
    });
}

#[test]
fn informational_statuses_are_a_protocol_error() {
    modgate_tests::run(async {
        let h = probe_harness().await;
        for status in [101, 103, 600] {
            let (got, _, body) = json(h.client.get(h.url(&format!("/modules/http-probe/status/{status}"))).send().await.unwrap()).await;
            assert_eq!((got, code(&body)), (502, "protocol"), "{status}");
        }
    });
}

#[test]
fn a_redirect_stays_inside_the_module_mount() {
    modgate_tests::run(async {
        let h = probe_harness().await;
        let inside = h.client.get(h.url("/modules/http-probe/trick/redirect-inside")).send().await.unwrap();
        assert_eq!(inside.status().as_u16(), 303);
        assert_eq!(inside.headers()["location"], "/modules/http-probe/echo?from=trick");
        let outside = h.client.get(h.url("/modules/http-probe/trick/redirect-outside")).send().await.unwrap();
        assert_eq!(outside.status().as_u16(), 302);
        assert!(outside.headers().get("location").is_none(), "an open redirect on the shop's origin is dropped");
    });
}

#[test]
fn every_answer_carries_its_request_id_and_only_host_answers_say_no_store() {
    modgate_tests::run(async {
        let h = probe_harness().await;
        let (status, headers, body) = json(h.client.get(h.url("/modules/http-probe/echo")).send().await.unwrap()).await;
        assert_eq!(status, 200);
        assert_eq!(echoed(&body, "modgate-request-id"), [headers["x-request-id"].to_str().unwrap()], "the module saw the same id");
        assert!(headers.get("cache-control").is_none(), "the host sends no caching directive for a module's answer");
        let (status, refused, _) = json(h.client.get(h.url("/modules/http-probe/nowhere")).send().await.unwrap()).await;
        assert_eq!(status, 404);
        let (status, slot, _) = json(h.client.get(h.url("/slots/product-card.badges?product=p-1")).send().await.unwrap()).await;
        assert_eq!(status, 200);
        for host_answer in [&refused, &slot] {
            assert_eq!(host_answer["x-request-id"].len(), 26, "a ULID");
            assert_ne!(host_answer["x-request-id"], headers["x-request-id"]);
            assert_eq!(host_answer["cache-control"], "no-store");
            assert_eq!(host_answer["content-security-policy"], MODULE_CONTENT_SECURITY_POLICY);
        }
    });
}
