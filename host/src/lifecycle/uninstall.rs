//! Removing a module from a tenant.

use super::records;
use super::{InstallError, Lifecycle};
use crate::tenant::TenantId;
use crate::storage::module_tables::{drop_role, drop_tables, module_role};
use crate::storage::{Backend, StorageError};

impl Lifecycle {
    /// Uninstalls `module` for `tenant`. Its tables and rows stay (a later
    /// install finds them again) unless `purge`, which drops them too.
    pub async fn uninstall(&self, tenant: &TenantId, module: &str, purge: bool) -> Result<(), InstallError> {
        // Reads the install before deleting it: a write transaction from
        // its start on SQLite (see `Storage::begin_write`).
        let (_turn, tx) = self
            .storage
            .begin_write()
            .await
            .map_err(StorageError::db("starting the uninstall transaction"))?;
        let Some(stored) = records::find_install(&tx, tenant, module).await? else {
            return Err(InstallError::NotInstalled { module: module.to_owned(), tenant: tenant.to_string() });
        };
        records::delete_install(&tx, &stored.install).await?;
        super::subscriptions::remove(&tx, tenant, module).await?;
        if purge {
            let manifest = stored.manifest()?;
            let backend = self.storage.backend();
            drop_tables(&tx, backend, tenant, &manifest.tables)
                .await
                .map_err(StorageError::db(format!("dropping the tables of {module}")))?;
            if backend == Backend::Postgres {
                drop_role(&tx, &module_role(self.storage.database_name(), module, tenant))
                    .await
                    .map_err(StorageError::db(format!("dropping the database role of {module}")))?;
            }
        }
        records::audit(&tx, tenant, module, "uninstall", serde_json::json!({ "version": stored.version.version, "purge": purge }))
            .await?;
        tx.commit().await.map_err(StorageError::db("committing the uninstall"))?;
        self.forget(tenant, module);
        Ok(())
    }
}
