use http::StatusCode;
use http::header::{
    CONTENT_SECURITY_POLICY, HeaderMap, HeaderValue, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};

use super::{header_map, left};
use crate::http::hygiene::response::{
    DroppedHeader, MODULE_CONTENT_SECURITY_POLICY, ResponseHeaderClass, ResponseRefused,
    check_status, drop_response_headers, sanitize_response_headers, set_protective_headers,
};

const MOUNT: &str = "/modules/wishlist";

fn sanitize(headers: &mut HeaderMap) -> Vec<DroppedHeader> {
    sanitize_response_headers(headers, MOUNT).expect("a well-formed response")
}

fn sorted_names(dropped: &[DroppedHeader]) -> Vec<&str> {
    let mut names: Vec<&str> = dropped.iter().map(|d| d.name.as_str()).collect();
    names.sort_unstable();
    names
}

#[test]
fn the_seeds_blocked_headers_are_dropped_whatever_their_case_and_count() {
    for blocked in [
        "set-cookie",
        "transfer-encoding",
        "content-length",
        "cache-control",
        "host",
        "connection",
    ] {
        let shouted = blocked.to_ascii_uppercase();
        let mut headers = header_map(&[
            (&shouted, "1"),
            (blocked, "2"),
            ("content-type", "text/plain"),
        ]);
        let dropped = sanitize(&mut headers);
        assert_eq!(sorted_names(&dropped), vec![blocked], "{blocked}");
        assert!(!headers.contains_key(blocked), "{blocked}");
        assert_eq!(headers["content-type"], "text/plain");
    }
}

#[test]
fn cors_headers_are_dropped_from_responses() {
    let mut headers = header_map(&[
        ("Access-Control-Allow-Origin", "*"),
        ("access-control-allow-credentials", "true"),
        ("ACCESS-CONTROL-EXPOSE-HEADERS", "x-secret"),
        ("access-control-max-age", "86400"),
        ("access-control-anything-new", "x"),
        ("accesscontrol-lookalike", "kept"),
    ]);
    let dropped = sanitize(&mut headers);
    assert_eq!(
        sorted_names(&dropped),
        vec![
            "access-control-allow-credentials",
            "access-control-allow-origin",
            "access-control-anything-new",
            "access-control-expose-headers",
            "access-control-max-age",
        ]
    );
    assert_eq!(headers["accesscontrol-lookalike"], "kept");
}

#[test]
fn hop_by_hop_and_host_reserved_headers_are_dropped_from_responses() {
    let mut headers = header_map(&[
        ("keep-alive", "timeout=5"),
        ("Upgrade", "websocket"),
        ("trailer", "x-checksum"),
        ("te", "trailers"),
        ("proxy-connection", "keep-alive"),
        ("Modgate-Customer-Id", "admin"),
        ("modgate-anything", "x"),
    ]);
    let dropped = sanitize(&mut headers);
    assert_eq!(
        sorted_names(&dropped),
        vec![
            "keep-alive",
            "modgate-anything",
            "modgate-customer-id",
            "proxy-connection",
            "te",
            "trailer",
            "upgrade"
        ]
    );
    assert_eq!(
        left(&headers),
        [
            "content-security-policy",
            "x-content-type-options",
            "x-frame-options"
        ],
        "only the host's protective headers remain"
    );
}

#[test]
fn headers_named_in_a_response_connection_header_are_dropped() {
    let mut headers = header_map(&[
        ("connection", "X-Hop, close"),
        ("x-hop", "1"),
        ("x-keep", "2"),
    ]);
    let dropped = sanitize(&mut headers);
    assert_eq!(sorted_names(&dropped), vec!["connection", "x-hop"]);
    assert!(
        dropped
            .iter()
            .all(|d| d.class == ResponseHeaderClass::Framing)
    );
    assert_eq!(headers["x-keep"], "2");
}

#[test]
fn a_location_inside_the_module_mount_is_kept() {
    for target in [
        "/modules/wishlist/items",
        "/modules/wishlist/items?sort=newest",
        "/modules/wishlist/",
    ] {
        for name in ["location", "content-location"] {
            let mut headers = header_map(&[(name, target)]);
            assert!(sanitize(&mut headers).is_empty(), "{name}: {target}");
            assert_eq!(headers[name], target);
        }
    }
}

#[test]
fn a_location_anywhere_else_is_dropped() {
    for target in [
        "https://evil.example/",
        "//evil.example/x",
        "/",
        "/login/cu-ada",
        "/modules/wishlist",
        "/modules/wishlist-evil/x",
        "/modules/other/items",
        "/modules/wishlist/../other",
        "/modules/wishlist/%2e%2e/other",
        "/modules/wishlist/a\\b",
        "items",
        "javascript:alert(1)",
    ] {
        for name in ["location", "content-location"] {
            let mut headers = header_map(&[(name, target)]);
            let dropped = sanitize(&mut headers);
            assert_eq!(dropped.len(), 1, "{name}: {target}");
            assert_eq!(dropped[0].class, ResponseHeaderClass::Navigation);
            assert!(!headers.contains_key(name), "{name}: {target}");
        }
    }
}

#[test]
fn two_locations_are_ambiguous_and_dropped() {
    let mut headers = header_map(&[
        ("location", "/modules/wishlist/a"),
        ("location", "/modules/wishlist/b"),
    ]);
    assert_eq!(sorted_names(&sanitize(&mut headers)), ["location"]);
    assert!(!headers.contains_key("location"));
}

