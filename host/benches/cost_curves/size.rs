//! The component-size curve: minimal Rust, Rust `host-calls`, a real Rust
//! module, Python and JavaScript `host-calls`, each loaded and invoked one
//! at a time; the bytes on disk, a second load, the invocation's median and
//! p99, and its memory peak as an observer on a second engine sees it.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;

use modgate_host::engine::{Engine, InvocationObservers, TenantId};
use tokio::runtime::Runtime;

use crate::measure::{PeakMemory, grouped, mib, time_invocations};
use crate::{ROW_TIME, SAMPLES, WARM_UP, engine, load, manifest_text};

/// One component of the size curve.
struct Subject {
    label: &'static str,
    path: &'static str,
    manifest: String,
    settings: &'static str,
}

fn module_toml(dir: &str) -> String {
    std::fs::read_to_string(format!("{dir}/module.toml")).expect("module.toml")
}

/// The real Rust module of the size curve: the wishlist if its `activate`
/// runs on this engine (it counts its saved items in its own table first,
/// and this engine has no storage), otherwise price-watch.
fn real_module(runtime: &Runtime, engine: &Engine, tenant: &TenantId) -> Subject {
    let wishlist = Subject {
        label: "Rust wishlist module",
        path: modgate_artifacts::WISHLIST,
        manifest: module_toml(modgate_artifacts::WISHLIST_DIR),
        settings: "{}",
    };
    let bytes = modgate_artifacts::read(wishlist.path);
    let module = load(engine, &wishlist.manifest, &bytes);
    match runtime.block_on(module.activate(tenant, wishlist.settings)) {
        Ok(_) => wishlist,
        Err(e) => {
            println!(
                "The wishlist's `activate` cannot run on this engine, which has no storage ({e}): price-watch \
                 is measured instead.\n"
            );
            Subject {
                label: "Rust price-watch module",
                path: modgate_artifacts::PRICE_WATCH,
                manifest: module_toml(modgate_artifacts::PRICE_WATCH_DIR),
                settings: r#"{"api":"http://prices.demo.example"}"#,
            }
        }
    }
}

pub fn component_size(runtime: &Runtime, tenant: &TenantId) {
    let timed = engine(InvocationObservers::default(), None);
    let peak = Arc::new(PeakMemory::default());
    let observed = engine(InvocationObservers::default().with(peak.clone()), None);
    let host_calls = manifest_text("calls", "\"read:products\"");
    println!("### Component size\n");
    let subjects = [
        Subject {
            label: "Rust minimal",
            path: modgate_artifacts::MINIMAL,
            manifest: manifest_text("minimal", ""),
            settings: "",
        },
        Subject {
            label: "Rust host-calls",
            path: modgate_artifacts::HOST_CALLS,
            manifest: host_calls.clone(),
            settings: "1",
        },
        real_module(runtime, &timed, tenant),
        Subject {
            label: "Python host-calls",
            path: modgate_artifacts::python::HOST_CALLS,
            manifest: host_calls.clone(),
            settings: "1",
        },
        Subject {
            label: "JavaScript host-calls",
            path: modgate_artifacts::javascript::HOST_CALLS,
            manifest: host_calls,
            settings: "1",
        },
    ];
    println!(
        "Each component loaded (`Engine::load`; compiled code from the on-disk compile cache when it is there), then \
         `activate` invoked one at a time on a current-thread runtime: {WARM_UP} warm-up, then up to {SAMPLES} timed \
         or {} s. `host-calls` (settings `\"1\"`) and price-watch make one host call (`products.get`, \
         `products.list`), minimal none. Load again: a second `Engine::load` of the same bytes, whose compiled code \
         the engine shares (what is left is checking, linking and pre-instantiating). Memory peak: the \
         invocation's `memory_peak_bytes` from an observer on a second, identical engine (the timings are taken \
         without observers).\n",
        ROW_TIME.as_secs()
    );
    println!("| component | bytes on disk | load again | samples | median | p99 | memory peak |");
    println!("|---|---|---|---|---|---|---|");
    for subject in &subjects {
        let bytes = modgate_artifacts::read(subject.path);
        let module = load(&timed, &subject.manifest, &bytes);
        let started = Instant::now();
        load(&timed, &subject.manifest, &bytes);
        let loading = started.elapsed();
        let samples = time_invocations(runtime, tenant, subject.settings, || module.clone());
        let watched = load(&observed, &subject.manifest, &bytes);
        peak.0.store(0, Ordering::Relaxed);
        for _ in 0..3 {
            runtime
                .block_on(watched.activate(tenant, subject.settings))
                .expect("observed activate");
        }
        println!(
            "| {} | {} | {:.1} ms | {} | {} | {} | {:.2} MiB |",
            subject.label,
            grouped(bytes.len()),
            loading.as_secs_f64() * 1e3,
            samples.0.len(),
            samples.us(0.5),
            samples.us(0.99),
            mib(peak.0.load(Ordering::Relaxed)),
        );
    }
    println!();
}
