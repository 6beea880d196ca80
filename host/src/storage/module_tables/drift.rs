//! Drift: differences between a tenant's copy of a module table in the
//! database and the module's declaration (someone altered the table by hand,
//! or a migration was interrupted outside the host).

use modgate_manifest::{ColumnType, TableDecl};
use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement};
use serde::Serialize;

use super::ddl::{ColumnSpec, IndexSpec, column_specs, index_name, index_specs};
use super::physical::physical_table;
use crate::tenant::TenantId;
use crate::storage::Backend;
use crate::storage::sql_guard::PhysicalTable;

/// One difference from the declaration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "problem", rename_all = "kebab-case")]
pub enum DriftProblem {
    /// The table does not exist.
    MissingTable,
    /// A declared (or automatic) column is missing.
    MissingColumn {
        /// The column.
        column: String,
    },
    /// A column exists that is not declared.
    UnexpectedColumn {
        /// The column.
        column: String,
    },
    /// A column has another type than declared.
    WrongType {
        /// The column.
        column: String,
        /// The declared portable type.
        expected: String,
        /// The type found in the database.
        found: String,
    },
    /// A column's NULL-ability differs from the declaration.
    WrongNullability {
        /// The column.
        column: String,
        /// Whether the declaration allows NULL.
        declared_nullable: bool,
    },
    /// A declared index (or unique column's index) is missing.
    MissingIndex {
        /// Its columns.
        columns: Vec<String>,
        /// Whether it is unique.
        unique: bool,
    },
}

impl std::fmt::Display for DriftProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DriftProblem::MissingTable => write!(f, "table is missing"),
            DriftProblem::MissingColumn { column } => write!(f, "column {column} is missing"),
            DriftProblem::UnexpectedColumn { column } => write!(f, "column {column} is not declared"),
            DriftProblem::WrongType { column, expected, found } => {
                write!(f, "column {column} is {found}, declared {expected}")
            }
            DriftProblem::WrongNullability { column, declared_nullable } => write!(
                f,
                "column {column} {}",
                if *declared_nullable { "is NOT NULL but declared nullable" } else { "allows NULL but is declared NOT NULL" }
            ),
            DriftProblem::MissingIndex { columns, unique } => write!(
                f,
                "{}index on ({}) is missing",
                if *unique { "unique " } else { "" },
                columns.join(", ")
            ),
        }
    }
}

/// The drift of one table (empty `problems` = in line with the declaration).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableDrift {
    /// The logical table name.
    pub table: String,
    /// What differs.
    pub problems: Vec<DriftProblem>,
}

struct FoundColumn {
    name: String,
    ty: String,
    nullable: bool,
}

/// Compares `tenant`'s copies of `tables` with their declarations.
pub async fn detect_drift(
    conn: &impl ConnectionTrait,
    backend: Backend,
    tenant: &TenantId,
    tables: &[TableDecl],
) -> Result<Vec<TableDrift>, DbErr> {
    let mut drift = Vec::new();
    for table in tables {
        let at = physical_table(backend, tenant, &table.name);
        let found = read_columns(conn, backend, &at).await?;
        let problems = if found.is_empty() {
            vec![DriftProblem::MissingTable]
        } else {
            let indexes = read_index_names(conn, backend, &at).await?;
            compare(backend, &at, &column_specs(table), &index_specs(table), &found, &indexes)
        };
        drift.push(TableDrift {
            table: table.name.clone(),
            problems,
        });
    }
    Ok(drift)
}

