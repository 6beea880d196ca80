//! Engine configuration. Every knob has a documented default.

use std::path::PathBuf;
use std::time::Duration;

use crate::engine::budget::Budgets;
use crate::engine::memory::ComponentCaps;
use crate::engine::module_log::LogLimits;
use crate::engine::observer::InvocationObservers;

/// How the engine runs modules.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// Per-context budgets (SPEC §5 defaults).
    pub budgets: Budgets,
    /// Meter wasm instructions with fuel. Default `true`.
    pub fuel: bool,
    /// Memory one invocation may hold: the sum of every linear memory and
    /// table of the component and the host-side state it causes (see
    /// `docs/limits.md`). Default 64 MiB.
    pub memory_limit_bytes: usize,
    /// Elements per table. Default 100 000.
    pub table_elements_limit: usize,
    /// Core instances, memories and tables one component may contain;
    /// checked at install and by wasmtime at every instantiation, and the
    /// pool is sized from them. Defaults 32, 4, 16: a Rust guest has 1–3
    /// core instances, one memory and one or two tables; Python and
    /// JavaScript guests link a dozen core modules sharing one memory.
    pub component_caps: ComponentCaps,
    /// Live resource handles one invocation may hold (host objects in the
    /// store's table, and the component's own handles). Default 1024.
    pub max_handles: usize,
    /// Bytes a guest may hand the host in one call (strings and lists it
    /// passes). Default 1 MiB, as much as one query may return.
    pub max_host_call_bytes: usize,
    /// Native stack wasm may use before a stack-overflow trap. Default 512 KiB.
    pub max_wasm_stack_bytes: usize,
    /// Epoch tick: deadline granularity and how often busy guests yield. Default 10 ms.
    pub epoch_tick: Duration,
    /// Use wasmtime's pooling allocator. Default `true`.
    pub pooling: bool,
    /// The compiler that turns components into native code. Default
    /// [`Compiler::Cranelift`].
    pub compiler: Compiler,
    /// Invocations that may run at once across all modules: the pool's
    /// component instance slots (memories, tables and core instances are
    /// sized from it and `component_caps`). Past it an invocation is `busy`,
    /// never counted against a module. Default 1000.
    pub max_instances: u32,
    /// In-flight invocations of one module across all its tenants before
    /// `busy`: a module's share of the pool. Default 64.
    pub max_in_flight_per_module: usize,
    /// In-flight invocations of one module for one tenant before `busy`: a
    /// tenant's share of a module, so one tenant's traffic alone can never
    /// make the module busy for another. Default 16, for requests (HTTP,
    /// slots, hooks, activation) and, separately, as many for event
    /// deliveries, so an event backlog never makes the requests busy.
    pub max_in_flight_per_install: usize,
    /// Largest component accepted at install. Default 32 MiB.
    pub max_component_bytes: usize,
    /// Module log limits.
    pub log: LogLimits,
    /// A folder for the on-disk cache of compiled components: a restart, or
    /// another engine of the same settings, loads a component instead of
    /// compiling it again. Compiling is what installing a big component
    /// costs (a Python or JavaScript guest: 14–19 s on two cores; loading
    /// it from the cache: under a second; `docs/writing-a-module.md`). The folder must
    /// be writable by the host only. Default `None` (no disk cache; each
    /// engine still compiles a component once).
    pub compile_cache: Option<PathBuf>,
    /// Who hears how each invocation ended (metrics, the usage audit).
    /// Default: none.
    pub observers: InvocationObservers,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            budgets: Budgets::default(),
            fuel: true,
            memory_limit_bytes: 64 << 20,
            table_elements_limit: 100_000,
            component_caps: ComponentCaps {
                core_instances: 32,
                memories: 4,
                tables: 16,
            },
            max_handles: 1024,
            max_host_call_bytes: 1 << 20,
            max_wasm_stack_bytes: 512 << 10,
            epoch_tick: Duration::from_millis(10),
            pooling: true,
            compiler: Compiler::Cranelift,
            max_instances: 1000,
            max_in_flight_per_module: 64,
            max_in_flight_per_install: 16,
            max_component_bytes: 32 << 20,
            log: LogLimits::default(),
            compile_cache: None,
            observers: InvocationObservers::default(),
        }
    }
}

/// Which of wasmtime's compilers a host uses for every component it loads.
/// Budgets, limits and isolation are the same with either.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Compiler {
    /// Cranelift, the optimising compiler: the fastest code, for serving. A
    /// Python or JavaScript component takes 17–25 s to compile on two cores
    /// (`docs/benchmarks.md`, "Compilers").
    #[default]
    Cranelift,
    /// Winch, wasmtime's baseline compiler: the same components in ~2 s, to
    /// slower code — for an author's edit-and-run loop and for test suites
    /// that install many big components. It needs wasmtime's signals-based
    /// traps (a handler for faults in guest code); memory accesses stay
    /// bounds-checked without guard pages, as with Cranelift.
    Winch,
}

