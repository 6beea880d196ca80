//! Every response header class, both ways: its members are dropped, and the
//! headers modules legitimately send pass.

use http::header::HeaderName;

use super::header_map;
use crate::http::hygiene::response::{
    DroppedHeader, ResponseHeaderClass, sanitize_response_headers,
};

fn sanitize(headers: &mut http::HeaderMap) -> Vec<DroppedHeader> {
    sanitize_response_headers(headers, "/modules/wishlist").expect("a well-formed response")
}

/// Members of every class, as modules (or attackers) would write them.
const MEMBERS: &[(ResponseHeaderClass, &[&str])] = &[
    (
        ResponseHeaderClass::Cookie,
        &["set-cookie", "set-cookie2", "set-cookie-anything", "cookie"],
    ),
    (
        ResponseHeaderClass::OriginPolicy,
        &[
            "strict-transport-security",
            "clear-site-data",
            "service-worker-allowed",
            "alt-svc",
            "nel",
            "report-to",
            "reporting-endpoints",
            "timing-allow-origin",
            "access-control-allow-origin",
            "access-control-allow-credentials",
            "access-control-allow-private-network",
            "access-control-expose-headers",
            "access-control-anything-new",
            "accept-ch",
            "critical-ch",
            "origin-trial",
            "public-key-pins-report-only",
            "expect-ct",
        ],
    ),
    (
        ResponseHeaderClass::DocumentPolicy,
        &[
            "content-security-policy-report-only",
            "x-content-security-policy",
            "x-webkit-csp",
            "permissions-policy",
            "feature-policy",
            "document-policy",
            "cross-origin-opener-policy",
            "cross-origin-embedder-policy-report-only",
            "cross-origin-resource-policy",
            "origin-agent-cluster",
            "referrer-policy",
            "x-xss-protection",
        ],
    ),
    (
        ResponseHeaderClass::SharedCache,
        &[
            "cache-control",
            "cdn-cache-control",
            "cloudflare-cdn-cache-control",
            "vercel-cdn-cache-control",
            "x-litespeed-cache-control",
            "surrogate-control",
            "surrogate-key",
            "expires",
            "pragma",
            "age",
            "cache-tag",
            "edge-control",
            "xkey",
        ],
    ),
    (
        ResponseHeaderClass::ProxyDirective,
        &[
            "x-accel-redirect",
            "x-accel-buffering",
            "x-accel-expires",
            "x-accel-anything-new",
            "x-sendfile",
            "x-sendfile-type",
            "x-lighttpd-send-file",
            "x-reproxy-url",
            "x-envoy-upstream-service-time",
            "cf-cache-status",
            "fastly-debug",
            "x-middleware-rewrite",
            "status",
        ],
    ),
    (
        ResponseHeaderClass::AuthChallenge,
        &[
            "www-authenticate",
            "proxy-authenticate",
            "authentication-info",
            "proxy-authentication-info",
        ],
    ),
    (
        ResponseHeaderClass::Framing,
        &[
            "content-length",
            "transfer-encoding",
            "keep-alive",
            "upgrade",
            "trailer",
            "te",
            "proxy-connection",
            "host",
            "http2-settings",
        ],
    ),
    (
        ResponseHeaderClass::Navigation,
        &["refresh", "link", "speculation-rules"],
    ),
    (
        ResponseHeaderClass::HostReserved,
        &["modgate-customer-id", "modgate-anything"],
    ),
];

#[test]
fn every_class_drops_its_members_whatever_their_case() {
    for (class, names) in MEMBERS {
        for name in *names {
            assert_eq!(ResponseHeaderClass::of(name), Some(*class), "{name}");
            let shouted = name.to_ascii_uppercase();
            let mut headers =
                header_map(&[(&shouted, "1"), (name, "2"), ("content-type", "text/plain")]);
            let dropped = sanitize(&mut headers);
            assert_eq!(
                dropped,
                [DroppedHeader {
                    name: HeaderName::from_static(name),
                    class: *class
                }],
                "{name}"
            );
            assert!(!headers.contains_key(*name), "{name}");
            assert_eq!(headers["content-type"], "text/plain");
        }
    }
}

#[test]
fn every_class_is_pinned_by_a_member() {
    for class in ResponseHeaderClass::ALL {
        assert!(
            MEMBERS
                .iter()
                .any(|(member, names)| *member == class && !names.is_empty()),
            "{class:?}"
        );
    }
}

#[test]
fn headers_modules_legitimately_send_are_kept_with_all_their_values() {
    let kept = [
        ("content-type", "text/html; charset=utf-8"),
        ("content-language", "en"),
        (
            "content-disposition",
            "attachment; filename=\"wishlist.csv\"",
        ),
        ("content-encoding", "gzip"),
        ("etag", "\"v1\""),
        ("last-modified", "Tue, 01 Dec 2026 10:00:00 GMT"),
        ("vary", "accept"),
        ("vary", "accept-encoding"),
        ("retry-after", "30"),
        ("x-module-version", "3"),
        ("x-total-count", "12"),
        (
            "x-custom_header",
            "underscores outside every class are fine",
        ),
        ("x-set-cookie-note", "not a cookie"),
        ("accesscontrol-lookalike", "kept"),
        ("x-accelerated", "kept"),
        ("x-cache", "HIT"),
    ];
    let mut headers = header_map(&kept);
    assert!(sanitize(&mut headers).is_empty());
    let vary: Vec<_> = headers.get_all("vary").iter().collect();
    assert_eq!(vary, ["accept", "accept-encoding"]);
    for (name, value) in kept.iter().filter(|(name, _)| *name != "vary") {
        assert_eq!(headers[*name], *value, "{name}");
    }
}