fn compare(
    backend: Backend,
    at: &PhysicalTable,
    declared: &[ColumnSpec],
    declared_indexes: &[IndexSpec],
    found: &[FoundColumn],
    found_indexes: &[String],
) -> Vec<DriftProblem> {
    let mut problems = Vec::new();
    for column in declared {
        match found.iter().find(|f| f.name == column.name) {
            None => problems.push(DriftProblem::MissingColumn {
                column: column.name.clone(),
            }),
            Some(f) => {
                if !type_matches(backend, column.ty, &f.ty) {
                    problems.push(DriftProblem::WrongType {
                        column: column.name.clone(),
                        expected: column.ty.to_string(),
                        found: f.ty.clone(),
                    });
                }
                if f.nullable != column.nullable {
                    problems.push(DriftProblem::WrongNullability {
                        column: column.name.clone(),
                        declared_nullable: column.nullable,
                    });
                }
            }
        }
    }
    for extra in found.iter().filter(|f| !declared.iter().any(|c| c.name == f.name)) {
        problems.push(DriftProblem::UnexpectedColumn {
            column: extra.name.clone(),
        });
    }
    for index in declared_indexes {
        if !found_indexes.contains(&index_name(at, index)) {
            problems.push(DriftProblem::MissingIndex {
                columns: index.columns.clone(),
                unique: index.unique,
            });
        }
    }
    problems
}

/// Whether a database type is what the host creates for `ty`. SQLite is
/// compared by type affinity, PostgreSQL by `information_schema` type name.
fn type_matches(backend: Backend, ty: ColumnType, found: &str) -> bool {
    let found = found.to_ascii_lowercase();
    match backend {
        Backend::Sqlite => {
            let affinity = if found.contains("int") {
                "integer"
            } else if found.contains("char") || found.contains("clob") || found.contains("text") {
                "text"
            } else if found.contains("blob") || found.is_empty() {
                "blob"
            } else if found.contains("real") || found.contains("floa") || found.contains("doub") {
                "real"
            } else {
                "numeric"
            };
            affinity
                == match ty {
                    ColumnType::Text | ColumnType::Timestamp => "text",
                    ColumnType::Integer | ColumnType::Boolean => "integer",
                    ColumnType::Real => "real",
                    ColumnType::Blob => "blob",
                }
        }
        Backend::Postgres => {
            found
                == match ty {
                    ColumnType::Text | ColumnType::Timestamp => "text",
                    ColumnType::Integer | ColumnType::Boolean => "bigint",
                    ColumnType::Real => "double precision",
                    ColumnType::Blob => "bytea",
                }
        }
    }
}

async fn read_columns(
    conn: &impl ConnectionTrait,
    backend: Backend,
    at: &PhysicalTable,
) -> Result<Vec<FoundColumn>, DbErr> {
    let statement = match backend {
        Backend::Sqlite => Statement::from_sql_and_values(
            DbBackend::Sqlite,
            "SELECT name, type, \"notnull\" = 0 FROM pragma_table_info(?1) ORDER BY cid",
            [at.table.clone().into()],
        ),
        Backend::Postgres => Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT column_name::text, data_type::text, is_nullable = 'YES' FROM information_schema.columns \
             WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position",
            [at.schema.clone().unwrap_or_default().into(), at.table.clone().into()],
        ),
    };
    let rows = conn.query_all_raw(statement).await?;
    rows.iter()
        .map(|row| {
            Ok(FoundColumn {
                name: row.try_get_by_index(0)?,
                ty: row.try_get_by_index(1)?,
                nullable: row.try_get_by_index(2)?,
            })
        })
        .collect()
}

async fn read_index_names(
    conn: &impl ConnectionTrait,
    backend: Backend,
    at: &PhysicalTable,
) -> Result<Vec<String>, DbErr> {
    let statement = match backend {
        Backend::Sqlite => Statement::from_sql_and_values(
            DbBackend::Sqlite,
            "SELECT name FROM pragma_index_list(?1)",
            [at.table.clone().into()],
        ),
        Backend::Postgres => Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT indexname::text FROM pg_indexes WHERE schemaname = $1 AND tablename = $2",
            [at.schema.clone().unwrap_or_default().into(), at.table.clone().into()],
        ),
    };
    let rows = conn.query_all_raw(statement).await?;
    rows.iter().map(|row| row.try_get_by_index(0)).collect()
}
