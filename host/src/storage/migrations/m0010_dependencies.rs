//! Modules with dependency components (docs/dependencies.md):
//! - `modgate_version_dependencies`: each stored version's dependency
//!   components, by dependency name, so any node can load the whole tree
//!   again (the version row keeps the main component and, as its
//!   `component_hash`, the tree's identity);
//! - `modgate_usage_path_calls`: calls per component path
//!   (`wishlist>fetcher`) and UTC day, written for modules with
//!   dependencies beside `modgate_usage_calls` (which keeps the install's
//!   totals), for the least-privilege report by path. Added to like the
//!   other usage counts, so several nodes' flushes add up.

use sea_orm_migration::prelude::*;

/// Adds the dependency components of versions and the usage per path.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0010_dependencies"
    }
}

fn column(name: &'static str, length: u32) -> ColumnDef {
    ColumnDef::new(Alias::new(name)).string_len(length).not_null().to_owned()
}

fn primary_key(columns: &[&'static str]) -> IndexCreateStatement {
    let mut index = Index::create();
    for column in columns {
        index.col(Alias::new(*column));
    }
    index.to_owned()
}

const VERSION_DEPENDENCIES: &str = "modgate_version_dependencies";
const USAGE_PATH_CALLS: &str = "modgate_usage_path_calls";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Alias::new(VERSION_DEPENDENCIES))
                    .if_not_exists()
                    .col(column("version_id", 64))
                    .col(column("name", 64))
                    .col(column("component_hash", 64))
                    .col(ColumnDef::new(Alias::new("component")).blob().not_null())
                    .primary_key(&mut primary_key(&["version_id", "name"]))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Alias::new(USAGE_PATH_CALLS))
                    .if_not_exists()
                    .col(column("tenant", 64))
                    .col(column("module", 64))
                    .col(column("path", 256))
                    .col(column("permission", 64))
                    .col(column("operation", 64))
                    .col(column("day", 64))
                    .col(ColumnDef::new(Alias::new("calls")).big_integer().not_null())
                    .primary_key(&mut primary_key(&["tenant", "module", "path", "permission", "operation", "day"]))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("modgate_usage_path_calls_day")
                    .table(Alias::new(USAGE_PATH_CALLS))
                    .col(Alias::new("day"))
                    .if_not_exists()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Alias::new(USAGE_PATH_CALLS)).to_owned()).await?;
        manager.drop_table(Table::drop().table(Alias::new(VERSION_DEPENDENCIES)).to_owned()).await
    }
}
