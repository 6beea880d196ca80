//! WITH: non-recursive CTEs over declared tables are accepted and renamed;
//! everything that could reach beyond them is refused.

use super::super::{RefusalKind, StatementKind, Verb};
use super::{BACKENDS, accepted, assert_forbidden, refused};
use crate::storage::Backend;

use Backend::{Postgres, Sqlite};
use StatementKind::Query;

#[test]
fn a_cte_over_a_declared_table_is_renamed_and_aliased_as_written() {
    let sql = "WITH big AS (SELECT name, qty FROM mod_probe_items WHERE qty > ?1) \
               SELECT big.name FROM big ORDER BY big.qty";
    let sqlite = accepted(Sqlite, Query, sql, 1);
    assert_eq!(
        sqlite.sql,
        "WITH \"_cte1\" AS (SELECT name, qty FROM \"acme__mod_probe_items\" AS \"mod_probe_items\" \
         WHERE qty > ?1) SELECT big.name FROM \"_cte1\" AS big ORDER BY big.qty"
    );
    assert_eq!((sqlite.verb, sqlite.returns_rows), (Verb::Select, true));
    assert_eq!(
        accepted(Postgres, Query, sql, 1).sql,
        "WITH \"_cte1\" AS (SELECT name, qty FROM \"mg_t_acme\".\"mod_probe_items\" AS \"mod_probe_items\" \
         WHERE qty > $1) SELECT big.name FROM \"_cte1\" AS big ORDER BY big.qty"
    );
}

#[test]
fn a_cte_may_read_earlier_ctes_and_be_joined_with_declared_tables() {
    let sql = "WITH counted AS (SELECT label, count(*) AS n FROM mod_probe_tags GROUP BY label), \
               popular AS (SELECT label FROM counted WHERE n > 1) \
               SELECT i.name, p.label FROM mod_probe_items AS i JOIN popular AS p ON p.label = i.name";
    assert_eq!(
        accepted(Sqlite, Query, sql, 0).sql,
        "WITH \"_cte1\" AS (SELECT label, count(*) AS n FROM \"acme__mod_probe_tags\" AS \"mod_probe_tags\" \
         GROUP BY label), \"_cte2\" AS (SELECT label FROM \"_cte1\" AS counted WHERE n > 1) \
         SELECT i.name, p.label FROM \"acme__mod_probe_items\" AS i JOIN \"_cte2\" AS p ON p.label = i.name"
    );
    for backend in BACKENDS {
        accepted(backend, Query, sql, 0);
    }
}

#[test]
fn cte_column_lists_subqueries_and_set_operations_inside_ctes_are_accepted() {
    for backend in BACKENDS {
        for sql in [
            "WITH t(n, q) AS (SELECT name, qty FROM mod_probe_items) SELECT n FROM t WHERE q > 1",
            "WITH t AS (SELECT name FROM mod_probe_items UNION SELECT label FROM mod_probe_tags) \
             SELECT * FROM t",
            "WITH t AS (SELECT name FROM mod_probe_items WHERE name IN (SELECT label FROM mod_probe_tags)) \
             SELECT name FROM t WHERE EXISTS (SELECT 1 FROM t AS u WHERE u.name = t.name)",
        ] {
            accepted(backend, Query, sql, 0);
        }
    }
    // Not parsed on SQLite (which has it since 3.35, but sqlparser does not).
    accepted(
        Postgres,
        Query,
        "WITH t AS MATERIALIZED (SELECT name FROM mod_probe_items) SELECT name FROM t",
        0,
    );
}

#[test]
fn recursive_and_self_or_forward_referencing_ctes_are_forbidden() {
    for sql in [
        "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r",
        // SQLite runs a self-referencing CTE recursively even without the
        // keyword.
        "WITH r AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r",
        "WITH a AS (SELECT * FROM b), b AS (SELECT * FROM mod_probe_items) SELECT * FROM a",
    ] {
        assert_forbidden(sql);
    }
    let refusal = refused(
        Sqlite,
        Query,
        "WITH a AS (SELECT * FROM b), b AS (SELECT * FROM mod_probe_items) SELECT * FROM a",
        0,
    );
    assert!(
        refusal
            .message
            .contains("CTE `b` is used before it is defined"),
        "{}",
        refusal.message
    );
}

