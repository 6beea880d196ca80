//! Concurrency abuse: far more invocations at once than a module's share
//! of the host. What cannot start is refused `busy` at once, naming the
//! share that is full (never waiting, never panicking); what started ends
//! by its own budget; another module answers throughout, and the flooded
//! module answers again afterwards. `tests/limits/capacity.rs` pins each
//! share with a handful of invocations; this file floods them, and runs
//! every kind of failing guest at once.

use std::time::Duration;

use futures_util::future::join_all;
use modgate_artifacts::{HTTP_PROBE, INFINITE_LOOP};
use modgate_host::engine::{
    Budget, BusyShare, EngineConfig, InvocationContext, InvocationError, TenantId,
};
use modgate_tests::http::{HttpHarness, code, http_harness_with, json, test_http_config};
use modgate_tests::{acme, engine, load, manifest};

use super::{healthy, keeps_answering};

/// Activations that hold their slot until the deadline (fuel off), with a
/// module share of `per_module` and an install share of `per_install`.
fn holding(per_module: usize, per_install: usize) -> EngineConfig {
    let mut config = EngineConfig {
        fuel: false,
        max_instances: 1000,
        max_in_flight_per_module: per_module,
        max_in_flight_per_install: per_install,
        ..EngineConfig::default()
    };
    config.budgets.set(
        InvocationContext::Activate,
        Budget {
            ops: 10,
            fuel: u64::MAX,
            wall_clock: Duration::from_millis(1500),
        },
    );
    config
}

/// How a flood ended: the shares named by `busy`, and every other outcome.
fn tally(
    results: Vec<Result<modgate_host::engine::Invoked<()>, InvocationError>>,
) -> (Vec<(BusyShare, usize)>, Vec<String>) {
    let mut busy = Vec::new();
    let mut other = Vec::new();
    for result in results {
        match result {
            Err(InvocationError::Busy { share, limit, .. }) => busy.push((share, limit)),
            Err(InvocationError::DeadlineExceeded { .. }) => other.push("deadline".to_owned()),
            Err(e) => other.push(format!("unexpected: {e}")),
            Ok(_) => other.push("unexpected: the loop returned".to_owned()),
        }
    }
    (busy, other)
}

#[test]
fn two_hundred_invocations_across_tenants_get_the_module_share_and_busy() {
    let engine = engine(holding(8, 4));
    let looping = load(&engine, manifest("looping", &[]), INFINITE_LOOP).unwrap();
    let healthy = healthy(&engine);
    modgate_tests::run(async {
        // One invocation per tenant: no install share fills, the module's does.
        let tenants: Vec<TenantId> = (0..200)
            .map(|i| TenantId::new(format!("t{i}")).expect("slug"))
            .collect();
        let flood = join_all(tenants.iter().map(|tenant| looping.activate(tenant, "{}")));
        // Another module, while the flood is in flight: its own share.
        let (results, ()) = tokio::join!(flood, keeps_answering(&healthy));
        let (busy, started) = tally(results);
        assert_eq!(
            started,
            vec!["deadline"; 8],
            "the module's share of 8 started, and ended at its deadline"
        );
        assert_eq!(busy.len(), 192);
        assert!(
            busy.iter().all(|&b| b == (BusyShare::Module, 8)),
            "every refusal names the module share: {busy:?}"
        );
        keeps_answering(&healthy).await;
        // The share is free again: the flooded module starts once more.
        let again = looping.activate(&acme(), "{}").await.unwrap_err();
        assert!(
            matches!(again, InvocationError::DeadlineExceeded { .. }),
            "{again}"
        );
    });
}

#[test]
fn one_tenant_flooding_gets_its_install_share_and_leaves_the_rest_of_the_module() {
    let engine = engine(holding(16, 4));
    let looping = load(&engine, manifest("looping", &[]), INFINITE_LOOP).unwrap();
    let healthy = healthy(&engine);
    modgate_tests::run(async {
        let (acme, globex) = (acme(), modgate_tests::globex());
        let flood = join_all((0..128).map(|_| looping.activate(&acme, "{}")));
        // `join!` polls in order, so the flood is admitted first.
        let (results, globex) = tokio::join!(flood, looping.activate(&globex, "{}"));
        let (busy, started) = tally(results);
        assert_eq!(started, vec!["deadline"; 4]);
        assert_eq!(busy.len(), 124);
        assert!(
            busy.iter().all(|&b| b == (BusyShare::Install, 4)),
            "{busy:?}"
        );
        let globex = globex.unwrap_err();
        assert!(
            matches!(globex, InvocationError::DeadlineExceeded { .. }),
            "globex started: {globex}"
        );
        keeps_answering(&healthy).await;
    });
}

