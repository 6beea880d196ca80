//! Budgets end only the offending invocation, with a typed error, while the
//! host and other modules keep answering.

use std::time::Duration;

use modgate_artifacts::{DEEP_RECURSION, INFINITE_LOOP, MEMORY_BOMB, MINIMAL, PANICKING};
use modgate_host::engine::{Budget, EngineConfig, ErrorCode, InvocationContext, InvocationError, LoadedModule};
use modgate_tests::{Lang, acme, default_engine, engine, load, manifest};

/// After a failure the healthy module still answers, and so does the
/// failing one for a well-behaved call (fresh instance each time).
async fn healthy_module_still_answers(healthy: &LoadedModule) {
    healthy.activate(&acme(), "").await.expect("the other module keeps answering");
}

fn config_with_activate(budget: Budget) -> EngineConfig {
    let mut config = EngineConfig::default();
    config.budgets.set(InvocationContext::Activate, budget);
    config
}

#[test]
pub fn infinite_loop_is_stopped_by_fuel_while_another_module_answers() {
    let engine = engine(config_with_activate(Budget { ops: 10, fuel: 5_000_000, wall_clock: Duration::from_secs(30) }));
    let looping = load(&engine, manifest("looping", &[]), INFINITE_LOOP).unwrap();
    let healthy = load(&engine, manifest("healthy", &[]), MINIMAL).unwrap();
    modgate_tests::run(async {
        let err = looping.activate(&acme(), "").await.unwrap_err();
        assert!(matches!(err, InvocationError::FuelExhausted { fuel: 5_000_000, .. }), "{err}");
        assert_eq!(err.code(), ErrorCode::BudgetExhausted);
        healthy_module_still_answers(&healthy).await;
    });
}

#[test]
fn infinite_loop_is_stopped_by_the_deadline_when_fuel_is_off() {
    let mut config = config_with_activate(Budget { ops: 10, fuel: u64::MAX, wall_clock: Duration::from_millis(150) });
    config.fuel = false;
    let engine = engine(config);
    let looping = load(&engine, manifest("looping", &[]), INFINITE_LOOP).unwrap();
    let healthy = load(&engine, manifest("healthy", &[]), MINIMAL).unwrap();
    modgate_tests::run(async {
        let err = looping.activate(&acme(), "").await.unwrap_err();
        assert!(matches!(err, InvocationError::DeadlineExceeded { millis: 150, .. }), "{err}");
        assert_eq!(err.code(), ErrorCode::Timeout);
        healthy_module_still_answers(&healthy).await;
    });
}

#[test]
fn a_busy_loop_yields_so_other_invocations_finish_first() {
    let mut config = config_with_activate(Budget { ops: 10, fuel: u64::MAX, wall_clock: Duration::from_secs(2) });
    config.fuel = false;
    let engine = engine(config);
    let looping = load(&engine, manifest("looping", &[]), INFINITE_LOOP).unwrap();
    let healthy = load(&engine, manifest("healthy", &[]), MINIMAL).unwrap();
    // One worker thread: without epoch yields the loop would hold it until its deadline.
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let started = std::time::Instant::now();
        let looping = tokio::spawn(async move { looping.activate(&acme(), "").await });
        tokio::task::yield_now().await;
        healthy_module_still_answers(&healthy).await;
        assert!(started.elapsed() < Duration::from_secs(2), "healthy call waited for the loop");
        assert!(looping.await.unwrap().is_err());
    });
}

#[test]
pub fn memory_bomb_hits_the_memory_limit_while_another_module_answers() {
    let config = EngineConfig { memory_limit_bytes: 16 << 20, ..EngineConfig::default() };
    let engine = engine(config);
    let bomb = load(&engine, manifest("bomb", &[]), MEMORY_BOMB).unwrap();
    let healthy = load(&engine, manifest("healthy", &[]), MINIMAL).unwrap();
    modgate_tests::run(async {
        let err = bomb.activate(&acme(), "").await.unwrap_err();
        match &err {
            InvocationError::OutOfMemory { limit, asked, .. } => {
                assert_eq!(*limit, 16 << 20);
                assert!(*asked > *limit);
            }
            other => panic!("expected out-of-memory, got {other}"),
        }
        healthy_module_still_answers(&healthy).await;
    });
}

