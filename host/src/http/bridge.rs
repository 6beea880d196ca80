//! The bridge: `/modules/<name>/…` to the module's `incoming-handler`, and
//! `/slots/<slot>` to the `slot-provider`s of a tenant's modules.
//!
//! Order of checks for a module request, cheapest and most protective
//! first: client rate limit (429), tenant, module, approved route (one 404
//! for all three), a credential in the query string (400), customer token or
//! the integrator's session (401) and, for a session, proof of same origin on
//! state-changing requests (403), body size (413), circuit breaker (503),
//! then the module itself under its budget, its in-flight cap (503 `busy`)
//! and its response-size limit. A malformed response (status or headers) is
//! refused whole (502 `protocol`); otherwise its headers are cleaned and the
//! host's sandboxing policy is set before it leaves.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Request, StatusCode, header};
use http::response::Parts;
use http_body_util::{BodyExt, Limited};

use crate::engine::module_log::LogLevel;
use crate::engine::{InvocationError, TenantId};
use crate::http::config::HttpConfig;
use crate::http::error::BridgeError;
use crate::http::hygiene::{
    DroppedHeader, ResponseRefused, check_status, credential_parameter, names, sanitize_request_headers,
    sanitize_response_headers,
};
use crate::http::identity::{IdentityConfigError, IdentityVerifier};
use crate::http::session::SessionResolver;
use crate::http::client_ip::{InvalidCidr, TrustedProxies};
use crate::http::rate_limit::{RateLimitConfigError, RateLimiter};
use crate::http::serving::ServingTable;
use crate::lifecycle::Lifecycle;

/// A tenant's enabled modules and when they were read.
pub(super) type ModuleNames = (Instant, Arc<[String]>);

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

/// Serves modules over HTTP for one [`Lifecycle`]. Build it once, merge
/// [`ModuleBridge::router`] into the application, and serve with
/// `into_make_service_with_connect_info::<SocketAddr>()` (the client's
/// address drives rate limiting).
pub struct ModuleBridge {
    pub(super) lifecycle: Arc<Lifecycle>,
    pub(super) config: HttpConfig,
    default_tenant: Option<TenantId>,
    tenant_hosts: HashMap<String, TenantId>,
    pub(super) identity: IdentityVerifier,
    pub(super) sessions: Option<Arc<dyn SessionResolver>>,
    proxies: TrustedProxies,
    limiter: Arc<RateLimiter>,
    pub(super) serving: ServingTable,
    pub(super) tenant_modules: Mutex<HashMap<TenantId, ModuleNames>>,
}

impl ModuleBridge {
    /// Checks `config` and builds the bridge. Starts the rate limiter's idle
    /// bucket cleanup when called inside a Tokio runtime. Customers are
    /// identified by bearer tokens only; see [`ModuleBridge::with_sessions`]
    /// for browser sessions.
    pub fn new(lifecycle: Arc<Lifecycle>, config: HttpConfig) -> Result<Arc<Self>, HttpConfigError> {
        Self::build(lifecycle, config, None)
    }

    /// [`ModuleBridge::new`], and requests without an `Authorization`
    /// header are identified by the integrator's `sessions` (e.g. an
    /// `HttpOnly` session cookie), with same-origin proof required on their
    /// state-changing requests. See [`crate::http::session`].
    pub fn with_sessions(
        lifecycle: Arc<Lifecycle>,
        config: HttpConfig,
        sessions: Arc<dyn SessionResolver>,
    ) -> Result<Arc<Self>, HttpConfigError> {
        Self::build(lifecycle, config, Some(sessions))
    }

    fn build(
        lifecycle: Arc<Lifecycle>,
        config: HttpConfig,
        sessions: Option<Arc<dyn SessionResolver>>,
    ) -> Result<Arc<Self>, HttpConfigError> {
        let tenant = |given: &String| {
            TenantId::new(given.clone()).map_err(|e| HttpConfigError::Tenant {
                given: given.clone(),
                reason: e.to_string(),
            })
        };
        let default_tenant = config.default_tenant.as_ref().map(tenant).transpose()?;
        let tenant_hosts = config
            .tenant_hosts
            .iter()
            .map(|(host, id)| Ok((host.to_ascii_lowercase(), tenant(id)?)))
            .collect::<Result<_, HttpConfigError>>()?;
        let identity = IdentityVerifier::new(&config.identity)?;
        let proxies = TrustedProxies::parse(&config.trusted_proxies)?;
        let limiter = Arc::new(RateLimiter::new(&config.rate_limit)?);
        if tokio::runtime::Handle::try_current().is_ok() {
            limiter.spawn_cleanup();
        }
        let serving = ServingTable::new(config.refresh, config.breaker.clone());
        Ok(Arc::new(ModuleBridge {
            lifecycle,
            default_tenant,
            tenant_hosts,
            identity,
            sessions,
            proxies,
            limiter,
            serving,
            tenant_modules: Mutex::new(HashMap::new()),
            config,
        }))
    }

