//! Accepted statements: the exact SQL and binds the guard produces.

use super::super::{Bind, StatementKind, Verb};
use super::{accepted, check, highest_placeholder};
use crate::storage::Backend;

use Backend::{Postgres, Sqlite};
use StatementKind::{Exec, Query};

#[track_caller]
fn assert_rewrite(backend: Backend, kind: StatementKind, sql: &str, params: usize, expected: &str) {
    assert_eq!(
        accepted(backend, kind, sql, params).sql,
        expected,
        "{backend}: rewriting `{sql}`"
    );
}

#[test]
fn select_with_join_keeps_the_guests_aliases() {
    let sql = "SELECT i.name, t.label FROM mod_probe_items AS i JOIN mod_probe_tags t ON t.label = i.name \
               WHERE i.qty > ?1";
    assert_rewrite(
        Sqlite,
        Query,
        sql,
        1,
        "SELECT i.name, t.label FROM \"acme__mod_probe_items\" AS i JOIN \"acme__mod_probe_tags\" t \
         ON t.label = i.name WHERE i.qty > ?1",
    );
    assert_rewrite(
        Postgres,
        Query,
        sql,
        1,
        "SELECT i.name, t.label FROM \"mg_t_acme\".\"mod_probe_items\" AS i JOIN \"mg_t_acme\".\"mod_probe_tags\" t \
         ON t.label = i.name WHERE i.qty > $1",
    );
}

#[test]
fn unaliased_table_gets_its_logical_name_as_alias_for_qualified_columns() {
    let sql = "SELECT mod_probe_items.qty FROM mod_probe_items WHERE mod_probe_items.name = ?1";
    assert_rewrite(
        Sqlite,
        Query,
        sql,
        1,
        "SELECT mod_probe_items.qty FROM \"acme__mod_probe_items\" AS \"mod_probe_items\" \
         WHERE mod_probe_items.name = ?1",
    );
    assert_rewrite(
        Postgres,
        Query,
        sql,
        1,
        "SELECT mod_probe_items.qty FROM \"mg_t_acme\".\"mod_probe_items\" AS \"mod_probe_items\" \
         WHERE mod_probe_items.name = $1",
    );
}

#[test]
fn unquoted_names_match_case_insensitively_and_quoted_exact_names_match() {
    assert_rewrite(
        Sqlite,
        Query,
        "SELECT * FROM MOD_Probe_Items",
        0,
        "SELECT * FROM \"acme__mod_probe_items\" AS \"mod_probe_items\"",
    );
    assert_rewrite(
        Postgres,
        Query,
        "SELECT * FROM \"mod_probe_items\"",
        0,
        "SELECT * FROM \"mg_t_acme\".\"mod_probe_items\" AS \"mod_probe_items\"",
    );
    assert_rewrite(
        Sqlite,
        Query,
        "SELECT * FROM `mod_probe_items` JOIN [mod_probe_tags] ON 1 = 1",
        0,
        "SELECT * FROM \"acme__mod_probe_items\" AS \"mod_probe_items\" JOIN \"acme__mod_probe_tags\" \
         AS \"mod_probe_tags\" ON 1 = 1",
    );
}

#[test]
fn tables_in_subqueries_and_derived_tables_are_rewritten() {
    let sql = "SELECT d.n FROM (SELECT count(*) AS n FROM mod_probe_tags) AS d \
               WHERE EXISTS (SELECT 1 FROM mod_probe_items WHERE qty IN (SELECT qty FROM mod_probe_items))";
    assert_rewrite(
        Sqlite,
        Query,
        sql,
        0,
        "SELECT d.n FROM (SELECT count(*) AS n FROM \"acme__mod_probe_tags\" AS \"mod_probe_tags\") AS d \
         WHERE EXISTS (SELECT 1 FROM \"acme__mod_probe_items\" AS \"mod_probe_items\" WHERE qty IN \
         (SELECT qty FROM \"acme__mod_probe_items\" AS \"mod_probe_items\"))",
    );
    assert_rewrite(
        Postgres,
        Query,
        sql,
        0,
        "SELECT d.n FROM (SELECT count(*) AS n FROM \"mg_t_acme\".\"mod_probe_tags\" AS \"mod_probe_tags\") AS d \
         WHERE EXISTS (SELECT 1 FROM \"mg_t_acme\".\"mod_probe_items\" AS \"mod_probe_items\" WHERE qty IN \
         (SELECT qty FROM \"mg_t_acme\".\"mod_probe_items\" AS \"mod_probe_items\"))",
    );
}

