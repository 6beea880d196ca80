//! The DDL the host issues for module tables, from their declarations.
//!
//! Written out here rather than through a schema builder because the exact
//! column types must match what drift detection reads back, and renames and
//! schema handling differ between the backends. Every identifier comes from a
//! verified manifest or tenant slug.

use modgate_manifest::{AUTO_COLUMNS, ColumnType, TableDecl};
use sha2::{Digest, Sha256};

use super::physical::{qualified, quote};
use crate::storage::Backend;
use crate::storage::sql_guard::PhysicalTable;

/// A column as the host creates it: declared or automatic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnSpec {
    /// Column name.
    pub name: String,
    /// Portable type.
    pub ty: ColumnType,
    /// Whether NULL is allowed.
    pub nullable: bool,
}

/// An index as the host creates it: declared, or one per `unique` column.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct IndexSpec {
    /// Indexed columns, in order.
    pub columns: Vec<String>,
    /// Whether the combination is unique.
    pub unique: bool,
}

/// Every column of `table`: `id`, the declared ones, `created_at`, `updated_at`.
pub fn column_specs(table: &TableDecl) -> Vec<ColumnSpec> {
    let auto = |name: &str| ColumnSpec {
        name: name.to_owned(),
        ty: ColumnType::Text,
        nullable: false,
    };
    let mut columns = vec![auto(AUTO_COLUMNS[0])];
    columns.extend(table.columns.iter().map(|c| ColumnSpec {
        name: c.name.clone(),
        ty: c.ty,
        nullable: c.nullable,
    }));
    columns.extend(AUTO_COLUMNS[1..].iter().map(|name| auto(name)));
    columns
}

/// Every index of `table`, sorted (unique columns become unique indexes).
pub fn index_specs(table: &TableDecl) -> Vec<IndexSpec> {
    let mut indexes: Vec<IndexSpec> = table
        .columns
        .iter()
        .filter(|c| c.unique)
        .map(|c| IndexSpec {
            columns: vec![c.name.clone()],
            unique: true,
        })
        .chain(table.indexes.iter().map(|i| IndexSpec {
            columns: i.columns.clone(),
            unique: i.unique,
        }))
        .collect();
    indexes.sort();
    indexes.dedup();
    indexes
}

/// The SQL type of a portable column type. Booleans are 0/1 integers and
/// timestamps RFC 3339 text on both backends, so guests bind the same values
/// everywhere.
pub(super) fn sql_type(backend: Backend, ty: ColumnType) -> &'static str {
    match (backend, ty) {
        (_, ColumnType::Text | ColumnType::Timestamp) => "TEXT",
        (Backend::Sqlite, ColumnType::Integer | ColumnType::Boolean) => "INTEGER",
        (Backend::Postgres, ColumnType::Integer | ColumnType::Boolean) => "BIGINT",
        (Backend::Sqlite, ColumnType::Real) => "REAL",
        (Backend::Postgres, ColumnType::Real) => "DOUBLE PRECISION",
        (Backend::Sqlite, ColumnType::Blob) => "BLOB",
        (Backend::Postgres, ColumnType::Blob) => "BYTEA",
    }
}

fn column_sql(backend: Backend, column: &ColumnSpec) -> String {
    let mut sql = format!("{} {}", quote(&column.name), sql_type(backend, column.ty));
    if column.name == AUTO_COLUMNS[0] {
        sql.push_str(" PRIMARY KEY");
    }
    if !column.nullable {
        sql.push_str(" NOT NULL");
    }
    if column.ty == ColumnType::Boolean {
        sql.push_str(&format!(" CHECK ({} IN (0, 1))", quote(&column.name)));
    }
    sql
}

/// `CREATE TABLE` for `table` at `at` (without its indexes).
pub(super) fn create_table(backend: Backend, at: &PhysicalTable, table: &TableDecl) -> String {
    let columns: Vec<String> = column_specs(table).iter().map(|c| column_sql(backend, c)).collect();
    format!("CREATE TABLE {} ({})", qualified(at), columns.join(", "))
}

