//! The same `host-calls` component modgate runs, on wasmtime 48 used
//! directly, as a wasmtime user would: typed bindings, a host that answers
//! `products.get`, and nothing else — no fuel, no epoch deadline, no op
//! budget, no memory limit (those are what modgate adds).

use wasmtime::component::{Component, HasSelf, Linker};
use wasmtime::{Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig, Store};

use crate::catalogue;
use crate::measure::{Row, pool_slots, row};

// Only the interfaces the component imports (the SDK's `module` world keeps
// just what a guest calls): the log and the product catalogue.
wasmtime::component::bindgen!({
    path: ["../../wit/host", "../../wit/commerce"],
    inline: "
        package peers:bench;

        world host-calls {
            import modgate:host/log@1.0.0;
            import modgate:commerce/products@1.0.0;
            export modgate:host/lifecycle@1.0.0;
        }
    ",
    world: "peers:bench/host-calls",
});

use modgate::commerce::products::{self, Product};
use modgate::commerce::types::{Money, Page};
use modgate::host::log::{self, Level};
use modgate::host::types::{Error, ErrorCode};

/// What one store holds: the count of `products.get` calls, read once to
/// check the workload and otherwise only incremented.
#[derive(Default)]
struct Host {
    gets: u32,
}

impl products::Host for Host {
    fn list(&mut self, _page: Page) -> Result<Vec<Product>, Error> {
        Ok(Vec::new())
    }

    fn get(&mut self, id: String) -> Result<Product, Error> {
        self.gets += 1;
        let found = catalogue::get_product(&id).ok_or_else(|| Error {
            code: ErrorCode::NotFound,
            message: format!("no product {id}"),
        })?;
        Ok(Product {
            id: found.id,
            sku: found.sku,
            name: found.name,
            description: found.description,
            price: Money {
                amount_minor: found.price_minor,
                currency: found.currency,
            },
            category_ids: found.category_ids,
            in_stock: found.in_stock,
        })
    }
}

impl log::Host for Host {
    fn log(&mut self, _level: Level, _message: String) {}
}

impl modgate::host::types::Host for Host {}
impl modgate::commerce::types::Host for Host {}

/// How the fresh-instance rows configure wasmtime.
#[derive(Debug, Clone, Copy)]
enum Tuning {
    /// The pooling allocator as wasmtime's docs tune it for many short-lived
    /// instances, and otherwise wasmtime's defaults (guard pages,
    /// signals-based traps).
    Pooling,
    /// The same, plus modgate's memory settings: no guard pages, explicit
    /// bounds checks, a 64 MiB reservation with nothing kept for growth —
    /// the floor modgate's invocation is built on, without any of its
    /// checking.
    ModgateMemory,
}

/// The tuning of the first fresh row, printed under the table.
pub const TUNING: &str = "pooling allocator (default pool sizes), linear_memory_keep_resident = 2 MiB, \
table_keep_resident = 64 KiB, decommit_batch_size = 32, pagemap_scan = auto, memory_init_cow = on (default); \
default guard pages and signals-based traps; no fuel, no epoch interruption, no store limiter; \
synchronous bindings (no async, no fibers)";

/// What the second fresh row changes, printed under the table.
pub const MODGATE_MEMORY: &str = "the same pool tuning with modgate's memory settings: memory_guard_size = 0, \
signals_based_traps = false (explicit bounds checks), memory_reservation = 64 MiB, \
memory_reservation_for_growth = 0";

/// An engine on modgate's memory settings with the same pool tuning: what
/// the floor rows (here and in `smallest`) instantiate on.
pub fn floor_engine() -> wasmtime::Result<Engine> {
    engine(Tuning::ModgateMemory)
}

