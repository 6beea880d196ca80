//! Outbound HTTP: `modgate_installs.outbound_allowlist` is the operator's
//! allowlist for the install (JSON array of entries: host pattern, port,
//! special-purpose address exceptions, the credential's header and secret
//! *name* — never a secret value). Empty (`[]`) refuses every request.

use sea_orm_migration::prelude::*;

/// Adds the allowlist column.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0006_outbound"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("modgate_installs"))
                    .add_column(ColumnDef::new(Alias::new("outbound_allowlist")).text().not_null().default("[]"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("modgate_installs"))
                    .drop_column(Alias::new("outbound_allowlist"))
                    .to_owned(),
            )
            .await
    }
}
