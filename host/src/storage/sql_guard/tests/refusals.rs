//! Security refusals: each rule, with its exact kind.

use super::super::{RefusalKind, StatementKind};
use super::{BACKENDS, assert_forbidden, check, refused};
use crate::storage::Backend;

#[test]
fn more_or_fewer_than_one_statement_is_forbidden() {
    for sql in [
        "SELECT 1; DROP TABLE mod_probe_items",
        "SELECT * FROM mod_probe_items; SELECT * FROM mod_probe_items",
        "SELECT 1; -- x\nDROP TABLE mod_probe_items",
        "SELECT 1 /* ; */; /* */ DELETE FROM mod_probe_items",
        "SELECT 1; this is not even SQL ((",
        "SELECT 1; SELECT 'unterminated",
        "SELECT 1; 'unterminated",
        "",
        "   ",
        "-- only a comment",
        ";",
    ] {
        assert_forbidden(sql);
    }
}

#[test]
fn a_trailing_semicolon_is_fine() {
    for backend in BACKENDS {
        check(
            backend,
            StatementKind::Query,
            "SELECT * FROM mod_probe_items; -- done\n",
            0,
        )
        .expect("accepted");
    }
}

#[test]
fn statements_other_than_select_insert_update_delete_are_forbidden() {
    for sql in [
        "CREATE TABLE mod_probe_x (a text)",
        "CREATE VIEW v AS SELECT * FROM mod_probe_items",
        "CREATE INDEX i ON mod_probe_items (name)",
        "ALTER TABLE mod_probe_items ADD COLUMN b text",
        "DROP TABLE mod_probe_items",
        "TRUNCATE mod_probe_items",
        "PRAGMA journal_mode = DELETE",
        "ATTACH DATABASE 'x.db' AS x",
        "DETACH DATABASE x",
        "VACUUM",
        "VACUUM INTO '/tmp/x.db'",
        "VACUUM INTO '/tmp/unterminated",
        "EXPLAIN SELECT * FROM mod_probe_items",
        "EXPLAIN QUERY PLAN SELECT * FROM mod_probe_items",
        "SET search_path TO public",
        "RESET ALL",
        "SHOW search_path",
        "BEGIN",
        "START TRANSACTION",
        "COMMIT",
        "ROLLBACK",
        "SAVEPOINT a",
        "RELEASE SAVEPOINT a",
        "COPY mod_probe_items TO STDOUT",
        "GRANT SELECT ON mod_probe_items TO PUBLIC",
        "REVOKE SELECT ON mod_probe_items FROM PUBLIC",
        "CALL p()",
        "DO $$ BEGIN END $$",
        "LISTEN x",
        "NOTIFY x",
        "ANALYZE",
        "REINDEX",
        "MERGE INTO mod_probe_items USING mod_probe_tags ON 1 = 1 WHEN MATCHED THEN DELETE",
        "TABLE mod_probe_items",
        "DISCARD ALL",
        "LOCK TABLE mod_probe_items",
        "PREPARE p AS SELECT 1",
        "EXECUTE p",
        "DEALLOCATE p",
    ] {
        assert_forbidden(sql);
    }
}

