//! The column check: unknown columns are Invalid with the same message on
//! both backends, naming the column and the declared columns; every way of
//! naming a real column keeps working.

use super::super::{RefusalKind, StatementKind};
use super::{BACKENDS, accepted, assert_forbidden, refused};

use StatementKind::{Exec, Query};

const ITEMS: &str = "mod_probe_items (declared columns: name, qty, note; host columns: id, created_at, \
                     updated_at)";
const TAGS: &str =
    "mod_probe_tags (declared columns: label; host columns: id, created_at, updated_at)";

/// The refusal's message, the same on both backends, and Invalid.
#[track_caller]
fn unknown(kind: StatementKind, sql: &str) -> String {
    let [sqlite, postgres] = BACKENDS.map(|backend| {
        let refusal = refused(backend, kind, sql, 0);
        assert_eq!(
            refusal.kind,
            RefusalKind::Invalid,
            "{backend}: {}",
            refusal.message
        );
        refusal.message
    });
    assert_eq!(sqlite, postgres, "the same message on both backends");
    sqlite
}

#[test]
fn an_unknown_column_is_invalid_and_names_the_declared_columns() {
    assert_eq!(
        unknown(Query, "SELECT colour FROM mod_probe_items"),
        format!("unknown column `colour`: it is not a column of {ITEMS}")
    );
    assert_eq!(
        unknown(
            Query,
            "SELECT name FROM mod_probe_items WHERE colour = 'red'"
        ),
        format!("unknown column `colour`: it is not a column of {ITEMS}")
    );
    assert_eq!(
        unknown(
            Query,
            "SELECT i.colour FROM mod_probe_items AS i JOIN mod_probe_tags AS t ON t.label = i.name"
        ),
        format!(
            "unknown column `i.colour`: it is not a column of i = {}",
            ITEMS
        )
    );
    assert_eq!(
        unknown(
            Query,
            "SELECT colour FROM mod_probe_items JOIN mod_probe_tags ON 1 = 1"
        ),
        format!("unknown column `colour`: it is not a column of {ITEMS} or {TAGS}")
    );
}

#[test]
fn unknown_columns_are_caught_in_every_clause() {
    for (kind, sql) in [
        (Query, "SELECT name FROM mod_probe_items ORDER BY colour"),
        (Query, "SELECT name FROM mod_probe_items GROUP BY colour"),
        (
            Query,
            "SELECT count(*) FROM mod_probe_items HAVING max(colour) > 1",
        ),
        (
            Query,
            "SELECT name FROM mod_probe_items JOIN mod_probe_tags ON mod_probe_tags.colour = name",
        ),
        (
            Query,
            "SELECT name FROM mod_probe_items WHERE qty IN (SELECT colour FROM mod_probe_tags)",
        ),
        (
            Query,
            "SELECT d.colour FROM (SELECT name FROM mod_probe_items) AS d",
        ),
        (
            Query,
            "WITH t AS (SELECT name FROM mod_probe_items) SELECT colour FROM t",
        ),
        (Query, "UPDATE mod_probe_items SET qty = 1 RETURNING colour"),
        (
            Exec,
            "UPDATE mod_probe_items SET qty = 1 WHERE colour = 'x'",
        ),
        (Exec, "DELETE FROM mod_probe_items WHERE colour = 'x'"),
        (Exec, "INSERT INTO mod_probe_items (name) VALUES (colour)"),
        (
            Exec,
            "INSERT INTO mod_probe_items (name) SELECT colour FROM mod_probe_tags",
        ),
    ] {
        let message = unknown(kind, sql);
        assert!(
            message.contains("`colour`") || message.contains(".colour`"),
            "{sql}: {message}"
        );
    }
}

#[test]
fn written_columns_must_be_declared() {
    assert_eq!(
        unknown(
            Exec,
            "INSERT INTO mod_probe_items (name, colour) VALUES ('a', 'red')"
        ),
        "unknown column `colour` in the INSERT column list: it is not a column of mod_probe_items \
         (declared columns: name, qty, note)"
    );
    assert_eq!(
        unknown(Exec, "UPDATE mod_probe_items SET colour = 'red'"),
        "unknown column `colour` in SET: it is not a column of mod_probe_items (declared columns: \
         name, qty, note)"
    );
    assert_eq!(
        unknown(Exec, "INSERT INTO mod_probe_items (name) VALUES (DEFAULT)"),
        "`DEFAULT` as a value is not supported on every backend: leave the column out of the \
         column list to get its default"
    );
    for sql in [
        "INSERT INTO mod_probe_items (name) VALUES ('a') ON CONFLICT (colour) DO NOTHING",
        "INSERT INTO mod_probe_items (name) VALUES ('a') ON CONFLICT (name) DO UPDATE SET colour = 'x'",
        "INSERT INTO mod_probe_items (name) VALUES ('a') ON CONFLICT (name) DO UPDATE \
         SET note = excluded.colour",
        "UPDATE mod_probe_items SET (name, colour) = ('a', 'b')",
    ] {
        unknown(Exec, sql);
    }
}

