//! The SQL guard on mutated text (seeded with the probe module's valid
//! statements and the host's hostile SQL corpus): whatever it accepts
//! names only the module's own tables for the tenant, on both backends.
#![no_main]

use libfuzzer_sys::fuzz_target;
use modgate_fuzz::sql_oracle::{assert_only_declared_tables, probe_scope};
use modgate_host::storage::Backend;
use modgate_host::storage::sql_guard::{SqlGuard, StatementKind};

fuzz_target!(|data: &[u8]| {
    // First byte: backend, kind and how many params the guest passes.
    let Some((&settings, sql)) = data.split_first() else { return };
    let Ok(sql) = std::str::from_utf8(sql) else { return };
    let backend = if settings & 1 == 0 { Backend::Sqlite } else { Backend::Postgres };
    let kind = if settings & 2 == 0 { StatementKind::Query } else { StatementKind::Exec };
    let nulls: Vec<bool> = (0..(settings >> 2) % 8).map(|i| settings & (1 << (i % 8)) != 0).collect();
    let scope = probe_scope(backend);
    if let Ok(statement) = SqlGuard::new(backend).check(sql, kind, &scope, &nulls) {
        assert_only_declared_tables(&statement.sql, backend, &scope);
    }
});
