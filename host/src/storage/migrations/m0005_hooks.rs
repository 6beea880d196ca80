//! Data hooks: `modgate_hookable_entities` holds the integrator's hookable
//! entities as its serving process last published them (name → JSON
//! definition), so that an install from any process — the CLI too — refuses
//! a hook on something the integrator does not offer; and
//! `modgate_installs.hooks_reset_at` is when an operator last re-armed the
//! install's hook breakers (serving processes notice it on their next
//! refresh, like `breaker_reset_at`, and independently of it).

use sea_orm_migration::prelude::*;

/// Adds the hookable entities and the hook-breaker reset marker.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0005_hooks"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("modgate_hookable_entities"))
                    .if_not_exists()
                    .col(ColumnDef::new(Alias::new("name")).string_len(64).not_null().primary_key())
                    .col(ColumnDef::new(Alias::new("definition")).text().not_null())
                    .col(ColumnDef::new(Alias::new("published_at")).text().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("modgate_installs"))
                    .add_column(ColumnDef::new(Alias::new("hooks_reset_at")).text().null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("modgate_installs"))
                    .drop_column(Alias::new("hooks_reset_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(Alias::new("modgate_hookable_entities")).to_owned())
            .await
    }
}
