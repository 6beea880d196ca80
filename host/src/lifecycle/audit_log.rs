//! Reading the audit log back: who did what to which install, and when.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;

use super::{InstallError, Lifecycle};
use crate::storage::StorageError;
use crate::storage::entities::{audit_entry, tenant};

/// Most entries one read returns.
pub const MAX_AUDIT_ENTRIES: u64 = 500;

/// One entry of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditRecord {
    /// When (RFC 3339 UTC).
    pub at: String,
    /// Who acted: `operator:<name>` (admin API), `cli:<user>`, `operator`.
    pub actor: String,
    /// What happened: `install`, `upgrade`, `settings`, `approve`, …
    pub action: String,
    /// The tenant concerned.
    pub tenant: Option<String>,
    /// The module concerned.
    pub module: Option<String>,
    /// Details.
    pub detail: serde_json::Value,
}

/// Which entries to read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    /// Only this tenant's.
    pub tenant: Option<String>,
    /// Only this module's.
    pub module: Option<String>,
    /// At most this many (capped at [`MAX_AUDIT_ENTRIES`]).
    pub limit: Option<u64>,
}

impl Lifecycle {
    /// The newest audit entries first.
    pub async fn audit_log(&self, query: &AuditQuery) -> Result<Vec<AuditRecord>, InstallError> {
        let mut select = audit_entry::Entity::find();
        if let Some(tenant) = &query.tenant {
            select = select.filter(audit_entry::Column::Tenant.eq(tenant.as_str()));
        }
        if let Some(module) = &query.module {
            select = select.filter(audit_entry::Column::Module.eq(module.as_str()));
        }
        let rows = select
            .order_by_desc(audit_entry::Column::Id)
            .limit(query.limit.unwrap_or(MAX_AUDIT_ENTRIES).min(MAX_AUDIT_ENTRIES))
            .all(self.storage.connection())
            .await
            .map_err(StorageError::db("reading the audit log"))?;
        Ok(rows
            .into_iter()
            .map(|row| AuditRecord {
                detail: serde_json::from_str(&row.detail).unwrap_or(serde_json::Value::String(row.detail)),
                at: row.at,
                actor: row.actor,
                action: row.action,
                tenant: row.tenant,
                module: row.module,
            })
            .collect())
    }

    /// Every tenant the host knows (one that ever had an install).
    pub async fn tenants(&self) -> Result<Vec<String>, InstallError> {
        let rows = tenant::Entity::find()
            .order_by_asc(tenant::Column::Id)
            .all(self.storage.connection())
            .await
            .map_err(StorageError::db("listing tenants"))?;
        Ok(rows.into_iter().map(|row| row.id).collect())
    }
}
