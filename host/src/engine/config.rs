//! Engine configuration. Every knob has a documented default.

use std::time::Duration;

use crate::engine::budget::Budgets;
use crate::engine::module_log::LogLimits;

/// How the engine runs modules.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// Per-context budgets (SPEC §5 defaults).
    pub budgets: Budgets,
    /// Meter wasm instructions with fuel. Default `true`.
    pub fuel: bool,
    /// Linear memory per instance. Default 64 MiB.
    pub memory_limit_bytes: usize,
    /// Table elements per instance. Default 100 000.
    pub table_elements_limit: usize,
    /// Native stack wasm may use before a stack-overflow trap. Default 512 KiB.
    pub max_wasm_stack_bytes: usize,
    /// Epoch tick: deadline granularity and how often busy guests yield. Default 10 ms.
    pub epoch_tick: Duration,
    /// Use wasmtime's pooling allocator. Default `true`.
    pub pooling: bool,
    /// Instances that may exist at once across all modules (pool size). Default 1000.
    pub max_instances: u32,
    /// In-flight invocations per module before `busy`. Default 64.
    pub max_in_flight_per_module: usize,
    /// Largest component accepted at install. Default 32 MiB.
    pub max_component_bytes: usize,
    /// Module log limits.
    pub log: LogLimits,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            budgets: Budgets::default(),
            fuel: true,
            memory_limit_bytes: 64 << 20,
            table_elements_limit: 100_000,
            max_wasm_stack_bytes: 512 << 10,
            epoch_tick: Duration::from_millis(10),
            pooling: true,
            max_instances: 1000,
            max_in_flight_per_module: 64,
            max_component_bytes: 32 << 20,
            log: LogLimits::default(),
        }
    }
}

impl EngineConfig {
    /// The wasmtime configuration these settings imply.
    pub(crate) fn wasmtime_config(&self) -> wasmtime::Config {
        let mut config = wasmtime::Config::new();
        config
            .wasm_component_model(true)
            .consume_fuel(self.fuel)
            .epoch_interruption(true)
            .max_wasm_stack(self.max_wasm_stack_bytes)
            // Explicit bounds checks instead of guard pages: a pooled memory
            // slot then never changes protection between invocations. With
            // guard pages every fresh instance whose predecessor grew its
            // memory paid two mprotect calls, each a TLB shootdown on every
            // core — the largest cost of a small HTTP request (measured:
            // docs/benchmarks.md).
            .signals_based_traps(false)
            .memory_reservation(self.memory_limit_bytes as u64)
            .memory_guard_size(0)
            .memory_reservation_for_growth(0);
        if self.pooling {
            let mut pool = wasmtime::PoolingAllocationConfig::new();
            pool.total_component_instances(self.max_instances)
                .total_core_instances(self.max_instances * 2)
                .total_memories(self.max_instances)
                .total_tables(self.max_instances)
                .total_stacks(self.max_instances)
                .max_memory_size(self.memory_limit_bytes)
                // Measured on these machines: resetting a small resident
                // table and batching decommits halves fresh-instance cost.
                .table_keep_resident(64 << 10)
                // Reset linear memory with memset (only the pages touched,
                // found with PAGEMAP_SCAN where the kernel has it) instead
                // of madvise: madvise's TLB shootdowns across cores cost
                // more than the guest's whole HTTP request (docs/benchmarks.md).
                .linear_memory_keep_resident(2 << 20)
                .pagemap_scan(wasmtime::Enabled::Auto)
                .decommit_batch_size(32);
            config.allocation_strategy(wasmtime::InstanceAllocationStrategy::Pooling(pool));
        }
        config
    }
}
