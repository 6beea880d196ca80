//! Cost curves of an invocation: how what one `activate` costs grows with
//! the number of modules loaded beside it, with the component's size, and
//! with the invocations in flight at once. Not criterion: every invocation
//! is timed on its own after a warm-up, and the bench prints one markdown
//! table per curve (median and p99, nearest rank, of the sorted samples),
//! each headed by its method and settings.
//!
//! 1. **Loaded modules 1 → 1 000** (and 10 000, for memory): the Rust
//!    `host-calls` bytes loaded N times under distinct names; the load
//!    time, the process's resident memory, and an invocation of a module
//!    picked at random among the N. Measured first, before the big
//!    components are read: glibc keeps the memory those are freed from
//!    resident (its mmap threshold rises to their size), which would hide
//!    the modules' growth in RSS.
//! 2. **Component size**: minimal Rust, Rust `host-calls`, a real Rust
//!    module (the wishlist when its `activate` runs without storage,
//!    otherwise price-watch, whose `activate` makes one `products.list`),
//!    Python and JavaScript `host-calls`; with the invocation's memory peak
//!    as the engine's observers report it.
//! 3. **Concurrency 1 → 64**: C tasks on a 2-worker runtime, each invoking
//!    in a loop for a fixed time; throughput, latency, and the CPU the
//!    process got next to what two spinning threads get (on a VM the second
//!    core is not always there).
//!
//! 4. **Compilers**: the Rust, Python and JavaScript `host-calls`
//!    compiled by Cranelift and by Winch (`EngineConfig::compiler`), each on
//!    an engine without a compile cache: the first load (compiling) and the
//!    invocation's median and p99.
//!
//! The engine is `invocation.rs`'s (fuel on, pooling, the compile cache so
//! the Python and JavaScript components compile once per build).
//!
//! Run: `cargo bench -p modgate-host --bench cost_curves` (all three), or
//! name curves after `--`: `modules`, `size`, `concurrency`, `compilers`.
mod compilers;
mod concurrency;
mod measure;
mod modules;
mod size;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use modgate_host::CORE_VERSION;
use modgate_host::capabilities::{BuiltinServices, builtin};
use modgate_host::engine::{
    Budget, Engine, EngineConfig, InvocationContext, InvocationObservers, LoadedModule, TenantId,
};
use modgate_host::manifest::verify_manifest;
use modgate_host::testing::InMemoryCommerce;

/// Invocations run before any is timed.
pub const WARM_UP: usize = 200;
/// Timed invocations per row of the modules and size curves, unless
/// [`ROW_TIME`] runs out first.
pub const SAMPLES: usize = 5_000;
pub const ROW_TIME: Duration = Duration::from_secs(3);

/// `invocation.rs`'s engine (fuel on, pooling, the compile cache, the
/// in-memory commerce providers, no storage), with the in-flight caps raised
/// to `in_flight_cap` when given.
pub fn engine(observers: InvocationObservers, in_flight_cap: Option<usize>) -> Engine {
    let mut config = EngineConfig {
        compile_cache: Some(modgate_artifacts::COMPILE_CACHE.into()),
        observers,
        ..EngineConfig::default()
    };
    if let Some(cap) = in_flight_cap {
        config.max_in_flight_per_module = cap;
        config.max_in_flight_per_install = cap;
    }
    engine_with(config)
}

/// An engine with `config`, the bench's activate budget (room for the big
/// runtimes) and the in-memory commerce providers.
pub fn engine_with(mut config: EngineConfig) -> Engine {
    config.budgets.set(
        InvocationContext::Activate,
        Budget {
            ops: 10_000,
            fuel: u64::MAX / 2,
            wall_clock: Duration::from_secs(60),
        },
    );
    let services = BuiltinServices {
        commerce: InMemoryCommerce::sample().into_commerce(),
        ..BuiltinServices::default()
    };
    Engine::new(config, builtin(services)).expect("engine")
}

/// A bare manifest: `name` asking for `permissions`, nothing else.
pub fn manifest_text(name: &str, permissions: &str) -> String {
    format!(
        "name = {name:?}\nversion = \"1.0.0\"\ncompatible-core = \"^1.0\"\npermissions = [{permissions}]\n"
    )
}

/// Loads `bytes` with every permission its manifest asks for granted.
pub fn load(engine: &Engine, manifest: &str, bytes: &[u8]) -> LoadedModule {
    let manifest = verify_manifest(manifest, &CORE_VERSION)
        .expect("manifest")
        .manifest;
    let grants: BTreeSet<_> = manifest.permissions.clone();
    engine.load(manifest, bytes, grants).expect("loads")
}

fn main() {
    // `cargo bench` passes `--bench`; any other argument names a curve to run.
    let chosen: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let runs = |curve: &str| chosen.is_empty() || chosen.iter().any(|c| c == curve);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let tenant = TenantId::new("acme").unwrap();
    let started = Instant::now();
    if runs("modules") {
        modules::loaded_modules(&runtime, &tenant);
    }
    if runs("size") {
        size::component_size(&runtime, &tenant);
    }
    if runs("concurrency") {
        concurrency::concurrency(&tenant);
    }
    if runs("compilers") {
        compilers::compilers(&runtime, &tenant);
    }
    eprintln!(
        "cost curves measured in {:.0} s",
        started.elapsed().as_secs_f64()
    );
}
