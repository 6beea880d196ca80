//! Module input never panics the guard: every prefix of every corpus and
//! sample statement (cut mid-token, mid-string, mid-CTE, …) is checked on
//! both backends with several param counts, and either accepted or
//! refused.

use super::super::StatementKind;
use super::{BACKENDS, check};
use crate::testing::hostile_sql::hostile_sql_corpus;

/// Statements of the forms added for authors, whole.
const SAMPLES: &[&str] = &[
    "WITH a AS (SELECT name, qty FROM mod_probe_items WHERE qty > $1), b(n) AS (SELECT name FROM a) \
     SELECT b.n, i.note FROM b JOIN mod_probe_items AS i ON i.name = b.n ORDER BY 1 LIMIT $2",
    "INSERT INTO mod_probe_tags (label) WITH s AS (SELECT name FROM mod_probe_items WHERE note = ?) \
     SELECT name FROM s ON CONFLICT (id) DO UPDATE SET label = excluded.label RETURNING id, label",
    "SELECT x.a, (SELECT count(*) FROM mod_probe_tags AS t WHERE t.label = x.a) FROM \
     (SELECT name AS a FROM mod_probe_items UNION SELECT label FROM mod_probe_tags) AS x(a) WHERE x.a = ?1",
    "UPDATE mod_probe_items AS i SET (note, qty) = (t.label, $2) FROM mod_probe_tags AS t \
     WHERE t.label = i.name AND i.qty < $1 RETURNING i.*",
];

#[test]
fn every_prefix_of_every_statement_is_accepted_or_refused_without_panicking() {
    let corpus = hostile_sql_corpus();
    let statements = corpus
        .iter()
        .map(|s| s.sql.as_str())
        .chain(SAMPLES.iter().copied());
    for sql in statements {
        for (end, _) in sql.char_indices().chain([(sql.len(), ' ')]) {
            let prefix = &sql[..end];
            for backend in BACKENDS {
                for params in [0, 2] {
                    let _ = check(backend, StatementKind::Query, prefix, params);
                }
                let _ = check(backend, StatementKind::Exec, prefix, 1);
            }
        }
    }
}

#[test]
fn the_samples_themselves_are_accepted() {
    for backend in BACKENDS {
        for (sql, params) in SAMPLES.iter().zip([2, 1, 1, 2]) {
            if let Err(refusal) = check(backend, StatementKind::Query, sql, params) {
                panic!("{backend}: `{sql}` refused: {}", refusal.message);
            }
        }
    }
}
