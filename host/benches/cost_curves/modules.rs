//! The loaded-modules curve: the Rust `host-calls` component loaded 1 to
//! 10 000 times under distinct names on a fresh engine per row; the load
//! times, the process's resident memory before, during and after, and an
//! invocation of a module picked at random among those loaded.

use std::time::Instant;

use modgate_host::engine::{InvocationObservers, TenantId};
use tokio::runtime::Runtime;

use crate::measure::{Picker, Samples, grouped, mib, resident_bytes, time_invocations};
use crate::{ROW_TIME, SAMPLES, WARM_UP, engine, load, manifest_text};

/// Modules loaded side by side; the 10 000 row is there for memory, where
/// what earlier loads freed no longer hides the growth.
const LOADED: [usize; 5] = [1, 10, 100, 1_000, 10_000];

pub fn loaded_modules(runtime: &Runtime, tenant: &TenantId) {
    let bytes = modgate_artifacts::read(modgate_artifacts::HOST_CALLS);
    println!("### Installed modules 1 → 1 000 (and 10 000, for memory)\n");
    println!(
        "For each N a new engine, then the Rust `host-calls` component ({} bytes) loaded N times as modules \
         `calls-0` … `calls-<N-1>` (the same bytes, distinct names and admission shares). The engine compiles a \
         content hash once: its first load compiles or reads the compile cache and builds the engine's linker, the \
         later ones check, link and pre-instantiate. Resident memory (`VmRSS`) is read before the loads, after the \
         first and after all; earlier rows' engines stay alive, so \"before\" grows row to row. Growth per module: \
         (after − before) / N, the first load's one-time part included; per further module: (after − after the \
         first) / (N − 1). glibc hands out memory earlier loads freed before it grows the heap, and up to ~1 000 \
         modules the growth hides in it: the 10 000 row shows what a module really keeps. Then `activate(\"1\")` \
         (one `products.get`) of a module picked at random among the N (xorshift), one at a time on a \
         current-thread runtime: {WARM_UP} warm-up, up to {SAMPLES} timed or {} s; RSS read again after. The N modules share their compiled code, so what differs \
         from one pick to the next is the host's per-module state, not the machine code.\n",
        grouped(bytes.len()),
        ROW_TIME.as_secs()
    );
    println!(
        "| N | first load | later loads (median) | invoke median | invoke p99 | RSS before → after loads | growth per module | per further module | RSS after invoking |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    let mut kept = Vec::new();
    let mut picker = Picker(0x9e37_79b9_7f4a_7c15);
    for n in LOADED {
        let engine = engine(InvocationObservers::default(), None);
        let before = resident_bytes();
        let mut loads = Vec::with_capacity(n);
        let mut after_first = 0;
        let mut modules = Vec::with_capacity(n);
        for i in 0..n {
            let manifest = manifest_text(&format!("calls-{i}"), "\"read:products\"");
            let started = Instant::now();
            modules.push(load(&engine, &manifest, &bytes));
            loads.push(started.elapsed());
            if i == 0 {
                after_first = resident_bytes();
            }
        }
        let after_loads = resident_bytes();
        let (later, further) = match n {
            1 => ("—".to_owned(), "—".to_owned()),
            _ => (
                Samples::new(loads[1..].to_vec()).us(0.5),
                format!(
                    "{:.2} KiB",
                    (after_loads as f64 - after_first as f64) / 1024.0 / (n - 1) as f64
                ),
            ),
        };
        let samples = time_invocations(runtime, tenant, "1", || modules[picker.below(n)].clone());
        println!(
            "| {} | {:.1} ms | {later} | {} | {} | {:.1} → {:.1} MiB | {:.1} KiB | {further} | {:.1} MiB |",
            grouped(n),
            loads[0].as_secs_f64() * 1e3,
            samples.us(0.5),
            samples.us(0.99),
            mib(before),
            mib(after_loads),
            after_loads.saturating_sub(before) as f64 / 1024.0 / n as f64,
            mib(resident_bytes()),
        );
        kept.push((engine, modules));
    }
    println!();
}