/// A manifest for `name` with `GET /spin` and `GET /echo`.
fn probe(name: &str) -> String {
    format!(
        "name = {name:?}\nversion = \"1.0.0\"\ncompatible-core = \"^1.0\"\n\n[[routes]]\nmethod = \"GET\"\npath = \"/spin\"\n\n[[routes]]\nmethod = \"GET\"\npath = \"/echo\"\n"
    )
}

/// The status and JSON body of `GET path` through the bridge.
async fn get(h: &HttpHarness, path: &str) -> (u16, serde_json::Value) {
    let (status, _, body) = json(h.client.get(h.url(path)).send().await.expect("the bridge answers")).await;
    (status, body)
}

#[test]
fn a_flood_of_requests_is_answered_busy_or_timeout_and_another_module_serves_throughout() {
    modgate_tests::run(async {
        let mut http = test_http_config();
        // Timeouts count against the breaker; keep it out of this test.
        http.breaker.failure_threshold = 10_000;
        let mut config = EngineConfig {
            fuel: false,
            max_in_flight_per_module: 4,
            max_in_flight_per_install: 4,
            ..EngineConfig::default()
        };
        config.budgets.http.wall_clock = Duration::from_secs(2);
        let h = http_harness_with(http, config).await;
        for name in ["spinner", "healthy"] {
            h.install(&acme(), &probe(name), HTTP_PROBE).await;
            h.approve_all(&acme(), name).await;
        }
        let flood = join_all((0..96).map(|_| {
            let request = h.client.get(h.url("/modules/spinner/spin")).send();
            async move { json(request.await.expect("the bridge answers")).await }
        }));
        let during = get(&h, "/modules/healthy/echo");
        let (answers, (status, body)) = tokio::join!(flood, during);
        assert_eq!(
            status, 200,
            "another module serves during the flood: {body}"
        );
        let mut busy = 0;
        for (status, _, body) in &answers {
            match (status, code(body)) {
                (503, "busy") => busy += 1,
                (504, "timeout") => {}
                other => panic!("an answer that is neither busy nor timeout: {other:?} {body}"),
            }
        }
        assert!(
            busy > 0,
            "96 requests against a share of 4: some must be busy"
        );
        let (status, body) = get(&h, "/modules/spinner/echo").await;
        assert_eq!(status, 200, "the flooded module answers once the flood is over: {body}");
        let (status, body) = get(&h, "/modules/healthy/echo").await;
        assert_eq!(status, 200, "{body}");
    });
}

#[test]
fn every_kind_of_failure_at_once_ends_each_invocation_with_its_own_code() {
    use modgate_artifacts::{DEEP_RECURSION, MEMORY_BOMB, PANICKING};
    // The default fuel (the memory bomb must reach its memory limit first),
    // a generous deadline.
    let mut config = EngineConfig {
        memory_limit_bytes: 16 << 20,
        ..EngineConfig::default()
    };
    config.budgets.activate.wall_clock = Duration::from_secs(60);
    let engine = engine(config);
    let kinds = [
        (INFINITE_LOOP, "fuel-exhausted"),
        (MEMORY_BOMB, "out-of-memory"),
        (PANICKING, "trap"),
        (DEEP_RECURSION, "stack-overflow"),
    ];
    let modules: Vec<_> = kinds
        .iter()
        .map(|(component, kind)| {
            (
                load(&engine, manifest(kind, &[]), component).expect("loads"),
                *kind,
            )
        })
        .collect();
    let healthy = healthy(&engine);
    modgate_tests::run(async {
        // Eight of each, interleaved, all at once, with the healthy module among them.
        let calls = (0..8)
            .flat_map(|_| modules.iter())
            .map(|(module, kind)| async move {
                let outcome = module.activate(&acme(), "x").await;
                (*kind, outcome.map(|_| ()).map_err(|e| e.kind()))
            });
        let (outcomes, ()) = tokio::join!(join_all(calls), keeps_answering(&healthy));
        assert_eq!(outcomes.len(), 32);
        for (kind, outcome) in outcomes {
            assert_eq!(outcome, Err(kind), "each failure keeps its own kind");
        }
        keeps_answering(&healthy).await;
    });
}
