//! Step 1, a layer in front of every route: who the client is and whether
//! its token bucket allows one more request.
//!
//! First because it is the cheapest check and the one that protects the
//! rest: nothing else (no tenant lookup, no token verification, no database
//! read) runs for a client over its limit.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::HeaderMap;

use crate::http::bridge::ModuleBridge;
use crate::http::client_ip::TrustedProxies;
use crate::http::config::HttpConfigError;
use crate::http::error::BridgeError;
use crate::http::rate_limit::{RateLimitConfig, RateLimiter};

/// The client's address as step 1 resolved it (through trusted proxies), for
/// the steps after it (`modgate-client-ip`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ClientAddress(pub IpAddr);

/// Trusted proxies and the per-client token buckets.
#[derive(Debug)]
pub(crate) struct ClientAdmission {
    proxies: TrustedProxies,
    limiter: Arc<RateLimiter>,
}

impl ClientAdmission {
    /// Checks the configuration; inside a Tokio runtime, also starts the
    /// periodic cleanup of idle buckets.
    pub fn new(
        trusted_proxies: &[String],
        rate_limit: &RateLimitConfig,
    ) -> Result<Self, HttpConfigError> {
        let proxies = TrustedProxies::parse(trusted_proxies)?;
        let limiter = Arc::new(RateLimiter::new(rate_limit)?);
        if tokio::runtime::Handle::try_current().is_ok() {
            limiter.spawn_cleanup();
        }
        Ok(ClientAdmission { proxies, limiter })
    }

    /// The client of a request from `peer` (the socket address; `None` when
    /// the application serves without connect info), if its bucket has a
    /// token: 429 `rate-limited` otherwise.
    pub fn admit(
        &self,
        peer: Option<IpAddr>,
        headers: &HeaderMap,
    ) -> Result<ClientAddress, BridgeError> {
        let peer = peer.ok_or_else(|| {
            tracing::error!("the application serves modgate without connect info; use into_make_service_with_connect_info::<SocketAddr>()");
            BridgeError::internal("the host is misconfigured")
        })?;
        let client = self.proxies.client_ip(peer, headers);
        self.limiter
            .check(client)
            .map_err(|refused| BridgeError::rate_limited(&refused))?;
        Ok(ClientAddress(client))
    }
}

/// The layer: admits the client or answers the refusal.
pub(super) async fn admit_client(
    State(bridge): State<Arc<ModuleBridge>>,
    mut request: Request,
    next: Next,
) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip());
    match bridge.admission.admit(peer, request.headers()) {
        Ok(client) => {
            request.extensions_mut().insert(client);
            next.run(request).await
        }
        Err(refused) => refused.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::*;

    fn admission(capacity: u32, trusted_proxies: &[&str]) -> ClientAdmission {
        let proxies: Vec<String> = trusted_proxies.iter().map(|p| (*p).to_owned()).collect();
        let limit = RateLimitConfig {
            capacity,
            refill_per_second: 1,
            ..RateLimitConfig::default()
        };
        ClientAdmission::new(&proxies, &limit).unwrap()
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn a_client_over_its_bucket_is_refused_with_429_and_a_wait() {
        let admission = admission(2, &[]);
        let peer = Some(ip("203.0.113.9"));
        assert_eq!(
            admission.admit(peer, &HeaderMap::new()),
            Ok(ClientAddress(ip("203.0.113.9")))
        );
        assert!(admission.admit(peer, &HeaderMap::new()).is_ok());
        let refused = admission.admit(peer, &HeaderMap::new()).unwrap_err();
        assert_eq!(
            (refused.status.as_u16(), refused.code, refused.retry_after),
            (429, "rate-limited", Some(1))
        );
        assert!(
            admission
                .admit(Some(ip("203.0.113.10")), &HeaderMap::new())
                .is_ok(),
            "another client"
        );
    }

    #[test]
    fn behind_a_trusted_proxy_the_forwarded_client_is_admitted_and_passed_on() {
        let admission = admission(1, &["10.0.0.0/8"]);
        let headers = HeaderMap::from_iter([(
            "x-forwarded-for".parse().unwrap(),
            HeaderValue::from_static("198.51.100.7"),
        )]);
        assert_eq!(
            admission.admit(Some(ip("10.0.0.1")), &headers),
            Ok(ClientAddress(ip("198.51.100.7")))
        );
        assert_eq!(
            admission
                .admit(Some(ip("10.0.0.1")), &headers)
                .unwrap_err()
                .code,
            "rate-limited"
        );
        assert!(
            admission
                .admit(Some(ip("10.0.0.1")), &HeaderMap::new())
                .is_ok(),
            "the proxy itself has its own bucket"
        );
    }

    #[test]
    fn serving_without_connect_info_is_an_internal_error_not_a_free_pass() {
        let refused = admission(1, &[])
            .admit(None, &HeaderMap::new())
            .unwrap_err();
        assert_eq!((refused.status.as_u16(), refused.code), (500, "internal"));
    }

    #[test]
    fn unusable_settings_are_refused_when_the_bridge_is_built() {
        let zero = RateLimitConfig {
            capacity: 0,
            ..RateLimitConfig::default()
        };
        assert!(matches!(
            ClientAdmission::new(&[], &zero),
            Err(HttpConfigError::RateLimit(_))
        ));
        let everyone = ["0.0.0.0/0".to_owned()];
        assert!(matches!(
            ClientAdmission::new(&everyone, &RateLimitConfig::default()),
            Err(HttpConfigError::Proxies(_))
        ));
    }
}
