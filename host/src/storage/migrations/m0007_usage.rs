//! The usage audit: which capability operations each install called, per
//! day (`modgate_usage_calls`, for the least-privilege report), and what its
//! invocations cost, per minute (`modgate_usage_series` with its latency
//! histogram in `modgate_usage_latency`, one row per non-empty bucket).
//!
//! Every count is written by adding to the row (`INSERT … ON CONFLICT DO
//! UPDATE SET n = n + excluded.n`), so the flushes of several host nodes
//! into the same minute add up instead of overwriting each other. That is
//! also why the histogram is rows per bucket and not a list in one column:
//! a list could only be merged by reading it first. Days (`YYYY-MM-DD`) and
//! minutes (`YYYY-MM-DDTHH:MMZ`) are UTC text of fixed width, so both
//! backends order and compare them as text; the indexes on them serve the
//! retention deletes.

use sea_orm_migration::prelude::*;

/// Adds the usage tables.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0007_usage"
    }
}

fn short(name: &'static str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
        .string_len(64)
        .not_null()
        .to_owned()
}

fn count(name: &'static str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
        .big_integer()
        .not_null()
        .to_owned()
}

fn primary_key(columns: &[&'static str]) -> IndexCreateStatement {
    let mut index = Index::create();
    for column in columns {
        index.col(Alias::new(*column));
    }
    index.to_owned()
}

fn index(table: &'static str, name: &'static str, column: &'static str) -> IndexCreateStatement {
    Index::create()
        .name(name)
        .table(Alias::new(table))
        .col(Alias::new(column))
        .if_not_exists()
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("modgate_usage_calls"))
                    .if_not_exists()
                    .col(short("tenant"))
                    .col(short("module"))
                    .col(short("permission"))
                    .col(short("operation"))
                    .col(short("day"))
                    .col(count("calls"))
                    .primary_key(&mut primary_key(&[
                        "tenant",
                        "module",
                        "permission",
                        "operation",
                        "day",
                    ]))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "modgate_usage_calls",
                "modgate_usage_calls_day",
                "day",
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("modgate_usage_series"))
                    .if_not_exists()
                    .col(short("tenant"))
                    .col(short("module"))
                    .col(short("minute"))
                    .col(count("invocations"))
                    .col(count("errors"))
                    .col(count("fuel"))
                    .col(count("ops"))
                    .col(count("memory_peak_bytes"))
                    .primary_key(&mut primary_key(&["tenant", "module", "minute"]))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "modgate_usage_series",
                "modgate_usage_series_minute",
                "minute",
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("modgate_usage_latency"))
                    .if_not_exists()
                    .col(short("tenant"))
                    .col(short("module"))
                    .col(short("minute"))
                    .col(ColumnDef::new(Alias::new("bucket")).integer().not_null())
                    .col(count("invocations"))
                    .primary_key(&mut primary_key(&["tenant", "module", "minute", "bucket"]))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "modgate_usage_latency",
                "modgate_usage_latency_minute",
                "minute",
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "modgate_usage_latency",
            "modgate_usage_series",
            "modgate_usage_calls",
        ] {
            manager
                .drop_table(Table::drop().table(Alias::new(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
