//! The ladder (`cargo run --release -- ladder`): from raw wasmtime on
//! modgate's memory settings to modgate's invocation, one of modgate's
//! mechanisms added per row, each a fresh store and instance per call of
//! the same `host-calls` component — what each mechanism costs, so the
//! invocation's own layer can be taken apart rather than guessed at.

use std::time::{Duration, Instant};

use wasmtime::component::{Component, HasSelf, Linker};
use wasmtime::{
    Config, Engine, InstanceAllocationStrategy, ResourceLimiter, Store,
    UpdateDeadline,
};

use crate::catalogue;
use crate::measure::{Row, pool_slots, row};
use crate::raw_wasmtime::tuned_pool;

wasmtime::component::bindgen!({
    path: ["../../wit/host", "../../wit/commerce"],
    inline: "
        package peers:ladder;

        world host-calls {
            import modgate:host/log@1.0.0;
            import modgate:commerce/products@1.0.0;
            export modgate:host/lifecycle@1.0.0;
        }
    ",
    world: "peers:ladder/host-calls",
    imports: { default: async },
    exports: { default: async },
});

use modgate::commerce::products::{self, Product};
use modgate::commerce::types::{Money, Page};
use modgate::host::log::{self, Level};
use modgate::host::types::{Error, ErrorCode};

/// One store's data: the call count and a limiter that allows everything
/// (what a store limiter costs is the call, not the decision).
#[derive(Default)]
struct Host {
    gets: u32,
    limiter: AllowAll,
}

#[derive(Default)]
struct AllowAll;

impl ResourceLimiter for AllowAll {
    fn memory_growing(&mut self, _current: usize, desired: usize, _max: Option<usize>) -> wasmtime::Result<bool> {
        Ok(desired <= 64 << 20)
    }

    fn table_growing(&mut self, _current: usize, desired: usize, _max: Option<usize>) -> wasmtime::Result<bool> {
        Ok(desired <= 100_000)
    }
}

impl products::Host for Host {
    async fn list(&mut self, _page: Page) -> Result<Vec<Product>, Error> {
        Ok(Vec::new())
    }

    async fn get(&mut self, id: String) -> Result<Product, Error> {
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
            price: Money { amount_minor: found.price_minor, currency: found.currency },
            category_ids: found.category_ids,
            in_stock: found.in_stock,
        })
    }
}

impl log::Host for Host {
    async fn log(&mut self, _level: Level, _message: String) {}
}

impl modgate::host::types::Host for Host {}
impl modgate::commerce::types::Host for Host {}

/// What one rung turns on, cumulatively.
#[derive(Debug, Clone, Copy, Default)]
struct Rung {
    fuel: bool,
    epoch: bool,
    limiter: bool,
    timeout: bool,
    modgate_pool: bool,
}

fn engine(rung: Rung) -> wasmtime::Result<Engine> {
    let mut pool = tuned_pool();
    pool.max_memory_size(64 << 20);
    let slots = pool_slots();
    if rung.modgate_pool {
        // EngineConfig::default()'s pool: 1000 component slots, each with
        // room for 32 core instances, 4 memories and 16 tables.
        pool.total_component_instances(slots)
            .total_core_instances(slots * 32)
            .total_memories(slots * 4)
            .total_tables(slots * 16)
            .total_stacks(slots)
            .max_core_instances_per_component(32)
            .max_memories_per_component(4)
            .max_tables_per_component(16)
            .max_memories_per_module(4)
            .max_tables_per_module(16)
            .table_elements(100_000);
    }
    let mut config = Config::new();
    config
        .wasm_component_model(true)
        .consume_fuel(rung.fuel)
        .epoch_interruption(rung.epoch)
        .max_wasm_stack(512 << 10)
        .signals_based_traps(false)
        .memory_reservation(64 << 20)
        .memory_guard_size(0)
        .memory_reservation_for_growth(0)
        .allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
    Engine::new(&config)
}

fn into_anyhow(e: wasmtime::Error) -> anyhow::Error {
    anyhow::anyhow!("{e:?}")
}

/// One row per rung (the table adds the floor and modgate's invocation).
pub fn rows() -> anyhow::Result<Vec<Row>> {
    let all = Rung { fuel: true, epoch: true, limiter: true, timeout: true, modgate_pool: true };
    let rungs = [
        ("async bindings and block_on on modgate's memory settings", Rung::default()),
        ("+ fuel", Rung { fuel: true, ..Rung::default() }),
        ("+ epoch deadline and its callback", Rung { fuel: true, epoch: true, ..Rung::default() }),
        ("+ store limiter", Rung { fuel: true, epoch: true, limiter: true, ..Rung::default() }),
        ("+ tokio timeout around the call", Rung { modgate_pool: false, ..all }),
        ("+ modgate's pool sizes", all),
    ];
    rungs.into_iter().map(|(label, rung)| rung_row(label, rung)).collect()
}

fn rung_row(label: &str, rung: Rung) -> anyhow::Result<Row> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let engine = engine(rung).map_err(into_anyhow)?;
    let component =
        Component::new(&engine, modgate_artifacts::read(modgate_artifacts::HOST_CALLS)).map_err(into_anyhow)?;
    let mut linker = Linker::new(&engine);
    HostCalls::add_to_linker::<Host, HasSelf<Host>>(&mut linker, |host| host).map_err(into_anyhow)?;
    let pre = HostCallsPre::new(linker.instantiate_pre(&component).map_err(into_anyhow)?).map_err(into_anyhow)?;
    let call = move || {
        let (engine, pre) = (engine.clone(), pre.clone());
        async move {
            let mut store = Store::new(&engine, Host::default());
            if rung.limiter {
                store.limiter(|host| &mut host.limiter);
            }
            if rung.fuel {
                store.set_fuel(100_000_000)?;
            }
            if rung.epoch {
                let deadline = Instant::now() + Duration::from_secs(5);
                store.set_epoch_deadline(1);
                store.epoch_deadline_callback(move |_| {
                    if Instant::now() >= deadline {
                        Err(wasmtime::Error::msg("deadline"))
                    } else {
                        Ok(UpdateDeadline::Yield(1))
                    }
                });
            }
            let calls = pre.instantiate_async(&mut store).await?;
            calls
                .modgate_host_lifecycle()
                .call_activate(&mut store, "1")
                .await?
                .map_err(|e| wasmtime::Error::msg(format!("the guest refused: {e:?}")))?;
            wasmtime::Result::Ok(store.data().gets)
        }
    };
    Ok(row(label, move || {
        let gets = if rung.timeout {
            runtime.block_on(async { tokio::time::timeout(Duration::from_secs(5), call()).await })?
        } else {
            runtime.block_on(call())
        }
        .map_err(into_anyhow)?;
        anyhow::ensure!(gets == 1, "{gets} products.get calls, not 1");
        Ok(())
    }))
}
