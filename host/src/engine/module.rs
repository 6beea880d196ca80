//! A loaded module: a pre-instantiated component plus what its invocations
//! share (in-flight cap, log).

use std::collections::BTreeSet;
use std::sync::Arc;

use modgate_manifest::{Manifest, Permission, TableDecl};
use wasmtime::component::InstancePre;

use crate::bindings::exports::modgate::host::lifecycle::GuestIndices as LifecycleIndices;
use crate::bindings::exports::modgate::host::slot_provider::GuestIndices as SlotIndices;
use wasmtime_wasi_http::p2::bindings::exports::wasi::http::incoming_handler::GuestIndices as IncomingIndices;
use crate::engine::admission::ModuleShares;
use crate::engine::budget::InvocationContext;
use crate::engine::check::Linked;
use crate::engine::error::InvocationError;
use crate::engine::guest_text::bounded_message;
use crate::engine::invocation::{Invocation, Invoked, within_deadline};
use crate::engine::module_log::ModuleLog;
use crate::engine::state::InvocationState;
use crate::engine::tenant::TenantId;
use crate::engine::Shared;
use crate::storage::DataSession;

/// A module ready to be invoked. Cheap to clone.
#[derive(Clone)]
pub struct LoadedModule {
    pub(crate) inner: Arc<ModuleInner>,
}

pub(crate) struct ModuleInner {
    pub name: Arc<str>,
    pub manifest: Manifest,
    pub tables: Arc<[TableDecl]>,
    pub grants: BTreeSet<Permission>,
    pub content_hash: [u8; 32],
    pub pre: InstancePre<InvocationState>,
    pub lifecycle: LifecycleIndices,
    /// Present when the component exports `wasi:http/incoming-handler`.
    pub incoming: Option<IncomingIndices>,
    /// Present when the component exports `slot-provider`.
    pub slots: Option<SlotIndices>,
    /// This module's shares of the host's capacity (see `engine::admission`).
    pub shares: ModuleShares,
    pub log: Arc<ModuleLog>,
    pub shared: Arc<Shared>,
}

impl LoadedModule {
    pub(crate) fn new(shared: Arc<Shared>, manifest: Manifest, grants: BTreeSet<Permission>, linked: Linked) -> Self {
        let name: Arc<str> = Arc::from(manifest.name.as_str());
        let exports = linked.exports;
        let log = Arc::new(ModuleLog::new(shared.config.log));
        let shares = shared.admission.shares_for(&name);
        LoadedModule {
            inner: Arc::new(ModuleInner {
                name,
                tables: manifest.tables.clone().into(),
                manifest,
                grants,
                content_hash: linked.hash,
                pre: linked.pre,
                lifecycle: exports.lifecycle,
                incoming: exports.incoming,
                slots: exports.slots,
                shares,
                log,
                shared,
            }),
        }
    }

    /// The module's name.
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// Its verified manifest.
    pub fn manifest(&self) -> &Manifest {
        &self.inner.manifest
    }

    /// The permissions the operator granted (the linker holds only these).
    pub fn grants(&self) -> &BTreeSet<Permission> {
        &self.inner.grants
    }

    /// SHA-256 of the component bytes.
    pub fn content_hash(&self) -> [u8; 32] {
        self.inner.content_hash
    }

    /// The module's bounded log.
    pub fn log(&self) -> &ModuleLog {
        &self.inner.log
    }

    /// Calls `lifecycle.activate(settings)` for `tenant` in a fresh instance
    /// under the `activate` budget.
    pub async fn activate(
        &self,
        tenant: &TenantId,
        settings: &str,
    ) -> Result<Invoked<()>, InvocationError> {
        self.activate_in(tenant, settings, None).await
    }

    /// [`Self::activate`], with the module's table statements running in
    /// `session` (the install transaction) so a failed install leaves nothing.
    pub async fn activate_in(
        &self,
        tenant: &TenantId,
        settings: &str,
        session: Option<DataSession>,
    ) -> Result<Invoked<()>, InvocationError> {
        let inner = &*self.inner;
        let mut invocation = Invocation::begin(inner, tenant, InvocationContext::Activate, session)?;
        let wall_clock = invocation.budget.wall_clock;
        let store = &mut invocation.store;
        let result = within_deadline(wall_clock, inner.shared.config.epoch_tick * 2, async {
            let instance = inner.pre.instantiate_async(&mut *store).await?;
            let lifecycle = inner.lifecycle.load(&mut *store, &instance)?;
            lifecycle.call_activate(&mut *store, settings).await
        })
        .await;
        let invoked = invocation.finish(result)?;
        match invoked.value {
            Ok(()) => Ok(Invoked {
                value: (),
                fuel_used: invoked.fuel_used,
                ops_used: invoked.ops_used,
                elapsed: invoked.elapsed,
            }),
            Err(e) => Err(InvocationError::Guest {
                module: self.name().to_owned(),
                code: e.code,
                message: bounded_message(&e.message),
            }),
        }
    }
}

impl std::fmt::Debug for LoadedModule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoadedModule")
            .field("name", &self.inner.name)
            .field("version", &self.inner.manifest.version.to_string())
            .field("grants", &self.inner.grants)
            .finish()
    }
}