    /// `/modules/{name}` and everything below it (any method), and
    /// `GET /slots/{slot}?product=<id>`.
    pub fn router(self: &Arc<Self>) -> Router {
        Router::new()
            .route("/modules/{module}", any(module_request))
            .route("/modules/{module}/{*rest}", any(module_request))
            .route("/slots/{slot}", get(super::slots_api::slot_request))
            .with_state(self.clone())
    }

    /// The tenant a request is for: its `Host` (without port) in
    /// `tenant-hosts`, else the default tenant.
    pub fn tenant_for(&self, headers: &HeaderMap) -> Option<TenantId> {
        let host = headers
            .get(header::HOST)
            .and_then(|value| value.to_str().ok())
            .map(|host| strip_port(host).to_ascii_lowercase());
        host.and_then(|host| self.tenant_hosts.get(&host).cloned())
            .or_else(|| self.default_tenant.clone())
    }

    /// The state of a module's circuit breaker in this process, if it has
    /// served anything.
    pub fn breaker_status(&self, tenant: &TenantId, module: &str) -> Option<crate::http::breaker::BreakerStatus> {
        self.serving.breaker(tenant, module).map(|breaker| breaker.status())
    }

    /// Forgets what this process read about an install, so the next request
    /// reads approvals and the version again.
    pub fn refresh_install(&self, tenant: &TenantId, module: &str) {
        self.serving.invalidate(tenant, module);
        lock(&self.tenant_modules).remove(tenant);
    }

    pub(super) fn admit_client(&self, peer: Option<IpAddr>, headers: &HeaderMap) -> Result<IpAddr, BridgeError> {
        let peer = peer.ok_or_else(|| {
            tracing::error!("the application serves modgate without connect info; use into_make_service_with_connect_info::<SocketAddr>()");
            BridgeError::internal("the host is misconfigured")
        })?;
        let client = self.proxies.client_ip(peer, headers);
        self.limiter
            .check(client)
            .map_err(|limited| BridgeError::rate_limited(limited.retry_after_seconds()))?;
        Ok(client)
    }

    async fn serve_module(&self, peer: Option<IpAddr>, name: &str, request: Request<Body>) -> Result<Response, BridgeError> {
        let client = self.admit_client(peer, request.headers())?;
        let tenant = self.tenant_for(request.headers()).ok_or_else(BridgeError::not_found)?;
        let mount = format!("/modules/{name}");
        let path = request.uri().path();
        let relative = match path.strip_prefix(&mount) {
            Some("") => "/",
            Some(rest) if rest.starts_with('/') => rest,
            _ => return Err(BridgeError::not_found()),
        };
        if !is_module_name(name) {
            return Err(BridgeError::not_found());
        }
        let served = self
            .serving
            .get(&self.lifecycle, &tenant, name)
            .await
            .map_err(|e| {
                tracing::error!(%tenant, module = name, "reading the install: {e}");
                BridgeError::internal("the module could not be loaded")
            })?
            .ok_or_else(BridgeError::not_found)?;
        let pattern = served
            .routes
            .find(request.method(), relative)
            .ok_or_else(BridgeError::not_found)?
            .to_owned();
        if let Some(parameter) = request.uri().query().and_then(credential_parameter) {
            return Err(BridgeError::credential_in_query(parameter));
        }
        let customer = self.authenticate(request.method(), request.headers(), &tenant)?;
        let target = match request.uri().query() {
            Some(query) => format!("{relative}?{query}"),
            None => relative.to_owned(),
        };

        let (mut parts, body) = request.into_parts();
        let limit = self.config.max_request_body_bytes;
        let declared_length = parts
            .headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared_length.is_some_and(|length| length > limit as u64) {
            return Err(BridgeError::payload_too_large(limit));
        }
        let body: Bytes = Limited::new(body, limit)
            .collect()
            .await
            .map_err(|_| BridgeError::payload_too_large(limit))?
            .to_bytes();

        let permit = served
            .breaker
            .admit()
            .map_err(|open| BridgeError::breaker_open(name, open.retry_in))?;

        sanitize_request_headers(&mut parts.headers);
        let request_id = ulid::Ulid::generate().to_string();
        let set = |headers: &mut HeaderMap, name: &'static str, value: &str| {
            if let Ok(value) = HeaderValue::from_str(value) {
                headers.insert(HeaderName::from_static(name), value);
            }
        };
        set(&mut parts.headers, names::MODGATE_TENANT, tenant.as_str());
        set(&mut parts.headers, names::MODGATE_CLIENT_IP, &client.to_string());
        set(&mut parts.headers, names::MODGATE_REQUEST_ID, &request_id);
        set(&mut parts.headers, names::MODGATE_MOUNT, &mount);
        set(&mut parts.headers, names::MODGATE_ROUTE, &pattern);
        if let Some(customer) = &customer {
            set(&mut parts.headers, names::MODGATE_CUSTOMER_ID, &customer.customer_id);
        }
        parts.uri = target
            .parse()
            .map_err(|_| BridgeError::bad_request("the request target is not a valid URI"))?;
        let method = parts.method.clone();
        let module_request = Request::from_parts(parts, body);

