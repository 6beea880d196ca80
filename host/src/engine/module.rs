//! A loaded module: a pre-instantiated component plus what its invocations
//! share (its shares of the host's capacity, its log, and the per-module
//! state of each linked capability).

use std::collections::BTreeSet;
use std::sync::Arc;

use modgate_manifest::{Manifest, Permission};
use wasmtime::component::InstancePre;

use crate::bindings::exports::modgate::host::lifecycle::GuestIndices as LifecycleIndices;
use crate::bindings::exports::modgate::host::slot_provider::GuestIndices as SlotIndices;
use crate::bindings::exports::modgate::host::event_handler::GuestIndices as ModuleEventIndices;
use crate::bindings::exports::modgate::host::hook_handler::GuestIndices as HookIndices;
use crate::bindings::exports::modgate::commerce::core_event_handler::GuestIndices as CoreEventIndices;
use crate::engine::Shared;
use crate::engine::admission::ModuleShares;
use crate::engine::budget::InvocationContext;
use crate::engine::capability::{ModuleFacts, ModuleSlot};
use crate::engine::check::Linked;
use crate::engine::error::InvocationError;
use crate::engine::extensions::{Extensions, InstallSettings};
use crate::engine::invocation::{Invocation, Invoked, guest_answer};
use crate::engine::module_log::ModuleLog;
use crate::engine::state::InvocationState;
use crate::engine::tree::LinkedDependency;
use crate::tenant::TenantId;
use wasmtime_wasi_http::p2::bindings::exports::wasi::http::incoming_handler::GuestIndices as IncomingIndices;

/// One component of a loaded module and the permissions it was linked
/// with: what the operator sees of a module's tree at install.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ComponentGrant {
    /// The module's name for its main component; `module>dependency`
    /// (the shortest chain of imports, `wishlist>greeter>casing`) for a
    /// dependency: the path refusals, usage and metrics name.
    pub path: String,
    /// The permissions granted to this component alone.
    pub granted: BTreeSet<Permission>,
}

/// A module ready to be invoked. Cheap to clone.
#[derive(Clone)]
pub struct LoadedModule {
    pub(crate) inner: Arc<ModuleInner>,
}

pub(crate) struct ModuleInner {
    pub name: Arc<str>,
    pub manifest: Manifest,
    pub grants: BTreeSet<Permission>,
    pub content_hash: [u8; 32],
    pub component_hashes: Vec<[u8; 32]>,
    pub pre: InstancePre<InvocationState>,
    /// The dependency components, in instantiation order (empty for most
    /// modules).
    pub dependencies: Arc<[LinkedDependency]>,
    pub lifecycle: LifecycleIndices,
    /// Present when the component exports `wasi:http/incoming-handler`.
    pub incoming: Option<IncomingIndices>,
    /// Present when the component exports `slot-provider`.
    pub slots: Option<SlotIndices>,
    /// Present when the component exports `modgate:commerce/core-event-handler`.
    pub core_events: Option<CoreEventIndices>,
    /// Present when the component exports `modgate:host/event-handler`.
    pub module_events: Option<ModuleEventIndices>,
    /// Present when the component exports `modgate:host/hook-handler`.
    pub hooks: Option<HookIndices>,
    /// This module's shares of the host's capacity (see `engine::admission`).
    pub shares: ModuleShares,
    /// Each linked capability's per-module state.
    pub capabilities: Vec<ModuleSlot>,
    pub log: Arc<ModuleLog>,
    pub shared: Arc<Shared>,
}

impl ModuleInner {
    /// How many component instances one invocation creates.
    pub fn components(&self) -> u32 {
        u32::try_from(1 + self.dependencies.len()).unwrap_or(u32::MAX)
    }
}

impl LoadedModule {
    pub(crate) fn new(shared: Arc<Shared>, manifest: Manifest, grants: BTreeSet<Permission>, linked: Linked) -> Self {
        let name: Arc<str> = Arc::from(manifest.name.as_str());
        let exports = linked.exports;
        let facts = ModuleFacts {
            name: &name,
            manifest: &manifest,
            grants: &grants,
        };
        let capabilities = shared
            .registry
            .linked_for(&grants)
            .map(|capability| capability.module_slot(&facts))
            .collect();
        let log = Arc::new(ModuleLog::new(shared.config.log));
        let shares = shared.admission.shares_for(&name);
        LoadedModule {
            inner: Arc::new(ModuleInner {
                name,
                manifest,
                grants,
                content_hash: linked.hash,
                component_hashes: linked.component_hashes,
                pre: linked.pre,
                dependencies: linked.dependencies,
                lifecycle: exports.lifecycle,
                incoming: exports.incoming,
                slots: exports.slots,
                core_events: exports.core_events,
                module_events: exports.module_events,
                hooks: exports.hooks,
                shares,
                capabilities,
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

    /// The identity of the module's code: the SHA-256 of the component,
    /// or for a module with dependency components their
    /// [`tree_hash`](crate::engine::tree_hash).
    pub fn content_hash(&self) -> [u8; 32] {
        self.inner.content_hash
    }

    /// The SHA-256 of each of its components (main first): the keys of
    /// their compiled artifacts.
    pub fn component_hashes(&self) -> &[[u8; 32]] {
        &self.inner.component_hashes
    }

    /// Every component with what it was linked with, the main component
    /// first, then the dependencies in instantiation order. A permission a
    /// dependency names is that dependency's alone
    /// ([`Manifest::main_permissions`]).
    pub fn component_grants(&self) -> Vec<ComponentGrant> {
        let main_permissions = self.inner.manifest.main_permissions();
        let main = ComponentGrant {
            path: self.inner.name.to_string(),
            granted: self.inner.grants.intersection(&main_permissions).copied().collect(),
        };
        std::iter::once(main).chain(self.inner.dependencies.iter().map(|d| d.grant.clone())).collect()
    }

    /// The module's bounded log.
    pub fn log(&self) -> &ModuleLog {
        &self.inner.log
    }

    /// Calls `lifecycle.activate(settings)` for `tenant` in a fresh instance
    /// under the `activate` budget; `modgate:host/settings` answers the same
    /// document.
    pub async fn activate(&self, tenant: &TenantId, settings: &str) -> Result<Invoked<()>, InvocationError> {
        let extensions = Extensions::new().with(InstallSettings::new(settings));
        self.activate_with(tenant, settings, &extensions).await
    }

    /// [`Self::activate`], handing the capabilities `extensions` (the
    /// lifecycle passes the install's database session, so that a failed
    /// install leaves nothing behind, and its [`InstallSettings`]).
    pub async fn activate_with(
        &self,
        tenant: &TenantId,
        settings: &str,
        extensions: &Extensions,
    ) -> Result<Invoked<()>, InvocationError> {
        let inner = &*self.inner;
        let invoked = Invocation::begin(inner, tenant, InvocationContext::Activate, extensions)?
            .run(async |store, instance| {
                let lifecycle = inner.lifecycle.load(&mut *store, instance)?;
                lifecycle.call_activate(&mut *store, settings).await
            })
            .await?;
        guest_answer(&inner.name, invoked)
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
