//! Configuration of the HTTP bridge, and why it can be refused.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Deserialize;

use crate::breaker::BreakerConfig;
use crate::http::client_ip::InvalidCidr;
use crate::http::identity::{IdentityConfig, IdentityConfigError};
use crate::http::rate_limit::{RateLimitConfig, RateLimitConfigError};
use crate::seconds::duration_from_fractional_seconds;

/// How the bridge serves modules. Every field has a safe default.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, rename_all = "kebab-case", deny_unknown_fields)]
pub struct HttpConfig {
    /// The tenant served when the `Host` header matches no entry of
    /// `tenant-hosts`; without one such requests answer 404.
    pub default_tenant: Option<String>,
    /// Host name (without port, lower case) → tenant.
    pub tenant_hosts: BTreeMap<String, String>,
    /// Largest request body passed to a module; larger ones answer 413.
    pub max_request_body_bytes: usize,
    /// Largest response body a module may produce; larger ones answer 502.
    pub max_response_body_bytes: usize,
    /// Per-client-IP token bucket.
    pub rate_limit: RateLimitConfig,
    /// Proxies whose `X-Forwarded-For` is believed (CIDRs). Empty: the
    /// socket address is the client.
    pub trusted_proxies: Vec<String>,
    /// How customer tokens are verified.
    pub identity: IdentityConfig,
    /// Whether a token must name the tenant it was issued for (claim
    /// `identity.tenant-claim`). Keep this on when several tenants share
    /// signing keys: otherwise a customer of one tenant could act in another.
    pub require_tenant_claim: bool,
    /// Per-module circuit breaker.
    pub breaker: BreakerConfig,
    /// How long a serving process trusts what it read about an install
    /// (version, approvals, breaker resets) before reading it again.
    #[serde(deserialize_with = "duration_from_fractional_seconds", rename = "refresh-seconds")]
    pub refresh: Duration,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            default_tenant: None,
            tenant_hosts: BTreeMap::new(),
            max_request_body_bytes: 1024 * 1024,
            max_response_body_bytes: 4 * 1024 * 1024,
            rate_limit: RateLimitConfig::default(),
            trusted_proxies: Vec::new(),
            identity: IdentityConfig::default(),
            require_tenant_claim: true,
            breaker: BreakerConfig::default(),
            refresh: Duration::from_secs(1),
        }
    }
}

/// Why the bridge could not be configured.
#[derive(Debug, thiserror::Error)]
pub enum HttpConfigError {
    /// A tenant named in the configuration is not a valid tenant id.
    #[error("http config: tenant {given:?} is invalid: {reason}")]
    Tenant {
        /// What was configured.
        given: String,
        /// Why it is invalid.
        reason: String,
    },
    /// A verification key is unusable.
    #[error("http config: {0}")]
    Identity(#[from] IdentityConfigError),
    /// A trusted proxy entry is not an acceptable CIDR.
    #[error("http config: {0}")]
    Proxies(#[from] InvalidCidr),
    /// The rate limit is zero.
    #[error("http config: {0}")]
    RateLimit(#[from] RateLimitConfigError),
}
