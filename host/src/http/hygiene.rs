//! Header rules at the module boundary, in both directions.
//!
//! Requests: a module must never see the client's credentials (they belong to the host, which
//! has already turned them into a verified identity), must never believe a client-supplied
//! `modgate-*` header (only the host sets those), and gets the client address from the host,
//! not from forwarding headers the client could have written.
//!
//! Responses: a module must not set cookies or CORS policy for the shared origin, interfere
//! with the framing of the HTTP connection (length, encoding, hop-by-hop headers), or override
//! the gateway's caching. The host then pins two security headers.

use http::header::{HeaderMap, HeaderName, HeaderValue, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS};

/// Response headers a module may never set.
pub const BLOCKED_RESPONSE_HEADERS: [&str; 6] = [
    "set-cookie",
    "transfer-encoding",
    "content-length",
    "cache-control",
    "host",
    "connection",
];

/// Every response header with this prefix (CORS policy) is also blocked: CORS is decided by the
/// host for the whole origin, not by one module.
pub const BLOCKED_RESPONSE_PREFIX: &str = "access-control-";

/// Prefix reserved for headers the host sets; removed from client requests and module responses.
pub const HOST_HEADER_PREFIX: &str = "modgate-";

/// Hop-by-hop headers (RFC 9110 §7.6.1) not already in [`BLOCKED_RESPONSE_HEADERS`]: they
/// describe one connection and mean nothing once the host re-frames the response.
const RESPONSE_HOP_BY_HOP: [&str; 5] =
    ["keep-alive", "upgrade", "trailer", "te", "proxy-connection"];

/// Removed from client requests before a module sees them.
const STRIPPED_REQUEST_HEADERS: [&str; 15] = [
    // Credentials: the host verifies them and passes the result as `modgate-customer-id`.
    "authorization",
    "proxy-authorization",
    "cookie",
    // Hop-by-hop.
    "connection",
    "keep-alive",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "proxy-connection",
    // Client-writable address claims: the host passes the resolved address as `modgate-client-ip`.
    "forwarded",
    "x-forwarded-for",
    "x-forwarded-host",
    "x-forwarded-proto",
    "x-real-ip",
];

/// Request headers set by the host for modules. Any client-sent header with the `modgate-`
/// prefix is removed first, so modules can trust these.
pub mod names {
    /// The verified customer (`sub` of the customer token).
    pub const MODGATE_CUSTOMER_ID: &str = "modgate-customer-id";
    /// The verified customer's tenant, when the token carries one.
    pub const MODGATE_TENANT: &str = "modgate-tenant";
    /// The client address as resolved through trusted proxies.
    pub const MODGATE_CLIENT_IP: &str = "modgate-client-ip";
    /// The host-assigned request id, also used in logs.
    pub const MODGATE_REQUEST_ID: &str = "modgate-request-id";
    /// The mount path the module is served under.
    pub const MODGATE_MOUNT: &str = "modgate-mount";
    /// The module route that matched.
    pub const MODGATE_ROUTE: &str = "modgate-route";
}

/// Cleans a module's response headers. Returns the names removed (each once) for the module
/// log, then sets `x-content-type-options: nosniff` and `x-frame-options: DENY`, replacing
/// whatever the module set.
pub fn sanitize_response_headers(headers: &mut HeaderMap) -> Vec<HeaderName> {
    let connection_named = names_listed_in_connection(headers);
    let dropped: Vec<HeaderName> = headers
        .keys()
        .filter(|name| is_blocked_in_response(name) || connection_named.contains(name))
        .cloned()
        .collect();
    for name in &dropped {
        headers.remove(name);
    }
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    dropped
}

/// Cleans a client request before it reaches a module: credentials, `modgate-*`, hop-by-hop
/// headers (including any named in `Connection`) and forwarding headers are removed.
pub fn sanitize_request_headers(headers: &mut HeaderMap) {
    let connection_named = names_listed_in_connection(headers);
    let doomed: Vec<HeaderName> = headers
        .keys()
        .filter(|name| {
            let name = name.as_str();
            STRIPPED_REQUEST_HEADERS.contains(&name) || name.starts_with(HOST_HEADER_PREFIX)
        })
        .chain(connection_named.iter())
        .cloned()
        .collect();
    for name in &doomed {
        headers.remove(name);
    }
}

fn is_blocked_in_response(name: &HeaderName) -> bool {
    // `HeaderName` is always lower-case, so these comparisons are case-insensitive.
    let name = name.as_str();
    BLOCKED_RESPONSE_HEADERS.contains(&name)
        || RESPONSE_HOP_BY_HOP.contains(&name)
        || name.starts_with(BLOCKED_RESPONSE_PREFIX)
        || name.starts_with(HOST_HEADER_PREFIX)
}