#[test]
fn update_aliases_the_target_and_stamps_updated_at() {
    let sql = "UPDATE mod_probe_items SET qty = qty + ?2 WHERE name = ?1";
    let sqlite = accepted(Sqlite, Exec, sql, 2);
    assert_eq!(
        sqlite.sql,
        "UPDATE \"acme__mod_probe_items\" AS \"mod_probe_items\" SET qty = qty + ?1, updated_at = ?2 \
         WHERE name = ?3"
    );
    assert_eq!(
        sqlite.binds,
        vec![Bind::Param(1), Bind::Now, Bind::Param(0)]
    );
    assert_eq!((sqlite.verb, sqlite.returns_rows), (Verb::Update, false));
    let postgres = accepted(Postgres, Exec, sql, 2);
    assert_eq!(
        postgres.sql,
        "UPDATE \"mg_t_acme\".\"mod_probe_items\" AS \"mod_probe_items\" SET qty = qty + $1, updated_at = $2 \
         WHERE name = $3"
    );
    assert_eq!(postgres.binds, sqlite.binds);
}

#[test]
fn update_from_another_declared_table_keeps_the_guests_target_alias() {
    let sql = "UPDATE mod_probe_items AS i SET note = t.label FROM mod_probe_tags AS t WHERE t.label = i.name";
    assert_rewrite(
        Sqlite,
        Exec,
        sql,
        0,
        "UPDATE \"acme__mod_probe_items\" AS i SET note = t.label, updated_at = ?1 FROM \"acme__mod_probe_tags\" \
         AS t WHERE t.label = i.name",
    );
}

#[test]
fn delete_aliases_the_target() {
    let sql = "DELETE FROM mod_probe_items WHERE mod_probe_items.qty < ?1";
    assert_rewrite(
        Sqlite,
        Exec,
        sql,
        1,
        "DELETE FROM \"acme__mod_probe_items\" AS \"mod_probe_items\" WHERE mod_probe_items.qty < ?1",
    );
    assert_rewrite(
        Postgres,
        Exec,
        sql,
        1,
        "DELETE FROM \"mg_t_acme\".\"mod_probe_items\" AS \"mod_probe_items\" WHERE mod_probe_items.qty < $1",
    );
    let using = "DELETE FROM mod_probe_items USING mod_probe_tags WHERE mod_probe_tags.label = mod_probe_items.name";
    assert_rewrite(
        Postgres,
        Exec,
        using,
        0,
        "DELETE FROM \"mg_t_acme\".\"mod_probe_items\" AS \"mod_probe_items\" USING \"mg_t_acme\".\"mod_probe_tags\" \
         AS \"mod_probe_tags\" WHERE mod_probe_tags.label = mod_probe_items.name",
    );
}

#[test]
fn multi_row_insert_gets_id_and_timestamps_per_row() {
    let sql = "INSERT INTO mod_probe_items (name, qty) VALUES (?1, ?2), (?3, 0)";
    let sqlite = accepted(Sqlite, Exec, sql, 3);
    assert_eq!(
        sqlite.sql,
        "INSERT INTO \"acme__mod_probe_items\" AS \"mod_probe_items\" (name, qty, id, created_at, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5), (?6, 0, ?7, ?8, ?9)"
    );
    assert_eq!(
        sqlite.binds,
        vec![
            Bind::Param(0),
            Bind::Param(1),
            Bind::NewId,
            Bind::Now,
            Bind::Now,
            Bind::Param(2),
            Bind::NewId,
            Bind::Now,
            Bind::Now,
        ]
    );
    assert_eq!((sqlite.verb, sqlite.returns_rows), (Verb::Insert, false));
    let postgres = accepted(Postgres, Exec, sql, 3);
    assert_eq!(
        postgres.sql,
        "INSERT INTO \"mg_t_acme\".\"mod_probe_items\" AS \"mod_probe_items\" (name, qty, id, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5), ($6, 0, $7, $8, $9)"
    );
    assert_eq!(postgres.binds, sqlite.binds);
}

