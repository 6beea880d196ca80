//! Where a tenant's copy of a module table lives.
//!
//! SQLite has one namespace, so the tenant is a name prefix
//! (`acme__mod_wishlist_items`; tenant slugs never contain `_`, so prefixes
//! cannot collide). PostgreSQL gives each tenant a schema (`mg_t_acme`) and
//! keeps the logical table name inside it.

use modgate_manifest::TableDecl;

use crate::tenant::TenantId;
use crate::storage::Backend;
use crate::storage::sql_guard::{PhysicalTable, ScopedTable, TableScope};

/// The PostgreSQL schema holding `tenant`'s module tables.
pub fn tenant_schema(tenant: &TenantId) -> String {
    format!("mg_t_{tenant}")
}

/// Where `tenant`'s copy of the logical table `table` lives.
pub fn physical_table(backend: Backend, tenant: &TenantId, table: &str) -> PhysicalTable {
    match backend {
        Backend::Sqlite => PhysicalTable {
            schema: None,
            table: format!("{tenant}__{table}"),
        },
        Backend::Postgres => PhysicalTable {
            schema: Some(tenant_schema(tenant)),
            table: table.to_owned(),
        },
    }
}

/// The guard's scope for a module invoked for `tenant`: its declared tables,
/// each mapped to the tenant's copy, with their declared columns.
pub fn scope_for(backend: Backend, tenant: &TenantId, tables: &[TableDecl]) -> TableScope {
    TableScope::new(tables.iter().map(|t| {
        let scoped = ScopedTable {
            physical: physical_table(backend, tenant, &t.name),
            columns: t.columns.iter().map(|c| c.name.clone()).collect(),
        };
        (t.name.clone(), scoped)
    }))
}

/// The quoted, possibly schema-qualified name for DDL.
pub(super) fn qualified(table: &PhysicalTable) -> String {
    match &table.schema {
        Some(schema) => format!("{}.{}", quote(schema), quote(&table.table)),
        None => quote(&table.table),
    }
}

/// Quotes an identifier. Every identifier reaching here is a verified slug
/// (`[a-z0-9_-]`), so it never contains a quote; the assert keeps it so.
pub(super) fn quote(identifier: &str) -> String {
    assert!(!identifier.contains('"'), "identifier with a quote reached DDL: {identifier}");
    format!("\"{identifier}\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_tenant_has_its_own_copy_on_both_backends() {
        let acme = TenantId::new("acme").unwrap();
        let globex = TenantId::new("globex").unwrap();
        for backend in [Backend::Sqlite, Backend::Postgres] {
            let a = physical_table(backend, &acme, "mod_w_items");
            let g = physical_table(backend, &globex, "mod_w_items");
            assert_ne!(a, g, "{backend}");
        }
        assert_eq!(qualified(&physical_table(Backend::Sqlite, &acme, "mod_w_items")), "\"acme__mod_w_items\"");
        assert_eq!(
            qualified(&physical_table(Backend::Postgres, &acme, "mod_w_items")),
            "\"mg_t_acme\".\"mod_w_items\""
        );
    }
}
