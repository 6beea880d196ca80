//! The hostile-SQL corpus (`modgate_host::testing::hostile_sql`), sent by a
//! real guest through `modgate:host/tables` into a real database on each
//! backend: every statement is refused with `forbidden`, and the probe's
//! own data is untouched afterwards.

use modgate_host::engine::ErrorCode;
use modgate_host::testing::hostile_sql::hostile_sql_corpus;
use modgate_tests::{acme, globex, on_both_backends};

use super::{OTHER, PROBE, guest_code, install_probe, probe};

on_both_backends! {
    async fn corpus_is_forbidden(host) {
        install_probe(&host.lifecycle, PROBE, &acme()).await;
        install_probe(&host.lifecycle, PROBE, &globex()).await;
        install_probe(&host.lifecycle, OTHER, &acme()).await;
        probe(&host.lifecycle, "probe", &acme(), "exec\nINSERT INTO mod_probe_items (name, qty) VALUES ('kept', 1)").await.expect("seed");
        probe(&host.lifecycle, "other", &acme(), "exec\nINSERT INTO mod_other_secrets (secret) VALUES ('s3cret')").await.expect("seed");

        let backend = host.storage.backend();
        let corpus = hostile_sql_corpus();
        assert!(corpus.iter().filter(|s| s.parses_on.includes(backend)).count() >= 40);
        let mut slipped = Vec::new();
        for statement in &corpus {
            let first = statement.sql.split_whitespace().next().unwrap_or("").to_ascii_uppercase();
            let kind = if ["SELECT", "WITH", "VALUES"].contains(&first.as_str()) || first.starts_with('(') { "query" } else { "exec" };
            let result = probe(&host.lifecycle, "probe", &acme(), &format!("{kind}\n{}", statement.sql)).await;
            let code = guest_code(result);
            let acceptable = if statement.parses_on.includes(backend) {
                code == Some(ErrorCode::Forbidden)
            } else {
                matches!(code, Some(ErrorCode::Forbidden | ErrorCode::Invalid))
            };
            if !acceptable {
                slipped.push(format!("{} -> {code:?}", statement.name));
            }
        }
        assert!(slipped.is_empty(), "not refused as expected on {backend}:\n{}", slipped.join("\n"));
        probe(&host.lifecycle, "probe", &acme(), "expect-rows 1\nquery\nSELECT name FROM mod_probe_items WHERE qty = 1").await.expect("probe data intact");
        probe(&host.lifecycle, "other", &acme(), "expect-rows 1\nquery\nSELECT secret FROM mod_other_secrets").await.expect("other data intact");
    }
}
