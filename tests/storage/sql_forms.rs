//! The statement forms authors write, run by a real guest against a real
//! database on each backend: WITH over the module's own tables, INSERT …
//! SELECT with the host's columns filled per row, and the unknown-column
//! error — the same code and message on SQLite and PostgreSQL.

use modgate_host::engine::ErrorCode;
use modgate_tests::{acme, on_both_backends};

use super::{PROBE, guest_code, install_probe, probe};

on_both_backends! {
    async fn ctes_and_insert_select_run_on_the_module_tables(host) {
        let tenant = acme();
        install_probe(&host.lifecycle, PROBE, &tenant).await;
        let run = |settings: &'static str| probe(&host.lifecycle, "probe", &tenant, settings);
        run("exec\nINSERT INTO mod_probe_items (name, qty) VALUES ('apple', 3), ('pear', 0), ('plum', 5)").await.expect("seed");

        run("expect-rows 2\nquery\nWITH stocked AS (SELECT name, qty FROM mod_probe_items WHERE qty > 0) \
             SELECT s.name FROM stocked AS s ORDER BY s.qty").await.expect("a CTE");
        run("expect-rows 1\nquery\nWITH stocked AS (SELECT name, qty FROM mod_probe_items WHERE qty > 0), \
             most AS (SELECT max(qty) AS top FROM stocked) \
             SELECT name FROM stocked JOIN most ON stocked.qty = most.top").await.expect("a CTE over an earlier one");

        run("expect-rows 2\nexec\nINSERT INTO mod_probe_tags (label) SELECT name FROM mod_probe_items WHERE qty > 0")
            .await.expect("INSERT … SELECT");
        run("expect-rows 2\nquery\nSELECT id FROM mod_probe_tags WHERE length(id) = 26 AND created_at = updated_at \
             AND created_at IS NOT NULL GROUP BY id").await.expect("one host id per row, timestamps filled");
        run("expect-rows 1\nquery\nINSERT INTO mod_probe_tags (label) WITH p AS (SELECT name FROM mod_probe_items \
             WHERE qty = 0) SELECT name FROM p RETURNING id, label").await.expect("INSERT … WITH … SELECT … RETURNING");
        run("expect-rows 0\nexec\nINSERT INTO mod_probe_items (name, qty) SELECT label, 1 FROM mod_probe_tags \
             WHERE label = 'nothing' ON CONFLICT DO NOTHING").await.expect("INSERT … SELECT … ON CONFLICT");
        run("expect-rows 3\nquery\nSELECT label FROM mod_probe_tags").await.expect("three tags");
    }
}

on_both_backends! {
    async fn an_unknown_column_is_invalid_with_the_same_message_on_both_backends(host) {
        install_probe(&host.lifecycle, PROBE, &acme()).await;
        let result = probe(&host.lifecycle, "probe", &acme(), "query\nSELECT colour FROM mod_probe_items").await;
        let text = result.as_ref().err().map(ToString::to_string).unwrap_or_default();
        assert!(
            text.ends_with(
                "tables.query: unknown column `colour`: it is not a column of mod_probe_items (declared columns: \
                 name, qty, note; host columns: id, created_at, updated_at)"
            ),
            "{text}"
        );
        assert_eq!(guest_code(result), Some(ErrorCode::Invalid));
        let result = probe(&host.lifecycle, "probe", &acme(), "exec\nUPDATE mod_probe_items SET colour = 'red'").await;
        let text = result.as_ref().err().map(ToString::to_string).unwrap_or_default();
        assert!(text.contains("unknown column `colour` in SET"), "{text}");
        assert_eq!(guest_code(result), Some(ErrorCode::Invalid));
    }
}
