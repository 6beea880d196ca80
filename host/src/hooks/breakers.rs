//! One latching breaker per (tenant, module version, hook): after the
//! configured consecutive failures the hook is not called any more, until a
//! new version (a new key) or the operator's reset marker changes. Separate
//! from the module's HTTP breaker: neither sees the other's failures.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::chain::HookInstall;
use crate::breaker::{BreakerConfig, BreakerStatus, CircuitBreaker};
use crate::sync::lock;
use crate::tenant::TenantId;

/// (tenant, module, version id, hook subject).
type Key = (TenantId, String, String, String);

/// A hook's breaker and the operator reset marker last seen.
type Slot = (Arc<CircuitBreaker>, Option<String>);

pub(crate) struct HookBreakers {
    breakers: Mutex<HashMap<Key, Slot>>,
    config: BreakerConfig,
}

impl HookBreakers {
    pub fn new(failures: u32) -> Self {
        HookBreakers {
            breakers: Mutex::new(HashMap::new()),
            config: BreakerConfig::latching(failures),
        }
    }

    /// The breaker of `subject` of `install`, re-armed when the operator's
    /// reset marker changed since it was last seen.
    pub fn of(&self, tenant: &TenantId, install: &HookInstall, subject: &str) -> Arc<CircuitBreaker> {
        let key = (
            tenant.clone(),
            install.name().to_owned(),
            install.version_id.clone(),
            subject.to_owned(),
        );
        let mut breakers = lock(&self.breakers);
        if !breakers.contains_key(&key) {
            // A new version starts afresh: forget the breakers of older ones.
            breakers.retain(|(t, m, version, _), _| !(t == tenant && m == install.name() && *version != key.2));
        }
        let (breaker, seen) = breakers
            .entry(key)
            .or_insert_with(|| (Arc::new(CircuitBreaker::new(&self.config)), install.hooks_reset_at.clone()));
        if *seen != install.hooks_reset_at {
            breaker.reset();
            seen.clone_from(&install.hooks_reset_at);
        }
        breaker.clone()
    }

    /// The state of a hook's breaker (of the newest version seen), if it
    /// was ever called.
    pub fn status(&self, tenant: &TenantId, module: &str, subject: &str) -> Option<BreakerStatus> {
        lock(&self.breakers)
            .iter()
            .find(|((t, m, _, s), _)| t == tenant && m == module && s == subject)
            .map(|(_, (breaker, _))| breaker.status())
    }
}
