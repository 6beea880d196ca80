//! Promoting a staged version: the operator's step that makes a version a
//! reload prepared take the traffic. One transaction: the install points at
//! the staged version with the grants and settings it was activated with,
//! the serving version's approvals go (they were given for other code), the
//! routes and hooks the operator names are approved for the new one, and
//! its event subscriptions replace the old ones. Serving processes follow on
//! their next refresh; invocations already running finish on the old version.

use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde::Serialize;

use super::approving::{Approvals, insert_approvals, selected};
use super::{InstallError, Lifecycle, records};
use crate::storage::entities::{approval, install};
use crate::storage::{StorageError, now_rfc3339};
use crate::tenant::TenantId;

/// What a promotion did.
#[derive(Debug, Clone, Serialize)]
pub struct Promotion {
    /// The module.
    pub module: String,
    /// The tenant.
    pub tenant: String,
    /// The version that served until now.
    pub previous_version: String,
    /// The version serving from now on.
    pub version: String,
    /// The routes and hooks approved for it.
    pub approved: Vec<String>,
}

impl Lifecycle {
    /// Makes the staged version of `module` serve for `tenant`, approving
    /// what `asked` names (checked against the staged manifest: an
    /// undeclared route or hook refuses the whole promotion). Without a
    /// staged version: `nothing-staged`.
    pub async fn promote(
        &self,
        tenant: &TenantId,
        module: &str,
        asked: &Approvals,
        approved_by: &str,
    ) -> Result<Promotion, InstallError> {
        let (_turn, tx, stored) = self.begin_on_install(tenant, module, "promotion").await?;
        let corrupt = |message: String| InstallError::Corrupt { module: module.to_owned(), message };
        let Some(staged_id) = stored.install.staged_version_id.clone() else {
            return Err(InstallError::NothingStaged { module: module.to_owned(), tenant: tenant.to_string() });
        };
        let staged = records::find_version_head(&tx, module, &staged_id)
            .await?
            .ok_or_else(|| corrupt(format!("staged version {staged_id} is missing")))?;
        let manifest = records::stored_manifest(module, &staged.manifest)?;
        let approvals = selected(&manifest, asked)?;
        let granted_json = stored.install.staged_granted.clone().unwrap_or_else(|| "[]".to_owned());
        let granted = records::parse_permissions(module, &granted_json)?;

        approval::Entity::delete_many()
            .filter(approval::Column::InstallId.eq(stored.install.id.clone()))
            .exec(&tx)
            .await
            .map_err(StorageError::db(format!("revoking the approvals of {module}")))?;
        let mut update: install::ActiveModel = stored.install.clone().into();
        update.version_id = Set(staged_id.clone());
        update.granted = Set(granted_json);
        if let Some(settings) = stored.install.staged_settings.clone() {
            update.settings = Set(settings);
        }
        records::clear_staged(&mut update);
        update.updated_at = Set(now_rfc3339());
        let promoted = update.update(&tx).await.map_err(StorageError::db(format!("promoting {module}")))?;
        super::subscriptions::save(&tx, tenant, &manifest, &granted).await?;
        let approved = insert_approvals(&tx, &promoted, &staged_id, approvals, approved_by).await?;
        let detail = serde_json::json!({
            "previous-version": stored.version.version,
            "version": staged.version,
            "approved": approved,
            "by": approved_by,
        });
        records::audit(&tx, tenant, module, "promote", detail).await?;
        tx.commit().await.map_err(StorageError::db("committing the promotion"))?;
        // This process loads the new version on its next use.
        self.forget(tenant, module);
        Ok(Promotion {
            module: module.to_owned(),
            tenant: tenant.to_string(),
            previous_version: stored.version.version,
            version: staged.version,
            approved,
        })
    }
}
