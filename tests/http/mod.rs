//! End-to-end tests of the HTTP bridge over real loopback HTTP: identity
//! (tokens and integrator sessions), header hygiene, credentials in query
//! strings, the sandboxing policy on module content, rate limiting,
//! approvals, the in-flight cap, the circuit breaker, body limits, slots,
//! and the wishlist reference module.

mod approvals;
mod breaker;
pub mod headers;
mod identity;
mod limits;
mod query;
mod rate_limit;
pub mod sandbox;
mod sessions;
mod slots;
mod wishlist;

use modgate_artifacts::HTTP_PROBE;
use modgate_tests::acme;
use modgate_tests::http::{HttpHarness, http_harness, test_http_config};

/// The probe's manifest: every route it has, plus one never approved.
pub const PROBE_MANIFEST: &str = r#"
name = "http-probe"
version = "1.0.0"
compatible-core = "^1.0"
slots = ["product-card.badges"]

[[routes]]
method = "GET"
path = "/echo"

[[routes]]
method = "POST"
path = "/echo"

[[routes]]
method = "GET"
path = "/headers"

[[routes]]
method = "GET"
path = "/lying-length"

[[routes]]
method = "GET"
path = "/status/{code}"

[[routes]]
method = "GET"
path = "/trap"

[[routes]]
method = "GET"
path = "/big/{bytes}"

[[routes]]
method = "GET"
path = "/spin"

[[routes]]
method = "GET"
path = "/stream"

[[routes]]
method = "GET"
path = "/trick/{name}"

[[routes]]
method = "GET"
path = "/unapproved"
"#;

/// Every probe route except `GET /unapproved`.
pub const PROBE_APPROVED: [&str; 10] = [
    "GET /echo",
    "POST /echo",
    "GET /headers",
    "GET /lying-length",
    "GET /status/{code}",
    "GET /trap",
    "GET /big/{bytes}",
    "GET /spin",
    "GET /stream",
    "GET /trick/{name}",
];

/// A bridge with the probe installed for `acme` and approved.
pub async fn probe_harness() -> HttpHarness {
    probe_harness_with(test_http_config()).await
}

/// [`probe_harness`] with a specific bridge configuration.
pub async fn probe_harness_with(config: modgate_host::http::HttpConfig) -> HttpHarness {
    let harness = http_harness(config).await;
    harness.install(&acme(), PROBE_MANIFEST, HTTP_PROBE).await;
    harness.approve(&acme(), "http-probe", &PROBE_APPROVED).await;
    harness
}

/// The headers a probe `/echo` received, lower-case name → values.
pub fn echoed_headers(body: &serde_json::Value) -> Vec<(String, String)> {
    body["headers"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|pair| {
            (
                pair[0].as_str().unwrap_or_default().to_ascii_lowercase(),
                pair[1].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// The values of one echoed header.
pub fn echoed(body: &serde_json::Value, name: &str) -> Vec<String> {
    echoed_headers(body)
        .into_iter()
        .filter(|(key, _)| key == name)
        .map(|(_, value)| value)
        .collect()
}
