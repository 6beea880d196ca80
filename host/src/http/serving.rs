//! What the bridge knows about each installed module it serves: the loaded
//! module, its approved routes and its circuit breaker.
//!
//! Entries are re-read from the database once they are older than the
//! refresh interval, so approvals, revocations, upgrades and breaker resets
//! made by the CLI (another process) take effect within that interval, and
//! at once when they are announced ([`crate::storage::changes`]). A new
//! version is loaded before it replaces the old one (the engine compiles once
//! per content hash); its approvals start empty.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::breaker::{BreakerConfig, CircuitBreaker};
use crate::engine::{Extensions, LoadedModule};
use crate::tenant::TenantId;
use crate::http::routes::RouteTable;
use crate::lifecycle::{InstallError, InstallInputs, Lifecycle};
use crate::sync::lock;

type Key = (TenantId, String);

/// An install's breaker and the operator reset marker last seen.
type BreakerSlot = (Arc<CircuitBreaker>, Option<String>);

/// One served module.
impl ServedModule {
    /// What every invocation of this install is handed: its settings and
    /// outbound allowlist.
    pub fn extensions(&self) -> Extensions {
        self.inputs.extensions()
    }
}

pub(crate) struct ServedModule {
    pub module: LoadedModule,
    pub routes: RouteTable,
    pub breaker: Arc<CircuitBreaker>,
    /// The install's settings and allowlist as of the last refresh.
    pub inputs: InstallInputs,
    version_id: String,
    checked_at: Instant,
}

/// The served modules of this process.
pub(crate) struct ServingTable {
    entries: Mutex<HashMap<Key, Arc<ServedModule>>>,
    /// One refresh at a time per install: concurrent first requests must
    /// share one loaded module (one in-flight cap), not load one each.
    refreshing: Mutex<HashMap<Key, Arc<tokio::sync::Mutex<()>>>>,
    /// Outlive entries (a refresh must not close an open breaker), with the
    /// last operator reset marker seen.
    breakers: Mutex<HashMap<Key, BreakerSlot>>,
    refresh: Duration,
    breaker: BreakerConfig,
    /// Counts invalidations: a refresh that read the database while one
    /// happened may hold what it forgot, so it is not kept as fresh.
    forgotten: AtomicU64,
}

impl ServingTable {
    pub fn new(refresh: Duration, breaker: BreakerConfig) -> Self {
        ServingTable {
            entries: Mutex::new(HashMap::new()),
            refreshing: Mutex::new(HashMap::new()),
            breakers: Mutex::new(HashMap::new()),
            refresh,
            breaker,
            forgotten: AtomicU64::new(0),
        }
    }

    /// The module as currently installed and approved for `tenant`; `None`
    /// when it is not installed or disabled.
    pub async fn get(
        &self,
        lifecycle: &Lifecycle,
        tenant: &TenantId,
        name: &str,
    ) -> Result<Option<Arc<ServedModule>>, InstallError> {
        let key = (tenant.clone(), name.to_owned());
        if let Some(entry) = self.fresh(&key, None) {
            return Ok(Some(entry));
        }
        let gate = lock(&self.refreshing).entry(key.clone()).or_default().clone();
        let waited_from = Instant::now();
        let _refreshing = gate.lock().await;
        // Someone else may have refreshed while this request waited.
        if let Some(entry) = self.fresh(&key, Some(waited_from)) {
            return Ok(Some(entry));
        }
        let cached = lock(&self.entries).get(&key).cloned();
        let forgotten = self.forgotten.load(Ordering::Acquire);
        let record = match lifecycle.serving_record(tenant, name).await? {
            Some(record) if record.enabled => record,
            // Not served: forget the key entirely, so that requests naming
            // modules that do not exist cannot grow these maps.
            _ => {
                lock(&self.entries).remove(&key);
                lock(&self.refreshing).remove(&key);
                return Ok(None);
            }
        };
        let cached = cached.as_ref().map(|entry| (entry.version_id.as_str(), &entry.module));
        let Some(module) = lifecycle.module_for(tenant, name, &record, cached).await? else {
            return Ok(None);
        };
        let breaker = self.sync_breaker(&key, &record.breaker_reset_at);
        let (routes, rejected) = RouteTable::build(&module.manifest().routes, &record.approved_routes);
        for problem in rejected {
            tracing::warn!(module = name, %tenant, "route not served: {problem}");
        }
        let entry = Arc::new(ServedModule {
            module,
            routes,
            breaker,
            inputs: record.inputs,
            version_id: record.version_id,
            checked_at: Instant::now(),
        });
        // This request is served with what it read; the next reads again if
        // an invalidation came in meanwhile (it may be about this install).
        if self.forgotten.load(Ordering::Acquire) == forgotten {
            lock(&self.entries).insert(key, entry.clone());
        } else {
            lock(&self.entries).remove(&key);
        }
        Ok(Some(entry))
    }

    /// The cached entry if it is recent enough: younger than the refresh
    /// interval, or (after waiting for another refresh) read since `since`.
    fn fresh(&self, key: &Key, since: Option<Instant>) -> Option<Arc<ServedModule>> {
        let entry = lock(&self.entries).get(key).cloned()?;
        let recent = entry.checked_at.elapsed() < self.refresh || since.is_some_and(|since| entry.checked_at >= since);
        recent.then_some(entry)
    }

    /// The breaker of an install, created closed on first use and reset
    /// when the operator's reset marker changed since it was last seen.
    fn sync_breaker(&self, key: &Key, reset_marker: &Option<String>) -> Arc<CircuitBreaker> {
        let mut breakers = lock(&self.breakers);
        let (breaker, seen) = breakers
            .entry(key.clone())
            .or_insert_with(|| (Arc::new(CircuitBreaker::new(&self.breaker)), reset_marker.clone()));
        if seen != reset_marker {
            breaker.reset();
            *seen = reset_marker.clone();
        }
        breaker.clone()
    }

    /// The breaker of an install if one exists.
    pub fn breaker(&self, tenant: &TenantId, name: &str) -> Option<Arc<CircuitBreaker>> {
        lock(&self.breakers)
            .get(&(tenant.clone(), name.to_owned()))
            .map(|(breaker, _)| breaker.clone())
    }

    /// Forgets what was read so the next request reads the database again
    /// (after an install, approval or reset made in this process or
    /// announced by another).
    pub fn invalidate(&self, tenant: &TenantId, name: &str) {
        self.forgotten.fetch_add(1, Ordering::AcqRel);
        lock(&self.entries).remove(&(tenant.clone(), name.to_owned()));
    }

    /// Forgets every install read.
    pub fn invalidate_all(&self) {
        self.forgotten.fetch_add(1, Ordering::AcqRel);
        lock(&self.entries).clear();
    }
}
