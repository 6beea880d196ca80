//! The installs a worker delivers to, as of at most one refresh interval
//! ago: the loaded module (one per install, shared with the rest of the
//! process through the lifecycle), its settings and outbound allowlist, and
//! whether it is enabled.
//! A new version, a settings change or a disable made by any process is
//! seen within the interval, and at once when it is announced
//! ([`crate::storage::changes`]).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::engine::LoadedModule;
use crate::lifecycle::{InstallError, InstallInputs, Lifecycle};
use crate::sync::lock;
use crate::tenant::TenantId;

/// One install as the worker sees it.
pub(crate) struct Install {
    pub module: LoadedModule,
    /// Its settings and outbound allowlist.
    pub inputs: InstallInputs,
    pub enabled: bool,
    version_id: String,
    checked_at: Instant,
}

type Key = (TenantId, String);

/// The worker's view of the installs it delivers to.
pub(crate) struct InstallCache {
    entries: Mutex<HashMap<Key, Arc<Install>>>,
    refresh: Duration,
}

impl InstallCache {
    pub fn new(refresh: Duration) -> Self {
        InstallCache {
            entries: Mutex::new(HashMap::new()),
            refresh,
        }
    }

    /// The install, refreshed when older than the interval; `None` when it
    /// is not installed.
    pub async fn get(
        &self,
        lifecycle: &Lifecycle,
        tenant: &TenantId,
        module: &str,
    ) -> Result<Option<Arc<Install>>, InstallError> {
        let key = (tenant.clone(), module.to_owned());
        let cached = lock(&self.entries).get(&key).cloned();
        if let Some(entry) = &cached
            && entry.checked_at.elapsed() < self.refresh
        {
            return Ok(Some(entry.clone()));
        }
        let Some(record) = lifecycle.serving_record(tenant, module).await? else {
            lock(&self.entries).remove(&key);
            return Ok(None);
        };
        let cached = cached.as_ref().map(|entry| (entry.version_id.as_str(), &entry.module));
        let Some(loaded) = lifecycle.module_for(tenant, module, &record, cached).await? else {
            return Ok(None);
        };
        let entry = Arc::new(Install {
            module: loaded,
            inputs: record.inputs,
            enabled: record.enabled,
            version_id: record.version_id,
            checked_at: Instant::now(),
        });
        lock(&self.entries).insert(key, entry.clone());
        Ok(Some(entry))
    }

    /// Forgets what was read about one install (`None`: every install).
    pub fn forget(&self, install: Option<(&TenantId, &str)>) {
        let mut entries = lock(&self.entries);
        match install {
            Some((tenant, module)) => {
                entries.remove(&(tenant.clone(), module.to_owned()));
            }
            None => entries.clear(),
        }
    }
}
