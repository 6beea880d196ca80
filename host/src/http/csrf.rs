//! Cross-site request forgery on session-authenticated requests.
//!
//! A browser attaches the shop's session cookie to requests other pages
//! start (a form on another site, or a module's page if it could run
//! script). `SameSite` cookies already stop most of that; this rule does not
//! depend on the integrator getting the cookie attributes right. A
//! state-changing request (anything but `GET`, `HEAD`, `OPTIONS`) that is
//! authenticated by the session must come from a page of the same origin:
//!
//! - `Sec-Fetch-Site`, when the browser sends it (every current browser),
//!   must be exactly `same-origin`. `same-site` is not enough: tenants may
//!   live on sibling subdomains of one site.
//! - Otherwise `Origin` must name the origin the request was sent to: its
//!   host and port equal the `Host` header's (the origin scheme's default
//!   port when either gives none). The scheme itself cannot be compared:
//!   behind a TLS-terminating proxy the host does not see it. A sandboxed
//!   document's requests carry `Origin: null` and are refused.
//! - With neither header, the request is refused: every browser that could
//!   carry the cookie sends one of them on such requests, and other clients
//!   authenticate with a bearer token, which browsers never attach by
//!   themselves and so needs no such check.

use http::{HeaderMap, Method, header};

use crate::http::error::BridgeError;

/// Whether a session-authenticated request may proceed: safe methods always,
/// others only from the same origin.
pub fn check_same_origin(method: &Method, headers: &HeaderMap) -> Result<(), BridgeError> {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return Ok(());
    }
    let refused = |why: &str| {
        Err(BridgeError::cross_site(format!(
            "{why}; a signed-in {method} must come from this shop's own pages (or use an Authorization bearer token)"
        )))
    };
    if let Some(site) = single(headers, "sec-fetch-site") {
        return match site {
            Some("same-origin") => Ok(()),
            _ => refused(
                "the request was started by another site or an opaque document (Sec-Fetch-Site)",
            ),
        };
    }
    let origin = single(headers, header::ORIGIN.as_str());
    let host = single(headers, header::HOST.as_str());
    match (origin, host) {
        (Some(Some(origin)), Some(Some(host))) if same_authority(origin, host) => Ok(()),
        (None, _) => refused("the request has neither Sec-Fetch-Site nor Origin"),
        _ => refused("the request's Origin is not this shop"),
    }
}

/// `None` without the header; `Some(None)` when it is repeated or not text.
fn single<'a>(headers: &'a HeaderMap, name: &str) -> Option<Option<&'a str>> {
    let mut values = headers.get_all(name).iter();
    let first = values.next()?;
    Some(match values.next() {
        Some(_) => None,
        None => first.to_str().ok(),
    })
}

/// Whether an `Origin` (`scheme://host[:port]`) names the `Host` a request
/// was sent to.
fn same_authority(origin: &str, host: &str) -> bool {
    let Some((scheme, authority)) = origin.split_once("://") else {
        return false;
    };
    let default_port = match scheme.to_ascii_lowercase().as_str() {
        "http" => 80,
        "https" => 443,
        _ => return false,
    };
    match (
        split_authority(authority, default_port),
        split_authority(host, default_port),
    ) {
        (Some((origin_host, origin_port)), Some((host, port))) => {
            origin_host.eq_ignore_ascii_case(host) && origin_port == port
        }
        _ => false,
    }
}

/// `host[:port]` or `[v6][:port]` into host and port; anything else (a
/// path, user info, an empty host, a bad port) is `None`.
fn split_authority(authority: &str, default_port: u16) -> Option<(&str, u16)> {
    if authority.contains(['/', '@', '?', '#']) {
        return None;
    }
    let (host, port) = match authority.strip_prefix('[') {
        Some(rest) => {
            let (host, after) = rest.split_once(']')?;
            (host, after.strip_prefix(':'))
        }
        None => match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        },
    };
    let port = match port {
        Some(digits) if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => {
            digits.parse().ok()?
        }
        Some(_) => return None,
        None => default_port,
    };
    (!host.is_empty()).then_some((host, port))
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_static(value));
        }
        map
    }

    fn code(method: Method, pairs: &[(&'static str, &'static str)]) -> Option<&'static str> {
        check_same_origin(&method, &headers(pairs))
            .err()
            .map(|e| e.code)
    }

    #[test]
    fn safe_methods_need_no_proof_of_origin() {
        for method in [Method::GET, Method::HEAD, Method::OPTIONS] {
            assert_eq!(code(method, &[("sec-fetch-site", "cross-site")]), None);
        }
    }

    #[test]
    fn same_origin_fetch_metadata_is_accepted() {
        assert_eq!(
            code(Method::POST, &[("sec-fetch-site", "same-origin")]),
            None
        );
        assert_eq!(
            code(
                Method::DELETE,
                &[("sec-fetch-site", "same-origin"), ("origin", "null")]
            ),
            None
        );
    }

    #[test]
    fn other_fetch_metadata_is_refused_even_with_a_matching_origin() {
        for site in ["cross-site", "same-site", "none", "Same-Origin", ""] {
            let pairs = [
                ("sec-fetch-site", site),
                ("origin", "http://shop.test"),
                ("host", "shop.test"),
            ];
            assert_eq!(
                code(Method::POST, &pairs),
                Some("cross-site-request"),
                "{site:?}"
            );
        }
        let twice = [
            ("sec-fetch-site", "same-origin"),
            ("sec-fetch-site", "cross-site"),
        ];
        assert_eq!(code(Method::POST, &twice), Some("cross-site-request"));
    }

    #[test]
    fn without_fetch_metadata_the_origin_must_be_the_requests_own() {
        for (origin, host) in [
            ("http://shop.test", "shop.test"),
            ("http://shop.test:80", "shop.test"),
            ("https://shop.test", "shop.test:443"),
            // Behind a TLS-terminating proxy the host cannot tell the scheme
            // from the Host header; host and port still have to match.
            ("https://shop.test", "shop.test"),
            ("http://127.0.0.1:8080", "127.0.0.1:8080"),
            ("HTTP://Shop.Test", "shop.test"),
            ("http://[::1]:8080", "[::1]:8080"),
        ] {
            assert_eq!(
                code(Method::POST, &[("origin", origin), ("host", host)]),
                None,
                "{origin} {host}"
            );
        }
        for (origin, host) in [
            ("null", "shop.test"),
            ("http://evil.test", "shop.test"),
            ("http://shop.test:8081", "shop.test:8080"),
            ("http://shop.test.evil.test", "shop.test"),
            ("http://globex.shop.test", "acme.shop.test"),
            ("ftp://shop.test", "shop.test"),
            ("http://user@shop.test", "shop.test"),
            ("http://shop.test/path", "shop.test"),
            ("http://shop.test:", "shop.test"),
            ("http://", ""),
        ] {
            assert_eq!(
                code(Method::POST, &[("origin", origin), ("host", host)]),
                Some("cross-site-request"),
                "{origin} {host}"
            );
        }
    }

    #[test]
    fn a_request_with_no_origin_information_is_refused() {
        assert_eq!(
            code(Method::POST, &[("host", "shop.test")]),
            Some("cross-site-request")
        );
        assert_eq!(code(Method::PUT, &[]), Some("cross-site-request"));
        assert_eq!(
            code(Method::PATCH, &[("origin", "http://shop.test")]),
            Some("cross-site-request"),
            "no Host to compare"
        );
    }
}
