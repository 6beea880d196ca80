//! The operator's admin HTTP API (and, under `/admin/`, its web page),
//! served on a listener of its own — loopback by default, never the
//! storefront's: list and inspect modules per tenant, install through a
//! review step, approve and revoke routes and hooks, promote a version a hot
//! reload staged, enable and disable, change settings, reset breakers,
//! uninstall, read usage, the least-privilege report and the audit log,
//! follow the hot-reload watch, and scrape Prometheus metrics.
//!
//! Every request but the OpenAPI document and the page's static files
//! needs an operator token ([`AdminConfig::operators`]); the customer JWT is
//! never an operator token. Everything a request changes is audited as its
//! operator. Handlers call the same [`Lifecycle`] functions as the CLI and
//! answer errors with the same stable codes (`docs/operations.md`).

mod actions;
mod auth;
mod config;
mod error;
mod extract;
mod hot_reload;
mod listen;
mod metrics_endpoint;
mod modules;
mod openapi;
mod page;
mod reports;
mod reviews;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, StatusCode, header};
use axum::routing::{get, post, put};
use tower::ServiceBuilder;

pub use actions::{ApprovalBody, Changed, Switched, UninstallQuery};
pub use auth::constant_time_eq;
pub use config::{AdminConfig, Operator};
pub use error::ApiError;
pub use hot_reload::{HotReloadView, Resumed};
pub use listen::{ListenError, check_listen_address};
pub use modules::{BreakerView, HookBreakerView, HostView, ModuleSummaryView, ModuleView};
pub use reports::{AuditLogQuery, LeastPrivilegeQuery, UsageQuery};
pub use openapi::OPENAPI_DOCUMENT;
pub use reviews::{Confirmation, ReviewView};

use crate::hooks::DataHooks;
use crate::http::ModuleBridge;
use crate::lifecycle::Lifecycle;
use crate::metrics::Metrics;
use crate::reload::HotReload;
use crate::tenant::TenantId;
use crate::usage::UsageRecorder;

/// The admin API over one host.
pub struct AdminApi {
    lifecycle: Arc<Lifecycle>,
    config: AdminConfig,
    bridge: Option<Arc<ModuleBridge>>,
    hooks: Option<DataHooks>,
    metrics: Option<Arc<Metrics>>,
    usage: Option<Arc<UsageRecorder>>,
    hot_reload: Option<Arc<HotReload>>,
    reviews: reviews::PendingReviews,
}

impl AdminApi {
    /// An API over `lifecycle`. Add what the host runs with the `with_*`
    /// calls: without a bridge the breakers show `idle`, without metrics
    /// `/metrics` answers 404, without a usage recorder the reports read
    /// only what was stored, without a hot-reload watch `/hot-reload`
    /// answers 404.
    pub fn new(lifecycle: Arc<Lifecycle>, config: AdminConfig) -> Self {
        AdminApi {
            lifecycle,
            config,
            bridge: None,
            hooks: None,
            metrics: None,
            usage: None,
            hot_reload: None,
            reviews: reviews::PendingReviews::default(),
        }
    }

    /// The HTTP bridge: its breakers are shown and reset, and it forgets an
    /// install an operator changed.
    pub fn with_bridge(mut self, bridge: Arc<ModuleBridge>) -> Self {
        self.bridge = Some(bridge);
        self
    }

    /// The data hooks: their breakers are shown, and an approval applies at once.
    pub fn with_hooks(mut self, hooks: DataHooks) -> Self {
        self.hooks = Some(hooks);
        self
    }

    /// The metrics `/metrics` renders.
    pub fn with_metrics(mut self, metrics: Arc<Metrics>) -> Self {
        self.metrics = Some(metrics);
        self
    }

    /// The usage recorder: flushed before a report, so it includes the
    /// latest invocations.
    pub fn with_usage(mut self, usage: Arc<UsageRecorder>) -> Self {
        self.usage = Some(usage);
        self
    }

