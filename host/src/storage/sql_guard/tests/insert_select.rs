//! INSERT … SELECT from declared tables: the host still fills `id`,
//! `created_at` and `updated_at`, one id per row.

use super::super::{Bind, RefusalKind, StatementKind, Verb};
use super::{BACKENDS, accepted, assert_forbidden, refused};
use crate::storage::Backend;

use Backend::{Postgres, Sqlite};
use StatementKind::{Exec, Query};

#[test]
fn insert_select_wraps_the_query_and_adds_the_host_columns_per_row() {
    let sql = "INSERT INTO mod_probe_tags (label) SELECT name FROM mod_probe_items WHERE qty > ?1";
    let sqlite = accepted(Sqlite, Exec, sql, 1);
    assert_eq!(
        sqlite.sql,
        "INSERT INTO \"acme__mod_probe_tags\" AS \"mod_probe_tags\" (label, id, created_at, updated_at) \
         SELECT \"_q\".*, ?1 || SUBSTR(CAST(10000000 + row_number() OVER () AS TEXT), 2), ?2, ?3 \
         FROM (SELECT name FROM \"acme__mod_probe_items\" AS \"mod_probe_items\" WHERE qty > ?4) AS \"_q\" \
         WHERE true"
    );
    assert_eq!(
        sqlite.binds,
        vec![Bind::NewIdPrefix, Bind::Now, Bind::Now, Bind::Param(0)]
    );
    assert_eq!((sqlite.verb, sqlite.returns_rows), (Verb::Insert, false));
    let postgres = accepted(Postgres, Exec, sql, 1);
    assert_eq!(
        postgres.sql,
        "INSERT INTO \"mg_t_acme\".\"mod_probe_tags\" AS \"mod_probe_tags\" (label, id, created_at, updated_at) \
         SELECT \"_q\".*, $1 || SUBSTR(CAST(10000000 + row_number() OVER () AS TEXT), 2), $2, $3 \
         FROM (SELECT name FROM \"mg_t_acme\".\"mod_probe_items\" AS \"mod_probe_items\" WHERE qty > $4) AS \"_q\" \
         WHERE true"
    );
    assert_eq!(postgres.binds, sqlite.binds);
}

#[test]
fn insert_select_with_cte_conflict_clause_and_returning_is_accepted() {
    for backend in BACKENDS {
        for (kind, sql) in [
            (
                Exec,
                "INSERT INTO mod_probe_tags (label) WITH n AS (SELECT name FROM mod_probe_items) \
                 SELECT name FROM n",
            ),
            (
                Exec,
                "INSERT INTO mod_probe_items (name, qty) SELECT label, 1 FROM mod_probe_tags \
                 ON CONFLICT DO NOTHING",
            ),
            (
                Exec,
                "INSERT INTO mod_probe_items (name, qty) SELECT label, 1 FROM mod_probe_tags \
                 ON CONFLICT (id) DO UPDATE SET qty = mod_probe_items.qty + excluded.qty",
            ),
            (
                Query,
                "INSERT INTO mod_probe_items (name) SELECT label FROM mod_probe_tags RETURNING id, name",
            ),
            (
                Exec,
                "INSERT INTO mod_probe_items (name, note) SELECT i.name, t.label FROM mod_probe_items AS i \
                 JOIN mod_probe_tags AS t ON t.label = i.note",
            ),
        ] {
            let guarded = accepted(backend, kind, sql, 0);
            assert_eq!(guarded.verb, Verb::Insert, "{backend}: {sql}");
            assert!(
                guarded.sql.contains("(SELECT") || guarded.sql.contains("(WITH"),
                "{backend}: {}",
                guarded.sql
            );
        }
    }
}

#[test]
fn insert_select_from_beyond_the_declared_tables_is_forbidden() {
    for sql in [
        "INSERT INTO mod_probe_items (name) SELECT secret FROM mod_other_secrets",
        "INSERT INTO mod_probe_items (name) SELECT id FROM modgate_tenants",
        "INSERT INTO mod_probe_items (name) SELECT name FROM globex__mod_probe_items",
        "INSERT INTO mod_other_secrets (secret) SELECT name FROM mod_probe_items",
        "INSERT INTO mod_probe_items (name) SELECT label FROM mod_probe_tags \
         UNION SELECT secret FROM mod_other_secrets",
        "INSERT INTO mod_probe_items (name) WITH s AS (SELECT secret FROM mod_other_secrets) \
         SELECT secret FROM s",
        "INSERT INTO mod_probe_items (name) SELECT t.id FROM mod_probe_tags \
         JOIN modgate_tenants AS t ON 1 = 1",
    ] {
        assert_forbidden(sql);
    }
}

#[test]
fn insert_select_cannot_write_host_managed_columns() {
    for sql in [
        "INSERT INTO mod_probe_items (id, name) SELECT label, label FROM mod_probe_tags",
        "INSERT INTO mod_probe_items (name, created_at) SELECT label, '1970-01-01' FROM mod_probe_tags",
    ] {
        assert_forbidden(sql);
    }
}

#[test]
fn insert_select_must_return_one_value_per_listed_column() {
    for sql in [
        "INSERT INTO mod_probe_items (name) SELECT label, label FROM mod_probe_tags",
        "INSERT INTO mod_probe_items (name, qty) SELECT * FROM mod_probe_tags",
    ] {
        for backend in BACKENDS {
            let refusal = refused(backend, Exec, sql, 0);
            assert_eq!(
                refusal.kind,
                RefusalKind::Invalid,
                "{backend}: {}",
                refusal.message
            );
            assert!(
                refusal.message.contains("its SELECT returns"),
                "{backend}: {}",
                refusal.message
            );
        }
    }
}