#[test]
fn values_with_non_ascii_bytes_refuse_the_whole_response() {
    let mut headers = header_map(&[("content-type", "text/plain"), ("set-cookie", "a=b")]);
    headers.append("x-note", HeaderValue::from_bytes(b"caf\xe9").unwrap());
    let before = headers.clone();
    let refused = sanitize_response_headers(&mut headers, MOUNT).unwrap_err();
    assert_eq!(
        refused,
        ResponseRefused::InvalidValue {
            name: "x-note".into()
        }
    );
    assert_eq!(refused.code(), "protocol");
    assert_eq!(
        headers, before,
        "a refused response is left untouched, not half-cleaned"
    );
}

#[test]
fn disguised_spellings_of_dropped_headers_refuse_the_whole_response() {
    for (name, looks_like) in [
        ("set_cookie", "set-cookie"),
        ("set_cookie2", "set-cookie2"),
        ("x_accel_redirect", "x-accel-redirect"),
        ("x-sendfile_type", "x-sendfile-type"),
        ("access_control_allow_origin", "access-control-allow-origin"),
        ("cdn_cache_control", "cdn-cache-control"),
        ("modgate_customer_id", "modgate-customer-id"),
        ("www_authenticate", "www-authenticate"),
        ("strict_transport_security", "strict-transport-security"),
    ] {
        let mut headers = header_map(&[(name, "x")]);
        let refused = sanitize_response_headers(&mut headers, MOUNT).unwrap_err();
        assert_eq!(
            refused,
            ResponseRefused::LookAlike {
                name: name.into(),
                looks_like: looks_like.into()
            },
            "{name}"
        );
        assert_eq!(refused.code(), "protocol");
    }
}

#[test]
fn security_headers_override_module_values() {
    let mut headers = header_map(&[
        ("X-Frame-Options", "ALLOWALL"),
        ("x-frame-options", "SAMEORIGIN"),
        ("x-content-type-options", "sniff-away"),
        ("content-security-policy", "script-src * 'unsafe-inline'"),
    ]);
    let dropped = sanitize(&mut headers);
    assert!(
        dropped.is_empty(),
        "overridden, not reported as dropped: {dropped:?}"
    );
    let frame: Vec<_> = headers.get_all(X_FRAME_OPTIONS).iter().collect();
    assert_eq!(frame, ["DENY"]);
    let sniff: Vec<_> = headers.get_all(X_CONTENT_TYPE_OPTIONS).iter().collect();
    assert_eq!(sniff, ["nosniff"]);
    let csp: Vec<_> = headers.get_all(CONTENT_SECURITY_POLICY).iter().collect();
    assert_eq!(csp, [MODULE_CONTENT_SECURITY_POLICY]);
}

#[test]
fn dropping_alone_leaves_none_of_the_module_s_own_policy_headers() {
    let mut headers = header_map(&[
        ("x-frame-options", "ALLOWALL"),
        ("x-content-type-options", "sniff-away"),
        ("content-security-policy", "script-src *"),
        ("x-module-header", "kept"),
    ]);
    let dropped = drop_response_headers(&mut headers, MOUNT).expect("a well-formed response");
    assert!(dropped.is_empty(), "replaced by the host, not reported: {dropped:?}");
    for pinned in [X_FRAME_OPTIONS, X_CONTENT_TYPE_OPTIONS, CONTENT_SECURITY_POLICY] {
        assert!(headers.get(&pinned).is_none(), "{pinned}");
    }
    assert_eq!(headers["x-module-header"], "kept");
}

#[test]
fn a_module_report_only_policy_is_dropped_not_kept_beside_the_host_policy() {
    let mut headers = header_map(&[(
        "content-security-policy-report-only",
        "default-src *; report-uri https://evil.example/",
    )]);
    let dropped = sanitize(&mut headers);
    assert_eq!(
        sorted_names(&dropped),
        ["content-security-policy-report-only"]
    );
    assert_eq!(
        headers[CONTENT_SECURITY_POLICY],
        MODULE_CONTENT_SECURITY_POLICY
    );
}

#[test]
fn security_headers_are_added_to_bare_responses() {
    let mut headers = HeaderMap::new();
    assert!(sanitize(&mut headers).is_empty());
    assert_eq!(headers[X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(headers[X_FRAME_OPTIONS], "DENY");
    assert_eq!(
        headers[CONTENT_SECURITY_POLICY],
        MODULE_CONTENT_SECURITY_POLICY
    );
}

#[test]
fn the_module_policy_sandboxes_without_any_allowance() {
    let directives: Vec<&str> = MODULE_CONTENT_SECURITY_POLICY
        .split(';')
        .map(str::trim)
        .collect();
    assert_eq!(
        directives[0], "sandbox",
        "no allow-* flag: no script, no same origin, no forms"
    );
    assert!(directives.contains(&"default-src 'none'"));
    assert!(!MODULE_CONTENT_SECURITY_POLICY.contains("allow-"));
    assert!(!MODULE_CONTENT_SECURITY_POLICY.contains("script-src"));
    assert!(!MODULE_CONTENT_SECURITY_POLICY.contains("connect-src"));
    let mut headers = HeaderMap::new();
    set_protective_headers(&mut headers);
    assert_eq!(
        left(&headers),
        [
            "content-security-policy",
            "x-content-type-options",
            "x-frame-options"
        ]
    );
}

#[test]
fn only_final_statuses_are_passed_on() {
    for status in [100, 101, 103, 600, 999] {
        let refused = check_status(StatusCode::from_u16(status).unwrap()).unwrap_err();
        assert_eq!(refused, ResponseRefused::Status { status });
        assert_eq!(refused.code(), "protocol");
    }
    for status in [200, 204, 302, 404, 599] {
        assert!(
            check_status(StatusCode::from_u16(status).unwrap()).is_ok(),
            "{status}"
        );
    }
}
