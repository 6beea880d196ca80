//! Capacity isolation: the pool, a module's share of it and a tenant's
//! share of a module. What cannot start is `busy`, and `busy` is never
//! counted against the module that suffered it.

use std::time::Duration;

use modgate_artifacts::{HTTP_PROBE, INFINITE_LOOP, MINIMAL};
use modgate_host::engine::{Budget, BusyShare, EngineConfig, InvocationContext, InvocationError, LoadedModule};
use modgate_host::breaker::BreakerStatus;
use modgate_host::engine::TenantId;
use modgate_tests::http::{code, http_harness_with, json, test_http_config};
use modgate_tests::{acme, engine, globex, load, manifest};

fn tenant(name: &str) -> TenantId {
    TenantId::new(name).expect("slug")
}

/// Activations that hold their slot until the deadline (fuel off).
fn holding_config(pool: u32, per_module: usize, per_install: usize) -> EngineConfig {
    let mut config = EngineConfig {
        fuel: false,
        max_instances: pool,
        max_in_flight_per_module: per_module,
        max_in_flight_per_install: per_install,
        ..EngineConfig::default()
    };
    config.budgets.set(
        InvocationContext::Activate,
        Budget { ops: 10, fuel: u64::MAX, wall_clock: Duration::from_millis(600) },
    );
    config
}

fn busy_share(result: Result<modgate_host::engine::Invoked<()>, InvocationError>) -> Option<BusyShare> {
    match result {
        Err(InvocationError::Busy { share, .. }) => Some(share),
        _ => None,
    }
}

async fn hold(module: &LoadedModule, tenant: TenantId) -> Result<modgate_host::engine::Invoked<()>, InvocationError> {
    module.activate(&tenant, "").await
}

#[test]
fn every_share_refuses_with_busy_naming_itself() {
    // Pool of 4; a module may hold 3, one tenant of it 2.
    let engine = engine(holding_config(4, 3, 2));
    let looping = load(&engine, manifest("looping", &[]), INFINITE_LOOP).unwrap();
    let other = load(&engine, manifest("other", &[]), INFINITE_LOOP).unwrap();
    modgate_tests::run(async {
        // `join!` polls in order and admission happens on the first poll, so
        // the order below is the order of admission.
        let (a1, a2, a3, b1, c1, o1, o2) = tokio::join!(
            hold(&looping, acme()),
            hold(&looping, acme()),
            hold(&looping, acme()),
            hold(&looping, globex()),
            hold(&looping, tenant("initech")),
            hold(&other, acme()),
            hold(&other, acme()),
        );
        assert_eq!(busy_share(a1), None, "admitted");
        assert_eq!(busy_share(a2), None, "admitted");
        assert_eq!(busy_share(a3), Some(BusyShare::Install), "acme holds its 2");
        assert_eq!(busy_share(b1), None, "globex has its own share of the module");
        assert_eq!(busy_share(c1), Some(BusyShare::Module), "the module holds its 3");
        assert_eq!(busy_share(o1), None, "another module takes the pool's last slot");
        assert_eq!(busy_share(o2), Some(BusyShare::Host), "the pool is full");
    });
}

#[test]
fn one_tenant_flooding_a_module_leaves_it_answering_for_another() {
    let engine = engine(holding_config(100, 8, 2));
    let looping = load(&engine, manifest("looping", &[]), INFINITE_LOOP).unwrap();
    let healthy = load(&engine, manifest("healthy", &[]), MINIMAL).unwrap();
    modgate_tests::run(async {
        let flood = futures_util::future::join_all((0..6).map(|_| hold(&looping, acme())));
        let other_tenant = async {
            // The same module, another tenant: its own share.
            hold(&looping, globex()).await
        };
        let (flooded, other) = tokio::join!(flood, other_tenant);
        let busy = flooded.into_iter().map(busy_share).filter(|share| *share == Some(BusyShare::Install)).count();
        assert_eq!(busy, 4, "acme got its 2 slots, no more");
        assert!(matches!(other, Err(InvocationError::DeadlineExceeded { .. })), "globex ran: {other:?}");
        healthy.activate(&acme(), "").await.expect("other modules are untouched");
    });
}

/// A manifest for `name` with one `GET` route at `path`.
fn one_route(name: &str, path: &str) -> String {
    format!("name = {name:?}\nversion = \"1.0.0\"\ncompatible-core = \"^1.0\"\n\n[[routes]]\nmethod = \"GET\"\npath = {path:?}\n")
}

#[test]
fn a_full_pool_answers_busy_and_never_opens_the_breaker_of_the_module_refused() {
    modgate_tests::run(async {
        let mut http = test_http_config();
        // One counted failure would open a breaker.
        http.breaker.failure_threshold = 1;
        // A pool of two slots; each spinner may hold one of them.
        let mut engine = EngineConfig { fuel: false, max_instances: 2, max_in_flight_per_module: 1, ..EngineConfig::default() };
        engine.budgets.http.wall_clock = Duration::from_secs(3);
        let h = http_harness_with(http, engine).await;
        for (name, path) in [("spinner", "/spin"), ("second-spinner", "/spin"), ("healthy", "/echo")] {
            h.install(&acme(), &one_route(name, path), HTTP_PROBE).await;
            h.approve_all(&acme(), name).await;
        }
        let spin = |module: &str| {
            let client = h.client.clone();
            let url = h.url(&format!("/modules/{module}/spin"));
            tokio::spawn(async move { client.get(url).send().await.map(|r| r.status().as_u16()) })
        };
        let echo = h.url("/modules/healthy/echo");
        let mut refused = None;
        for _ in 0..20 {
            // Both spinners: the pool's two slots.
            let spins = [spin("spinner"), spin("second-spinner")];
            while spins.iter().any(|s| !s.is_finished()) && refused.is_none() {
                let (status, _, body) = json(h.client.get(&echo).send().await.unwrap()).await;
                if status == 503 {
                    refused = Some(code(&body).to_owned());
                }
            }
            for s in spins {
                let _ = s.await;
            }
            if refused.is_some() {
                break;
            }
        }
        assert_eq!(refused.as_deref(), Some("busy"), "the healthy module found the pool full");
        let (status, _, _) = json(h.client.get(&echo).send().await.unwrap()).await;
        assert_eq!(status, 200, "busy did not open the healthy module's breaker");
        let breaker = h.bridge.breaker_status(&acme(), "healthy").expect("served");
        assert_eq!(breaker, BreakerStatus::Closed { consecutive_failures: 0 });
    });
}
