//! The data of one invocation's store: the [`InvocationCore`] every
//! invocation has (who is calling, for which tenant, what is left of the
//! budget, the log, the memory budget and the resource table), and each
//! linked capability's own state, which only that capability reaches
//! ([`InvocationState::view`]).

use std::any::{Any, TypeId};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Instant;

use wasmtime::component::{Instance, ResourceTable};

use crate::bindings::{WitError, WitErrorCode};
use crate::engine::budget::{InvocationContext, OpCalls, OpsCounter};
use crate::engine::capability::{Capability, CapabilityView, InvocationFacts, ModuleSlot};
use crate::engine::memory::{InvocationMemory, MemoryLimitReached, MemoryLimiter};
use crate::engine::module_log::{LogLevel, ModuleLog};
use crate::tenant::TenantId;

/// What every invocation has, whatever it is linked with.
pub struct InvocationCore {
    module: Arc<str>,
    tenant: TenantId,
    context: InvocationContext,
    deadline: Instant,
    ops: OpsCounter,
    log: Arc<ModuleLog>,
    /// Shared with every [`LogWriter`] of the invocation, so work it
    /// started (a request in flight) stays under the same line cap.
    log_lines_written: Arc<AtomicU32>,
    pub(crate) limiter: MemoryLimiter,
    /// Host objects the guest holds handles to (capped in size).
    pub table: ResourceTable,
}

/// One linked capability's states in the store.
struct CapabilitySlot {
    capability: TypeId,
    module: Arc<dyn Any + Send + Sync>,
    invocation: Box<dyn Any + Send>,
    finish: fn(&mut (dyn Any + Send), &mut InvocationCore),
}

/// Store data of one invocation.
pub struct InvocationState {
    pub(crate) core: InvocationCore,
    capabilities: Vec<CapabilitySlot>,
    /// This invocation's instance of each dependency component, by its
    /// index in the module's dependencies (set as they are instantiated).
    dependencies: Vec<Option<Instance>>,
}

/// Everything needed to start an invocation's store.
pub(crate) struct InvocationSetup<'a> {
    pub module: Arc<str>,
    pub tenant: TenantId,
    pub context: InvocationContext,
    pub deadline: Instant,
    pub ops_limit: u32,
    pub log: Arc<ModuleLog>,
    pub limiter: MemoryLimiter,
    pub max_handles: usize,
    pub capabilities: &'a [ModuleSlot],
    pub extensions: &'a crate::engine::Extensions,
}

impl InvocationState {
    pub(crate) fn new(setup: InvocationSetup<'_>) -> Self {
        let module = setup.module;
        let mut table = ResourceTable::new();
        table.set_max_capacity(setup.max_handles);
        let facts = InvocationFacts {
            tenant: &setup.tenant,
            context: setup.context,
            deadline: setup.deadline,
            extensions: setup.extensions,
        };
        let capabilities = setup
            .capabilities
            .iter()
            .map(|slot| CapabilitySlot {
                capability: slot.capability,
                module: slot.state.clone(),
                invocation: (slot.per_invocation)(slot.state.as_ref(), &facts),
                finish: slot.finish,
            })
            .collect();
        InvocationState {
            core: InvocationCore {
                module: module.clone(),
                tenant: setup.tenant,
                context: setup.context,
                deadline: setup.deadline,
                ops: OpsCounter::new(setup.ops_limit, module.clone()),
                log: setup.log,
                log_lines_written: Arc::new(AtomicU32::new(0)),
                limiter: setup.limiter,
                table,
            },
            capabilities,
            dependencies: Vec::new(),
        }
    }

    /// This invocation's instance of dependency `index`, once instantiated.
    pub(crate) fn dependency(&self, index: usize) -> Option<Instance> {
        self.dependencies.get(index).copied().flatten()
    }

    /// Keeps this invocation's instance of dependency `index`.
    pub(crate) fn set_dependency(&mut self, index: usize, instance: Instance) {
        if self.dependencies.len() <= index {
            self.dependencies.resize(index + 1, None);
        }
        self.dependencies[index] = Some(instance);
    }

    /// What capability `C`'s host functions run on: the core and `C`'s own
    /// state. Nothing of any other capability is reachable from it.
    pub fn view<C: Capability>(&mut self) -> CapabilityView<'_, C> {
        let wanted = TypeId::of::<C>();
        let index = match self.capabilities.iter().position(|slot| slot.capability == wanted) {
            Some(index) => index,
            None => {
                // Not linked, so unreachable from a guest (the linker and the
                // slots come from the same grants): a default state rather
                // than a failing host.
                self.capabilities.push(CapabilitySlot {
                    capability: wanted,
                    module: Arc::new(()),
                    invocation: Box::new(C::PerInvocation::default()),
                    finish: |_, _| {},
                });
                self.capabilities.len() - 1
            }
        };
        let slot = &mut self.capabilities[index];
        CapabilityView {
            core: &mut self.core,
            module: slot.module.downcast_ref::<C::PerModule>(),
            state: typed(&mut slot.invocation),
        }
    }

    /// Lets every capability finish its invocation state (e.g. move captured
    /// output into the module log).
    pub(crate) fn finish_capabilities(&mut self) {
        for slot in &mut self.capabilities {
            (slot.finish)(slot.invocation.as_mut(), &mut self.core);
        }
    }

    /// The core: module, tenant, context, budget, log, memory, table.
    pub fn core(&mut self) -> &mut InvocationCore {
        &mut self.core
    }
}

