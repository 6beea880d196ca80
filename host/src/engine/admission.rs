//! Admission: whether an invocation may start, in three nested shares.
//!
//! 1. The **install** (module × tenant): `max_in_flight_per_install`, so one
//!    tenant's traffic alone never makes a module busy for another tenant.
//!    Background work (event deliveries) has an install share of its own,
//!    so a backlog of events never makes the install's requests busy.
//! 2. The **module** across its tenants: `max_in_flight_per_module`, its
//!    share of the pool. A module is one author's code; installed for many
//!    tenants it still cannot take more of the host than this.
//! 3. The **pool**: `max_instances` component slots for the whole host. The
//!    pool's memories, tables and core instances are sized from the
//!    per-component caps, so component slots are the only pool resource an
//!    invocation can run out of, and they are taken here, before wasmtime.
//!
//! A refusal at any level is `busy`; it is never counted against the
//! module that suffered it (breakers count only a module's own faults).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::engine::budget::InvocationContext;
use crate::engine::error::{BusyShare, InvocationError};
use crate::tenant::TenantId;
use crate::sync::lock;

/// The host-wide pool and each module's share of it.
pub(crate) struct Admission {
    pool: Arc<Semaphore>,
    pool_size: usize,
    per_module: usize,
    per_install: usize,
    modules: Mutex<HashMap<Arc<str>, Arc<Semaphore>>>,
}

/// The shares of one loaded module: its own, and one per tenant it runs for
/// and kind of work.
pub(crate) struct ModuleShares {
    module: Arc<Semaphore>,
    installs: Mutex<HashMap<TenantId, InstallShares>>,
}

/// One tenant's shares of a module, one per kind of work.
struct InstallShares {
    foreground: Arc<Semaphore>,
    background: Arc<Semaphore>,
}

/// Which install share an invocation takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Work {
    /// Answering someone now: requests, slots, hooks, activation.
    Foreground,
    /// Work a worker does on its own time: event deliveries.
    Background,
}

impl From<InvocationContext> for Work {
    fn from(context: InvocationContext) -> Self {
        match context {
            InvocationContext::Event => Work::Background,
            _ => Work::Foreground,
        }
    }
}

/// Held for the whole invocation; dropping it gives the slots back.
pub(crate) struct Admitted {
    _install: OwnedSemaphorePermit,
    _module: OwnedSemaphorePermit,
    _pool: OwnedSemaphorePermit,
}

impl Admission {
    pub fn new(pool_size: usize, per_module: usize, per_install: usize) -> Self {
        Admission {
            pool: Arc::new(Semaphore::new(pool_size)),
            pool_size,
            per_module,
            per_install,
            modules: Mutex::new(HashMap::new()),
        }
    }

