//! Unit tests of the guard: rewrites, refusals, the hostile corpus, the
//! dialect wrapper. Scopes are the `probe` module's tables for tenant
//! `acme`, laid out as each backend lays them out.

mod corpus;
mod dialect;
mod refusals;
mod rewrites;
mod usage;

use super::{
    GuardedStatement, PhysicalTable, RefusalKind, SqlGuard, SqlRefusal, StatementKind, TableScope,
};
use crate::storage::Backend;

pub(super) const BACKENDS: [Backend; 2] = [Backend::Sqlite, Backend::Postgres];

/// The probe module's tables for tenant `acme`.
pub(super) fn scope(backend: Backend) -> TableScope {
    TableScope::new(["mod_probe_items", "mod_probe_tags"].map(|logical| {
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
        (logical.to_owned(), physical)
    }))
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
/// an exec, whichever `statement_kind` says), with 2 params.
#[track_caller]
pub(super) fn assert_refused(kind: RefusalKind, statement_kind: StatementKind, sql: &str) {
    for backend in BACKENDS {
        let refusal = refused(backend, statement_kind, sql, 2);
        assert_eq!(
            refusal.kind, kind,
            "{backend}: `{sql}` refused as {:?}, expected {kind:?}: {}",
            refusal.kind, refusal.message
        );
    }
}

/// Forbidden on both backends, whichever host function is used.
#[track_caller]
pub(super) fn assert_forbidden(sql: &str) {
    assert_refused(RefusalKind::Forbidden, StatementKind::Query, sql);
    assert_refused(RefusalKind::Forbidden, StatementKind::Exec, sql);
}

/// Invalid on both backends for `statement_kind`.
#[track_caller]
pub(super) fn assert_invalid(statement_kind: StatementKind, sql: &str) {
    assert_refused(RefusalKind::Invalid, statement_kind, sql);
}