/// The state in `slot` as a `T`, replaced by `T::default()` if it is not one.
fn typed<T: Default + Send + 'static>(slot: &mut Box<dyn Any + Send>) -> &mut T {
    if !slot.is::<T>() {
        *slot = Box::new(T::default());
    }
    slot.downcast_mut::<T>().expect("the slot holds a T: it was just checked or set")
}

impl InvocationCore {
    /// Takes one capability operation from the budget, or answers
    /// `budget-exhausted` naming the operation.
    pub fn take_op(&mut self, operation: &'static str) -> Result<(), WitError> {
        take_op(&self.ops, self.context, operation)
    }

    /// A handle taking ops from this invocation's budget, for host work
    /// that cannot borrow the invocation's state when it needs one (a
    /// wasmtime-wasi-http hook).
    pub fn ops_budget(&self) -> OpsBudget {
        OpsBudget { ops: self.ops.clone(), context: self.context }
    }

    /// The module being invoked.
    pub fn module(&self) -> &str {
        &self.module
    }

    /// The tenant the invocation runs for; every capability scopes to it.
    pub fn tenant(&self) -> &TenantId {
        &self.tenant
    }

    /// Why the module is being called.
    pub fn context(&self) -> InvocationContext {
        self.context
    }

    /// Capability operations used so far.
    pub fn ops_used(&self) -> u32 {
        self.ops.used()
    }

    /// Calls per capability operation so far, refused ones included.
    pub fn op_calls(&self) -> Vec<(&'static str, u32)> {
        self.ops.calls()
    }

    /// Calls per (component path, capability operation) so far.
    pub fn op_calls_by_path(&self) -> Vec<OpCalls> {
        self.ops.calls_by_path()
    }

    /// Attributes what follows to the dependency `name` the running
    /// component calls; returns the caller's path for [`Self::leave_dependency`].
    pub(crate) fn enter_dependency(&mut self, name: &str) -> Arc<str> {
        self.ops.enter(name)
    }

    /// Attributes what follows to `caller` again.
    pub(crate) fn leave_dependency(&mut self, caller: Arc<str>) {
        self.ops.leave(caller);
    }

    /// When the invocation's wall-clock budget runs out: host work done for
    /// it (a request it sent) should end by then.
    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    /// Writes a line to the module log, within the per-invocation line cap.
    pub fn write_log(&mut self, level: LogLevel, message: &str) {
        append_capped(&self.log, &self.tenant, &self.log_lines_written, level, message);
    }

    /// A handle that writes to the module log under this invocation's line
    /// cap, for host work that outlives the call that started it (a
    /// request's future).
    pub fn log_writer(&self) -> LogWriter {
        LogWriter {
            log: self.log.clone(),
            tenant: self.tenant.clone(),
            lines_written: self.log_lines_written.clone(),
        }
    }

    /// The invocation's memory budget.
    pub fn memory(&self) -> &Arc<InvocationMemory> {
        self.limiter.memory()
    }

    /// Charges host-side state the guest causes (`what`, `bytes`) to the
    /// invocation's memory budget; a refusal ends the invocation as
    /// out-of-memory when returned as a host function's error.
    pub fn charge_host(&self, what: &'static str, bytes: usize) -> Result<(), MemoryLimitReached> {
        self.limiter.memory().charge_host(what, bytes)
    }

    /// The module's log.
    pub fn log(&self) -> &ModuleLog {
        &self.log
    }
}

/// Writes to an invocation's module log from outside its host functions,
/// counting against the same per-invocation line cap.
#[derive(Clone)]
pub struct LogWriter {
    log: Arc<ModuleLog>,
    tenant: TenantId,
    lines_written: Arc<AtomicU32>,
}

impl LogWriter {
    /// Appends a line, or counts it as dropped once the cap is reached.
    pub fn write(&self, level: LogLevel, message: &str) {
        append_capped(&self.log, &self.tenant, &self.lines_written, level, message);
    }
}

/// Appends a line to `log` for `tenant`, or counts it as dropped once
/// `lines_written` reached the invocation's cap.
fn append_capped(log: &ModuleLog, tenant: &TenantId, lines_written: &AtomicU32, level: LogLevel, message: &str) {
    let cap = log.limits().max_lines_per_invocation;
    let taken = lines_written.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| (n < cap).then_some(n + 1));
    if taken.is_ok() {
        log.append(tenant.as_str(), level, message);
    } else {
        log.count_dropped(tenant.as_str(), 1);
    }
}

/// Takes ops from one invocation's budget; see [`InvocationCore::ops_budget`].
#[derive(Clone)]
pub struct OpsBudget {
    ops: OpsCounter,
    context: InvocationContext,
}

impl OpsBudget {
    /// Takes one operation, or answers `budget-exhausted` naming it.
    pub fn take(&self, operation: &'static str) -> Result<(), WitError> {
        take_op(&self.ops, self.context, operation)
    }
}

fn take_op(ops: &OpsCounter, context: InvocationContext, operation: &'static str) -> Result<(), WitError> {
    if ops.try_take(operation) {
        Ok(())
    } else {
        Err(WitError::new(
            WitErrorCode::BudgetExhausted,
            format!("{operation}: the {context} invocation's budget of {} capability operations is used up", ops.limit()),
        ))
    }
}