#[test]
fn undeclared_tables_are_forbidden_everywhere_a_table_can_appear() {
    for sql in [
        "SELECT * FROM modgate_tenants",
        "SELECT * FROM mod_other_secrets",
        "SELECT * FROM globex__mod_probe_items",
        "SELECT * FROM acme__mod_probe_items",
        "SELECT * FROM sqlite_master",
        "SELECT * FROM sqlite_schema",
        "SELECT * FROM pg_class",
        "SELECT * FROM pg_catalog.pg_class",
        "SELECT * FROM information_schema.columns",
        "SELECT * FROM main.mod_probe_items",
        "SELECT * FROM public.mod_probe_items",
        "SELECT * FROM mg_t_acme.mod_probe_items",
        "SELECT * FROM \"MOD_PROBE_ITEMS\"",
        "SELECT (SELECT count(*) FROM mod_other_secrets) FROM mod_probe_items",
        "SELECT * FROM mod_probe_items WHERE EXISTS (SELECT 1 FROM mod_other_secrets)",
        "SELECT * FROM mod_probe_items WHERE name IN (SELECT name FROM mod_other_secrets)",
        "SELECT * FROM (SELECT * FROM mod_other_secrets) AS s",
        "SELECT * FROM mod_probe_items JOIN mod_other_secrets ON 1 = 1",
        "SELECT * FROM mod_probe_items, (mod_probe_tags CROSS JOIN mod_other_secrets)",
        "SELECT name FROM mod_probe_items UNION SELECT name FROM mod_other_secrets",
        "SELECT * FROM mod_probe_items ORDER BY (SELECT 1 FROM mod_other_secrets)",
        "SELECT * FROM mod_probe_items GROUP BY name HAVING count(*) > (SELECT 1 FROM mod_other_secrets)",
        "SELECT * FROM mod_probe_items LIMIT (SELECT 1 FROM mod_other_secrets)",
        "UPDATE mod_other_secrets SET name = 'x'",
        "UPDATE mod_probe_items SET note = s.name FROM mod_other_secrets AS s",
        "UPDATE mod_probe_items SET note = (SELECT name FROM mod_other_secrets)",
        "UPDATE mod_probe_items SET qty = 1 RETURNING (SELECT 1 FROM mod_other_secrets)",
        "DELETE FROM mod_other_secrets",
        "DELETE FROM mod_probe_items USING mod_other_secrets",
        "DELETE FROM mod_probe_items WHERE name IN (SELECT name FROM mod_other_secrets)",
        "INSERT INTO mod_other_secrets (name) VALUES ('x')",
        "INSERT INTO mod_probe_items (name) SELECT name FROM mod_other_secrets",
        "INSERT INTO mod_probe_items (name) VALUES ((SELECT name FROM mod_other_secrets))",
        "INSERT INTO mod_probe_items (name) VALUES ('x') RETURNING (SELECT 1 FROM mod_other_secrets)",
        "INSERT INTO mod_probe_items (name) VALUES ('x') ON CONFLICT (name) DO UPDATE \
         SET note = (SELECT name FROM mod_other_secrets)",
    ] {
        assert_forbidden(sql);
    }
}

#[test]
fn refusals_name_only_logical_tables() {
    for backend in BACKENDS {
        let refusal = refused(
            backend,
            StatementKind::Query,
            "SELECT * FROM mod_other_secrets",
            0,
        );
        assert!(
            refusal.message.contains("mod_other_secrets"),
            "{}",
            refusal.message
        );
        assert!(
            refusal.message.contains("mod_probe_items, mod_probe_tags"),
            "{}",
            refusal.message
        );
        assert!(!refusal.message.contains("acme"), "{}", refusal.message);
    }
}

#[test]
fn recursive_nested_and_table_named_ctes_are_forbidden() {
    for sql in [
        "WITH mod_probe_items AS (SELECT * FROM mod_other_secrets) SELECT * FROM mod_probe_items",
        "SELECT * FROM (WITH t AS (SELECT 1) SELECT * FROM t) AS x",
        "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT * FROM r",
    ] {
        assert_forbidden(sql);
    }
    let refusal = refused(
        Backend::Sqlite,
        StatementKind::Query,
        "SELECT * FROM (WITH t AS (SELECT 1) SELECT * FROM t) AS x",
        0,
    );
    assert!(refusal.message.contains("subquery"), "{}", refusal.message);
}

#[test]
fn table_functions_in_from_are_forbidden() {
    for sql in [
        "SELECT * FROM pragma_table_info('mod_probe_items')",
        "SELECT * FROM json_each('[1]')",
        "SELECT * FROM generate_series(1, 10)",
        "SELECT * FROM mod_probe_items(1)",
        "SELECT * FROM mod_probe_items, LATERAL generate_series(1, qty)",
    ] {
        assert_forbidden(sql);
    }
}

