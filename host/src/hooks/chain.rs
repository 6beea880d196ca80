//! Which modules' hooks run for a tenant: the enabled installs whose
//! component handles hooks, in module-name order, each with the hooks the
//! operator approved for its installed version. Re-read once older than the
//! refresh interval, so approvals, revocations, upgrades and resets made by
//! any process take effect within it.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use modgate_manifest::{HookDecl, HookWhen};

use crate::engine::{Extensions, LoadedModule};
use crate::lifecycle::{InstallError, InstallInputs, Lifecycle};
use crate::sync::lock;
use crate::tenant::TenantId;

/// One install whose hooks may run.
pub(crate) struct HookInstall {
    pub name: String,
    /// The loaded module, or why its installed version cannot be loaded
    /// (its approved hooks then fail, under the failure policy).
    pub module: Result<LoadedModule, String>,
    pub inputs: InstallInputs,
    pub version_id: String,
    /// Approved hook subjects of the installed version.
    pub approved: BTreeSet<String>,
    /// The operator's last hook-breaker reset.
    pub hooks_reset_at: Option<String>,
}

impl HookInstall {
    /// The module's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// What its invocations are handed: its settings and outbound allowlist.
    pub fn extensions(&self) -> Extensions {
        self.inputs.extensions()
    }

    /// The subject of its approved hook on `entity` at `when` (`action` for
    /// `on-action`), if it has one (only declared hooks can be approved).
    pub fn approved_hook(&self, entity: &str, when: HookWhen, action: Option<&str>) -> Option<String> {
        let hook = HookDecl {
            entity: entity.to_owned(),
            when,
            action: action.map(str::to_owned),
        };
        Some(hook.subject()).filter(|subject| self.approved.contains(subject))
    }
}

/// A tenant's installs with hooks, as read at `checked_at`.
pub(crate) struct TenantHooks {
    /// In module-name order: the order hooks run in.
    pub installs: Vec<Arc<HookInstall>>,
    checked_at: Instant,
}

/// The hook installs of every tenant seen.
pub(crate) struct HookChains {
    tenants: Mutex<HashMap<TenantId, Arc<TenantHooks>>>,
    /// One refresh at a time per tenant: calls arriving meanwhile wait for
    /// it instead of reading the same rows again.
    refreshing: Mutex<HashMap<TenantId, Arc<tokio::sync::Mutex<()>>>>,
    refresh: Duration,
}

impl HookChains {
    pub fn new(refresh: Duration) -> Self {
        HookChains {
            tenants: Mutex::new(HashMap::new()),
            refreshing: Mutex::new(HashMap::new()),
            refresh,
        }
    }

    /// The tenant's hook installs, re-read when older than the interval.
    pub async fn of(&self, lifecycle: &Lifecycle, tenant: &TenantId) -> Result<Arc<TenantHooks>, InstallError> {
        if let Some(hooks) = self.fresh(tenant, None) {
            return Ok(hooks);
        }
        let gate = lock(&self.refreshing).entry(tenant.clone()).or_default().clone();
        let waited_from = Instant::now();
        let _refreshing = gate.lock().await;
        if let Some(hooks) = self.fresh(tenant, Some(waited_from)) {
            return Ok(hooks);
        }
        let cached = lock(&self.tenants).get(tenant).cloned();
        let mut installs = Vec::new();
        // `enabled_modules` is sorted by name: the documented running order.
        for name in lifecycle.enabled_modules(tenant).await? {
            let Some(record) = lifecycle.serving_record(tenant, &name).await? else {
                continue;
            };
            if !record.enabled || record.approved_hooks.is_empty() {
                continue;
            }
            let previous = cached
                .as_ref()
                .and_then(|hooks| hooks.installs.iter().find(|install| install.name() == name));
            let loaded = previous.and_then(|install| {
                let module = install.module.as_ref().ok()?;
                Some((install.version_id.as_str(), module))
            });
            let module = match lifecycle.module_for(tenant, &name, &record, loaded).await {
                Ok(Some(module)) if !module.handles_hooks() => continue,
                Ok(Some(module)) => Ok(module),
                Ok(None) => continue,
                // One install that cannot be loaded must not stop the other
                // modules' hooks, nor let writes its hooks check pass
                // unchecked: its hooks fail, under the failure policy.
                Err(error) => {
                    tracing::warn!(module = %name, %tenant, code = error.code(), "hooks cannot run: {error}");
                    Err(format!("{}: {error}", error.code()))
                }
            };
            installs.push(Arc::new(HookInstall {
                name,
                module,
                inputs: record.inputs,
                version_id: record.version_id,
                approved: record.approved_hooks,
                hooks_reset_at: record.hooks_reset_at,
            }));
        }
        let hooks = Arc::new(TenantHooks {
            installs,
            checked_at: Instant::now(),
        });
        lock(&self.tenants).insert(tenant.clone(), hooks.clone());
        Ok(hooks)
    }

    /// The cached hooks if recent enough: younger than the interval, or
    /// (after waiting for another refresh) read since `since`.
    fn fresh(&self, tenant: &TenantId, since: Option<Instant>) -> Option<Arc<TenantHooks>> {
        let hooks = lock(&self.tenants).get(tenant).cloned()?;
        let recent = hooks.checked_at.elapsed() < self.refresh || since.is_some_and(|since| hooks.checked_at >= since);
        recent.then_some(hooks)
    }

    /// Forgets what was read for `tenant` (after an approval in this
    /// process), so the next call reads again.
    pub fn invalidate(&self, tenant: &TenantId) {
        lock(&self.tenants).remove(tenant);
    }

    /// Forgets every tenant's chains.
    pub fn invalidate_all(&self) {
        lock(&self.tenants).clear();
    }
}