#[test]
fn ctes_reading_beyond_the_declared_tables_are_forbidden() {
    for sql in [
        "WITH t AS (SELECT * FROM modgate_tenants) SELECT * FROM t",
        "WITH t AS (SELECT name FROM mod_probe_items), s AS (SELECT secret FROM mod_other_secrets) \
         SELECT * FROM t, s",
        "WITH t AS (SELECT name FROM mod_probe_items) SELECT * FROM t JOIN modgate_installs ON 1 = 1",
        "WITH t AS (SELECT name FROM mod_probe_items WHERE name IN (SELECT secret FROM mod_other_secrets)) \
         SELECT * FROM t",
        "WITH t AS (SELECT * FROM globex__mod_probe_items) SELECT * FROM t",
    ] {
        assert_forbidden(sql);
    }
}

#[test]
fn cte_names_that_look_like_tables_are_forbidden() {
    for sql in [
        "WITH modgate_tenants AS (SELECT name AS id FROM mod_probe_items) SELECT id FROM modgate_tenants",
        "WITH mod_other_secrets AS (SELECT name AS secret FROM mod_probe_items) \
         SELECT secret FROM mod_other_secrets",
        "WITH mod_probe_tags AS (SELECT name AS label FROM mod_probe_items) SELECT label FROM mod_probe_tags",
        "WITH \"Modgate_Tenants\" AS (SELECT 1 AS id) SELECT id FROM modgate_tenants",
        "WITH sqlite_master AS (SELECT 1 AS sql) SELECT sql FROM sqlite_master",
        "WITH pg_authid AS (SELECT 1 AS rolname) SELECT rolname FROM pg_authid",
    ] {
        assert_forbidden(sql);
    }
    let refusal = refused(
        Postgres,
        Query,
        "WITH modgate_tenants AS (SELECT 1 AS id) SELECT id FROM modgate_tenants",
        0,
    );
    assert!(
        refusal
            .message
            .contains("CTE name `modgate_tenants` is not allowed"),
        "{}",
        refusal.message
    );
}

#[test]
fn with_anywhere_but_the_start_and_data_modifying_ctes_are_forbidden() {
    for sql in [
        "SELECT * FROM (WITH t AS (SELECT name FROM mod_probe_items) SELECT * FROM t) AS x",
        "SELECT * FROM mod_probe_items WHERE name IN (WITH t AS (SELECT label FROM mod_probe_tags) \
         SELECT label FROM t)",
        "WITH a AS (WITH b AS (SELECT name FROM mod_probe_items) SELECT * FROM b) SELECT * FROM a",
        "WITH d AS (DELETE FROM mod_probe_items RETURNING name) SELECT * FROM d",
        "WITH i AS (INSERT INTO mod_probe_items (name) VALUES ('x') RETURNING id) SELECT * FROM i",
        "WITH u AS (UPDATE mod_probe_items SET qty = 0 RETURNING name) SELECT * FROM u",
        "WITH t AS (SELECT label FROM mod_probe_tags) DELETE FROM mod_probe_items \
         WHERE name IN (SELECT label FROM t)",
        "WITH t AS (SELECT label FROM mod_probe_tags) INSERT INTO mod_probe_items (name) SELECT label FROM t",
    ] {
        assert_forbidden(sql);
    }
}

#[test]
fn a_cte_reference_never_reaches_a_table_of_the_same_name() {
    // The reference is rewritten to the CTE's new name: the database has
    // no name of its own to resolve, whatever its case rules.
    let guarded = accepted(
        Postgres,
        Query,
        "WITH \"Shop\" AS (SELECT name FROM mod_probe_items) SELECT name FROM shop",
        0,
    );
    assert!(
        guarded.sql.ends_with("SELECT name FROM \"_cte1\" AS shop"),
        "{}",
        guarded.sql
    );
}

#[test]
fn duplicate_cte_names_and_mismatched_column_lists_are_invalid() {
    for sql in [
        "WITH t AS (SELECT name FROM mod_probe_items), T AS (SELECT label FROM mod_probe_tags) SELECT * FROM t",
        "WITH t(a, b) AS (SELECT name FROM mod_probe_items) SELECT a FROM t",
    ] {
        for backend in BACKENDS {
            let refusal = refused(backend, Query, sql, 0);
            assert_eq!(
                refusal.kind,
                RefusalKind::Invalid,
                "{backend}: {}",
                refusal.message
            );
        }
    }
}