/// `ALTER TABLE … ADD COLUMN` for a new nullable column.
pub(super) fn add_column(backend: Backend, at: &PhysicalTable, column: &ColumnSpec) -> String {
    format!("ALTER TABLE {} ADD COLUMN {}", qualified(at), column_sql(backend, column))
}

/// The deterministic name of an index: short enough for PostgreSQL's
/// 63-character limit, unique per physical table, columns and uniqueness.
pub fn index_name(at: &PhysicalTable, index: &IndexSpec) -> String {
    let mut hash = Sha256::new();
    hash.update(at.schema.as_deref().unwrap_or("").as_bytes());
    hash.update(b"/");
    hash.update(at.table.as_bytes());
    hash.update(b"/");
    hash.update(index.columns.join(",").as_bytes());
    hash.update(if index.unique { b"/u" } else { b"/i" });
    let digest = hex::encode(hash.finalize());
    format!("{}_{}", if index.unique { "ux" } else { "ix" }, &digest[..20])
}

/// `CREATE [UNIQUE] INDEX` for `index` on `at`.
pub(super) fn create_index(at: &PhysicalTable, index: &IndexSpec) -> String {
    let columns: Vec<String> = index.columns.iter().map(|c| quote(c)).collect();
    format!(
        "CREATE {}INDEX {} ON {} ({})",
        if index.unique { "UNIQUE " } else { "" },
        quote(&index_name(at, index)),
        qualified(at),
        columns.join(", ")
    )
}

/// `DROP INDEX` for `index` on `at`.
pub(super) fn drop_index(at: &PhysicalTable, index: &IndexSpec) -> String {
    let name = match &at.schema {
        Some(schema) => format!("{}.{}", quote(schema), quote(&index_name(at, index))),
        None => quote(&index_name(at, index)),
    };
    format!("DROP INDEX IF EXISTS {name}")
}

/// `DROP TABLE`.
pub(super) fn drop_table(at: &PhysicalTable) -> String {
    format!("DROP TABLE IF EXISTS {}", qualified(at))
}

/// Renames `from` to `to_name` within the same schema.
pub(super) fn rename_table(from: &PhysicalTable, to_name: &str) -> String {
    format!("ALTER TABLE {} RENAME TO {}", qualified(from), quote(to_name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use modgate_manifest::{ColumnDecl, IndexDecl};

    fn items() -> TableDecl {
        TableDecl {
            name: "mod_w_items".into(),
            suffix: "items".into(),
            columns: vec![
                ColumnDecl { name: "sku".into(), ty: ColumnType::Text, nullable: false, unique: true },
                ColumnDecl { name: "gift".into(), ty: ColumnType::Boolean, nullable: true, unique: false },
            ],
            indexes: vec![IndexDecl { columns: vec!["gift".into(), "created_at".into()], unique: false }],
        }
    }

    #[test]
    fn tables_get_auto_columns_and_portable_types() {
        let at = PhysicalTable { schema: None, table: "acme__mod_w_items".into() };
        assert_eq!(
            create_table(Backend::Sqlite, &at, &items()),
            "CREATE TABLE \"acme__mod_w_items\" (\"id\" TEXT PRIMARY KEY NOT NULL, \"sku\" TEXT NOT NULL, \
             \"gift\" INTEGER CHECK (\"gift\" IN (0, 1)), \"created_at\" TEXT NOT NULL, \"updated_at\" TEXT NOT NULL)"
        );
        let pg = PhysicalTable { schema: Some("mg_t_acme".into()), table: "mod_w_items".into() };
        assert!(create_table(Backend::Postgres, &pg, &items()).contains("\"gift\" BIGINT CHECK"));
    }

    #[test]
    fn unique_columns_become_unique_indexes_with_short_stable_names() {
        let specs = index_specs(&items());
        assert_eq!(specs.len(), 2);
        assert!(specs.iter().any(|i| i.unique && i.columns == ["sku"]));
        let at = PhysicalTable { schema: Some("mg_t_a-very-long-tenant-name-of-many-characters".into()), table: "mod_w_items".into() };
        let name = index_name(&at, &specs[0]);
        assert!(name.len() <= 63);
        assert_eq!(name, index_name(&at, &specs[0]));
        assert_ne!(name, index_name(&at, &specs[1]));
    }
}
