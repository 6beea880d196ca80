//! Migrations of the core tables (`sea-orm-migration`), applied on every
//! start; each file is one schema step and is never edited once released.

mod m0001_core;
mod m0002_breaker_reset;
mod m0003_events;
mod m0004_mail;
mod m0005_hooks;
mod m0006_outbound;
mod m0007_usage;
mod m0008_artifacts;
mod m0009_staged_versions;
mod m0010_dependencies;
mod m0011_mail_rate;

use sea_orm_migration::prelude::*;

/// The host's migrator. Its bookkeeping table is `modgate_migrations`.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_core::Migration),
            Box::new(m0002_breaker_reset::Migration),
            Box::new(m0003_events::Migration),
            Box::new(m0004_mail::Migration),
            Box::new(m0005_hooks::Migration),
            Box::new(m0006_outbound::Migration),
            Box::new(m0007_usage::Migration),
            Box::new(m0008_artifacts::Migration),
            Box::new(m0009_staged_versions::Migration),
            Box::new(m0010_dependencies::Migration),
            Box::new(m0011_mail_rate::Migration),
        ]
    }

    fn migration_table_name() -> DynIden {
        "modgate_migrations".into_iden()
    }
}
