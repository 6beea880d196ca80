//! The compilers curve: each language's `host-calls` component compiled by
//! Cranelift and by Winch, on engines without a compile cache, so the first
//! load is the compile; then its invocation timed as the size curve times it.

use std::time::Instant;

use modgate_host::engine::{Compiler, EngineConfig, TenantId};
use tokio::runtime::Runtime;

use crate::measure::time_invocations;
use crate::{SAMPLES, WARM_UP, engine_with, load, manifest_text};

pub fn compilers(runtime: &Runtime, tenant: &TenantId) {
    println!("### Compilers\n");
    println!(
        "Each `host-calls` component (settings `\"1\"`: one `products.get`) loaded on a fresh engine without a \
         compile cache, so the load is the compile, with `EngineConfig::compiler` Cranelift and then Winch; then \
         `activate` invoked one at a time: {WARM_UP} warm-up, up to {SAMPLES} timed.\n"
    );
    println!("| component | compiler | first load (compiling) | median | p99 |");
    println!("|---|---|---|---|---|");
    let manifest = manifest_text("calls", "\"read:products\"");
    for (label, path) in [
        ("Rust", modgate_artifacts::HOST_CALLS),
        ("Python", modgate_artifacts::python::HOST_CALLS),
        ("JavaScript", modgate_artifacts::javascript::HOST_CALLS),
    ] {
        let bytes = modgate_artifacts::read(path);
        for compiler in [Compiler::Cranelift, Compiler::Winch] {
            let engine = engine_with(EngineConfig { compiler, ..EngineConfig::default() });
            let started = Instant::now();
            let module = load(&engine, &manifest, &bytes);
            let compiling = started.elapsed();
            let samples = time_invocations(runtime, tenant, "1", || module.clone());
            println!(
                "| {label} | {compiler:?} | {:.2} s | {} | {} |",
                compiling.as_secs_f64(),
                samples.us(0.5),
                samples.us(0.99),
            );
        }
    }
    println!();
}
