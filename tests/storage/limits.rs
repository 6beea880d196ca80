//! Result limits and the op budget on table calls.

use modgate_host::engine::ErrorCode;
use modgate_host::storage::Backend;
use modgate_host::storage::module_sql::SqlLimits;
use modgate_tests::acme;

use super::{PROBE, guest_code, install_probe, probe};

#[test]
fn results_over_the_row_limit_are_refused_with_a_hint() {
    modgate_tests::run(async {
        let limits = SqlLimits { max_rows: 3, ..SqlLimits::default() };
        let host = modgate_tests::test_host_with(Backend::Sqlite, limits).await.expect("sqlite");
        install_probe(&host.lifecycle, PROBE, &acme()).await;
        probe(&host.lifecycle, "probe", &acme(), "exec\nINSERT INTO mod_probe_items (qty) VALUES (1), (2), (3), (4)").await.expect("insert");
        let refused = probe(&host.lifecycle, "probe", &acme(), "query\nSELECT qty FROM mod_probe_items").await;
        let Err(error) = &refused else { panic!("four rows over a limit of three") };
        assert!(error.to_string().contains("add a LIMIT"), "{error}");
        assert_eq!(guest_code(refused), Some(ErrorCode::Invalid));
        probe(&host.lifecycle, "probe", &acme(), "expect-rows 3\nquery\nSELECT qty FROM mod_probe_items LIMIT 3").await.expect("within the limit");
    });
}

#[test]
fn results_over_the_byte_limit_are_refused() {
    modgate_tests::run(async {
        let limits = SqlLimits { max_result_bytes: 64, ..SqlLimits::default() };
        let host = modgate_tests::test_host_with(Backend::Sqlite, limits).await.expect("sqlite");
        install_probe(&host.lifecycle, PROBE, &acme()).await;
        let long = "x".repeat(100);
        probe(&host.lifecycle, "probe", &acme(), &format!("exec\nINSERT INTO mod_probe_items (note) VALUES ('{long}')")).await.expect("insert");
        let refused = probe(&host.lifecycle, "probe", &acme(), "query\nSELECT note FROM mod_probe_items").await;
        assert_eq!(guest_code(refused), Some(ErrorCode::Invalid));
    });
}

#[test]
fn every_table_call_takes_one_op_from_the_invocation_budget() {
    modgate_tests::run(async {
        let mut config = modgate_host::engine::EngineConfig::default();
        let activate = config.budgets.for_context(modgate_host::engine::InvocationContext::Activate);
        config.budgets.set(
            modgate_host::engine::InvocationContext::Activate,
            modgate_host::engine::Budget { ops: 3, ..activate },
        );
        let host = modgate_tests::test_host_configured(Backend::Sqlite, SqlLimits::default(), config).await.expect("sqlite");
        install_probe(&host.lifecycle, PROBE, &acme()).await;
        probe(&host.lifecycle, "probe", &acme(), "repeat 3\nquery\nSELECT qty FROM mod_probe_items").await.expect("three calls fit");
        let refused = probe(&host.lifecycle, "probe", &acme(), "repeat 4\nquery\nSELECT qty FROM mod_probe_items").await;
        assert_eq!(guest_code(refused), Some(ErrorCode::BudgetExhausted));
    });
}
