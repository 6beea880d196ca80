//! The per-invocation families, fed by the observer: counts, durations,
//! fuel and operations spent, peak memory and capability calls per
//! (tenant, module, context).
//!
//! Each update is one `Family::get_or_create` — a read lock on the family's
//! map, a write lock only the first time a label set is seen — and an
//! atomic add, so the invocation's task never waits behind a scrape for
//! longer than the scrape takes to read that one family.

use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::{Registry, Unit};

use super::labels::{ContextLabels, OperationLabels, OutcomeLabels, PathOperationLabels};
use crate::engine::{InvocationError, InvocationRecord, error_code_name};

/// Duration buckets: 50 µs doubling 21 times, to about 52 s. The fastest
/// invocations (a fresh instance, no host calls) take tens of microseconds;
/// the default deadlines are 0.2–5 s, and the top buckets still resolve a
/// deadline an operator raised to 30 s.
fn duration_histogram() -> Histogram {
    Histogram::new(exponential_buckets(50e-6, 2.0, 21))
}

/// Peak-memory buckets: 64 KiB (one wasm page) doubling to 256 MiB: from
/// the smallest component to four times the default 64 MiB limit.
fn memory_histogram() -> Histogram {
    Histogram::new(exponential_buckets(64.0 * 1024.0, 2.0, 13))
}

/// The families the observer updates.
#[derive(Debug)]
pub(super) struct InvocationFamilies {
    invocations: Family<OutcomeLabels, Counter>,
    duration: Family<ContextLabels, Histogram>,
    fuel: Family<ContextLabels, Counter>,
    ops: Family<ContextLabels, Counter>,
    memory_peak: Family<ContextLabels, Histogram>,
    capability_calls: Family<OperationLabels, Counter>,
    dependency_calls: Family<PathOperationLabels, Counter>,
}

impl InvocationFamilies {
    /// Creates the families and registers them (clones share their data).
    pub fn registered(registry: &mut Registry) -> Self {
        let families = InvocationFamilies {
            invocations: Family::default(),
            duration: Family::new_with_constructor(duration_histogram),
            fuel: Family::default(),
            ops: Family::default(),
            memory_peak: Family::new_with_constructor(memory_histogram),
            capability_calls: Family::default(),
            dependency_calls: Family::default(),
        };
        // Counter names carry no `_total` and unit names no unit suffix:
        // the encoder appends both.
        registry.register(
            "modgate_invocations",
            "Invocations that ended, by outcome: ok, or the stable error code (busy, timeout, budget-exhausted, handler-error, ...)",
            families.invocations.clone(),
        );
        registry.register_with_unit(
            "modgate_invocation_duration",
            "Wall-clock time of an invocation from admission to its end, in seconds (invocations refused as busy are not included)",
            Unit::Seconds,
            families.duration.clone(),
        );
        registry.register(
            "modgate_fuel_used",
            "WebAssembly instructions executed (fuel), summed over invocations (0 with metering off)",
            families.fuel.clone(),
        );
        registry.register(
            "modgate_ops_used",
            "Capability operations counted against the operation budget, summed over invocations",
            families.ops.clone(),
        );
        registry.register_with_unit(
            "modgate_memory_peak",
            "Most memory an invocation held at once (linear memories, tables and host-side state), in bytes",
            Unit::Bytes,
            families.memory_peak.clone(),
        );
        registry.register(
            "modgate_capability_calls",
            "Calls of each capability operation (products.get, tables.query, ...), refused calls included",
            families.capability_calls.clone(),
        );
        registry.register(
            "modgate_dependency_calls",
            "Calls of each capability operation made by a dependency component of a module, by its path (wishlist>fetcher), refused calls included; also counted in modgate_capability_calls",
            families.dependency_calls.clone(),
        );
        families
    }

    /// Counts one finished invocation.
    pub fn record(&self, record: &InvocationRecord<'_>) {
        let place = ContextLabels::of(record);
        let outcome = record
            .error
            .map_or("ok", |error| error_code_name(error.code()));
        let outcome = OutcomeLabels {
            tenant: place.tenant.clone(),
            module: place.module.clone(),
            context: place.context,
            outcome,
        };
        // One statement per family: each read guard drops before the next
        // family is locked, so no two guards are ever held at once.
        self.invocations.get_or_create(&outcome).inc();
        if matches!(record.error, Some(InvocationError::Busy { .. })) {
            // Refused at admission: it never ran, and its near-zero time
            // and memory would only drag the distributions down.
            return;
        }
        self.duration
            .get_or_create(&place)
            .observe(record.elapsed.as_secs_f64());
        self.fuel.get_or_create(&place).inc_by(record.fuel_used);
        self.ops
            .get_or_create(&place)
            .inc_by(u64::from(record.ops_used));
        self.memory_peak
            .get_or_create(&place)
            .observe(record.memory_peak_bytes as f64);
        for &(operation, calls) in record.op_calls {
            let labels = OperationLabels {
                tenant: place.tenant.clone(),
                module: place.module.clone(),
                operation,
            };
            self.capability_calls
                .get_or_create(&labels)
                .inc_by(u64::from(calls));
        }
        // The main component's calls are the module's own (above); those a
        // dependency component made are also counted by its path.
        for call in record.path_calls.iter().filter(|call| &*call.path != record.module) {
            let labels = PathOperationLabels {
                tenant: place.tenant.clone(),
                module: place.module.clone(),
                path: call.path.to_string(),
                operation: call.operation,
            };
            self.dependency_calls.get_or_create(&labels).inc_by(u64::from(call.calls));
        }
    }
}
