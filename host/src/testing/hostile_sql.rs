//! A corpus of hostile SQL, for testing the SqlGuard and, end to end, a
//! real guest against real SQLite and PostgreSQL databases.
//!
//! The statements are what a module named `probe` might send to reach
//! beyond its declared tables ([`PROBE_TABLES`]): core tables, another
//! module's table (`mod_other_secrets`), other tenants' copies of its own
//! tables, catalogs, files, settings, DDL, stacked statements, quoting
//! tricks, host-managed columns, and CTEs and INSERT … SELECT that read,
//! write or shadow any of those. Every one must be refused as
//! Forbidden on the backends in its [`HostileStatement::parses_on`].
//!
//! The statements live in `hostile_sql.txt` (see its header for the
//! format) so they can be read, and run by hand, as plain SQL.

use crate::storage::Backend;

/// The corpus file, as written.
pub const HOSTILE_SQL_TEXT: &str = include_str!("hostile_sql.txt");

/// The module the corpus is written for.
pub const PROBE_MODULE: &str = "probe";

/// The probe module's declared tables (logical names). `mod_probe_items`
/// has columns `name text, qty integer, note text`; `mod_probe_tags` has
/// `label text` (plus the host-managed `id`, `created_at`, `updated_at`).
pub const PROBE_TABLES: [&str; 2] = ["mod_probe_items", "mod_probe_tags"];

/// The backends on which a hostile statement must be refused as Forbidden.
/// On the others it does not parse (or means nothing) and may be refused
/// as Invalid instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dialects {
    /// SQLite and PostgreSQL.
    Both,
    /// SQLite only (marked `sqlite-only`).
    SqliteOnly,
    /// PostgreSQL only (marked `postgres-only`).
    PostgresOnly,
}

impl Dialects {
    /// Whether the statement must be Forbidden on `backend`.
    pub fn includes(self, backend: Backend) -> bool {
        match self {
            Dialects::Both => true,
            Dialects::SqliteOnly => backend == Backend::Sqlite,
            Dialects::PostgresOnly => backend == Backend::Postgres,
        }
    }
}

/// One entry of the corpus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostileStatement {
    /// Kebab-case name, unique in the corpus.
    pub name: &'static str,
    /// The statement, exactly as a guest would send it (it may span lines
    /// and contain comments or further statements).
    pub sql: String,
    /// Where the guard must refuse it as Forbidden.
    pub parses_on: Dialects,
}

/// Parses [`HOSTILE_SQL_TEXT`] into its entries, in file order.
///
/// # Panics
/// If the file is malformed (an unknown marker or an empty statement); a
/// unit test keeps it well-formed.
pub fn hostile_sql_corpus() -> Vec<HostileStatement> {
    let mut corpus = Vec::new();
    let mut current: Option<(&'static str, Dialects, Vec<&'static str>)> = None;
    for line in HOSTILE_SQL_TEXT.lines() {
        if let Some(header) = line.strip_prefix("-- name:") {
            if let Some(entry) = current.take() {
                corpus.push(finish(entry));
            }
            let mut words = header.split_whitespace();
            let name = words
                .next()
                .unwrap_or_else(|| panic!("hostile_sql.txt: entry without a name"));
            let parses_on = match words.next() {
                None => Dialects::Both,
                Some("sqlite-only") => Dialects::SqliteOnly,
                Some("postgres-only") => Dialects::PostgresOnly,
                Some(other) => {
                    panic!("hostile_sql.txt: unknown marker `{other}` on entry `{name}`")
                }
            };
            current = Some((name, parses_on, Vec::new()));
        } else if let Some((_, _, lines)) = current.as_mut() {
            lines.push(line);
        }
    }
    if let Some(entry) = current.take() {
        corpus.push(finish(entry));
    }
    corpus
}

fn finish(
    (name, parses_on, lines): (&'static str, Dialects, Vec<&'static str>),
) -> HostileStatement {
    let sql = lines.join("\n").trim().to_owned();
    assert!(
        !sql.is_empty(),
        "hostile_sql.txt: entry `{name}` has no statement"
    );
    HostileStatement {
        name,
        sql,
        parses_on,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn corpus_has_enough_uniquely_named_entries() {
        let corpus = hostile_sql_corpus();
        assert!(corpus.len() >= 45, "only {} entries", corpus.len());
        let both = corpus
            .iter()
            .filter(|s| s.parses_on == Dialects::Both)
            .count();
        assert!(
            both >= 40,
            "only {both} entries are hostile on both backends"
        );
        let mut names = HashSet::new();
        for statement in &corpus {
            assert!(
                names.insert(statement.name),
                "duplicate name {}",
                statement.name
            );
            assert!(
                statement
                    .name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "name `{}` is not kebab-case",
                statement.name
            );
        }
    }

    #[test]
    fn corpus_keeps_multi_line_statements_and_their_comments() {
        let corpus = hostile_sql_corpus();
        let stacked = corpus
            .iter()
            .find(|s| s.name == "stacked-after-line-comment")
            .expect("entry present");
        assert_eq!(
            stacked.sql,
            "SELECT * FROM mod_probe_items; -- looks harmless\nDROP TABLE mod_probe_items"
        );
        let marked = corpus
            .iter()
            .find(|s| s.name == "backtick-other-module")
            .expect("entry present");
        assert_eq!(marked.parses_on, Dialects::SqliteOnly);
        assert!(!marked.parses_on.includes(Backend::Postgres));
    }
}
