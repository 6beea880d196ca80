//! A core module whose `start` function never returns. It runs when the
//! component is instantiated — in every invocation, since each one gets a
//! fresh instance, and before any export the host calls — so it must be
//! stopped by the same fuel and deadline as a loop inside an export, at
//! install (`activate`) and afterwards, with nothing left behind.

use std::time::Duration;

use modgate_host::engine::{Budget, EngineConfig, ErrorCode, InvocationContext, InvocationError};
use modgate_host::lifecycle::{InstallError, InstallRequest, ModuleSource};
use modgate_host::storage::Backend;
use modgate_tests::{acme, engine, manifest, minimal_with};

use super::{healthy, keeps_answering};

/// A core module whose start function spins forever, instantiated last
/// inside the `minimal` component.
fn spinning_start() -> Vec<u8> {
    minimal_with(
        r#"(core module $spin
               (func $forever (loop $again (br $again)))
               (start $forever))
           (core instance (instantiate $spin))"#,
    )
}

/// The same loop one component deeper: a nested component instantiates it.
fn nested_spinning_start() -> Vec<u8> {
    minimal_with(
        r#"(component $inner
               (core module $spin
                   (func $forever (loop $again (br $again)))
                   (start $forever))
               (core instance (instantiate $spin)))
           (instance (instantiate $inner))"#,
    )
}

/// A start function that calls the host (`settings.get`) in a loop, before
/// the component has finished instantiating.
fn host_calling_start() -> Vec<u8> {
    minimal_with(
        r#"(import "modgate:host/settings@1.0.0" (instance $settings (export "get" (func (result string)))))
           (alias export $settings "get" (func $settings_get))
           (core module $scratch
               (memory (export "memory") 1)
               (func (export "realloc") (param i32 i32 i32 i32) (result i32) (i32.const 1024)))
           (core instance $scratch (instantiate $scratch))
           (alias core export $scratch "memory" (core memory $scratch_memory))
           (alias core export $scratch "realloc" (core func $scratch_realloc))
           (core func $scratch_get (canon lower (func $settings_get) (memory $scratch_memory) (realloc $scratch_realloc)))
           (core instance $scratch_host (export "get" (func $scratch_get)))
           (core module $caller
               (import "host" "get" (func $get (param i32)))
               (func $forever (loop $again (call $get (i32.const 0)) (br $again)))
               (start $forever))
           (core instance (instantiate $caller (with "host" (instance $scratch_host))))"#,
    )
}

fn with_activate(fuel: bool, budget: Budget) -> EngineConfig {
    let mut config = EngineConfig {
        fuel,
        ..EngineConfig::default()
    };
    config.budgets.set(InvocationContext::Activate, budget);
    config
}

#[test]
fn a_start_function_that_never_returns_runs_out_of_fuel() {
    let engine = engine(with_activate(
        true,
        Budget {
            ops: 10,
            fuel: 5_000_000,
            wall_clock: Duration::from_secs(60),
        },
    ));
    let healthy = healthy(&engine);
    modgate_tests::run(async {
        for (name, bytes) in [
            ("spinning-start", spinning_start()),
            ("nested-start", nested_spinning_start()),
        ] {
            let module = engine
                .load(manifest(name, &[]), &bytes, Default::default())
                .expect("a start function is no reason to refuse");
            // Twice: the second instance starts from scratch and ends the same way.
            for _ in 0..2 {
                let err = module.activate(&acme(), "{}").await.unwrap_err();
                assert!(
                    matches!(
                        err,
                        InvocationError::FuelExhausted {
                            fuel: 5_000_000,
                            ..
                        }
                    ),
                    "{name}: {err}"
                );
                assert_eq!(err.code(), ErrorCode::BudgetExhausted);
            }
            keeps_answering(&healthy).await;
        }
    });
}

#[test]
fn without_fuel_a_start_function_that_never_returns_meets_the_deadline() {
    let engine = engine(with_activate(
        false,
        Budget {
            ops: 10,
            fuel: u64::MAX,
            wall_clock: Duration::from_millis(300),
        },
    ));
    let healthy = healthy(&engine);
    let module = engine
        .load(
            manifest("spinning-start", &[]),
            &spinning_start(),
            Default::default(),
        )
        .expect("loads");
    modgate_tests::run(async {
        let err = module.activate(&acme(), "{}").await.unwrap_err();
        assert!(
            matches!(err, InvocationError::DeadlineExceeded { millis: 300, .. }),
            "{err}"
        );
        assert_eq!(err.code(), ErrorCode::Timeout);
        keeps_answering(&healthy).await;
    });
}

#[test]
fn installing_a_module_whose_start_never_returns_fails_and_installs_nothing() {
    modgate_tests::run(async {
        let config = with_activate(
            true,
            Budget {
                ops: 10,
                fuel: 5_000_000,
                wall_clock: Duration::from_secs(60),
            },
        );
        let host = modgate_tests::test_host_configured(Backend::Sqlite, Default::default(), config)
            .await
            .expect("sqlite");
        let source = |name: &str, component: Vec<u8>| {
            ModuleSource::new(format!("name = {name:?}\nversion = \"1.0.0\"\ncompatible-core = \"^1.0\"\n"), component)
        };
        let err = host
            .lifecycle
            .install(InstallRequest::new(
                source("spinning-start", spinning_start()),
                acme(),
            ))
            .await
            .expect_err("activate never returns");
        assert_eq!(err.code(), "activation-failed", "{err}");
        assert!(
            matches!(
                &err,
                InstallError::Activation(InvocationError::FuelExhausted { .. })
            ),
            "the cause is the fuel budget: {err}"
        );
        assert!(
            host.lifecycle.module(&acme(), "spinning-start").is_none(),
            "nothing was installed"
        );
        host.lifecycle
            .install(InstallRequest::new(
                source("healthy", minimal_with("")),
                acme(),
            ))
            .await
            .expect("a well-behaved module installs after it");
        let healthy = host
            .lifecycle
            .module(&acme(), "healthy")
            .expect("installed");
        keeps_answering(&healthy).await;
    });
}

#[test]
fn a_start_function_calling_the_host_forever_is_stopped_too() {
    let engine = engine(with_activate(
        true,
        Budget {
            ops: 10,
            fuel: 5_000_000,
            wall_clock: Duration::from_secs(60),
        },
    ));
    let healthy = healthy(&engine);
    let module = engine
        .load(
            manifest("calling-start", &[]),
            &host_calling_start(),
            Default::default(),
        )
        .expect("loads");
    modgate_tests::run(async {
        let err = module.activate(&acme(), "{}").await.unwrap_err();
        assert!(
            matches!(err, InvocationError::FuelExhausted { .. }),
            "{err}"
        );
        keeps_answering(&healthy).await;
    });
}
