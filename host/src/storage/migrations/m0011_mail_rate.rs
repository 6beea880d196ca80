//! `modgate_mail_rate`: the email rate limit's bucket per (module, tenant),
//! in the database so that every host on it draws from the same one (the
//! limit protects a third party: the relay and the recipients). One row
//! per pair that ever sent, holding the bucket's state as GCRA's
//! theoretical arrival time (`host/src/mail/send_rate.rs`).

use sea_orm_migration::prelude::*;

/// Adds the email rate limit's buckets.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0011_mail_rate"
    }
}

const MAIL_RATE: &str = "modgate_mail_rate";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Alias::new(MAIL_RATE))
                    .if_not_exists()
                    .col(ColumnDef::new(Alias::new("module")).string_len(64).not_null())
                    .col(ColumnDef::new(Alias::new("tenant")).string_len(64).not_null())
                    .col(ColumnDef::new(Alias::new("arrival_micros")).big_integer().not_null())
                    .primary_key(Index::create().col(Alias::new("module")).col(Alias::new("tenant")))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Alias::new(MAIL_RATE)).to_owned()).await
    }
}
