//! The hostile corpus: every statement refused as Forbidden wherever it
//! parses, plus a benign counterpart that must keep working.

use super::super::{RefusalKind, StatementKind};
use super::{BACKENDS, check, highest_placeholder};
use crate::testing::hostile_sql::hostile_sql_corpus;

#[test]
fn hostile_corpus_is_refused_as_forbidden_on_both_backends() {
    let corpus = hostile_sql_corpus();
    let mut slipped = Vec::new();
    for backend in BACKENDS {
        for statement in &corpus {
            for kind in [StatementKind::Query, StatementKind::Exec] {
                let outcome = check(backend, kind, &statement.sql, 3);
                let must_be_forbidden = statement.parses_on.includes(backend);
                let problem = match &outcome {
                    Ok(guarded) => Some(format!("ACCEPTED as `{}`", guarded.sql)),
                    Err(refusal) if must_be_forbidden && refusal.kind != RefusalKind::Forbidden => {
                        Some(format!(
                            "refused as {:?}, not Forbidden: {}",
                            refusal.kind, refusal.message
                        ))
                    }
                    Err(_) => None,
                };
                if let Some(problem) = problem {
                    slipped.push(format!("{backend} {kind:?} {}: {problem}", statement.name));
                }
            }
        }
    }
    assert!(
        slipped.is_empty(),
        "{} of {} hostile statements slipped through:\n{}",
        slipped.len(),
        corpus.len(),
        slipped.join("\n")
    );
}

#[test]
fn benign_counterparts_of_the_corpus_are_accepted() {
    for backend in BACKENDS {
        for (kind, sql) in [
            (StatementKind::Query, "SELECT * FROM mod_probe_items"),
            (
                StatementKind::Query,
                "SELECT name, (SELECT count(*) FROM mod_probe_tags) AS n FROM mod_probe_items",
            ),
            (
                StatementKind::Query,
                "SELECT * FROM mod_probe_items WHERE EXISTS (SELECT 1 FROM mod_probe_tags)",
            ),
            (
                StatementKind::Query,
                "SELECT * FROM (SELECT * FROM mod_probe_tags) AS t",
            ),
            (
                StatementKind::Query,
                "SELECT i.name FROM mod_probe_items i JOIN mod_probe_tags s ON 1 = 1",
            ),
            (
                StatementKind::Query,
                "SELECT name FROM mod_probe_items UNION ALL SELECT label FROM mod_probe_tags",
            ),
            (
                StatementKind::Query,
                "SELECT * FROM (mod_probe_items JOIN mod_probe_tags ON 1 = 1)",
            ),
            (
                StatementKind::Query,
                "SELECT * FROM \"mod_probe_items\" \"x\", \"mod_probe_tags\"",
            ),
            (
                StatementKind::Exec,
                "UPDATE mod_probe_items SET note = t.label FROM mod_probe_tags AS t",
            ),
            (
                StatementKind::Exec,
                "DELETE FROM mod_probe_items WHERE name IN (SELECT label FROM mod_probe_tags)",
            ),
            (
                StatementKind::Exec,
                "INSERT INTO mod_probe_items (name, qty, note) VALUES (?1, ?2, ?3)",
            ),
            (
                StatementKind::Query,
                "SELECT lower(name), CAST(qty AS integer) FROM mod_probe_items",
            ),
        ] {
            if let Err(refusal) = check(backend, kind, sql, highest_placeholder(sql)) {
                panic!(
                    "{backend}: `{sql}` refused ({:?}): {}",
                    refusal.kind, refusal.message
                );
            }
        }
    }
}
