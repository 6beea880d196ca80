//! The mail outbox (`modgate_mail`): one row per message a module queued,
//! from queueing to its end — `sent` (to the relay, or into the local
//! mailbox when no relay is configured), `dead` (out of attempts, or refused
//! for good by the relay; the operator can redrive it) or `suppressed` (the
//! customer became unreachable before it was sent).
//!
//! `next_at` works as in `modgate_deliveries`: when a `pending` message is
//! next due, or when a `leased` one's lease expires. `dedupe_key` is set for
//! a message queued while an event was handled, so that a redelivered event
//! queues the same message once; the unique index enforces it (NULLs never
//! collide). The recipient address lives only here, in the host's database:
//! never in a module's tables, logs or memory.

use sea_orm_migration::prelude::*;

/// Adds the mail outbox.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0004_mail"
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

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("modgate_mail"))
                    .if_not_exists()
                    .col(short("id").primary_key())
                    .col(short("tenant"))
                    .col(short("module"))
                    .col(ColumnDef::new(Alias::new("customer_id")).text().null())
                    .col(text("recipient"))
                    .col(text("sender"))
                    .col(text("subject"))
                    .col(text("body"))
                    .col(text("message_id"))
                    .col(ColumnDef::new(Alias::new("dedupe_key")).string_len(64).null())
                    .col(short("state"))
                    .col(ColumnDef::new(Alias::new("attempts")).integer().not_null())
                    .col(millis("next_at"))
                    .col(ColumnDef::new(Alias::new("lease_token")).string_len(64).null())
                    .col(ColumnDef::new(Alias::new("last_error")).text().null())
                    .col(ColumnDef::new(Alias::new("via")).string_len(16).null())
                    .col(text("created_at"))
                    .col(millis("created_ms"))
                    .col(ColumnDef::new(Alias::new("sent_at")).text().null())
                    .col(text("updated_at"))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        // Partial indexes have the same syntax on both backends; sea-query
        // has no builder for them.
        db.execute_unprepared(
            "CREATE INDEX IF NOT EXISTS modgate_mail_open ON modgate_mail (next_at) WHERE state IN ('pending', 'leased')",
        )
        .await?;
        db.execute_unprepared("CREATE UNIQUE INDEX IF NOT EXISTS modgate_mail_dedupe ON modgate_mail (dedupe_key)")
            .await?;
        db.execute_unprepared(
            "CREATE INDEX IF NOT EXISTS modgate_mail_install ON modgate_mail (tenant, module, created_ms)",
        )
        .await?;
        db.execute_unprepared("CREATE INDEX IF NOT EXISTS modgate_mail_state ON modgate_mail (state, created_ms)")
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Alias::new("modgate_mail")).to_owned()).await
    }
}
