//! The integrator's own sign-in, verified by the host.
//!
//! A bearer token in `Authorization` is the API client's way in. A browser
//! page is better served by a session cookie the page's script can never
//! read (`HttpOnly`), so that nothing a page shows — and nothing a module's
//! content could get at — holds a credential. The integrator knows what its
//! sessions look like; the host asks it through a [`SessionResolver`]
//! registered with [`ModuleBridge::with_sessions`](crate::http::ModuleBridge::with_sessions),
//! and then treats the answer like a verified token: the module receives
//! `modgate-customer-id`, never the cookie (all cookies are stripped before
//! a module sees the request).
//!
//! Browsers attach cookies to requests that other pages start, so a
//! state-changing request authenticated by the session must also prove it
//! comes from the shop's own pages ([`crate::http::csrf`]).

use http::HeaderMap;

use crate::tenant::TenantId;

/// Turns the integrator's session (a cookie, usually) into the customer it
/// was issued for.
///
/// Called for requests without an `Authorization` header. Return
/// `Ok(None)` when the request carries no session of yours (the request is
/// then anonymous), `Ok(Some(customer_id))` for a session you verified for
/// `tenant` (1-128 printable ASCII characters without spaces; it is passed
/// to modules verbatim), and `Err` for one you recognise as yours but refuse
/// (forged, expired, another tenant's): the client gets 401
/// `session-invalid`. Runs on the request path: keep it fast and
/// non-blocking (verify a signature, read a cache).
pub trait SessionResolver: Send + Sync {
    /// The verified customer of `tenant` the request's session speaks for.
    fn customer(
        &self,
        tenant: &TenantId,
        headers: &HeaderMap,
    ) -> Result<Option<String>, SessionRefused>;
}

impl<F> SessionResolver for F
where
    F: Fn(&TenantId, &HeaderMap) -> Result<Option<String>, SessionRefused> + Send + Sync,
{
    fn customer(
        &self,
        tenant: &TenantId,
        headers: &HeaderMap,
    ) -> Result<Option<String>, SessionRefused> {
        self(tenant, headers)
    }
}

/// Why a session was refused. The message reaches the client: say what to
/// do (sign in again), never echo the session's value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SessionRefused(pub String);

/// Reads one cookie's value from the request's `Cookie` headers (the first
/// with that name), for resolvers built on a cookie.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::*;

    #[test]
    fn a_cookie_is_found_among_others_and_across_headers() {
        let mut headers = HeaderMap::new();
        headers.append(
            "cookie",
            HeaderValue::from_static("theme=dark; session=abc"),
        );
        headers.append("cookie", HeaderValue::from_static("other=1"));
        assert_eq!(cookie(&headers, "session"), Some("abc"));
        assert_eq!(cookie(&headers, "other"), Some("1"));
        assert_eq!(cookie(&headers, "sess"), None);
        assert_eq!(cookie(&headers, "missing"), None);
    }

    #[test]
    fn a_closure_is_a_resolver() {
        let resolver =
            |tenant: &TenantId, headers: &HeaderMap| -> Result<Option<String>, SessionRefused> {
                match cookie(headers, "session") {
                    Some("good") => Ok(Some(format!("cu-of-{tenant}"))),
                    Some(_) => Err(SessionRefused("sign in again".into())),
                    None => Ok(None),
                }
            };
        let tenant = TenantId::new("acme").unwrap();
        let mut headers = HeaderMap::new();
        assert_eq!(resolver.customer(&tenant, &headers), Ok(None));
        headers.insert("cookie", HeaderValue::from_static("session=good"));
        assert_eq!(
            resolver.customer(&tenant, &headers),
            Ok(Some("cu-of-acme".into()))
        );
        headers.insert("cookie", HeaderValue::from_static("session=bad"));
        assert_eq!(
            resolver.customer(&tenant, &headers),
            Err(SessionRefused("sign in again".into()))
        );
    }
}