#[test]
fn upsert_stamps_updated_at_in_do_update() {
    let sql = "INSERT INTO mod_probe_items (name, qty) VALUES (?1, ?2) \
               ON CONFLICT (name) DO UPDATE SET qty = mod_probe_items.qty + excluded.qty";
    let sqlite = accepted(Sqlite, Exec, sql, 2);
    assert_eq!(
        sqlite.sql,
        "INSERT INTO \"acme__mod_probe_items\" AS \"mod_probe_items\" (name, qty, id, created_at, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(name) DO UPDATE SET qty = mod_probe_items.qty + excluded.qty, \
         updated_at = ?6"
    );
    assert_eq!(
        sqlite.binds,
        vec![
            Bind::Param(0),
            Bind::Param(1),
            Bind::NewId,
            Bind::Now,
            Bind::Now,
            Bind::Now
        ]
    );
    assert_rewrite(
        Postgres,
        Exec,
        sql,
        2,
        "INSERT INTO \"mg_t_acme\".\"mod_probe_items\" AS \"mod_probe_items\" (name, qty, id, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT(name) DO UPDATE SET qty = mod_probe_items.qty + excluded.qty, \
         updated_at = $6",
    );
    assert_rewrite(
        Sqlite,
        Exec,
        "INSERT INTO mod_probe_items (name) VALUES ('x') ON CONFLICT DO NOTHING",
        0,
        "INSERT INTO \"acme__mod_probe_items\" AS \"mod_probe_items\" (name, id, created_at, updated_at) \
         VALUES ('x', ?1, ?2, ?3) ON CONFLICT DO NOTHING",
    );
}

#[test]
fn sqlite_insert_or_replace_keeps_its_conflict_clause() {
    for sql in [
        "INSERT OR REPLACE INTO mod_probe_tags (label) VALUES (?1)",
        "REPLACE INTO mod_probe_tags (label) VALUES (?1)",
    ] {
        assert_rewrite(
            Sqlite,
            Exec,
            sql,
            1,
            "INSERT OR REPLACE INTO \"acme__mod_probe_tags\" AS \"mod_probe_tags\" \
             (label, id, created_at, updated_at) VALUES (?1, ?2, ?3, ?4)",
        );
    }
}

#[test]
fn returning_makes_dml_a_query_and_sqlite_drops_the_target_qualifier() {
    let sql = "UPDATE mod_probe_items SET qty = 0 WHERE name = ?1 RETURNING mod_probe_items.id, upper(mod_probe_items.name), qty";
    let sqlite = accepted(Sqlite, Query, sql, 1);
    assert_eq!(
        sqlite.sql,
        "UPDATE \"acme__mod_probe_items\" AS \"mod_probe_items\" SET qty = 0, updated_at = ?1 WHERE name = ?2 \
         RETURNING id, upper(name), qty"
    );
    assert_eq!((sqlite.verb, sqlite.returns_rows), (Verb::Update, true));
    assert_rewrite(
        Postgres,
        Query,
        sql,
        1,
        "UPDATE \"mg_t_acme\".\"mod_probe_items\" AS \"mod_probe_items\" SET qty = 0, updated_at = $1 WHERE name = $2 \
         RETURNING mod_probe_items.id, upper(mod_probe_items.name), qty",
    );
    assert_rewrite(
        Sqlite,
        Query,
        "DELETE FROM mod_probe_items AS i RETURNING i.*",
        0,
        "DELETE FROM \"acme__mod_probe_items\" AS i RETURNING *",
    );
    assert_rewrite(
        Sqlite,
        Query,
        "INSERT INTO mod_probe_tags (label) VALUES (?1) RETURNING mod_probe_tags.id, created_at",
        1,
        "INSERT INTO \"acme__mod_probe_tags\" AS \"mod_probe_tags\" (label, id, created_at, updated_at) \
         VALUES (?1, ?2, ?3, ?4) RETURNING id, created_at",
    );
}

#[test]
fn null_params_become_literal_nulls_and_take_no_placeholder() {
    let nulls = [false, true, false];
    for (backend, expected) in [
        (
            Sqlite,
            "SELECT name FROM \"acme__mod_probe_items\" AS \"mod_probe_items\" WHERE qty = ?1 \
             AND note IS NOT DISTINCT FROM NULL AND name = ?2",
        ),
        (
            Postgres,
            "SELECT name FROM \"mg_t_acme\".\"mod_probe_items\" AS \"mod_probe_items\" WHERE qty = $1 \
             AND note IS NOT DISTINCT FROM NULL AND name = $2",
        ),
    ] {
        let guarded = super::super::SqlGuard::new(backend)
            .check(
                "SELECT name FROM mod_probe_items WHERE qty = ?1 AND note IS NOT DISTINCT FROM ?2 AND name = ?3",
                Query,
                &super::scope(backend),
                &nulls,
            )
            .expect("accepted");
        assert_eq!(guarded.sql, expected);
        assert_eq!(guarded.binds, vec![Bind::Param(0), Bind::Param(2)]);
    }
}

