//! Hooks in the lifecycle: the integrator's hookable entities as published
//! to the database, the check that refuses an install hooking anything else,
//! and re-arming the hook breakers (approvals are in `approving`).

use modgate_manifest::Manifest;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbBackend, Set, Statement};

use super::{InstallError, Lifecycle, records};
use crate::hookable::HookableEntities;
use crate::storage::entities::install;
use crate::storage::{StorageError, now_rfc3339, statement};
use crate::tenant::TenantId;

impl Lifecycle {
    /// Replaces the hookable entities every install is checked against
    /// with `entities` (the integrator's registry is the whole truth).
    pub async fn publish_hookable(&self, entities: &HookableEntities) -> Result<(), InstallError> {
        // Many writes in one transaction: take the write turn like every
        // other lifecycle writer (see `Storage::begin_write`).
        let (_turn, tx) = self
            .storage
            .begin_write()
            .await
            .map_err(StorageError::db("starting to publish the hookable entities"))?;
        let backend = tx.get_database_backend();
        if backend == DbBackend::Postgres {
            // Hosts starting together each replace the whole list: one
            // after the other (SQLite's write lock does this already),
            // else the second's inserts meet the first's rows.
            let exclusive = "LOCK TABLE modgate_hookable_entities IN SHARE ROW EXCLUSIVE MODE";
            tx.execute_raw(Statement::from_string(backend, exclusive))
                .await
                .map_err(StorageError::db("locking the hookable entities"))?;
        }
        tx.execute_raw(Statement::from_string(backend, "DELETE FROM modgate_hookable_entities"))
            .await
            .map_err(StorageError::db("clearing the hookable entities"))?;
        let now = now_rfc3339();
        for entity in entities.iter() {
            let definition = serde_json::to_string(entity).map_err(|e| InstallError::Corrupt {
                module: entity.name().to_owned(),
                message: format!("the hookable entity cannot be stored: {e}"),
            })?;
            let insert = "INSERT INTO modgate_hookable_entities (name, definition, published_at) VALUES (?, ?, ?)";
            let values = [entity.name().into(), definition.into(), now.clone().into()];
            tx.execute_raw(statement(backend, insert, values))
                .await
                .map_err(StorageError::db(format!("publishing hookable entity {}", entity.name())))?;
        }
        tx.commit().await.map_err(StorageError::db("committing the hookable entities"))?;
        Ok(())
    }

    /// The hookable entities as last published.
    pub async fn hookable_entities(&self) -> Result<HookableEntities, InstallError> {
        read_hookable(self.storage.connection()).await
    }

    /// Re-arms every hook breaker of the install in every serving process
    /// (on its next refresh). The HTTP breaker is left as it is.
    pub async fn reset_hook_breakers(&self, tenant: &TenantId, module: &str) -> Result<(), InstallError> {
        let (_turn, tx, stored) = self.begin_on_install(tenant, module, "hook breaker reset").await?;
        let mut update: install::ActiveModel = stored.install.into();
        update.hooks_reset_at = Set(Some(now_rfc3339()));
        update
            .update(&tx)
            .await
            .map_err(StorageError::db(format!("re-arming the hooks of {module}")))?;
        records::audit(&tx, tenant, module, "reset-hook-breakers", serde_json::json!({})).await?;
        tx.commit().await.map_err(StorageError::db("committing the hook breaker reset"))?;
        Ok(())
    }
}

/// Refuses `manifest` when one of its hooks names something the published
/// entities do not offer.
pub(super) async fn check_hookable(conn: &impl ConnectionTrait, manifest: &Manifest) -> Result<(), InstallError> {
    if manifest.hooks.is_empty() {
        return Ok(());
    }
    let problems = read_hookable(conn).await?.unhookable(manifest);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(InstallError::NotHookable {
            module: manifest.name.as_str().to_owned(),
            problems,
        })
    }
}

async fn read_hookable(conn: &impl ConnectionTrait) -> Result<HookableEntities, InstallError> {
    let backend = conn.get_database_backend();
    let rows = conn
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT name, definition FROM modgate_hookable_entities ORDER BY name",
        ))
        .await
        .map_err(StorageError::db("reading the hookable entities"))?;
    let mut entities = HookableEntities::new();
    for row in rows {
        let corrupt = |message: String| InstallError::Corrupt {
            module: "(hookable entities)".to_owned(),
            message,
        };
        let definition: String = row
            .try_get("", "definition")
            .map_err(|e| corrupt(format!("unreadable row: {e}")))?;
        let entity = serde_json::from_str(&definition).map_err(|e| corrupt(format!("unreadable definition: {e}")))?;
        entities = entities.register(entity).map_err(|e| corrupt(e.to_string()))?;
    }
    Ok(entities)
}
