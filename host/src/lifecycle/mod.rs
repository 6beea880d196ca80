//! Installing, upgrading, inspecting and removing modules per tenant.
//!
//! An install runs as one pipeline ([`Lifecycle::install`]): verify the
//! manifest, check the operator's grants and acknowledgements, validate the
//! settings, check and compile the component (cached by content hash), plan
//! the table migration from the installed version, then — in one database
//! transaction — record everything, create or migrate the tenant's tables
//! and run the module's `activate` with its table statements joining that
//! transaction. Any failure rolls the whole transaction back: a failed
//! install changes nothing.

mod actor;
mod approvals;
mod approving;
mod artifacts;
mod audit_log;
mod error;
mod hooks;
mod install;
mod least_privilege;
mod outbound;
mod promote;
mod reconfigure;
mod records;
mod reload;
mod review;
mod settings;
mod source;
mod status;
mod subscriptions;
mod switching;
mod uninstall;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};

pub use actor::{DEFAULT_ACTOR, acting_as, current_actor};
pub use approvals::{InstallInputs, ServingRecord};
pub use artifacts::ArtifactUse;
pub use audit_log::{AuditQuery, AuditRecord, MAX_AUDIT_ENTRIES};
pub use approving::{Approvals, HookSelection, RouteSelection, route_subject};
pub use error::InstallError;
pub use install::{InstallOutcome, InstallRequest};
pub use promote::Promotion;
pub use reload::{ReloadStep, TenantReload};
pub use review::{InstallReview, PermissionReview, TableChangeReview};
pub use settings::{SettingsProblem, validate_settings};
pub use source::ModuleSource;
pub use status::{
    DeliveryCounts, HookStatus, InstallSummary, ModuleStatus, PermissionStatus, ReloadEvent, RouteStatus, StagedStatus,
    TableStatus,
};

use crate::engine::{Engine, LoadedModule};
use crate::tenant::TenantId;
use crate::storage::Storage;

/// The module lifecycle over one engine and one database.
pub struct Lifecycle {
    engine: Arc<Engine>,
    storage: Storage,
    loaded: RwLock<HashMap<(TenantId, String), LoadedModule>>,
    dev_mode: AtomicBool,
    artifacts: Option<artifacts::ArtifactStore>,
}

impl Lifecycle {
    /// A lifecycle over `engine` (whose services should include the
    /// [`crate::storage::module_sql::ModuleTables`] of the same `storage`).
    pub fn new(engine: Arc<Engine>, storage: Storage) -> Self {
        Lifecycle {
            engine,
            storage,
            loaded: RwLock::new(HashMap::new()),
            dev_mode: AtomicBool::new(false),
            artifacts: None,
        }
    }

    /// Dev mode: every install is granted every permission its manifest
    /// asks for, without acknowledgement (what an author wants on their own
    /// machine; never on a shared host — the admin listener refuses a
    /// public address in dev mode, `crate::admin::check_listen_address`).
    pub fn set_dev_mode(&self, on: bool) {
        if on {
            tracing::warn!("DEV MODE: every module is granted every permission it asks for, without review");
        }
        self.dev_mode.store(on, Ordering::Relaxed);
    }

    /// Whether dev mode is on.
    pub fn dev_mode(&self) -> bool {
        self.dev_mode.load(Ordering::Relaxed)
    }

    /// The engine.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The database.
    pub fn storage(&self) -> &Storage {
        &self.storage
    }

    /// The module installed (and loaded) for `tenant`, if any.
    pub fn module(&self, tenant: &TenantId, name: &str) -> Option<LoadedModule> {
        let loaded = self.loaded.read().unwrap_or_else(|p| p.into_inner());
        loaded.get(&(tenant.clone(), name.to_owned())).cloned()
    }

    fn remember(&self, tenant: &TenantId, module: LoadedModule) {
        let mut loaded = self.loaded.write().unwrap_or_else(|p| p.into_inner());
        loaded.insert((tenant.clone(), module.name().to_owned()), module);
    }

    fn forget(&self, tenant: &TenantId, name: &str) {
        let mut loaded = self.loaded.write().unwrap_or_else(|p| p.into_inner());
        loaded.remove(&(tenant.clone(), name.to_owned()));
    }
}

impl std::fmt::Debug for Lifecycle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lifecycle").field("storage", &self.storage).finish()
    }
}
