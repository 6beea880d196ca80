//! modgate's full invocation, as `host/benches/invocation.rs` runs it: a
//! fresh instance per call with fuel, an epoch deadline, the op budget and
//! the memory limit, and one `products.get("p-1")` host call through the
//! permission check and the sample catalogue.

use std::collections::BTreeSet;

use modgate_host::CORE_VERSION;
use modgate_host::capabilities::{BuiltinServices, builtin};
use modgate_host::engine::{Engine, EngineConfig, TenantId};
use modgate_host::manifest::verify_manifest;
use modgate_host::testing::InMemoryCommerce;

use crate::measure::{Row, pool_slots, row};

/// The row's label (the table's ratios are taken to it).
pub const LABEL: &str = "modgate, fresh budgeted invocation";

/// The engine's defaults, with fuel on as the host ships it (a smaller pool
/// under valgrind: [`pool_slots`]).
fn config() -> EngineConfig {
    let slots = pool_slots();
    let half = slots as usize / 2;
    EngineConfig {
        fuel: true,
        max_instances: slots,
        max_in_flight_per_module: EngineConfig::default().max_in_flight_per_module.min(half),
        max_in_flight_per_install: EngineConfig::default().max_in_flight_per_install.min(half),
        ..EngineConfig::default()
    }
}

/// The settings the row runs with, printed under the table.
pub fn settings() -> String {
    let config = config();
    let budget = config.budgets.activate;
    format!(
        "EngineConfig::default() with fuel on: pooling allocator ({} slots), no guard pages, explicit bounds checks, \
         the default activate budget ({} ops, {} fuel, {:?} epoch deadline), {} MiB memory limit; \
         `read:products` granted; `block_on` on a current-thread tokio runtime",
        config.max_instances,
        budget.ops,
        budget.fuel,
        budget.wall_clock,
        config.memory_limit_bytes >> 20
    )
}

/// `activate(tenant, "1")` on the `host-calls` component.
pub fn rows() -> anyhow::Result<Vec<Row>> {
    let services = BuiltinServices {
        commerce: InMemoryCommerce::sample().into_commerce(),
        ..BuiltinServices::default()
    };
    let engine = Engine::new(config(), builtin(services))?;

    let text = "name = \"calls\"\nversion = \"1.0.0\"\ncompatible-core = \"^1.0\"\npermissions = [\"read:products\"]\n";
    let manifest = verify_manifest(text, &CORE_VERSION)
        .map_err(|e| anyhow::anyhow!("{e:?}"))?
        .manifest;
    let grants: BTreeSet<_> = manifest.permissions.clone();
    let module = engine.load(
        manifest,
        &modgate_artifacts::read(modgate_artifacts::HOST_CALLS),
        grants,
    )?;

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let tenant = TenantId::new("acme")?;
    Ok(vec![row(LABEL, move || {
        // The engine stays alive with its epoch ticker, as in a host.
        let _ = &engine;
        runtime
            .block_on(module.activate(&tenant, "1"))
            .map_err(|e| anyhow::anyhow!("{e}"))
    })])
}