/// The pool every fresh-instance row starts from (here and in the ladder):
/// the keep-resident and batch sizes modgate uses, so the difference between
/// the rows is the checking and not the allocator's tuning, and wasmtime's
/// default pool sizes (1000 of each; fewer under valgrind: [`pool_slots`]).
pub fn tuned_pool() -> PoolingAllocationConfig {
    let mut pool = PoolingAllocationConfig::new();
    pool.linear_memory_keep_resident(2 << 20)
        .table_keep_resident(64 << 10)
        .decommit_batch_size(32)
        .pagemap_scan(wasmtime::Enabled::Auto);
    let slots = pool_slots();
    pool.total_component_instances(slots)
        .total_core_instances(slots)
        .total_memories(slots)
        .total_tables(slots)
        .total_stacks(slots);
    pool
}

fn engine(tuning: Tuning) -> wasmtime::Result<Engine> {
    let mut pool = tuned_pool();
    let mut config = Config::new();
    config
        .wasm_component_model(true)
        .memory_init_cow(true);
    if let Tuning::ModgateMemory = tuning {
        pool.max_memory_size(64 << 20);
        config
            .signals_based_traps(false)
            .memory_reservation(64 << 20)
            .memory_guard_size(0)
            .memory_reservation_for_growth(0);
    }
    config.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
    Engine::new(&config)
}

/// The component compiled and linked once, ready to instantiate.
fn prepare(tuning: Tuning) -> wasmtime::Result<(Engine, HostCallsPre<Host>)> {
    let engine = engine(tuning)?;
    let component = Component::new(
        &engine,
        modgate_artifacts::read(modgate_artifacts::HOST_CALLS),
    )?;
    let mut linker = Linker::new(&engine);
    HostCalls::add_to_linker::<Host, HasSelf<Host>>(&mut linker, |host| host)?;
    let pre = HostCallsPre::new(linker.instantiate_pre(&component)?)?;
    Ok((engine, pre))
}

/// One `activate("1")`: one `products.get`, and the guest's answer checked.
fn activate(store: &mut Store<Host>, calls: &HostCalls) -> wasmtime::Result<()> {
    calls
        .modgate_host_lifecycle()
        .call_activate(store, "1")?
        .map_err(|e| wasmtime::Error::msg(format!("the guest refused: {e:?}")))
}

/// wasmtime 48's error type (built without its `anyhow` feature, as the
/// host builds it) into the table's.
pub fn into_anyhow(e: wasmtime::Error) -> anyhow::Error {
    anyhow::anyhow!("{e:?}")
}

/// The component's `activate("1")` (one `products.get`) on one reused
/// instance, and on a fresh store and instance per call under each tuning.
pub fn rows() -> anyhow::Result<Vec<Row>> {
    let (engine, pre) = prepare(Tuning::Pooling).map_err(into_anyhow)?;

    let mut store = Store::new(&engine, Host::default());
    let reused = pre.instantiate(&mut store).map_err(into_anyhow)?;
    activate(&mut store, &reused).map_err(into_anyhow)?;
    anyhow::ensure!(
        store.data().gets == 1,
        "activate(\"1\") made {} products.get calls, not 1",
        store.data().gets
    );
    Ok(vec![
        row("raw wasmtime 48, reused instance", move || {
            activate(&mut store, &reused).map_err(into_anyhow)
        }),
        fresh_row("raw wasmtime 48, fresh instance (tuned pooling)", Tuning::Pooling)?,
        floor_row()?,
    ])
}

/// The label of the row on modgate's memory settings: the floor modgate's
/// invocation stands on.
pub const FLOOR_LABEL: &str = "raw wasmtime 48, fresh instance (modgate's memory settings)";

/// A fresh instance per call on modgate's memory settings.
pub fn floor_row() -> anyhow::Result<Row> {
    fresh_row(FLOOR_LABEL, Tuning::ModgateMemory)
}

fn fresh_row(label: &str, tuning: Tuning) -> anyhow::Result<Row> {
    let (engine, pre) = prepare(tuning).map_err(into_anyhow)?;
    Ok(row(label, move || {
        let mut store = Store::new(&engine, Host::default());
        let calls = pre.instantiate(&mut store).map_err(into_anyhow)?;
        activate(&mut store, &calls).map_err(into_anyhow)
    }))
}