    /// The shares of a module named `name`: every load of the same name
    /// (other tenants, other versions) shares the module's share.
    pub fn shares_for(&self, name: &Arc<str>) -> ModuleShares {
        let mut modules = lock(&self.modules);
        let module = modules
            .entry(name.clone())
            .or_insert_with(|| Arc::new(Semaphore::new(self.per_module)))
            .clone();
        ModuleShares {
            module,
            installs: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one slot at each level, innermost first, or answers `busy`
    /// naming the share that is full.
    pub fn admit(
        &self,
        module: &str,
        shares: &ModuleShares,
        tenant: &TenantId,
        work: Work,
        components: u32,
    ) -> Result<Admitted, InvocationError> {
        let busy = |share: BusyShare, limit: usize| InvocationError::Busy {
            module: module.to_owned(),
            limit,
            share,
        };
        let install = shares
            .install(tenant, work, self.per_install)
            .try_acquire_owned()
            .map_err(|_| busy(BusyShare::Install, self.per_install))?;
        let module_permit = shares
            .module
            .clone()
            .try_acquire_owned()
            .map_err(|_| busy(BusyShare::Module, self.per_module))?;
        // One pool slot per component instance (and per fiber stack: a call
        // into a dependency runs on a fiber of its own).
        let pool = self
            .pool
            .clone()
            .try_acquire_many_owned(components)
            .map_err(|_| busy(BusyShare::Host, self.pool_size))?;
        Ok(Admitted {
            _install: install,
            _module: module_permit,
            _pool: pool,
        })
    }
}

impl ModuleShares {
    fn install(&self, tenant: &TenantId, work: Work, per_install: usize) -> Arc<Semaphore> {
        let mut installs = lock(&self.installs);
        // Looked up by reference: the tenant id is cloned once per tenant,
        // not once per invocation.
        if !installs.contains_key(tenant) {
            let shares = InstallShares {
                foreground: Arc::new(Semaphore::new(per_install)),
                background: Arc::new(Semaphore::new(per_install)),
            };
            installs.insert(tenant.clone(), shares);
        }
        let shares = &installs[tenant];
        match work {
            Work::Foreground => shares.foreground.clone(),
            Work::Background => shares.background.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tenant(name: &str) -> TenantId {
        TenantId::new(name).unwrap()
    }

    fn share(error: InvocationError) -> BusyShare {
        match error {
            InvocationError::Busy { share, .. } => share,
            other => panic!("expected busy, got {other}"),
        }
    }

    #[test]
    fn one_tenant_cannot_take_a_module_from_another() {
        let admission = Admission::new(100, 4, 2);
        let shares = admission.shares_for(&Arc::from("m"));
        let _a1 = admission.admit("m", &shares, &tenant("a"), Work::Foreground, 1).unwrap();
        let _a2 = admission.admit("m", &shares, &tenant("a"), Work::Foreground, 1).unwrap();
        assert_eq!(share(admission.admit("m", &shares, &tenant("a"), Work::Foreground, 1).err().unwrap()), BusyShare::Install);
        let _b = admission.admit("m", &shares, &tenant("b"), Work::Foreground, 1).expect("tenant b still has its share");
    }

    #[test]
    fn background_work_has_an_install_share_of_its_own() {
        let admission = Admission::new(100, 8, 2);
        let shares = admission.shares_for(&Arc::from("m"));
        let _e1 = admission.admit("m", &shares, &tenant("a"), Work::Background, 1).unwrap();
        let _e2 = admission.admit("m", &shares, &tenant("a"), Work::Background, 1).unwrap();
        let busy = admission.admit("m", &shares, &tenant("a"), Work::Background, 1).err().unwrap();
        assert_eq!(share(busy), BusyShare::Install);
        let _r = admission.admit("m", &shares, &tenant("a"), Work::Foreground, 1).expect("requests keep their share");
    }

    #[test]
    fn a_module_across_tenants_is_capped_by_its_share_of_the_pool() {
        let admission = Admission::new(100, 2, 2);
        let shares = admission.shares_for(&Arc::from("m"));
        let _a = admission.admit("m", &shares, &tenant("a"), Work::Foreground, 1).unwrap();
        let _b = admission.admit("m", &shares, &tenant("b"), Work::Foreground, 1).unwrap();
        assert_eq!(share(admission.admit("m", &shares, &tenant("c"), Work::Foreground, 1).err().unwrap()), BusyShare::Module);
        // Another load of the same module name shares the module's share.
        let again = admission.shares_for(&Arc::from("m"));
        assert_eq!(share(admission.admit("m", &again, &tenant("d"), Work::Foreground, 1).err().unwrap()), BusyShare::Module);
        let other = admission.shares_for(&Arc::from("other"));
        let _o = admission.admit("other", &other, &tenant("a"), Work::Foreground, 1).expect("other modules are unaffected");
    }

    #[test]
    fn a_full_pool_is_host_capacity_and_slots_come_back_on_drop() {
        let admission = Admission::new(1, 1, 1);
        let first = admission.shares_for(&Arc::from("first"));
        let second = admission.shares_for(&Arc::from("second"));
        let held = admission.admit("first", &first, &tenant("a"), Work::Foreground, 1).unwrap();
        assert_eq!(share(admission.admit("second", &second, &tenant("a"), Work::Foreground, 1).err().unwrap()), BusyShare::Host);
        drop(held);
        admission.admit("second", &second, &tenant("a"), Work::Foreground, 1).expect("the slot came back");
    }

    #[test]
    fn a_module_with_dependency_components_takes_a_pool_slot_per_component() {
        let admission = Admission::new(3, 3, 3);
        let tree = admission.shares_for(&Arc::from("tree"));
        let single = admission.shares_for(&Arc::from("single"));
        let _held = admission.admit("tree", &tree, &tenant("a"), Work::Foreground, 2).unwrap();
        let refused = admission.admit("tree", &tree, &tenant("b"), Work::Foreground, 2).err().unwrap();
        assert_eq!(share(refused), BusyShare::Host);
        let _one = admission.admit("single", &single, &tenant("a"), Work::Foreground, 1).expect("one slot is left");
    }
}
