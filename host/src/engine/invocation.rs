//! One invocation: a fresh store with the context's budget, and the
//! classification of how it ended.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::OwnedSemaphorePermit;
use wasmtime::{Store, Trap, UpdateDeadline};

use crate::engine::budget::{Budget, InvocationContext};
use crate::engine::error::{DeadlineReached, InvocationError};
use crate::engine::limits::MemoryLimiter;
use crate::engine::module::ModuleInner;
use crate::engine::state::{InvocationSetup, InvocationState};
use crate::engine::tenant::TenantId;
use crate::storage::DataSession;

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

/// A running invocation: holds the in-flight permit and the store.
pub(crate) struct Invocation {
    pub store: Store<InvocationState>,
    pub budget: Budget,
    module: Arc<str>,
    context: InvocationContext,
    started: Instant,
    fuel: bool,
    _permit: OwnedSemaphorePermit,
}

impl Invocation {
    /// Admits the invocation (or answers `busy`) and builds its store.
    pub fn begin(
        module: &ModuleInner,
        tenant: &TenantId,
        context: InvocationContext,
        session: Option<DataSession>,
    ) -> Result<Self, InvocationError> {
        let started = Instant::now();
        let permit = module
            .in_flight
            .clone()
            .try_acquire_owned()
            .map_err(|_| InvocationError::Busy {
                module: module.name.to_string(),
                limit: module.shared.config.max_in_flight_per_module,
            })?;
        let config = &module.shared.config;
        let budget = config.budgets.for_context(context);
        let state = InvocationState::new(InvocationSetup {
            module: module.name.clone(),
            tenant: tenant.clone(),
            context,
            ops_limit: budget.ops,
            log: module.log.clone(),
            services: module.shared.services.clone(),
            tables: module.tables.clone(),
            session,
            limiter: MemoryLimiter::new(config.memory_limit_bytes, config.table_elements_limit),
        });
        let mut store = Store::new(&module.shared.wasmtime, state);
        store.limiter(|s| &mut s.limiter);
        if config.fuel {
            store.set_fuel(budget.fuel).map_err(|e| host_error(&module.name, e))?;
        }
        // Every tick the guest yields to the executor (so one busy module
        // cannot starve others); once the deadline has passed it is stopped.
        let deadline = started + budget.wall_clock;
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
            module: module.name.clone(),
            context,
            started,
            fuel: config.fuel,
            _permit: permit,
        })
    }

    /// Turns the raw result of the call into a typed outcome, and moves
    /// captured output into the module log.
    pub fn finish<R>(mut self, result: wasmtime::Result<R>) -> Result<Invoked<R>, InvocationError> {
        self.store.data_mut().flush_captured_output();
        let fuel_used = if self.fuel {
            self.budget
                .fuel
                .saturating_sub(self.store.get_fuel().unwrap_or(0))
        } else {
            0
        };
        match result {
            Ok(value) => Ok(Invoked {
                value,
                fuel_used,
                ops_used: self.store.data().ops_used(),
                elapsed: self.started.elapsed(),
            }),
            Err(error) => Err(self.classify(error)),
        }
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
        match error.downcast_ref::<Trap>() {
            Some(Trap::OutOfFuel) => InvocationError::FuelExhausted {
                module,
                context,
                fuel: self.budget.fuel,
            },
            Some(Trap::StackOverflow) => InvocationError::StackOverflow { module },
            Some(_) => match self.store.data().limiter.refused_growth_to() {
                // The guest's allocator aborts when memory cannot grow.
                Some(asked) => InvocationError::OutOfMemory {
                    module,
                    limit: self.store.data().limiter.max_memory_bytes(),
                    asked,
                },
                None => InvocationError::Trap {
                    module,
                    trap: format!("{error:?}"),
                },
            },
            None => InvocationError::Host {
                module,
                message: format!("{error:#}"),
            },
        }
    }
}

/// Bounds host-side waits too: epochs stop running wasm, this stops a call
/// stuck in a host function (a provider that never answers).
pub(crate) async fn within_deadline<R>(
    wall_clock: Duration,
    grace: Duration,
    call: impl Future<Output = wasmtime::Result<R>>,
) -> wasmtime::Result<R> {
    match tokio::time::timeout(wall_clock + grace, call).await {
        Ok(result) => result,
        Err(_) => Err(DeadlineReached.into()),
    }
}

fn host_error(module: &str, error: wasmtime::Error) -> InvocationError {
    InvocationError::Host {
        module: module.to_owned(),
        message: format!("{error:#}"),
    }
}
