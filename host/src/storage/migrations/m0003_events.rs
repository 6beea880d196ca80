//! The event outbox: events as raised (`modgate_events`), the installs
//! subscribed to each event name (`modgate_subscriptions`, written by the
//! install), and one delivery per (event, subscribing install)
//! (`modgate_deliveries`), claimed by workers with expiring leases.
//!
//! `next_at` is when a delivery is next due: for a `pending` one, its next
//! attempt; for a `leased` one, when the lease expires and another worker
//! may claim it. Milliseconds since the Unix epoch, so that both backends
//! order and compare them as numbers. The partial index holds only the
//! open deliveries (pending or leased), so claiming stays an index seek
//! however many delivered and dead ones accumulate.

use sea_orm_migration::prelude::*;

/// Adds the outbox.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0003_events"
    }
}

fn text(name: &'static str) -> ColumnDef {
    ColumnDef::new(Alias::new(name)).text().not_null().to_owned()
}

fn short(name: &'static str) -> ColumnDef {
    ColumnDef::new(Alias::new(name)).string_len(64).not_null().to_owned()
}

fn millis(name: &'static str) -> ColumnDef {
    ColumnDef::new(Alias::new(name)).big_integer().not_null().to_owned()
}

fn index(table: &'static str, name: &'static str, columns: &[&'static str]) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(name).table(Alias::new(table)).if_not_exists();
    for column in columns {
        index.col(Alias::new(*column));
    }
    index.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("modgate_events"))
                    .if_not_exists()
                    .col(short("id").primary_key())
                    .col(short("tenant"))
                    .col(text("name"))
                    .col(short("source"))
                    .col(text("occurred_at"))
                    .col(text("payload"))
                    .col(millis("created_ms"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("modgate_events", "modgate_events_created", &["created_ms"]))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("modgate_subscriptions"))
                    .if_not_exists()
                    .col(short("tenant"))
                    .col(text("event"))
                    .col(short("module"))
                    .primary_key(
                        Index::create()
                            .col(Alias::new("tenant"))
                            .col(Alias::new("event"))
                            .col(Alias::new("module")),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("modgate_deliveries"))
                    .if_not_exists()
                    .col(short("event_id"))
                    .col(short("tenant"))
                    .col(short("module"))
                    .col(short("state"))
                    .col(ColumnDef::new(Alias::new("attempts")).integer().not_null())
                    .col(millis("next_at"))
                    .col(ColumnDef::new(Alias::new("lease_token")).string_len(64).null())
                    .col(ColumnDef::new(Alias::new("last_error")).text().null())
                    .col(text("updated_at"))
                    .primary_key(Index::create().col(Alias::new("event_id")).col(Alias::new("module")))
                    .to_owned(),
            )
            .await?;
        // Partial indexes have the same syntax on both backends; sea-query
        // has no builder for them.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE INDEX IF NOT EXISTS modgate_deliveries_open ON modgate_deliveries (tenant, module, next_at) \
                 WHERE state IN ('pending', 'leased')",
            )
            .await?;
        manager
            .create_index(index("modgate_deliveries", "modgate_deliveries_state", &["state", "tenant", "module"]))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["modgate_deliveries", "modgate_subscriptions", "modgate_events"] {
            manager.drop_table(Table::drop().table(Alias::new(table)).to_owned()).await?;
        }
        Ok(())
    }
}
