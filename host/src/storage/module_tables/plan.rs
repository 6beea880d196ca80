//! Migrating a module's tables from one declaration to the next.
//!
//! Additive changes (new tables, new nullable columns, index changes,
//! relaxing NOT NULL) apply automatically. Changes that lose or may reject
//! existing data (dropping a table or column, changing a column's type,
//! adding or tightening NOT NULL) are destructive and need the operator's
//! explicit consent. Columns are changed by rebuilding the table: create the
//! new shape, copy the surviving columns, drop the old, rename.

use std::collections::BTreeSet;

use modgate_manifest::TableDecl;
use sea_orm::{ConnectionTrait, DbErr};

use super::ddl::{self, ColumnSpec, column_specs, index_specs};
use super::physical::{physical_table, quote, tenant_schema};
use crate::tenant::TenantId;
use crate::storage::Backend;

/// One step of a table migration.
#[derive(Debug, Clone, PartialEq)]
pub enum TableStep {
    /// Create a new table with its indexes.
    CreateTable(TableDecl),
    /// Add a nullable column.
    AddColumn {
        /// The table (new declaration).
        table: TableDecl,
        /// The column.
        column: ColumnSpec,
    },
    /// Rebuild the table in its new shape, keeping the columns that survive.
    Rebuild {
        /// The old declaration.
        old: TableDecl,
        /// The new declaration.
        new: TableDecl,
        /// What changed, for the operator.
        reasons: Vec<String>,
        /// Whether data may be lost or rejected.
        destructive: bool,
    },
    /// Bring the indexes in line with the declaration.
    SyncIndexes {
        /// The old declaration.
        old: TableDecl,
        /// The new declaration.
        new: TableDecl,
    },
    /// Drop a table the new version no longer declares.
    DropTable(TableDecl),
}

impl TableStep {
    /// Whether the step may lose or reject existing data.
    pub fn is_destructive(&self) -> bool {
        match self {
            TableStep::DropTable(_) => true,
            TableStep::Rebuild { destructive, .. } => *destructive,
            _ => false,
        }
    }

    /// A line for the operator.
    pub fn describe(&self) -> String {
        match self {
            TableStep::CreateTable(t) => format!("create table {}", t.name),
            TableStep::AddColumn { table, column } => format!("add column {}.{}", table.name, column.name),
            TableStep::Rebuild { new, reasons, .. } => format!("rebuild table {} ({})", new.name, reasons.join("; ")),
            TableStep::SyncIndexes { new, .. } => format!("update the indexes of {}", new.name),
            TableStep::DropTable(t) => format!("drop table {} and its rows", t.name),
        }
    }
}

/// The steps from one declaration to the next.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TablePlan {
    /// In order of application.
    pub steps: Vec<TableStep>,
}

impl TablePlan {
    /// Plans the migration from `old` (nothing, for a first install) to `new`.
    pub fn between(old: &[TableDecl], new: &[TableDecl]) -> TablePlan {
        let mut steps = Vec::new();
        for table in new {
            match old.iter().find(|o| o.name == table.name) {
                None => steps.push(TableStep::CreateTable(table.clone())),
                Some(previous) => steps.extend(table_steps(previous, table)),
            }
        }
        for gone in old.iter().filter(|o| !new.iter().any(|n| n.name == o.name)) {
            steps.push(TableStep::DropTable(gone.clone()));
        }
        TablePlan { steps }
    }

    /// The destructive steps.
    pub fn destructive(&self) -> impl Iterator<Item = &TableStep> {
        self.steps.iter().filter(|s| s.is_destructive())
    }
}