impl EngineConfig {
    /// Refuses settings under which one module could take what others need,
    /// or under which an invocation could not start at all.
    pub fn check(&self) -> Result<(), String> {
        let pool = self.max_instances as usize;
        if self.max_in_flight_per_module == 0 || self.max_in_flight_per_install == 0 {
            return Err("max_in_flight_per_module and max_in_flight_per_install must be at least 1".to_owned());
        }
        if self.pooling && self.max_in_flight_per_module >= pool {
            return Err(format!(
                "max_in_flight_per_module ({}) must be below max_instances ({pool}): one module must never be able to take the whole pool",
                self.max_in_flight_per_module
            ));
        }
        if self.memory_limit_bytes < 1 << 20 {
            return Err(format!(
                "memory_limit_bytes ({}) must be at least 1 MiB: an invocation's captured output alone takes 32 KiB",
                self.memory_limit_bytes
            ));
        }
        let caps = self.component_caps;
        if caps.core_instances == 0 || caps.memories == 0 || caps.tables == 0 {
            return Err("component_caps must allow at least one core instance, memory and table".to_owned());
        }
        if self.max_handles == 0 || self.max_host_call_bytes == 0 {
            return Err("max_handles and max_host_call_bytes must be positive".to_owned());
        }
        if self.budgets.hook_before.ops != 0 {
            // Before-hooks run inside the integrator's open transaction: a
            // data call there could deadlock on SQLite's single writer or
            // hold locks on PostgreSQL (SPEC §5).
            return Err(format!(
                "budgets.hook_before.ops ({}) must be 0: before-hooks run inside the integrator's transaction",
                self.budgets.hook_before.ops
            ));
        }
        Ok(())
    }

    /// The wasmtime configuration these settings imply.
    pub(crate) fn wasmtime_config(&self) -> Result<wasmtime::Config, String> {
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
        if self.compiler == Compiler::Winch {
            // Winch refuses an engine without signals-based traps; with no
            // guard pages its code still bounds-checks every access.
            config.strategy(wasmtime::Strategy::Winch).signals_based_traps(true);
        }
        if self.pooling {
            // Every invocation holds one component instance slot and at
            // most the caps' worth of the rest: sizing the rest from the caps
            // means only component slots can run out, and those are admitted
            // (and shared out per module) before an invocation starts.
            let caps = self.component_caps;
            let slots = self.max_instances;
            let mut pool = wasmtime::PoolingAllocationConfig::new();
            pool.total_component_instances(slots)
                .total_core_instances(slots.saturating_mul(caps.core_instances))
                .total_memories(slots.saturating_mul(caps.memories))
                .total_tables(slots.saturating_mul(caps.tables))
                .total_stacks(slots)
                .max_core_instances_per_component(caps.core_instances)
                .max_memories_per_component(caps.memories)
                .max_tables_per_component(caps.tables)
                .max_memories_per_module(caps.memories)
                .max_tables_per_module(caps.tables)
                .table_elements(self.table_elements_limit)
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
        if let Some(dir) = &self.compile_cache {
            crate::engine::compile_cache::enable(&mut config, dir)?;
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_pass_their_own_check() {
        assert_eq!(EngineConfig::default().check(), Ok(()));
    }

    #[test]
    fn one_module_may_not_hold_the_whole_pool() {
        let config = EngineConfig { max_instances: 8, max_in_flight_per_module: 8, ..EngineConfig::default() };
        let refused = config.check().unwrap_err();
        assert!(refused.contains("must be below max_instances"), "{refused}");
    }

    #[test]
    fn zero_caps_and_a_tiny_memory_limit_are_refused() {
        let tiny = EngineConfig { memory_limit_bytes: 4096, ..EngineConfig::default() };
        assert!(tiny.check().unwrap_err().contains("at least 1 MiB"));
        let no_memories = EngineConfig {
            component_caps: ComponentCaps { core_instances: 1, memories: 0, tables: 1 },
            ..EngineConfig::default()
        };
        assert!(no_memories.check().is_err());
        let no_share = EngineConfig { max_in_flight_per_install: 0, ..EngineConfig::default() };
        assert!(no_share.check().is_err());
    }

    #[test]
    fn winch_compiles_with_its_traps_and_the_same_bounds_as_cranelift() {
        let winch = EngineConfig { compiler: Compiler::Winch, ..EngineConfig::default() };
        let engine = wasmtime::Engine::new(&winch.wasmtime_config().unwrap()).unwrap();
        let wat = r#"(module (memory 1) (func (export "f") (result i32) (i32.load (i32.const 70000))))"#;
        let module = wasmtime::Module::new(&engine, wat).expect("Winch compiles with fuel, epochs and no guard pages");
        let mut store = wasmtime::Store::new(&engine, ());
        store.set_fuel(1_000).unwrap();
        store.set_epoch_deadline(1);
        let instance = wasmtime::Instance::new(&mut store, &module, &[]).unwrap();
        let f = instance.get_typed_func::<(), i32>(&mut store, "f").unwrap();
        let trap = f.call(&mut store, ()).unwrap_err();
        assert_eq!(trap.downcast_ref::<wasmtime::Trap>(), Some(&wasmtime::Trap::MemoryOutOfBounds), "{trap:?}");
        assert!(store.get_fuel().unwrap() < 1_000, "Winch code is metered");
    }

    #[test]
    fn before_hooks_never_get_data_operations() {
        let mut config = EngineConfig::default();
        config.budgets.hook_before.ops = 5;
        assert!(config.check().unwrap_err().contains("must be 0: before-hooks run inside the integrator's transaction"));
    }
}