#[test]
fn quoted_names_must_match_the_declaration_exactly_on_both_backends() {
    assert_eq!(
        unknown(Query, "SELECT \"Name\" FROM mod_probe_items"),
        format!(
            "unknown column `\"Name\"`: it is not a column of {ITEMS} (quoted names must match the \
             declared name exactly)"
        )
    );
    for backend in BACKENDS {
        accepted(
            backend,
            Query,
            "SELECT \"name\", NAME FROM mod_probe_items",
            0,
        );
    }
}

#[test]
fn unknown_qualifiers_and_backend_only_columns_are_invalid() {
    assert_eq!(
        unknown(Query, "SELECT x.name FROM mod_probe_items AS i"),
        "unknown table or alias `x` in `x.name`: the tables and aliases in scope are i"
    );
    for sql in [
        "SELECT x.* FROM mod_probe_items",
        "SELECT mod_probe_items.name FROM mod_probe_items AS i",
        "SELECT rowid FROM mod_probe_items",
        "SELECT ctid, xmin FROM mod_probe_items",
        "SELECT i.row_to_json FROM mod_probe_items AS i",
        "SELECT name FROM mod_probe_items WHERE name = \"literal\"",
        "SELECT colour",
    ] {
        unknown(Query, sql);
    }
}

#[test]
fn forbidden_still_wins_over_an_unknown_column() {
    for sql in [
        "SELECT colour FROM mod_probe_items WHERE name IN (SELECT secret FROM mod_other_secrets)",
        "SELECT colour, (SELECT 1 FROM modgate_tenants) FROM mod_probe_items",
        "UPDATE mod_probe_items SET colour = (SELECT secret FROM mod_other_secrets)",
    ] {
        assert_forbidden(sql);
    }
}

#[test]
fn every_way_of_naming_a_real_column_is_accepted() {
    for backend in BACKENDS {
        for (kind, sql) in [
            (Query, "SELECT * FROM mod_probe_items"),
            (
                Query,
                "SELECT mod_probe_items.*, id, created_at FROM mod_probe_items",
            ),
            (
                Query,
                "SELECT i.name AS n FROM mod_probe_items AS i ORDER BY n",
            ),
            (
                Query,
                "SELECT qty * 2 AS twice FROM mod_probe_items GROUP BY twice HAVING twice > 1 ORDER BY twice",
            ),
            (
                Query,
                "SELECT name FROM mod_probe_items AS i WHERE EXISTS \
                 (SELECT 1 FROM mod_probe_tags AS t WHERE t.label = i.name AND label = name)",
            ),
            (
                Query,
                "SELECT d.n, d.label FROM (SELECT count(*) AS n, label FROM mod_probe_tags GROUP BY label) AS d",
            ),
            (
                Query,
                "SELECT d.whatever FROM (SELECT count(*) FROM mod_probe_tags) AS d",
            ),
            (
                Query,
                "SELECT x.a FROM (SELECT name FROM mod_probe_items) AS x(a)",
            ),
            (
                Query,
                "SELECT name FROM mod_probe_items UNION SELECT label FROM mod_probe_tags ORDER BY name",
            ),
            (
                Query,
                "SELECT name FROM mod_probe_items JOIN mod_probe_tags ON label = name",
            ),
            (
                Query,
                "SELECT name, row_number() OVER (PARTITION BY note ORDER BY qty) AS r FROM mod_probe_items",
            ),
            (
                Query,
                "WITH t(a) AS (SELECT name FROM mod_probe_items) SELECT t.a, a FROM t",
            ),
            (
                Query,
                "DELETE FROM mod_probe_items AS i WHERE i.qty > 1 RETURNING i.id, name",
            ),
            (
                Exec,
                "UPDATE mod_probe_items AS i SET note = t.label FROM mod_probe_tags AS t WHERE t.label = i.name",
            ),
            (
                Exec,
                "INSERT INTO mod_probe_items (name, qty) VALUES ('a', 1) ON CONFLICT (name) \
                 DO UPDATE SET qty = mod_probe_items.qty + excluded.qty WHERE excluded.note IS NULL",
            ),
        ] {
            accepted(backend, kind, sql, 0);
        }
    }
}