fn table_steps(old: &TableDecl, new: &TableDecl) -> Vec<TableStep> {
    let old_columns = column_specs(old);
    let new_columns = column_specs(new);
    let mut reasons = Vec::new();
    let mut destructive = false;
    let mut added = Vec::new();
    for column in &old_columns {
        match new_columns.iter().find(|c| c.name == column.name) {
            None => {
                reasons.push(format!("drops column {}", column.name));
                destructive = true;
            }
            Some(now) if now.ty != column.ty => {
                reasons.push(format!("changes {} from {} to {} (its values are dropped)", column.name, column.ty, now.ty));
                destructive = true;
            }
            Some(now) if now.nullable != column.nullable => {
                if now.nullable {
                    reasons.push(format!("allows NULL in {}", column.name));
                } else {
                    reasons.push(format!("makes {} NOT NULL (fails if a row has NULL)", column.name));
                    destructive = true;
                }
            }
            Some(_) => {}
        }
    }
    for column in new_columns.iter().filter(|c| !old_columns.iter().any(|o| o.name == c.name)) {
        if column.nullable {
            added.push(column.clone());
        } else {
            reasons.push(format!("adds NOT NULL column {} (fails if the table has rows)", column.name));
            destructive = true;
        }
    }
    if !reasons.is_empty() {
        return vec![TableStep::Rebuild {
            old: old.clone(),
            new: new.clone(),
            reasons,
            destructive,
        }];
    }
    let mut steps: Vec<TableStep> = added
        .into_iter()
        .map(|column| TableStep::AddColumn {
            table: new.clone(),
            column,
        })
        .collect();
    if index_specs(old) != index_specs(new) {
        steps.push(TableStep::SyncIndexes {
            old: old.clone(),
            new: new.clone(),
        });
    }
    steps
}

/// Applies `plan` to `tenant`'s copies, inside the caller's transaction.
pub async fn apply_plan(
    conn: &impl ConnectionTrait,
    backend: Backend,
    tenant: &TenantId,
    plan: &TablePlan,
) -> Result<(), DbErr> {
    if backend == Backend::Postgres && !plan.steps.is_empty() {
        conn.execute_unprepared(&format!("CREATE SCHEMA IF NOT EXISTS {}", quote(&tenant_schema(tenant))))
            .await?;
    }
    for step in &plan.steps {
        apply_step(conn, backend, tenant, step).await?;
    }
    Ok(())
}

async fn apply_step(
    conn: &impl ConnectionTrait,
    backend: Backend,
    tenant: &TenantId,
    step: &TableStep,
) -> Result<(), DbErr> {
    match step {
        TableStep::CreateTable(table) => {
            let at = physical_table(backend, tenant, &table.name);
            conn.execute_unprepared(&ddl::create_table(backend, &at, table)).await?;
            for index in index_specs(table) {
                conn.execute_unprepared(&ddl::create_index(&at, &index)).await?;
            }
        }
        TableStep::AddColumn { table, column } => {
            let at = physical_table(backend, tenant, &table.name);
            conn.execute_unprepared(&ddl::add_column(backend, &at, column)).await?;
        }
        TableStep::SyncIndexes { old, new } => sync_indexes(conn, backend, tenant, old, new).await?,
        TableStep::Rebuild { old, new, .. } => rebuild(conn, backend, tenant, old, new).await?,
        TableStep::DropTable(table) => {
            let at = physical_table(backend, tenant, &table.name);
            conn.execute_unprepared(&ddl::drop_table(&at)).await?;
        }
    }
    Ok(())
}

async fn sync_indexes(
    conn: &impl ConnectionTrait,
    backend: Backend,
    tenant: &TenantId,
    old: &TableDecl,
    new: &TableDecl,
) -> Result<(), DbErr> {
    let at = physical_table(backend, tenant, &new.name);
    let before: BTreeSet<_> = index_specs(old).into_iter().collect();
    let after: BTreeSet<_> = index_specs(new).into_iter().collect();
    for gone in before.difference(&after) {
        conn.execute_unprepared(&ddl::drop_index(&at, gone)).await?;
    }
    for added in after.difference(&before) {
        conn.execute_unprepared(&ddl::create_index(&at, added)).await?;
    }
    Ok(())
}

