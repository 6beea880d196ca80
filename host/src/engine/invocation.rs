//! One invocation, the same for every context (activate, http, slot, and
//! the hook and event contexts to come): admission → store → instance →
//! call → capabilities finish (captured output) → a typed report. Each
//! export adds only its own call ([`Invocation::run`]).

use std::future::Future;
use std::sync::Arc;
use std::task::Poll;
use std::time::{Duration, Instant};

use tracing::Instrument;

use wasmtime::component::{Instance, InstancePre, ResourceTableError};
use wasmtime::{PoolConcurrencyLimitError, Store, Trap, UpdateDeadline};

use crate::engine::admission::Admitted;
use crate::engine::budget::{Budget, InvocationContext};
use crate::engine::error::{BusyShare, DeadlineReached, GuestLimit, InvocationError};
use crate::engine::guest_text::bounded_message;
use crate::engine::memory::{InvocationMemory, MemoryLimitReached, MemoryLimiter};
use crate::engine::extensions::Extensions;
use crate::engine::module::ModuleInner;
use crate::engine::observer::{InvocationObservers, InvocationRecord};
use crate::engine::state::{InvocationSetup, InvocationState};
use crate::engine::tree::LinkedDependency;
use crate::tenant::TenantId;

/// The value an export returned, with what the invocation spent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invoked<R> {
    /// The export's return value.
    pub value: R,
    /// Wasm instructions executed (0 when fuel metering is off).
    pub fuel_used: u64,
    /// Capability operations used.
    pub ops_used: u32,
    /// Wall-clock time from admission to the end of the call.
    pub elapsed: Duration,
}

/// A running invocation: holds its admission and the store.
pub(crate) struct Invocation {
    pub store: Store<InvocationState>,
    pub budget: Budget,
    pre: InstancePre<InvocationState>,
    dependencies: Arc<[LinkedDependency]>,
    grace: Duration,
    module: Arc<str>,
    context: InvocationContext,
    started: Instant,
    fuel: bool,
    memory: Arc<InvocationMemory>,
    observers: InvocationObservers,
    _admitted: Admitted,
}

impl Invocation {
    /// Admits the invocation (or answers `busy`) and builds its store.
    pub fn begin(
        module: &ModuleInner,
        tenant: &TenantId,
        context: InvocationContext,
        extensions: &Extensions,
    ) -> Result<Self, InvocationError> {
        let started = Instant::now();
        let config = &module.shared.config;
        let admitted = match module.shared.admission.admit(&module.name, &module.shares, tenant, context.into(), module.components()) {
            Ok(admitted) => admitted,
            Err(busy) => {
                config.observers.finished(&InvocationRecord {
                    module: &module.name,
                    tenant,
                    context,
                    error: Some(&busy),
                    elapsed: started.elapsed(),
                    fuel_used: 0,
                    ops_used: 0,
                    memory_peak_bytes: 0,
                    op_calls: &[],
                    path_calls: &[],
                });
                return Err(busy);
            }
        };
        let budget = config.budgets.for_context(context);
        let memory = InvocationMemory::new(config.memory_limit_bytes);
        let deadline = started + budget.wall_clock;
        let state = InvocationState::new(InvocationSetup {
            module: module.name.clone(),
            tenant: tenant.clone(),
            context,
            deadline,
            ops_limit: budget.ops,
            log: module.log.clone(),
            limiter: MemoryLimiter::new(memory.clone(), config.table_elements_limit, config.component_caps)
                .for_components(1 + module.dependencies.len()),
            max_handles: config.max_handles,
            capabilities: &module.capabilities,
            extensions,
        });
        let mut store = Store::new(&module.shared.wasmtime, state);
        store.limiter(|s| &mut s.core.limiter);
        store.set_hostcall_fuel(config.max_host_call_bytes);
        store.set_max_component_handles(config.max_handles);
        if config.fuel {
            store.set_fuel(budget.fuel).map_err(|e| host_error(&module.name, e))?;
        }
        // Every tick the guest yields to the executor (so one busy module
        // cannot starve others); once the deadline has passed it is stopped.
        store.set_epoch_deadline(1);
        store.epoch_deadline_callback(move |_| {
            if Instant::now() >= deadline {
                Err(DeadlineReached.into())
            } else {
                Ok(UpdateDeadline::Yield(1))
            }
        });
        Ok(Invocation {
            store,
            budget,
            pre: module.pre.clone(),
            dependencies: module.dependencies.clone(),
            grace: config.epoch_tick * 2,
            module: module.name.clone(),
            context,
            started,
            fuel: config.fuel,
            memory,
            observers: config.observers.clone(),
            _admitted: admitted,
        })
    }

