//! Invocation benchmarks (criterion):
//! - `fresh_instance/minimal`: instantiate + one `activate` call + drop, minimal Rust guest.
//! - `host_call/products_get`: one guest→host capability call (1000 calls per
//!   invocation, minus an empty invocation, divided by 1000 — see docs/benchmarks.md).
//! - `observed/…`: the fresh instance and the 1000 host calls with the
//!   metrics and the usage recorder observing the engine.
//! - `http/echo`: one `wasi:http` request through `handle_http` (the
//!   `conformance-serve` guest echoing what arrived): the engine's part of an
//!   HTTP request, without the bridge, the socket or the database.
//! - `fuel/{on,off}`: a CPU-bound guest (1 M xorshift rounds) with and without fuel metering.
//! - `python/…`, `javascript/…`: the same three for the Python and JavaScript
//!   twins of those guests (`guests/{python,javascript}/test-components/`),
//!   with fewer rounds for the interpreted loops (100 k).
//!
//! Run: `cargo bench -p modgate-host --bench invocation`

use std::collections::BTreeSet;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use modgate_host::CORE_VERSION;
use modgate_host::capabilities::{BuiltinServices, builtin};
use modgate_host::engine::{
    Budget, Engine, EngineConfig, Extensions, InvocationContext, InvocationObservers, LoadedModule, ModuleRequest, TenantId,
};
use modgate_host::metrics::Metrics;
use modgate_host::usage::UsageRecorder;
use modgate_host::manifest::verify_manifest;
use modgate_host::testing::InMemoryCommerce;

fn engine(fuel: bool) -> Engine {
    engine_observed(fuel, InvocationObservers::default())
}

fn engine_observed(fuel: bool, observers: InvocationObservers) -> Engine {
    // The Python and JavaScript components take ~20 s each to compile: a
    // second run loads them from the cache.
    let mut config = EngineConfig {
        fuel,
        compile_cache: Some(modgate_artifacts::COMPILE_CACHE.into()),
        observers,
        ..EngineConfig::default()
    };
    config.budgets.set(
        InvocationContext::Activate,
        Budget { ops: 10_000, fuel: u64::MAX / 2, wall_clock: Duration::from_secs(60) },
    );
    let services = BuiltinServices {
        commerce: InMemoryCommerce::sample().into_commerce(),
        ..BuiltinServices::default()
    };
    Engine::new(config, builtin(services)).expect("engine")
}

fn load(engine: &Engine, name: &str, permissions: &str, path: &str) -> LoadedModule {
    let text = format!("name = {name:?}\nversion = \"1.0.0\"\ncompatible-core = \"^1.0\"\npermissions = [{permissions}]\n");
    let manifest = verify_manifest(&text, &CORE_VERSION).expect("manifest").manifest;
    let grants: BTreeSet<_> = manifest.permissions.clone();
    engine.load(manifest, &modgate_artifacts::read(path), grants).expect("loads")
}

fn benches(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let tenant = TenantId::new("acme").unwrap();

    let fuel_on = engine(true);
    let fuel_off = engine(false);

    let minimal = load(&fuel_on, "minimal", "", modgate_artifacts::MINIMAL);
    c.bench_function("fresh_instance/minimal", |b| {
        b.iter(|| runtime.block_on(minimal.activate(&tenant, "")).unwrap())
    });

    let calls = load(&fuel_on, "calls", "\"read:products\"", modgate_artifacts::HOST_CALLS);
    let mut group = c.benchmark_group("host_call");
    group.bench_function("invocation_with_0_calls", |b| {
        b.iter(|| runtime.block_on(calls.activate(&tenant, "0")).unwrap())
    });
    group.bench_function("invocation_with_1000_products_get", |b| {
        b.iter(|| runtime.block_on(calls.activate(&tenant, "1000")).unwrap())
    });
    group.finish();

    // What an operator's observers add: the same invocations with the
    // metrics and the usage recorder attached (as the storefront runs).
    let observed = engine_observed(true, InvocationObservers::default().with(Metrics::new()).with(UsageRecorder::new()));
    let minimal_observed = load(&observed, "minimal", "", modgate_artifacts::MINIMAL);
    let calls_observed = load(&observed, "calls", "\"read:products\"", modgate_artifacts::HOST_CALLS);
    let mut group = c.benchmark_group("observed");
    group.bench_function("fresh_instance/minimal", |b| {
        b.iter(|| runtime.block_on(minimal_observed.activate(&tenant, "")).unwrap())
    });
    group.bench_function("invocation_with_1000_products_get", |b| {
        b.iter(|| runtime.block_on(calls_observed.activate(&tenant, "1000")).unwrap())
    });
    group.finish();

    // The request as the bridge forwards it (its headers set, the token gone).
    let echo = load(&fuel_on, "echo", "", modgate_artifacts::CONFORMANCE_SERVE);
    let request = || -> ModuleRequest {
        let mut request = http::Request::get("/hello");
        for (name, value) in [
            ("host", "127.0.0.1:8080"),
            ("accept", "*/*"),
            ("user-agent", "wrk"),
            ("modgate-tenant", "acme"),
            ("modgate-client-ip", "127.0.0.1"),
            ("modgate-request-id", "01KBQ3V8Z6X9Y2W5T4R3Q2P1N0"),
            ("modgate-mount", "/modules/echo"),
            ("modgate-route", "/hello"),
            ("modgate-customer-id", "cu-1"),
            ("content-length", "0"),
        ] {
            request = request.header(name, value);
        }
        request.body(bytes::Bytes::new()).unwrap()
    };
    let extensions = Extensions::new();
    c.bench_function("http/echo", |b| {
        b.iter(|| runtime.block_on(echo.handle_http(&tenant, request(), 1 << 20, &extensions)).unwrap())
    });

    let mut group = c.benchmark_group("fuel");
    for (label, engine) in [("on", &fuel_on), ("off", &fuel_off)] {
        let spin = load(engine, "spin", "", modgate_artifacts::SPIN);
        group.bench_function(label, |b| {
            b.iter(|| runtime.block_on(spin.activate(&tenant, "1000000")).unwrap())
        });
    }
    group.finish();

    let languages = [
        ("python", modgate_artifacts::python::SPIN, modgate_artifacts::python::HOST_CALLS),
        ("javascript", modgate_artifacts::javascript::SPIN, modgate_artifacts::javascript::HOST_CALLS),
    ];
    for (language, spin_path, calls_path) in languages {
        let mut group = c.benchmark_group(language);
        let spin = load(&fuel_on, "spin", "", spin_path);
        group.bench_function("fresh_instance", |b| {
            b.iter(|| runtime.block_on(spin.activate(&tenant, "0")).unwrap())
        });
        let calls = load(&fuel_on, "calls", "\"read:products\"", calls_path);
        group.bench_function("invocation_with_0_calls", |b| {
            b.iter(|| runtime.block_on(calls.activate(&tenant, "0")).unwrap())
        });
        group.bench_function("invocation_with_1000_products_get", |b| {
            b.iter(|| runtime.block_on(calls.activate(&tenant, "1000")).unwrap())
        });
        for (label, engine) in [("fuel_on", &fuel_on), ("fuel_off", &fuel_off)] {
            let spin = load(engine, "spin", "", spin_path);
            group.bench_function(label, |b| {
                b.iter(|| runtime.block_on(spin.activate(&tenant, "100000")).unwrap())
            });
        }
        group.finish();
    }
}

criterion_group! {
    name = invocation;
    config = Criterion::default().sample_size(50).measurement_time(Duration::from_secs(4));
    targets = benches
}
criterion_main!(invocation);
