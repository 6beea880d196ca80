//! [`ModuleBridge`]: what the bridge holds (its configuration checked once,
//! the served modules, the rate limiter) and what it offers an integrator.
//! How a request goes through it is `pipeline/`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::Router;
use http::HeaderMap;

use crate::breaker::BreakerStatus;
use crate::tenant::TenantId;
use crate::http::config::{HttpConfig, HttpConfigError};
use crate::http::identity::IdentityVerifier;
use crate::http::pipeline::{self, ClientAdmission};
use crate::http::serving::ServingTable;
use crate::http::session::SessionResolver;
use crate::http::tenants::TenantHosts;
use crate::lifecycle::Lifecycle;
use crate::storage::changes::{Change, ChangeObserver};
use crate::sync::lock;

/// A tenant's enabled modules and when they were read.
pub(super) type ModuleNames = (Instant, Arc<[String]>);

/// Serves modules over HTTP for one [`Lifecycle`]. Build it once, merge
/// [`ModuleBridge::router`] into the application, and serve with
/// `into_make_service_with_connect_info::<SocketAddr>()` (the client's
/// address drives rate limiting).
pub struct ModuleBridge {
    pub(super) lifecycle: Arc<Lifecycle>,
    pub(super) config: HttpConfig,
    pub(super) admission: ClientAdmission,
    tenants: TenantHosts,
    pub(super) identity: IdentityVerifier,
    pub(super) sessions: Option<Arc<dyn SessionResolver>>,
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
        let tenants = TenantHosts::new(&config.tenant_hosts, config.default_tenant.as_ref())?;
        let identity = IdentityVerifier::new(&config.identity)?;
        let admission = ClientAdmission::new(&config.trusted_proxies, &config.rate_limit)?;
        let serving = ServingTable::new(config.refresh, config.breaker.clone());
        let bridge = Arc::new(ModuleBridge {
            lifecycle,
            admission,
            tenants,
            identity,
            sessions,
            serving,
            tenant_modules: Mutex::new(HashMap::new()),
            config,
        });
        bridge.lifecycle.storage().changes().observe(&bridge);
        Ok(bridge)
    }

    /// `/modules/{name}` and everything below it (any method), and
    /// `GET /slots/{slot}?product=<id>`; the steps every request takes are
    /// in [`crate::http::pipeline`].
    pub fn router(self: &Arc<Self>) -> Router {
        pipeline::router(self)
    }

    /// The tenant a request is for: its `Host` (without port) in
    /// `tenant-hosts`, else the default tenant.
    pub fn tenant_for(&self, headers: &HeaderMap) -> Option<TenantId> {
        self.tenants.tenant_for(headers)
    }

    /// The state of a module's circuit breaker in this process, if it has
    /// served anything.
    pub fn breaker_status(&self, tenant: &TenantId, module: &str) -> Option<BreakerStatus> {
        self.serving.breaker(tenant, module).map(|breaker| breaker.status())
    }

    /// Forgets what this process read about an install, so the next request
    /// reads approvals and the version again.
    pub fn refresh_install(&self, tenant: &TenantId, module: &str) {
        self.serving.invalidate(tenant, module);
        lock(&self.tenant_modules).remove(tenant);
    }
}

/// Another process changed an install: the next request reads it again.
impl ChangeObserver for ModuleBridge {
    fn changed(&self, change: &Change<'_>) {
        match change {
            Change::Install { tenant, module } => {
                self.refresh_install(tenant, module);
            }
            Change::Unknown => {
                self.serving.invalidate_all();
                lock(&self.tenant_modules).clear();
            }
            Change::Work(_) => {}
        }
    }
}