    /// The invocation's memory budget (shared with the response collector).
    pub fn memory(&self) -> &Arc<InvocationMemory> {
        &self.memory
    }

    /// Instantiates the module in this invocation's store and runs `call` on
    /// the instance, all within the deadline; then reports how it ended.
    pub async fn run<R>(
        mut self,
        call: impl AsyncFnOnce(&mut Store<InvocationState>, &Instance) -> wasmtime::Result<R>,
    ) -> Result<Invoked<R>, InvocationError> {
        let store = &mut self.store;
        let pre = &self.pre;
        let dependencies = &self.dependencies;
        let span = tracing::info_span!(
            "invocation",
            module = &*self.module,
            tenant = store.data().core.tenant().as_str(),
            context = self.context.as_str(),
        );
        let result = within_deadline(self.started + self.budget.wall_clock + self.grace, async {
            // Providers first: a component's forwarders find its
            // dependencies' instances in the store.
            for dependency in dependencies.iter() {
                let instance = dependency.pre.instantiate_async(&mut *store).await?;
                store.data_mut().set_dependency(dependency.index, instance);
            }
            let instance = pre.instantiate_async(&mut *store).await?;
            call(&mut *store, &instance).await
        })
        .instrument(span)
        .await;
        self.finish(result)
    }

    /// Turns the raw result of the call into a typed outcome, after every
    /// capability has finished its state (captured output to the log).
    fn finish<R>(mut self, result: wasmtime::Result<R>) -> Result<Invoked<R>, InvocationError> {
        self.store.data_mut().finish_capabilities();
        let fuel_used = if self.fuel {
            self.budget
                .fuel
                .saturating_sub(self.store.get_fuel().unwrap_or(0))
        } else {
            0
        };
        let elapsed = self.started.elapsed();
        let core = &self.store.data().core;
        let ops_used = core.ops_used();
        let outcome = result.map_err(|error| self.classify(error));
        if !self.observers.is_empty() {
            self.observers.finished(&InvocationRecord {
                module: &self.module,
                tenant: core.tenant(),
                context: self.context,
                error: outcome.as_ref().err(),
                elapsed,
                fuel_used,
                ops_used,
                // Nothing charged is released within an invocation: what it
                // holds at the end is the most it held.
                memory_peak_bytes: self.memory.used(),
                op_calls: &core.op_calls(),
                path_calls: &core.op_calls_by_path(),
            });
        }
        outcome.map(|value| Invoked {
            value,
            fuel_used,
            ops_used,
            elapsed,
        })
    }

    fn classify(&self, error: wasmtime::Error) -> InvocationError {
        let module = self.module.to_string();
        let context = self.context.as_str();
        if error.downcast_ref::<DeadlineReached>().is_some() {
            return InvocationError::DeadlineExceeded {
                module,
                context,
                millis: self.budget.wall_clock.as_millis(),
            };
        }
        if let Some(reached) = cause::<MemoryLimitReached>(&error) {
            return InvocationError::OutOfMemory {
                module,
                limit: reached.limit,
                asked: reached.total_asked,
                by: reached.by,
            };
        }
        match error.downcast_ref::<Trap>() {
            Some(Trap::OutOfFuel) => InvocationError::FuelExhausted {
                module,
                context,
                fuel: self.budget.fuel,
            },
            Some(Trap::StackOverflow) => InvocationError::StackOverflow { module },
            // The guest's allocator aborts when memory cannot grow.
            Some(_) => match self.memory.refusal() {
                Some(refusal) => InvocationError::OutOfMemory {
                    module,
                    limit: self.memory.limit(),
                    asked: refusal.total_asked,
                    by: refusal.by,
                },
                None => InvocationError::Trap {
                    module,
                    trap: bounded_message(&format!("{error:?}")),
                },
            },
            None => match self.memory.refusal() {
                // A memory or table whose initial size is over the budget
                // fails instantiation rather than trapping.
                Some(refusal) => InvocationError::OutOfMemory {
                    module,
                    limit: self.memory.limit(),
                    asked: refusal.total_asked,
                    by: refusal.by,
                },
                None => classify_host_side(module, &error),
            },
        }
    }
}