async fn rebuild(
    conn: &impl ConnectionTrait,
    backend: Backend,
    tenant: &TenantId,
    old: &TableDecl,
    new: &TableDecl,
) -> Result<(), DbErr> {
    let at = physical_table(backend, tenant, &new.name);
    let staging_name = format!("{}__rebuild", at.table);
    let staging = crate::storage::sql_guard::PhysicalTable {
        schema: at.schema.clone(),
        table: staging_name.clone(),
    };
    conn.execute_unprepared(&ddl::create_table(backend, &staging, new)).await?;
    let old_columns = column_specs(old);
    let kept: Vec<String> = column_specs(new)
        .into_iter()
        .filter(|c| old_columns.iter().any(|o| o.name == c.name && o.ty == c.ty))
        .map(|c| quote(&c.name))
        .collect();
    let kept = kept.join(", ");
    conn.execute_unprepared(&format!(
        "INSERT INTO {} ({kept}) SELECT {kept} FROM {}",
        super::physical::qualified(&staging),
        super::physical::qualified(&at)
    ))
    .await?;
    // Dropping the table drops its indexes; they are recreated under the
    // final name so their deterministic names match the drift check.
    conn.execute_unprepared(&ddl::drop_table(&at)).await?;
    conn.execute_unprepared(&ddl::rename_table(&staging, &at.table)).await?;
    for index in index_specs(new) {
        conn.execute_unprepared(&ddl::create_index(&at, &index)).await?;
    }
    Ok(())
}

/// Drops `tenant`'s copies of `tables` (uninstall with purge).
pub async fn drop_tables(
    conn: &impl ConnectionTrait,
    backend: Backend,
    tenant: &TenantId,
    tables: &[TableDecl],
) -> Result<(), DbErr> {
    for table in tables {
        let at = physical_table(backend, tenant, &table.name);
        conn.execute_unprepared(&ddl::drop_table(&at)).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use modgate_manifest::{ColumnDecl, ColumnType, IndexDecl};

    fn column(name: &str, ty: ColumnType, nullable: bool) -> ColumnDecl {
        ColumnDecl { name: name.into(), ty, nullable, unique: false }
    }

    fn table(columns: Vec<ColumnDecl>, indexes: Vec<IndexDecl>) -> TableDecl {
        TableDecl { name: "mod_w_items".into(), suffix: "items".into(), columns, indexes }
    }

    #[test]
    fn first_install_creates_every_table() {
        let t = table(vec![column("a", ColumnType::Text, true)], vec![]);
        let plan = TablePlan::between(&[], std::slice::from_ref(&t));
        assert_eq!(plan.steps, vec![TableStep::CreateTable(t)]);
        assert_eq!(plan.destructive().count(), 0);
    }

    #[test]
    fn new_nullable_columns_and_indexes_are_additive() {
        let old = table(vec![column("a", ColumnType::Text, true)], vec![]);
        let new = table(
            vec![column("a", ColumnType::Text, true), column("b", ColumnType::Integer, true)],
            vec![IndexDecl { columns: vec!["b".into()], unique: false }],
        );
        let plan = TablePlan::between(&[old], &[new]);
        assert_eq!(plan.steps.len(), 2);
        assert!(matches!(&plan.steps[0], TableStep::AddColumn { column, .. } if column.name == "b"));
        assert!(matches!(&plan.steps[1], TableStep::SyncIndexes { .. }));
        assert_eq!(plan.destructive().count(), 0);
    }

    #[test]
    fn dropping_or_retyping_columns_and_tables_is_destructive() {
        let old = table(vec![column("a", ColumnType::Text, true), column("b", ColumnType::Text, true)], vec![]);
        let retyped = table(vec![column("a", ColumnType::Integer, true), column("b", ColumnType::Text, true)], vec![]);
        assert_eq!(TablePlan::between(std::slice::from_ref(&old), &[retyped]).destructive().count(), 1);
        let dropped = table(vec![column("a", ColumnType::Text, true)], vec![]);
        assert_eq!(TablePlan::between(std::slice::from_ref(&old), &[dropped]).destructive().count(), 1);
        let not_null = table(vec![column("a", ColumnType::Text, false), column("b", ColumnType::Text, true)], vec![]);
        assert_eq!(TablePlan::between(std::slice::from_ref(&old), &[not_null]).destructive().count(), 1);
        let plan = TablePlan::between(&[old], &[]);
        assert!(matches!(plan.steps.as_slice(), [TableStep::DropTable(_)]));
        assert_eq!(plan.destructive().count(), 1);
    }

    #[test]
    fn relaxing_not_null_rebuilds_without_consent() {
        let old = table(vec![column("a", ColumnType::Text, false)], vec![]);
        let new = table(vec![column("a", ColumnType::Text, true)], vec![]);
        let plan = TablePlan::between(&[old], &[new]);
        assert!(matches!(plan.steps.as_slice(), [TableStep::Rebuild { destructive: false, .. }]));
    }
}
