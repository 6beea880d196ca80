//! Usage errors (Invalid): syntax, limits, the wrong host function,
//! unsupported INSERT forms, bad placeholders, unsafe literals.

use super::super::{MAX_PARAMS, MAX_SQL_BYTES, RefusalKind, SqlGuard, StatementKind};
use super::{BACKENDS, assert_invalid, assert_refused, refused, scope};

use StatementKind::{Exec, Query};

#[test]
fn syntax_errors_are_invalid_and_carry_the_parsers_message() {
    assert_invalid(Query, "SELECT * FROM mod_probe_items WHERE");
    assert_invalid(Query, "SELECT (1 FROM mod_probe_items");
    assert_invalid(Query, "SELECT 'unterminated");
    assert_invalid(Query, "'unterminated");
    let refusal = refused(
        crate::storage::Backend::Sqlite,
        Query,
        "SELECT * FROM mod_probe_items WHERE",
        0,
    );
    assert!(
        refusal.message.starts_with("syntax error: "),
        "{}",
        refusal.message
    );
}

#[test]
fn oversized_sql_and_too_many_params_are_invalid() {
    let long = format!(
        "SELECT * FROM mod_probe_items WHERE name = '{}'",
        "x".repeat(MAX_SQL_BYTES)
    );
    assert_invalid(Query, &long);
    for backend in BACKENDS {
        let refusal = SqlGuard::new(backend)
            .check(
                "SELECT 1",
                Query,
                &scope(backend),
                &vec![false; MAX_PARAMS + 1],
            )
            .expect_err("refused");
        assert_eq!(refusal.kind, RefusalKind::Invalid);
    }
}

#[test]
fn deep_nesting_is_invalid_not_a_stack_overflow() {
    let chain = format!("SELECT {}1 FROM mod_probe_items", "1 + ".repeat(4000));
    assert_invalid(Query, &chain);
    let parens = format!("SELECT {}1{}", "(".repeat(200), ")".repeat(200));
    assert_invalid(Query, &parens);
    let subqueries = format!(
        "SELECT * FROM mod_probe_items WHERE qty IN {}1{}",
        "(SELECT qty FROM mod_probe_items WHERE qty IN ".repeat(60),
        ")".repeat(60)
    );
    assert_invalid(Query, &subqueries);
}

#[test]
fn nesting_below_the_limit_goes_through_every_pass() {
    // Deep enough to exercise the walk, the visitor passes, printing and
    // re-parsing on a test thread's 2 MiB stack.
    let chain = format!("SELECT {}1 FROM mod_probe_items", "qty + ".repeat(90));
    for backend in BACKENDS {
        super::accepted(backend, Query, &chain, 0);
    }
}

#[test]
fn query_and_exec_must_match_whether_rows_come_back() {
    for sql in [
        "INSERT INTO mod_probe_items (name) VALUES ('x')",
        "UPDATE mod_probe_items SET qty = 1",
        "DELETE FROM mod_probe_items",
    ] {
        assert_invalid(Query, sql);
        let refusal = refused(crate::storage::Backend::Sqlite, Query, sql, 0);
        assert!(
            refusal.message.contains("tables.exec"),
            "{}",
            refusal.message
        );
    }
    for sql in [
        "SELECT * FROM mod_probe_items",
        "DELETE FROM mod_probe_items RETURNING name",
    ] {
        assert_invalid(Exec, sql);
        let refusal = refused(crate::storage::Backend::Postgres, Exec, sql, 0);
        assert!(
            refusal.message.contains("tables.query"),
            "{}",
            refusal.message
        );
    }
}

#[test]
fn insert_needs_a_column_list_and_one_value_per_column() {
    for sql in [
        "INSERT INTO mod_probe_items VALUES ('x', 1, 'n')",
        "INSERT INTO mod_probe_items SELECT name, qty, note FROM mod_probe_items",
        "INSERT INTO mod_probe_items DEFAULT VALUES",
        "INSERT INTO mod_probe_items (name, qty) VALUES ('x')",
    ] {
        assert_refused(RefusalKind::Invalid, Exec, sql, 0);
    }
}

#[test]
fn placeholders_that_are_not_question_or_dollar_numbers_are_invalid() {
    for (sql, params) in [
        ("SELECT * FROM mod_probe_items WHERE name = ?0", 1),
        ("SELECT * FROM mod_probe_items WHERE name = $0", 1),
        ("SELECT * FROM mod_probe_items WHERE name = ?3", 2),
        (
            "SELECT * FROM mod_probe_items WHERE name = ?99999999999999999999",
            2,
        ),
        ("SELECT * FROM mod_probe_items WHERE name = $name", 1),
    ] {
        assert_refused(RefusalKind::Invalid, Query, sql, params);
    }
    let sqlite = crate::storage::Backend::Sqlite;
    for sql in [
        "SELECT * FROM mod_probe_items WHERE name = :name",
        "SELECT * FROM mod_probe_items WHERE name = @name",
    ] {
        assert_eq!(
            refused(sqlite, Query, sql, 1).kind,
            RefusalKind::Invalid,
            "{sql}"
        );
    }
}

#[test]
fn literals_and_names_that_would_print_ambiguously_are_refused() {
    let sqlite = crate::storage::Backend::Sqlite;
    // Value `a\'`: sqlparser would print `'a\''`, which SQLite ends early.
    let refusal = refused(sqlite, Query, "SELECT 'a\\''' FROM mod_probe_items", 0);
    assert_eq!(refusal.kind, RefusalKind::Invalid, "{}", refusal.message);
    // Value `a''b` would print as `'a''b'`, i.e. `a'b`.
    let refusal = refused(sqlite, Query, "SELECT 'a''''b' FROM mod_probe_items", 0);
    assert_eq!(refusal.kind, RefusalKind::Invalid, "{}", refusal.message);
    for backend in BACKENDS {
        let refusal = refused(
            backend,
            Query,
            "SELECT 1 AS \"a\\\"\"\" FROM mod_probe_items",
            0,
        );
        assert_eq!(
            refusal.kind,
            RefusalKind::Invalid,
            "{backend}: {}",
            refusal.message
        );
    }
}

#[test]
fn nul_characters_are_invalid() {
    assert_invalid(Query, "SELECT * FROM mod_probe_items WHERE name = 'a\0'");
}