#[test]
fn functions_outside_the_allowlist_are_forbidden() {
    for sql in [
        "SELECT load_extension('x')",
        "SELECT sqlite_version()",
        "SELECT randomblob(100000000)",
        "SELECT zeroblob(100000000)",
        "SELECT printf('%s', name) FROM mod_probe_items",
        "SELECT pg_read_file('/etc/passwd')",
        "SELECT pg_sleep(10)",
        "SELECT current_setting('is_superuser')",
        "SELECT set_config('role', 'postgres', false)",
        "SELECT dblink('x', 'y')",
        "SELECT lo_import('/etc/passwd')",
        "SELECT version()",
        "SELECT nextval('s')",
        "SELECT txid_current()",
        "SELECT pg_catalog.lower(name) FROM mod_probe_items",
        "SELECT main.lower(name) FROM mod_probe_items",
        "SELECT \"LOWER\"(name) FROM mod_probe_items",
        "SELECT current_user",
        "SELECT session_user",
        "SELECT user",
        "SELECT current_role",
        "SELECT current_schema",
        "SELECT current_catalog",
        "SELECT lower(name => 'x')",
    ] {
        assert_forbidden(sql);
    }
}

#[test]
fn casts_to_anything_but_basic_types_are_forbidden() {
    for sql in [
        "SELECT 'pg_class'::regclass",
        "SELECT CAST('1' AS oid)",
        "SELECT '1'::regproc",
        "SELECT CAST(name AS json) FROM mod_probe_items",
        "SELECT TRY_CAST(name AS integer) FROM mod_probe_items",
    ] {
        assert_forbidden(sql);
    }
}

#[test]
fn select_into_and_custom_operators_are_forbidden() {
    assert_forbidden("SELECT * INTO stolen FROM mod_probe_items");
    let refusal = refused(
        Backend::Postgres,
        StatementKind::Query,
        "SELECT 1 OPERATOR(pg_catalog.+) 1",
        0,
    );
    assert_eq!(refusal.kind, RefusalKind::Forbidden, "{}", refusal.message);
}

#[test]
fn writing_host_managed_columns_is_forbidden() {
    for sql in [
        "INSERT INTO mod_probe_items (id, name) VALUES ('x', 'y')",
        "INSERT INTO mod_probe_items (name, created_at) VALUES ('x', 'y')",
        "INSERT INTO mod_probe_items (name, \"UPDATED_AT\") VALUES ('x', 'y')",
        "UPDATE mod_probe_items SET id = 'x'",
        "UPDATE mod_probe_items SET \"ID\" = 'x'",
        "UPDATE mod_probe_items SET (name, created_at) = ('x', 'y')",
        "INSERT INTO mod_probe_items (name) VALUES ('x') ON CONFLICT (name) DO UPDATE SET updated_at = 'y'",
    ] {
        assert_forbidden(sql);
    }
    let refusal = refused(
        Backend::Sqlite,
        StatementKind::Exec,
        "UPDATE mod_probe_items SET id = 'x'",
        0,
    );
    assert!(
        refusal.message.contains("host-managed"),
        "{}",
        refusal.message
    );
}

#[test]
fn reading_host_managed_columns_is_fine() {
    for backend in BACKENDS {
        check(
            backend,
            StatementKind::Query,
            "SELECT id, created_at, updated_at FROM mod_probe_items WHERE id = ?1 ORDER BY created_at",
            1,
        )
        .expect("accepted");
        check(
            backend,
            StatementKind::Exec,
            "INSERT INTO mod_probe_items (name) VALUES ('x') ON CONFLICT (id) DO NOTHING",
            0,
        )
        .expect("accepted");
    }
}

#[test]
fn forbidden_wins_over_usage_errors() {
    for sql in [
        "SELECT * FROM modgate_tenants WHERE id = ?0",
        "INSERT INTO mod_probe_items SELECT * FROM modgate_tenants",
        "INSERT INTO modgate_tenants DEFAULT VALUES",
    ] {
        assert_forbidden(sql);
    }
}
