//! Unit tests of the guard: rewrites, refusals, the hostile corpus, the
//! dialect wrapper. Scopes are the `probe` module's tables for tenant
//! `acme`, laid out as each backend lays them out.

mod columns;
mod corpus;
mod ctes;
mod dialect;
mod insert_select;
mod no_panic;
mod placeholders;
mod refusals;
mod rewrites;
mod usage;

use super::{
    GuardedStatement, PhysicalTable, RefusalKind, ScopedTable, SqlGuard, SqlRefusal, StatementKind,
    TableScope,
};
use crate::storage::Backend;

pub(super) const BACKENDS: [Backend; 2] = [Backend::Sqlite, Backend::Postgres];

/// The probe module's tables for tenant `acme`, declared as in
/// `testing::hostile_sql`: `mod_probe_items (name, qty, note)` and
/// `mod_probe_tags (label)`.
pub(super) fn scope(backend: Backend) -> TableScope {
    let declared = [
        ("mod_probe_items", &["name", "qty", "note"][..]),
        ("mod_probe_tags", &["label"][..]),
    ];
    TableScope::new(declared.map(|(logical, columns)| {
        let physical = match backend {
            Backend::Sqlite => PhysicalTable {
                schema: None,
                table: format!("acme__{logical}"),
            },
            Backend::Postgres => PhysicalTable {
                schema: Some("mg_t_acme".to_owned()),
                table: logical.to_owned(),
            },
        };
        let columns = columns.iter().map(|c| (*c).to_owned()).collect();
        (logical.to_owned(), ScopedTable { physical, columns })
    }))
}

/// The highest `?N` in `sql`: how many params a statement written with
/// numbered placeholders takes.
pub(super) fn highest_placeholder(sql: &str) -> usize {
    (1..=9)
        .rev()
        .find(|n| sql.contains(&format!("?{n}")))
        .unwrap_or(0)
}

/// Runs the guard with `params` non-NULL params.
pub(super) fn check(
    backend: Backend,
    kind: StatementKind,
    sql: &str,
    params: usize,
) -> Result<GuardedStatement, SqlRefusal> {
    SqlGuard::new(backend).check(sql, kind, &scope(backend), &vec![false; params])
}

/// The accepted statement, or a panic naming the refusal.
#[track_caller]
pub(super) fn accepted(
    backend: Backend,
    kind: StatementKind,
    sql: &str,
    params: usize,
) -> GuardedStatement {
    match check(backend, kind, sql, params) {
        Ok(guarded) => guarded,
        Err(refusal) => panic!(
            "{backend}: `{sql}` was refused ({:?}): {}",
            refusal.kind, refusal.message
        ),
    }
}

/// The refusal, or a panic showing what was accepted.
#[track_caller]
pub(super) fn refused(
    backend: Backend,
    kind: StatementKind,
    sql: &str,
    params: usize,
) -> SqlRefusal {
    match check(backend, kind, sql, params) {
        Ok(guarded) => panic!("{backend}: `{sql}` was accepted as `{}`", guarded.sql),
        Err(refusal) => refusal,
    }
}

/// Asserts `sql` is refused with `kind` on both backends (as a query or as
/// an exec, whichever `statement_kind` says), given `params` params.
#[track_caller]
pub(super) fn assert_refused(
    kind: RefusalKind,
    statement_kind: StatementKind,
    sql: &str,
    params: usize,
) {
    for backend in BACKENDS {
        let refusal = refused(backend, statement_kind, sql, params);
        assert_eq!(
            refusal.kind, kind,
            "{backend}: `{sql}` refused as {:?}, expected {kind:?}: {}",
            refusal.kind, refusal.message
        );
    }
}

/// Forbidden on both backends, whichever host function is used (given 2
/// params: Forbidden wins over any placeholder mismatch).
#[track_caller]
pub(super) fn assert_forbidden(sql: &str) {
    assert_refused(RefusalKind::Forbidden, StatementKind::Query, sql, 2);
    assert_refused(RefusalKind::Forbidden, StatementKind::Exec, sql, 2);
}

/// Invalid on both backends for `statement_kind`, given no params (so a
/// placeholder mismatch cannot be the reason).
#[track_caller]
pub(super) fn assert_invalid(statement_kind: StatementKind, sql: &str) {
    assert_refused(RefusalKind::Invalid, statement_kind, sql, 0);
}
