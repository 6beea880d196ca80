use http::header::HeaderValue;

use super::{header_map, left};
use crate::http::hygiene::HOST_HEADER_PREFIX;
use crate::http::hygiene::names;
use crate::http::hygiene::request::{RequestHeaderClass, sanitize_request_headers};

/// Members of every class, as clients (or attackers) would write them.
const MEMBERS: &[(RequestHeaderClass, &[&str])] = &[
    (
        RequestHeaderClass::Credential,
        &[
            "authorization",
            "Proxy-Authorization",
            "cookie",
            "cookie2",
            "x-api-key",
            "api-key",
            "x-access-token",
            "x-id-token",
            "x-session-token",
        ],
    ),
    (
        RequestHeaderClass::IdentityClaim,
        &[
            "x-customer-id",
            "X-Customer",
            "x-user-id",
            "x-user",
            "x-userid",
            "x-username",
            "x-user-email",
            "x-tenant",
            "x-tenant-id",
            "x-account-id",
            "x-principal",
            "x-forwarded-user",
            "x-forwarded-email",
            "x-forwarded-groups",
            "x-remote-user",
            "remote-user",
            "x-authenticated-user",
            "x-authenticated-userid",
            "x-auth-request-user",
            "x-auth-token",
            "x-consumer-id",
            "x-credential-identifier",
            "x-ms-client-principal-name",
            "x-goog-authenticated-user-email",
            "x-goog-iap-jwt-assertion",
            "x-amzn-oidc-identity",
            "x-webauth-user",
            "x-role",
            "x-groups",
            "x_customer_id",
            "X_USER_ID",
            "remote_user",
        ],
    ),
    (
        RequestHeaderClass::AddressClaim,
        &[
            "forwarded",
            "x-forwarded-for",
            "x-forwarded-host",
            "x-forwarded-proto",
            "x-forwarded-port",
            "x-forwarded-prefix",
            "x-real-ip",
            "x-client-ip",
            "true-client-ip",
            "cf-connecting-ip",
            "x_forwarded_for",
        ],
    ),
    (
        RequestHeaderClass::HostReserved,
        &[
            "modgate-customer-id",
            "MODGATE-TENANT",
            "modgate_customer_id",
            "modgate-future",
        ],
    ),
    (
        RequestHeaderClass::HopByHop,
        &[
            "connection",
            "keep-alive",
            "te",
            "trailer",
            "transfer-encoding",
            "upgrade",
            "proxy-connection",
        ],
    ),
];

#[test]
fn every_class_strips_its_members_in_any_case_or_underscore_spelling() {
    for (class, names) in MEMBERS {
        for name in *names {
            assert_eq!(RequestHeaderClass::of(name), Some(*class), "{name}");
            let mut headers = header_map(&[(name, "forged"), ("accept", "*/*")]);
            let stripped = sanitize_request_headers(&mut headers);
            assert_eq!(stripped.len(), 1, "{name}");
            assert_eq!(stripped[0].class, *class, "{name}");
            assert_eq!(left(&headers), ["accept"], "{name}");
        }
    }
}

#[test]
fn every_class_is_pinned_by_a_member() {
    for class in RequestHeaderClass::ALL {
        assert!(
            MEMBERS
                .iter()
                .any(|(member, names)| *member == class && !names.is_empty()),
            "{class:?}"
        );
    }
}

#[test]
fn ordinary_request_headers_reach_the_module() {
    let kept = [
        "accept",
        "accept-language",
        "content-type",
        "user-agent",
        "if-none-match",
        "origin",
        "referer",
        "sec-fetch-site",
        "x-requested-with",
        "x-module-client",
        "x-usual-suspect",
        "x-modgate-lookalike",
        "host",
    ];
    let pairs: Vec<(&str, &str)> = kept.iter().map(|name| (*name, "v")).collect();
    let mut headers = header_map(&pairs);
    assert!(sanitize_request_headers(&mut headers).is_empty());
    let mut expected = kept.to_vec();
    expected.sort_unstable();
    assert_eq!(left(&headers), expected);
}

#[test]
fn credentials_and_forwarding_headers_are_stripped_from_requests() {
    let mut headers = header_map(&[
        ("Authorization", "Bearer secret-token"),
        ("proxy-authorization", "Basic eA=="),
        ("Cookie", "session=1"),
        ("cookie", "other=2"),
        ("forwarded", "for=1.2.3.4"),
        ("X-Forwarded-For", "1.2.3.4"),
        ("x-forwarded-host", "evil.example"),
        ("x-forwarded-proto", "http"),
        ("X-Real-IP", "1.2.3.4"),
        ("content-type", "application/json"),
        ("accept", "*/*"),
        ("host", "api.example"),
    ]);
    sanitize_request_headers(&mut headers);
    assert_eq!(left(&headers), vec!["accept", "content-type", "host"]);
}

#[test]
fn client_supplied_modgate_headers_are_stripped_in_any_case() {
    let mut headers = header_map(&[
        ("MODGATE-CUSTOMER-ID", "admin"),
        ("Modgate-Tenant", "other-tenant"),
        ("modgate-Client-IP", "127.0.0.1"),
        ("mOdGaTe-future-header", "x"),
        ("x-modgate-lookalike", "kept"),
    ]);
    sanitize_request_headers(&mut headers);
    assert_eq!(left(&headers), vec!["x-modgate-lookalike"]);
}

#[test]
fn every_host_set_name_is_reserved_against_forgery() {
    let all = [
        names::MODGATE_CUSTOMER_ID,
        names::MODGATE_TENANT,
        names::MODGATE_CLIENT_IP,
        names::MODGATE_REQUEST_ID,
        names::MODGATE_MOUNT,
        names::MODGATE_ROUTE,
    ];
    for name in all {
        assert!(name.starts_with(HOST_HEADER_PREFIX), "{name}");
        let mut headers = header_map(&[(name, "forged")]);
        sanitize_request_headers(&mut headers);
        assert!(headers.is_empty(), "{name}");
        let underscored = name.replace('-', "_");
        let mut headers = header_map(&[(&underscored, "forged")]);
        sanitize_request_headers(&mut headers);
        assert!(headers.is_empty(), "{underscored}");
    }
}

#[test]
fn hop_by_hop_request_headers_and_those_named_in_connection_are_stripped() {
    let mut headers = header_map(&[
        ("Connection", "keep-alive, X-Internal-Hop"),
        ("connection", "x-second-hop , Upgrade"),
        ("x-internal-hop", "1"),
        ("X-Second-Hop", "2"),
        ("keep-alive", "timeout=5"),
        ("te", "trailers"),
        ("trailer", "x-sum"),
        ("transfer-encoding", "chunked"),
        ("upgrade", "h2c"),
        ("proxy-connection", "keep-alive"),
        ("x-kept", "3"),
    ]);
    sanitize_request_headers(&mut headers);
    assert_eq!(left(&headers), vec!["x-kept"]);
}

#[test]
fn junk_in_connection_is_ignored() {
    let mut headers = header_map(&[
        ("connection", " , bad name, @@, x-hop"),
        ("x-hop", "1"),
        ("x-kept", "2"),
    ]);
    headers.append("connection", HeaderValue::from_bytes(b"\xff\xfe").unwrap());
    sanitize_request_headers(&mut headers);
    assert_eq!(left(&headers), vec!["x-kept"]);
}
