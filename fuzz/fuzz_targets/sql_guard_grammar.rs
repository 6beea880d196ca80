//! The SQL guard on statements written by a grammar from fuzz input (see
//! `sql_grammar`): byte mutations become structural ones, so joins,
//! subqueries, CTEs, INSERT … SELECT and RETURNING over forbidden
//! relations are all explored. Whatever the guard accepts names only the
//! module's own tables for the tenant.
#![no_main]

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use modgate_fuzz::sql_grammar::statement;
use modgate_fuzz::sql_oracle::{assert_only_declared_tables, probe_scope};
use modgate_host::storage::Backend;
use modgate_host::storage::sql_guard::{SqlGuard, StatementKind};

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(postgres) = u.arbitrary::<bool>() else { return };
    let Ok(exec) = u.arbitrary::<bool>() else { return };
    let Ok((sql, params)) = statement(&mut u) else { return };
    let backend = if postgres { Backend::Postgres } else { Backend::Sqlite };
    let scope = probe_scope(backend);
    let nulls = vec![false; params];
    let kind = if exec { StatementKind::Exec } else { StatementKind::Query };
    if let Ok(statement) = SqlGuard::new(backend).check(&sql, kind, &scope, &nulls) {
        assert_only_declared_tables(&statement.sql, backend, &scope);
    }
});