/// Header names listed in `Connection` (RFC 9110 §7.6.1): those are hop-by-hop too.
/// Unparsable entries are skipped; there is nothing to remove for them.
fn names_listed_in_connection(headers: &HeaderMap) -> Vec<HeaderName> {
    headers
        .get_all(http::header::CONNECTION)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|list| list.split(','))
        .filter_map(|token| HeaderName::from_bytes(token.trim().as_bytes()).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header_map(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.append(
                HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        headers
    }

    fn sorted_names(names: &[HeaderName]) -> Vec<&str> {
        let mut names: Vec<&str> = names.iter().map(HeaderName::as_str).collect();
        names.sort_unstable();
        names
    }

    #[test]
    fn every_blocked_response_header_is_dropped_whatever_its_case_and_count() {
        for blocked in BLOCKED_RESPONSE_HEADERS {
            let shouted = blocked.to_ascii_uppercase();
            let mut headers = header_map(&[
                (&shouted, "1"),
                (blocked, "2"),
                ("content-type", "text/plain"),
            ]);
            let dropped = sanitize_response_headers(&mut headers);
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
        let dropped = sanitize_response_headers(&mut headers);
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
        let dropped = sanitize_response_headers(&mut headers);
        assert_eq!(
            sorted_names(&dropped),
            vec![
                "keep-alive",
                "modgate-anything",
                "modgate-customer-id",
                "proxy-connection",
                "te",
                "trailer",
                "upgrade",
            ]
        );
        let left: Vec<&str> = headers.keys().map(HeaderName::as_str).collect();
        assert_eq!(
            left.len(),
            2,
            "only the two security headers remain: {left:?}"
        );
    }

    #[test]
    fn headers_named_in_a_response_connection_header_are_dropped() {
        let mut headers = header_map(&[
            ("connection", "X-Hop, close"),
            ("x-hop", "1"),
            ("x-keep", "2"),
        ]);
        let dropped = sanitize_response_headers(&mut headers);
        assert_eq!(sorted_names(&dropped), vec!["connection", "x-hop"]);
        assert_eq!(headers["x-keep"], "2");
    }

    #[test]
    fn ordinary_response_headers_are_kept_with_all_their_values() {
        let mut headers = header_map(&[
            ("content-type", "application/json"),
            ("etag", "\"v1\""),
            ("vary", "accept"),
            ("vary", "accept-encoding"),
            ("x-module-version", "3"),
        ]);
        assert!(sanitize_response_headers(&mut headers).is_empty());
        let vary: Vec<_> = headers.get_all("vary").iter().collect();
        assert_eq!(vary, ["accept", "accept-encoding"]);
        assert_eq!(headers["etag"], "\"v1\"");
    }

    #[test]
    fn security_headers_override_module_values() {
        let mut headers = header_map(&[
            ("X-Frame-Options", "ALLOWALL"),
            ("x-frame-options", "SAMEORIGIN"),
            ("x-content-type-options", "sniff-away"),
        ]);
        let dropped = sanitize_response_headers(&mut headers);
        assert!(
            dropped.is_empty(),
            "overridden, not reported as dropped: {dropped:?}"
        );
        let frame: Vec<_> = headers.get_all(X_FRAME_OPTIONS).iter().collect();
        assert_eq!(frame, ["DENY"]);
        let sniff: Vec<_> = headers.get_all(X_CONTENT_TYPE_OPTIONS).iter().collect();
        assert_eq!(sniff, ["nosniff"]);
    }

    #[test]
    fn security_headers_are_added_to_bare_responses() {
        let mut headers = HeaderMap::new();
        assert!(sanitize_response_headers(&mut headers).is_empty());
        assert_eq!(headers[X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(headers[X_FRAME_OPTIONS], "DENY");
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
        let mut left: Vec<&str> = headers.keys().map(HeaderName::as_str).collect();
        left.sort_unstable();
        assert_eq!(left, vec!["accept", "content-type", "host"]);
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
        let left: Vec<&str> = headers.keys().map(HeaderName::as_str).collect();
        assert_eq!(left, vec!["x-modgate-lookalike"]);
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
        let left: Vec<&str> = headers.keys().map(HeaderName::as_str).collect();
        assert_eq!(left, vec!["x-kept"]);
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
        let left: Vec<&str> = headers.keys().map(HeaderName::as_str).collect();
        assert_eq!(left, vec!["x-kept"]);
    }
}
