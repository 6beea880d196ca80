//! A capability test kit: an invocation's state built from an inline
//! manifest, grants and tenant — no component, no wasm — so a capability's
//! host functions can be called directly and their refusals, tenant scoping
//! and op counting asserted.
//!
//! ```ignore
//! let registry = builtin(BuiltinServices { commerce: InMemoryCommerce::sample().into_commerce(), ..Default::default() });
//! let mut call = TestInvocation::builder(&registry, MANIFEST).tenant("acme").ops(2).build();
//! let mut products = call.view::<Products>()?;
//! let page = products::Host::list(&mut products, Page { offset: 0, limit: 10 }).await?;
//! ```

use std::any::TypeId;
use std::collections::BTreeSet;
use std::sync::Arc;

use modgate_manifest::{Manifest, Permission, verify_manifest};

use crate::CORE_VERSION;
use crate::engine::capability::{ModuleFacts, ModuleSlot};
use crate::engine::module_log::{LogLine, ModuleLog};
use crate::engine::{
    Capability, CapabilityRegistry, CapabilityView, EngineConfig, Extensions, InvocationContext, InvocationMemory,
    InvocationSetup, InvocationState, MemoryLimiter,
};
use crate::tenant::TenantId;

/// The capability asked for is not linked under the invocation's grants.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("capability {0} is not linked for these grants")]
pub struct NotLinked(pub &'static str);

/// Builds a [`TestInvocation`].
pub struct TestInvocationBuilder<'a> {
    registry: &'a CapabilityRegistry,
    manifest: Manifest,
    grants: BTreeSet<Permission>,
    tenant: TenantId,
    context: InvocationContext,
    ops: Option<u32>,
    memory_limit: usize,
    extensions: Extensions,
}

/// An invocation's state without wasm; see the module documentation.
pub struct TestInvocation {
    state: InvocationState,
    linked: Vec<TypeId>,
    log: Arc<ModuleLog>,
    memory: Arc<InvocationMemory>,
}

impl TestInvocation {
    /// Starts from the manifest `manifest_toml` (it must verify), every
    /// permission it asks for granted, tenant `acme`, the `http` context and
    /// its default budget.
    pub fn builder<'a>(registry: &'a CapabilityRegistry, manifest_toml: &str) -> TestInvocationBuilder<'a> {
        let manifest = match verify_manifest(manifest_toml, &CORE_VERSION) {
            Ok(verified) => verified.manifest,
            Err(errors) => panic!("the test manifest is invalid:\n{errors}"),
        };
        let config = EngineConfig::default();
        TestInvocationBuilder {
            registry,
            grants: manifest.permissions.clone(),
            manifest,
            tenant: TenantId::new("acme").expect("a slug"),
            context: InvocationContext::Http,
            ops: None,
            memory_limit: config.memory_limit_bytes,
            extensions: Extensions::new(),
        }
    }

    /// What capability `C`'s host functions run on, or [`NotLinked`] when
    /// the grants do not link it (a guest could not call it either).
    pub fn view<C: Capability>(&mut self) -> Result<CapabilityView<'_, C>, NotLinked> {
        if !self.linked.contains(&TypeId::of::<C>()) {
            return Err(NotLinked(C::NAME));
        }
        Ok(self.state.view::<C>())
    }

    /// The whole store data, for capabilities linked through a view of the
    /// store itself (WASI's `WasiView`).
    pub fn state(&mut self) -> &mut InvocationState {
        &mut self.state
    }

    /// Capability operations used so far.
    pub fn ops_used(&mut self) -> u32 {
        self.state.core().ops_used()
    }

    /// The module log's lines.
    pub fn log_lines(&self) -> Vec<LogLine> {
        self.log.lines()
    }

    /// The invocation's memory budget.
    pub fn memory(&self) -> &InvocationMemory {
        &self.memory
    }

    /// Ends the invocation as the engine does: every capability finishes
    /// its state (e.g. captured output moves to the log).
    pub fn finish(&mut self) {
        self.state.finish_capabilities();
    }
}

impl TestInvocationBuilder<'_> {
    /// The tenant the invocation runs for.
    pub fn tenant(mut self, tenant: &str) -> Self {
        self.tenant = TenantId::new(tenant).expect("test tenants are slugs");
        self
    }

    /// Grants only these permissions (a subset of the manifest's).
    pub fn grants(mut self, grants: &[Permission]) -> Self {
        self.grants = grants.iter().copied().collect();
        self
    }

    /// The invocation context (its budget's ops apply unless [`Self::ops`]).
    pub fn context(mut self, context: InvocationContext) -> Self {
        self.context = context;
        self
    }

    /// The capability operations the invocation may use.
    pub fn ops(mut self, ops: u32) -> Self {
        self.ops = Some(ops);
        self
    }

    /// The invocation's memory limit.
    pub fn memory_limit(mut self, bytes: usize) -> Self {
        self.memory_limit = bytes;
        self
    }

    /// Hands `value` to the capabilities, as a caller of the engine would.
    pub fn extension<T: Send + Sync + 'static>(mut self, value: T) -> Self {
        self.extensions = std::mem::take(&mut self.extensions).with(value);
        self
    }

    /// Builds the state as the engine builds it for a real invocation.
    pub fn build(self) -> TestInvocation {
        let config = EngineConfig::default();
        let name: Arc<str> = Arc::from(self.manifest.name.as_str());
        let facts = ModuleFacts {
            name: &name,
            manifest: &self.manifest,
            grants: &self.grants,
        };
        let slots: Vec<ModuleSlot> = self
            .registry
            .linked_for(&self.grants)
            .map(|capability| capability.module_slot(&facts))
            .collect();
        let linked = slots.iter().map(|slot| slot.capability).collect();
        let log = Arc::new(ModuleLog::new(config.log));
        let memory = InvocationMemory::new(self.memory_limit);
        let budget = config.budgets.for_context(self.context);
        let state = InvocationState::new(InvocationSetup {
            module: name,
            tenant: self.tenant,
            context: self.context,
            deadline: std::time::Instant::now() + budget.wall_clock,
            ops_limit: self.ops.unwrap_or(budget.ops),
            log: log.clone(),
            limiter: MemoryLimiter::new(memory.clone(), config.table_elements_limit, config.component_caps),
            max_handles: config.max_handles,
            capabilities: &slots,
            extensions: &self.extensions,
        });
        TestInvocation {
            state,
            linked,
            log,
            memory,
        }
    }
}
