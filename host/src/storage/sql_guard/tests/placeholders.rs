//! Placeholder styles: `?`, `?N` and `$N` on both backends, rewritten to
//! the backend's own; one style per statement; one value per placeholder.

use super::super::{Bind, RefusalKind, SqlGuard, StatementKind};
use super::{BACKENDS, accepted, check, refused, scope};
use crate::storage::Backend;

use Backend::{Postgres, Sqlite};
use StatementKind::{Exec, Query};

const ITEMS_SQLITE: &str = "\"acme__mod_probe_items\" AS \"mod_probe_items\"";
const ITEMS_POSTGRES: &str = "\"mg_t_acme\".\"mod_probe_items\" AS \"mod_probe_items\"";

#[test]
fn all_three_styles_are_accepted_on_both_backends_and_rewritten_alike() {
    for sql in [
        "SELECT name FROM mod_probe_items WHERE qty = ? AND note = ?",
        "SELECT name FROM mod_probe_items WHERE qty = ?1 AND note = ?2",
        "SELECT name FROM mod_probe_items WHERE qty = $1 AND note = $2",
    ] {
        let sqlite = accepted(Sqlite, Query, sql, 2);
        assert_eq!(
            sqlite.sql,
            format!("SELECT name FROM {ITEMS_SQLITE} WHERE qty = ?1 AND note = ?2"),
            "{sql}"
        );
        assert_eq!(sqlite.binds, vec![Bind::Param(0), Bind::Param(1)], "{sql}");
        let postgres = accepted(Postgres, Query, sql, 2);
        assert_eq!(
            postgres.sql,
            format!("SELECT name FROM {ITEMS_POSTGRES} WHERE qty = $1 AND note = $2"),
            "{sql}"
        );
        assert_eq!(postgres.binds, sqlite.binds, "{sql}");
    }
}

#[test]
fn positional_question_marks_take_the_values_in_order_of_appearance() {
    let sql = "INSERT INTO mod_probe_items (name, qty, note) VALUES (?, ?, ?)";
    for backend in BACKENDS {
        let guarded = accepted(backend, Exec, sql, 3);
        assert_eq!(
            guarded.binds[..3],
            [Bind::Param(0), Bind::Param(1), Bind::Param(2)],
            "{backend}"
        );
    }
    let nulls = SqlGuard::new(Sqlite)
        .check(
            "SELECT name FROM mod_probe_items WHERE qty = ? AND note IS NOT DISTINCT FROM ? AND name = ?",
            Query,
            &scope(Sqlite),
            &[false, true, false],
        )
        .expect("accepted");
    assert!(
        nulls
            .sql
            .ends_with("WHERE qty = ?1 AND note IS NOT DISTINCT FROM NULL AND name = ?2"),
        "{}",
        nulls.sql
    );
    assert_eq!(nulls.binds, vec![Bind::Param(0), Bind::Param(2)]);
}

#[test]
fn dollar_numbers_may_repeat_and_come_in_any_order() {
    let sql = "SELECT name FROM mod_probe_items WHERE note = $2 OR name = $1 OR upper(note) = $2";
    for backend in BACKENDS {
        let guarded = accepted(backend, Query, sql, 2);
        assert_eq!(
            guarded.binds,
            vec![Bind::Param(1), Bind::Param(0)],
            "{backend}"
        );
    }
    assert!(
        accepted(Postgres, Query, sql, 2)
            .sql
            .ends_with("WHERE note = $1 OR name = $2 OR upper(note) = $1")
    );
}

#[test]
fn placeholder_lookalikes_in_literals_and_comments_are_left_alone() {
    for backend in BACKENDS {
        let guarded = accepted(
            backend,
            Query,
            "SELECT '$1', '?' /* $2 ? */ FROM mod_probe_items WHERE name = $1 -- ?",
            1,
        );
        assert_eq!(guarded.binds, vec![Bind::Param(0)], "{backend}");
        assert!(
            guarded.sql.starts_with("SELECT '$1', '?' FROM"),
            "{backend}: {}",
            guarded.sql
        );
    }
}

#[track_caller]
fn assert_invalid_with(sql: &str, params: usize, message_parts: &[&str]) {
    for backend in BACKENDS {
        let refusal = refused(backend, Query, sql, params);
        assert_eq!(
            refusal.kind,
            RefusalKind::Invalid,
            "{backend}: {}",
            refusal.message
        );
        for part in message_parts {
            assert!(
                refusal.message.contains(part),
                "{backend}: `{}` lacks `{part}`",
                refusal.message
            );
        }
    }
}

#[test]
fn mixing_styles_in_one_statement_is_invalid_and_names_the_styles() {
    assert_invalid_with(
        "SELECT name FROM mod_probe_items WHERE qty = ? AND note = $2",
        2,
        &["mixes placeholder styles `?` and `$N`"],
    );
    assert_invalid_with(
        "SELECT name FROM mod_probe_items WHERE qty = ?1 AND note = $2",
        2,
        &["mixes placeholder styles `?N` and `$N`"],
    );
    assert_invalid_with(
        "SELECT name FROM mod_probe_items WHERE qty = ? AND note = ?2",
        2,
        &["mixes placeholder styles `?` and `?N`"],
    );
}

#[test]
fn the_number_of_values_must_match_the_placeholders() {
    assert_invalid_with(
        "SELECT name FROM mod_probe_items WHERE qty = ? AND note = ?",
        3,
        &["2 `?` placeholder(s) but 3 param(s) were passed"],
    );
    assert_invalid_with(
        "SELECT name FROM mod_probe_items WHERE qty = ? AND note = ?",
        1,
        &["2 `?` placeholder(s) but 1 param(s) were passed"],
    );
    assert_invalid_with(
        "SELECT name FROM mod_probe_items WHERE qty = $3",
        2,
        &["placeholder `$3` has no value: 2 param(s) were passed"],
    );
    assert_invalid_with(
        "SELECT name FROM mod_probe_items WHERE qty = $1",
        2,
        &["$2 is never used"],
    );
    assert_invalid_with(
        "SELECT name FROM mod_probe_items",
        1,
        &["1 param(s) were passed but the statement has no placeholders"],
    );
}

#[test]
fn numbers_must_start_at_one_without_gaps() {
    assert_invalid_with(
        "SELECT name FROM mod_probe_items WHERE qty = $2",
        2,
        &["$1 is never used", "without gaps"],
    );
    assert_invalid_with(
        "SELECT name FROM mod_probe_items WHERE qty = ?2 AND note = ?3",
        3,
        &["?1 is never used"],
    );
    assert_invalid_with(
        "SELECT name FROM mod_probe_items WHERE qty = $0",
        1,
        &["`$0` is not valid", "numbered from $1"],
    );
}

#[test]
fn a_bad_placeholder_does_not_hide_a_forbidden_table() {
    for backend in BACKENDS {
        for sql in [
            "SELECT * FROM modgate_tenants WHERE id = ? OR id = $1",
            "SELECT * FROM modgate_tenants WHERE id = $2",
        ] {
            let refusal = check(backend, Query, sql, 1).expect_err("refused");
            assert_eq!(
                refusal.kind,
                RefusalKind::Forbidden,
                "{backend} `{sql}`: {}",
                refusal.message
            );
        }
    }
}
