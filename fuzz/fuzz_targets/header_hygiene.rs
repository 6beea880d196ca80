//! Header hygiene in both directions on any header list. A request that
//! reaches a module carries no client credential, no connection header and
//! no `modgate-*` header the client wrote; a response that leaves a module
//! carries none of the headers that act beyond it (cookies, origin-wide
//! policy, authentication prompts, framing), its Location stays under the
//! module's mount whoever resolves it, and the host's pinned headers are
//! set exactly once with the host's values.
#![no_main]

use http::header::{HeaderMap, HeaderName, HeaderValue};
use libfuzzer_sys::fuzz_target;
use modgate_host::http::hygiene::{
    HOST_HEADER_PREFIX, MODULE_CONTENT_SECURITY_POLICY, RequestHeaderClass, drop_response_headers,
    sanitize_request_headers, set_protective_headers,
};

const MOUNT: &str = "/modules/fuzz";

/// Response headers that must never leave a module (SPEC §8), whatever the
/// classes say.
const NEVER_FROM_A_MODULE: &[&str] = &[
    "set-cookie",
    "set-cookie2",
    "clear-site-data",
    "strict-transport-security",
    "access-control-allow-origin",
    "access-control-allow-credentials",
    "www-authenticate",
    "proxy-authenticate",
    "service-worker-allowed",
    "transfer-encoding",
    "connection",
    "keep-alive",
    "upgrade",
    "cache-control",
    "expires",
    "alt-svc",
    "nel",
    "report-to",
    "timing-allow-origin",
    "x-accel-redirect",
    "x-sendfile",
    "host",
];

/// The input: one `name: value` header per line; lines that are no valid
/// header are skipped (the HTTP layer would not deliver them).
fn header_map(data: &[u8]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for line in data.split(|b| *b == b'\n') {
        let Some(colon) = line.iter().position(|b| *b == b':') else { continue };
        let (name, value) = (&line[..colon], line[colon + 1..].trim_ascii());
        if let (Ok(name), Ok(value)) = (HeaderName::from_bytes(name), HeaderValue::from_bytes(value)) {
            map.append(name, value);
        }
    }
    map
}

fuzz_target!(|data: &[u8]| {
    let sent = header_map(data);

    let mut request = sent.clone();
    let stripped = sanitize_request_headers(&mut request);
    for name in request.keys() {
        assert_eq!(RequestHeaderClass::of(name.as_str()), None, "{name} reached the module");
        assert!(!name.as_str().starts_with(HOST_HEADER_PREFIX), "a client's {name} reached the module");
        assert!(stripped.iter().all(|s| s.name != name), "{name} reported stripped but kept");
    }
    for name in ["authorization", "cookie", "proxy-authorization", "connection", "x-forwarded-for", "forwarded"] {
        assert!(!request.contains_key(name), "{name} reached the module");
    }

    let mut response = sent;
    if drop_response_headers(&mut response, MOUNT).is_err() {
        return;
    }
    for name in NEVER_FROM_A_MODULE {
        assert!(!response.contains_key(*name), "{name} left the module");
    }
    let base = url::Url::parse("https://shop.example/modules/fuzz/page").unwrap();
    for name in ["location", "content-location"] {
        for value in response.get_all(name) {
            let value = value.to_str().expect("checked values are visible ASCII");
            let target = base.join(value).unwrap_or_else(|e| panic!("{name} {value:?} kept but does not resolve: {e}"));
            assert_eq!(target.origin(), base.origin(), "{name} {value:?} leaves the shop");
            assert!(target.path().starts_with("/modules/fuzz/"), "{name} {value:?} resolves to {}", target.path());
        }
    }
    set_protective_headers(&mut response);
    for (name, value) in [
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("content-security-policy", MODULE_CONTENT_SECURITY_POLICY),
    ] {
        let values: Vec<_> = response.get_all(name).iter().collect();
        assert_eq!(values, [value], "{name}");
    }
});
