//! Response hygiene: headers that could attack the client never leave, the
//! two protective headers are always set, and the length is the host's.

use modgate_tests::http::{code, json};

use super::probe_harness;

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
    });
}