#[test]
pub fn deep_recursion_overflows_the_stack_while_another_module_answers() {
    let engine = default_engine();
    let deep = load(&engine, manifest("deep", &[]), DEEP_RECURSION).unwrap();
    let healthy = load(&engine, manifest("healthy", &[]), MINIMAL).unwrap();
    modgate_tests::run(async {
        let err = deep.activate(&acme(), "").await.unwrap_err();
        assert!(matches!(err, InvocationError::StackOverflow { .. }), "{err}");
        assert_eq!(err.code(), ErrorCode::HandlerError);
        healthy_module_still_answers(&healthy).await;
    });
}

#[test]
pub fn a_panic_traps_only_its_invocation() {
    let engine = default_engine();
    let panicking = load(&engine, manifest("panicking", &[]), PANICKING).unwrap();
    let healthy = load(&engine, manifest("healthy", &[]), MINIMAL).unwrap();
    modgate_tests::run(async {
        for _ in 0..3 {
            let err = panicking.activate(&acme(), "x").await.unwrap_err();
            assert!(matches!(err, InvocationError::Trap { .. }), "{err}");
            assert!(err.to_string().contains("unreachable"), "{err}");
        }
        healthy_module_still_answers(&healthy).await;
    });
}

modgate_tests::in_every_language! {
    exhausted_ops_are_a_typed_error_the_guest_can_handle => exhausted_ops_are_handled,
    fuel_is_metered_and_reported => fuel_is_metered,
}

fn exhausted_ops_are_handled(lang: Lang) {
    let engine = engine(config_with_activate(Budget { ops: 7, fuel: 100_000_000, wall_clock: Duration::from_secs(5) }));
    let calls = load(&engine, manifest("calls", &["read:products"]), lang.component("host-calls")).unwrap();
    modgate_tests::run(async {
        let done = calls.activate(&acme(), "50").await.expect("the guest handles budget-exhausted");
        assert_eq!(done.ops_used, 7);
    });
    let lines = calls.log().lines();
    assert!(lines.iter().any(|l| l.message == "budget exhausted after 7 calls; stopping early"), "{lines:?}");
}

#[test]
fn the_in_flight_cap_answers_busy() {
    let mut config = config_with_activate(Budget { ops: 10, fuel: u64::MAX, wall_clock: Duration::from_millis(400) });
    config.fuel = false;
    config.max_in_flight_per_module = 1;
    let engine = engine(config);
    let looping = load(&engine, manifest("looping", &[]), INFINITE_LOOP).unwrap();
    modgate_tests::run(async {
        let tenant = acme();
        let (a, b) = tokio::join!(looping.activate(&tenant, ""), looping.activate(&tenant, ""));
        // Exactly one is admitted (and runs into its deadline); the other is busy.
        let (admitted, busy) = if matches!(a, Err(InvocationError::Busy { .. })) { (b, a) } else { (a, b) };
        let busy = busy.unwrap_err();
        assert!(matches!(busy, InvocationError::Busy { limit: 1, .. }), "{busy}");
        assert_eq!(busy.code(), ErrorCode::Busy);
        assert!(matches!(admitted, Err(InvocationError::DeadlineExceeded { .. })));
    });
}

fn fuel_is_metered(lang: Lang) {
    // 100 000 rounds of an interpreted loop take more than the default
    // 100 M fuel of activate.
    let engine = engine(config_with_activate(Budget { ops: 10, fuel: 2_000_000_000, wall_clock: Duration::from_secs(30) }));
    let spin = load(&engine, manifest("spin", &[]), lang.component("spin")).unwrap();
    modgate_tests::run(async {
        let short = spin.activate(&acme(), "1000").await.unwrap();
        let long = spin.activate(&acme(), "100000").await.unwrap();
        assert!(short.fuel_used > 0);
        assert!(long.fuel_used > short.fuel_used * 10, "{} vs {}", long.fuel_used, short.fuel_used);
        let err = spin.activate(&acme(), "not a number").await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::Invalid);
    });
}
