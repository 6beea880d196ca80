//! Tenants, modules, versions, installs, approvals and the audit log.

use sea_orm_migration::prelude::*;

/// The first schema.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0001_core"
    }
}

fn text(name: &'static str) -> ColumnDef {
    ColumnDef::new(Alias::new(name)).text().not_null().to_owned()
}

fn key(name: &'static str) -> ColumnDef {
    ColumnDef::new(Alias::new(name)).string_len(64).not_null().primary_key().to_owned()
}

fn table(name: &'static str) -> TableCreateStatement {
    Table::create().table(Alias::new(name)).if_not_exists().to_owned()
}

fn index(table: &'static str, name: &'static str, columns: &[&'static str], unique: bool) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(name).table(Alias::new(table)).if_not_exists();
    for column in columns {
        index.col(Alias::new(*column));
    }
    if unique {
        index.unique();
    }
    index.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(table("modgate_tenants").col(key("id")).col(text("created_at")).to_owned())
            .await?;
        manager
            .create_table(table("modgate_modules").col(key("name")).col(text("created_at")).to_owned())
            .await?;
        manager
            .create_table(
                table("modgate_module_versions")
                    .col(key("id"))
                    .col(text("module"))
                    .col(text("version"))
                    .col(text("manifest"))
                    .col(text("component_hash"))
                    .col(ColumnDef::new(Alias::new("component")).blob().not_null())
                    .col(text("artifact_key"))
                    .col(text("created_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("modgate_module_versions", "modgate_module_versions_module_version", &["module", "version", "component_hash"], true))
            .await?;
        manager
            .create_table(
                table("modgate_installs")
                    .col(key("id"))
                    .col(text("tenant"))
                    .col(text("module"))
                    .col(text("version_id"))
                    .col(ColumnDef::new(Alias::new("enabled")).boolean().not_null())
                    .col(text("settings"))
                    .col(text("granted"))
                    .col(text("acknowledged"))
                    .col(text("installed_at"))
                    .col(text("updated_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("modgate_installs", "modgate_installs_tenant_module", &["tenant", "module"], true))
            .await?;
        manager
            .create_table(
                table("modgate_approvals")
                    .col(key("id"))
                    .col(text("install_id"))
                    .col(text("version_id"))
                    .col(text("kind"))
                    .col(text("subject"))
                    .col(text("approved_by"))
                    .col(text("approved_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("modgate_approvals", "modgate_approvals_install", &["install_id", "version_id", "kind", "subject"], true))
            .await?;
        manager
            .create_table(
                table("modgate_audit_log")
                    .col(key("id"))
                    .col(text("at"))
                    .col(ColumnDef::new(Alias::new("tenant")).text().null())
                    .col(ColumnDef::new(Alias::new("module")).text().null())
                    .col(text("actor"))
                    .col(text("action"))
                    .col(text("detail"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("modgate_audit_log", "modgate_audit_log_module", &["module", "at"], false))
            .await?;
        Ok(())
    }
}
