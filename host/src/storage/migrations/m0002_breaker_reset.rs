//! `modgate_installs.breaker_reset_at`: when an operator last reset the
//! install's circuit breaker. The CLI writes it; serving processes notice it
//! on their next refresh, so a reset works across processes and hosts.

use sea_orm_migration::prelude::*;

/// Adds the breaker-reset marker.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0002_breaker_reset"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("modgate_installs"))
                    .add_column(ColumnDef::new(Alias::new("breaker_reset_at")).text().null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("modgate_installs"))
                    .drop_column(Alias::new("breaker_reset_at"))
                    .to_owned(),
            )
            .await
    }
}