        let outcome = served
            .module
            .handle_http(&tenant, module_request, self.config.max_response_body_bytes)
            .await;
        match outcome {
            Ok(invoked) => {
                let (mut parts, body) = invoked.value.into_parts();
                let route = format!("http {method} {pattern}");
                match clean_response(&mut parts, &mount) {
                    Err(refused) => {
                        permit.failed();
                        tracing::warn!(%tenant, module = name, "response refused: {refused}");
                        let line = format!("{route}: response refused ({}): {refused}", refused.code());
                        served.module.log().append(tenant.as_str(), LogLevel::Warn, &line);
                        return Err(BridgeError::module_failed(StatusCode::BAD_GATEWAY, refused.code(), name));
                    }
                    Ok(dropped) => {
                        if parts.status.is_server_error() {
                            permit.failed();
                        } else {
                            permit.succeeded();
                        }
                        if !dropped.is_empty() {
                            let line = format!("{route}: response headers dropped: {}", describe(&dropped));
                            tracing::debug!(module = name, "{line}");
                            served.module.log().append(tenant.as_str(), LogLevel::Info, &line);
                        }
                    }
                }
                if let Ok(value) = HeaderValue::from_str(&request_id) {
                    parts.headers.insert(HeaderName::from_static("x-request-id"), value);
                }
                Ok(Response::from_parts(parts, Body::from(body)))
            }
            // Host capacity, not the module failing: no breaker report.
            Err(error) if !error.is_module_fault() => {
                drop(permit);
                Err(BridgeError::busy(name))
            }
            Err(error) => {
                permit.failed();
                tracing::warn!(%tenant, module = name, kind = error.kind(), "request failed: {error}");
                // The client sees a code only; the operator reads why here.
                let line = format!("http {method} {pattern} failed ({}): {error}", error.kind());
                served.module.log().append(tenant.as_str(), LogLevel::Warn, &line);
                Err(failure_response(name, &error))
            }
        }
    }

}

/// Refuses a malformed module response or cleans its headers (see
/// [`crate::http::hygiene::response`]).
fn clean_response(parts: &mut Parts, mount: &str) -> Result<Vec<DroppedHeader>, ResponseRefused> {
    check_status(parts.status)?;
    sanitize_response_headers(&mut parts.headers, mount)
}

/// `set-cookie (cookie), expires (shared-cache)` for the module log.
fn describe(dropped: &[DroppedHeader]) -> String {
    dropped
        .iter()
        .map(|header| format!("{} ({})", header.name, header.class.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// How a failed invocation is answered. Internals stay in the log.
fn failure_response(module: &str, error: &InvocationError) -> BridgeError {
    let (status, code) = match error {
        InvocationError::DeadlineExceeded { .. } => (StatusCode::GATEWAY_TIMEOUT, "timeout"),
        InvocationError::FuelExhausted { .. } | InvocationError::OutOfMemory { .. } => {
            (StatusCode::SERVICE_UNAVAILABLE, "budget-exhausted")
        }
        InvocationError::ResourceLimit { .. } => (StatusCode::SERVICE_UNAVAILABLE, "resource-limit"),
        InvocationError::Protocol { .. } => (StatusCode::BAD_GATEWAY, "protocol"),
        InvocationError::Host { .. } => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        _ => (StatusCode::BAD_GATEWAY, "handler-error"),
    };
    BridgeError::module_failed(status, code, module)
}

async fn module_request(
    State(bridge): State<Arc<ModuleBridge>>,
    Path(params): Path<HashMap<String, String>>,
    request: Request<Body>,
) -> Response {
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|info| info.0.ip());
    let name = params.get("module").cloned().unwrap_or_default();
    bridge
        .serve_module(peer, &name, request)
        .await
        .unwrap_or_else(IntoResponse::into_response)
}

fn strip_port(host: &str) -> &str {
    if let Some(rest) = host.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    }
}

fn is_module_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    matches!(bytes.next(), Some(b'a'..=b'z'))
        && name.len() <= 64
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

pub(super) fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The socket peer when the application serves with connect info.
pub(super) struct ConnectInfoOpt(pub(super) Option<IpAddr>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for ConnectInfoOpt {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut http::request::Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(ConnectInfoOpt(
            parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|info| info.0.ip()),
        ))
    }
}