    /// The hot-reload watch this host runs: `GET /api/v1/admin/hot-reload`
    /// shows it per module folder, and a folder whose watch paused after
    /// slow reloads is resumed with `POST …/hot-reload/{folder}/resume`.
    /// Only the process running the watch has one; every process shows a
    /// module's staged version and last reload (they are stored).
    pub fn with_hot_reload(mut self, watch: Arc<HotReload>) -> Self {
        self.hot_reload = Some(watch);
        self
    }

    /// The API's routes (`/api/v1/admin/…`, `/metrics`).
    pub fn router(self) -> Router {
        let max_upload = self.config.max_upload_bytes;
        let api = Arc::new(self);
        let tenant = "/api/v1/admin/tenants/{tenant}";
        let install = "/api/v1/admin/tenants/{tenant}/modules/{module}";
        let authenticated = Router::new()
            .route("/api/v1/admin/host", get(modules::host))
            .route("/api/v1/admin/audit-log", get(reports::audit_log))
            .route("/api/v1/admin/hot-reload", get(hot_reload::status))
            .route("/api/v1/admin/hot-reload/{folder}/resume", post(hot_reload::resume))
            .route(&format!("{tenant}/modules"), get(modules::list))
            .route(&format!("{tenant}/reviews"), post(reviews::create))
            .route(&format!("{tenant}/reviews/{{review}}"), get(reviews::read).delete(reviews::discard))
            .route(&format!("{tenant}/reviews/{{review}}/confirm"), post(reviews::confirm))
            .route(install, get(modules::show).delete(actions::uninstall))
            .route(&format!("{install}/approve"), post(actions::approve))
            .route(&format!("{install}/revoke"), post(actions::revoke))
            .route(&format!("{install}/promote"), post(actions::promote))
            .route(&format!("{install}/enable"), post(actions::enable))
            .route(&format!("{install}/disable"), post(actions::disable))
            .route(&format!("{install}/settings"), put(actions::settings))
            .route(&format!("{install}/breaker/reset"), post(actions::reset_breaker))
            .route(&format!("{install}/hook-breakers/reset"), post(actions::reset_hook_breakers))
            .route(&format!("{install}/usage"), get(reports::usage))
            .route(&format!("{install}/least-privilege"), get(reports::least_privilege))
            .route("/metrics", get(metrics_endpoint::render))
            .layer(axum::middleware::from_fn_with_state(api.clone(), auth::require_operator));
        let lifecycle = api.lifecycle.clone();
        Router::new()
            .route("/api/v1/admin/openapi.json", get(openapi::document))
            .merge(page::routes())
            .merge(authenticated)
            .fallback(not_found)
            .method_not_allowed_fallback(method_not_allowed)
            .layer(
                ServiceBuilder::new()
                    .layer(DefaultBodyLimit::max(max_upload))
                    .layer(axum::middleware::map_response(move |mut response: axum::response::Response| {
                        let dev_mode = lifecycle.dev_mode();
                        async move {
                            let headers = response.headers_mut();
                            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
                            headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
                            if dev_mode {
                                headers.insert(DEV_MODE_HEADER, HeaderValue::from_static("on"));
                            }
                            response
                        }
                    })),
            )
            .with_state(api)
    }

    /// An install changed: forget what serving parts of this process read.
    fn changed(&self, tenant: &TenantId, module: &str) {
        if let Some(bridge) = &self.bridge {
            bridge.refresh_install(tenant, module);
        }
        if let Some(hooks) = &self.hooks {
            hooks.invalidate(tenant);
        }
    }
}

impl std::fmt::Debug for AdminApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AdminApi").field("config", &self.config).finish_non_exhaustive()
    }
}

/// The header every admin response carries while dev mode is on, so no
/// client (and no page) can miss it.
pub const DEV_MODE_HEADER: &str = "x-modgate-dev-mode";

async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not-found", "no such admin API path: GET /api/v1/admin/openapi.json lists them")
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "method-not-allowed", "this path does not take that method: see /api/v1/admin/openapi.json")
}

/// The path's tenant, checked.
fn tenant(id: &str) -> Result<TenantId, ApiError> {
    TenantId::new(id).map_err(|e| ApiError::bad_request("invalid-tenant", e.to_string()))
}
