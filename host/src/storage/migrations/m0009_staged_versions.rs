//! `modgate_installs.staged_*`: a version a reload prepared beside the one
//! serving — verified, compiled, its tables migrated and activated — that
//! takes traffic only when the operator switches to it, approving its
//! routes and hooks (a new version starts with no approvals).

use sea_orm_migration::prelude::*;

/// Adds the staged version, its grants and settings, and when it was staged.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0009_staged_versions"
    }
}

const COLUMNS: [&str; 4] = ["staged_version_id", "staged_granted", "staged_settings", "staged_at"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one at a time.
        for column in COLUMNS {
            manager
                .alter_table(
                    Table::alter()
                        .table(Alias::new("modgate_installs"))
                        .add_column(ColumnDef::new(Alias::new(column)).text().null())
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in COLUMNS {
            manager
                .alter_table(Table::alter().table(Alias::new("modgate_installs")).drop_column(Alias::new(column)).to_owned())
                .await?;
        }
        Ok(())
    }
}