/// Errors raised outside wasm code: limits wasmtime or the WASI
/// implementations enforce for the guest, the pool, a handle the guest got
/// wrong — each the guest's doing (or `busy`), never a host failure.
/// Wasmtime keeps some of these types private; their texts are pinned by the
/// hostile-component tests, which fail if a wasmtime upgrade changes them.
pub(crate) fn classify_host_side(module: String, error: &wasmtime::Error) -> InvocationError {
    if let Some(pool) = cause::<PoolConcurrencyLimitError>(error) {
        tracing::warn!(module, "the instance pool is exhausted: {pool}");
        return InvocationError::Busy {
            module,
            limit: 0,
            share: BusyShare::Host,
        };
    }
    let limit = |limit: GuestLimit| InvocationError::ResourceLimit {
        module: module.clone(),
        limit,
        detail: bounded_message(&format!("{error:#}")),
    };
    if let Some(table) = cause::<ResourceTableError>(error) {
        return match table {
            ResourceTableError::Full => limit(GuestLimit::Handles),
            // A handle that does not exist or has the wrong type: the guest
            // passed garbage.
            other => InvocationError::Trap {
                module: module.clone(),
                trap: format!("invalid resource handle: {other}"),
            },
        };
    }
    if let Some(exit) = cause::<wasmtime_wasi::I32Exit>(error) {
        // `wasi:cli/exit`: the guest ended itself instead of answering.
        return InvocationError::Trap {
            module,
            trap: format!("the module called wasi:cli/exit (exit status {})", exit.0),
        };
    }
    let text = format!("{error:#}");
    if text.contains("unknown handle index") {
        // A component-model handle the guest made up: wasmtime's canonical
        // ABI refuses it before any host table is looked at.
        return InvocationError::Trap {
            module,
            trap: format!("invalid resource handle: {}", bounded_message(&text)),
        };
    }
    if text.contains("store handle limit exceeded") {
        return limit(GuestLimit::Handles);
    }
    if text.contains("fuel allocated for hostcalls has been exhausted") {
        return limit(GuestLimit::HostCallBytes);
    }
    if text.contains("resource limit exceeded") && text.contains("count too high") {
        return limit(GuestLimit::ComponentCounts);
    }
    if text.contains("requested len") && text.contains("exceeds limit") {
        return limit(GuestLimit::RandomBytes);
    }
    InvocationError::Host {
        module,
        message: bounded_message(&text),
    }
}

/// The first error of type `E` in `error`'s chain.
fn cause<E: std::error::Error + Send + Sync + 'static>(error: &wasmtime::Error) -> Option<&E> {
    error
        .downcast_ref::<E>()
        .or_else(|| error.chain().find_map(|cause| cause.downcast_ref::<E>()))
}

/// Bounds host-side waits too: epochs stop running wasm, this stops a call
/// stuck in a host function (a provider that never answers) at `deadline`.
/// The timer is armed only once the call waits: most invocations finish in
/// their first poll, and registering and cancelling a timer was a tenth of
/// the invocation's own cost (`docs/benchmarks.md`, "The ladder").
async fn within_deadline<R>(
    deadline: Instant,
    call: impl Future<Output = wasmtime::Result<R>>,
) -> wasmtime::Result<R> {
    let mut call = std::pin::pin!(call);
    let first = std::future::poll_fn(|cx| Poll::Ready(call.as_mut().poll(cx))).await;
    if let Poll::Ready(result) = first {
        return result;
    }
    match tokio::time::timeout_at(deadline.into(), call).await {
        Ok(result) => result,
        Err(_) => Err(DeadlineReached.into()),
    }
}

/// The typed result an export returned, as the invocation's outcome: a
/// guest error is the module's answer, reported with its code.
pub(crate) fn guest_answer<T>(
    module: &str,
    invoked: Invoked<Result<T, crate::bindings::WitError>>,
) -> Result<Invoked<T>, InvocationError> {
    match invoked.value {
        Ok(value) => Ok(Invoked {
            value,
            fuel_used: invoked.fuel_used,
            ops_used: invoked.ops_used,
            elapsed: invoked.elapsed,
        }),
        Err(e) => Err(InvocationError::Guest {
            module: module.to_owned(),
            code: e.code,
            message: bounded_message(&e.message),
        }),
    }
}

fn host_error(module: &str, error: wasmtime::Error) -> InvocationError {
    InvocationError::Host {
        module: module.to_owned(),
        message: format!("{error:#}"),
    }
}