#[test]
fn repeated_placeholders_share_one_output_placeholder_numbered_by_first_appearance() {
    let sql = "SELECT name FROM mod_probe_items WHERE note = ?2 OR name = ?1 OR upper(note) = ?2";
    let sqlite = accepted(Sqlite, Query, sql, 2);
    assert_eq!(
        sqlite.sql,
        "SELECT name FROM \"acme__mod_probe_items\" AS \"mod_probe_items\" WHERE note = ?1 OR name = ?2 \
         OR upper(note) = ?1"
    );
    assert_eq!(sqlite.binds, vec![Bind::Param(1), Bind::Param(0)]);
    let postgres = accepted(Postgres, Query, sql, 2);
    assert!(
        postgres
            .sql
            .ends_with("WHERE note = $1 OR name = $2 OR upper(note) = $1")
    );
    assert_eq!(postgres.binds, sqlite.binds);
}

#[test]
fn placeholders_inside_literals_and_comments_are_not_placeholders() {
    for backend in super::BACKENDS {
        let guarded = accepted(
            backend,
            Query,
            "SELECT '?1' /* ?2 */ FROM mod_probe_items -- ?3",
            0,
        );
        assert!(guarded.binds.is_empty(), "{backend}: {:?}", guarded.binds);
        assert!(
            guarded.sql.starts_with("SELECT '?1' FROM"),
            "{backend}: {}",
            guarded.sql
        );
    }
}

#[test]
fn quotes_in_literals_are_doubled_and_postgres_backslashes_use_escape_strings() {
    assert_rewrite(
        Sqlite,
        Query,
        "SELECT 'it''s \\ fine' FROM mod_probe_tags",
        0,
        "SELECT 'it''s \\ fine' FROM \"acme__mod_probe_tags\" AS \"mod_probe_tags\"",
    );
    assert_rewrite(
        Postgres,
        Query,
        "SELECT 'it''s \\ fine' FROM mod_probe_tags",
        0,
        "SELECT E'it\\'s \\\\ fine' FROM \"mg_t_acme\".\"mod_probe_tags\" AS \"mod_probe_tags\"",
    );
}

#[test]
fn allowlisted_functions_casts_and_windows_are_accepted() {
    for backend in super::BACKENDS {
        for sql in [
            "SELECT count(*), count(DISTINCT name), sum(qty), avg(qty), min(qty), max(qty) FROM mod_probe_items",
            "SELECT coalesce(note, ''), nullif(qty, 0), lower(name), upper(name), length(name), abs(qty), \
             round(qty), replace(name, 'a', 'b'), trim(name), substr(name, 1, 2) FROM mod_probe_items",
            "SELECT CAST(qty AS text), CAST(name AS integer), qty::bigint, CURRENT_TIMESTAMP FROM mod_probe_items",
            "SELECT name, row_number() OVER (PARTITION BY note ORDER BY qty DESC) FROM mod_probe_items",
            "SELECT note, count(*) FROM mod_probe_items GROUP BY note HAVING count(*) > ?1 ORDER BY 2 DESC \
             LIMIT ?2 OFFSET 1",
            "SELECT name FROM mod_probe_items UNION SELECT label FROM mod_probe_tags",
            "SELECT CASE WHEN qty > 0 THEN 'in stock' ELSE 'out' END FROM mod_probe_items WHERE name LIKE 'a%' \
             AND qty BETWEEN 1 AND 9 AND note IS NULL",
        ] {
            let guarded = accepted(backend, Query, sql, highest_placeholder(sql));
            assert_eq!((guarded.verb, guarded.returns_rows), (Verb::Select, true));
        }
    }
}

#[test]
fn string_agg_with_order_by_is_accepted_on_postgres() {
    assert_rewrite(
        Postgres,
        Query,
        "SELECT string_agg(label, ',' ORDER BY label) FROM mod_probe_tags",
        0,
        "SELECT string_agg(label, ',' ORDER BY label) FROM \"mg_t_acme\".\"mod_probe_tags\" AS \"mod_probe_tags\"",
    );
}

#[test]
fn locking_clauses_are_kept() {
    assert!(
        check(
            Postgres,
            Query,
            "SELECT * FROM mod_probe_items WHERE name = ?1 FOR UPDATE",
            1
        )
        .expect("accepted")
        .sql
        .ends_with("WHERE name = $1 FOR UPDATE")
    );
}
