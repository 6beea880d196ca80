//! Reading and writing the core rows of an install, inside the caller's
//! transaction.

use std::collections::BTreeSet;

use modgate_manifest::{Manifest, Permission, verify_manifest};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};

use super::InstallError;
use super::artifacts::sha256;
use crate::CORE_VERSION;
use crate::capabilities::outbound::Allowlist;
use crate::tenant::TenantId;
use crate::engine::DependencyComponents;
use crate::storage::entities::{approval, audit_entry, install, module, module_version, tenant, version_dependency};
use crate::storage::changes::announce_install;
use crate::storage::{StorageError, new_id, now_rfc3339};

/// An install with its version row.
pub(crate) struct StoredInstall {
    pub install: install::Model,
    pub version: module_version::Model,
}

/// The install row alone (no version, no component bytes).
pub(crate) async fn find_install_row(
    conn: &impl ConnectionTrait,
    tenant: &TenantId,
    module: &str,
) -> Result<Option<install::Model>, StorageError> {
    install::Entity::find()
        .filter(install::Column::Tenant.eq(tenant.as_str()))
        .filter(install::Column::Module.eq(module))
        .one(conn)
        .await
        .map_err(StorageError::db(format!("reading the install of {module} for {tenant}")))
}

pub(crate) async fn find_install(
    conn: &impl ConnectionTrait,
    tenant: &TenantId,
    module: &str,
) -> Result<Option<StoredInstall>, StorageError> {
    let Some(install) = find_install_row(conn, tenant, module).await? else {
        return Ok(None);
    };
    let version = module_version::Entity::find_by_id(install.version_id.clone())
        .one(conn)
        .await
        .map_err(StorageError::db(format!("reading the installed version of {module}")))?;
    Ok(version.map(|version| StoredInstall { install, version }))
}

/// The install rows, of one tenant or all, ordered by tenant and module.
async fn install_rows(conn: &impl ConnectionTrait, tenant: Option<&TenantId>) -> Result<Vec<install::Model>, StorageError> {
    let mut query = install::Entity::find()
        .order_by_asc(install::Column::Tenant)
        .order_by_asc(install::Column::Module);
    if let Some(tenant) = tenant {
        query = query.filter(install::Column::Tenant.eq(tenant.as_str()));
    }
    query.all(conn).await.map_err(StorageError::db("listing installs"))
}

pub(crate) async fn all_installs(
    conn: &impl ConnectionTrait,
    tenant: Option<&TenantId>,
) -> Result<Vec<StoredInstall>, StorageError> {
    let installs = install_rows(conn, tenant).await?;
    let version_ids: Vec<String> = installs.iter().map(|i| i.version_id.clone()).collect();
    let versions: std::collections::HashMap<String, module_version::Model> = module_version::Entity::find()
        .filter(module_version::Column::Id.is_in(version_ids))
        .all(conn)
        .await
        .map_err(StorageError::db("reading installed versions"))?
        .into_iter()
        .map(|v| (v.id.clone(), v))
        .collect();
    Ok(installs
        .into_iter()
        .filter_map(|install| {
            // Installs of one version for several tenants share its row.
            let version = versions.get(&install.version_id)?.clone();
            Some(StoredInstall { install, version })
        })
        .collect())
}

/// The install rows with their version numbers only — no manifest or
/// component bytes read: what listings (`modgate list`, the admin API, a
/// metrics scrape) need.
pub(crate) async fn installs_with_versions(
    conn: &impl ConnectionTrait,
    tenant: Option<&TenantId>,
) -> Result<Vec<(install::Model, String)>, StorageError> {
    let installs = install_rows(conn, tenant).await?;
    let version_ids: Vec<String> = installs.iter().map(|i| i.version_id.clone()).collect();
    let versions: std::collections::HashMap<String, String> = module_version::Entity::find()
        .select_only()
        .column(module_version::Column::Id)
        .column(module_version::Column::Version)
        .filter(module_version::Column::Id.is_in(version_ids))
        .into_tuple::<(String, String)>()
        .all(conn)
        .await
        .map_err(StorageError::db("reading installed versions"))?
        .into_iter()
        .collect();
    Ok(installs
        .into_iter()
        .filter_map(|install| {
            let version = versions.get(&install.version_id)?.clone();
            Some((install, version))
        })
        .collect())
}

pub(crate) async fn ensure_tenant(conn: &impl ConnectionTrait, tenant: &TenantId) -> Result<(), StorageError> {
    let context = format!("recording tenant {tenant}");
    if tenant::Entity::find_by_id(tenant.as_str()).one(conn).await.map_err(StorageError::db(&context))?.is_none() {
        tenant::ActiveModel { id: Set(tenant.as_str().to_owned()), created_at: Set(now_rfc3339()) }
            .insert(conn)
            .await
            .map_err(StorageError::db(context))?;
    }
    Ok(())
}

pub(crate) async fn ensure_module(conn: &impl ConnectionTrait, name: &str) -> Result<(), StorageError> {
    let context = format!("recording module {name}");
    if module::Entity::find_by_id(name).one(conn).await.map_err(StorageError::db(&context))?.is_none() {
        module::ActiveModel { name: Set(name.to_owned()), created_at: Set(now_rfc3339()) }
            .insert(conn)
            .await
            .map_err(StorageError::db(context))?;
    }
    Ok(())
}

/// What identifies a stored version.
pub(crate) struct VersionRecord<'a> {
    pub module: &'a str,
    pub version: &'a str,
    pub manifest: &'a str,
    pub component: &'a [u8],
    /// The dependency components, stored beside the version.
    pub dependencies: &'a DependencyComponents,
    /// The identity of the whole tree ([`crate::engine::tree_hash`]).
    pub component_hash: &'a str,
    pub artifact_key: &'a str,
}

/// The id of the stored (module, version, component) row, storing it first if new.
pub(crate) async fn ensure_version(conn: &impl ConnectionTrait, record: VersionRecord<'_>) -> Result<String, StorageError> {
    let context = format!("recording {} {}", record.module, record.version);
    let existing = module_version::Entity::find()
        .filter(module_version::Column::Module.eq(record.module))
        .filter(module_version::Column::Version.eq(record.version))
        .filter(module_version::Column::ComponentHash.eq(record.component_hash))
        .one(conn)
        .await
        .map_err(StorageError::db(&context))?;
    if let Some(existing) = existing {
        if existing.manifest == record.manifest {
            return Ok(existing.id);
        }
        // Same component, edited manifest: keep the newest declaration.
        let mut update: module_version::ActiveModel = existing.clone().into();
        update.manifest = Set(record.manifest.to_owned());
        update.update(conn).await.map_err(StorageError::db(&context))?;
        return Ok(existing.id);
    }
    let id = new_id();
    module_version::ActiveModel {
        id: Set(id.clone()),
        module: Set(record.module.to_owned()),
        version: Set(record.version.to_owned()),
        manifest: Set(record.manifest.to_owned()),
        component_hash: Set(record.component_hash.to_owned()),
        component: Set(record.component.to_vec()),
        artifact_key: Set(record.artifact_key.to_owned()),
        created_at: Set(now_rfc3339()),
    }
    .insert(conn)
    .await
    .map_err(StorageError::db(&context))?;
    for (name, component) in record.dependencies {
        version_dependency::ActiveModel {
            version_id: Set(id.clone()),
            name: Set(name.clone()),
            component_hash: Set(hex::encode(sha256(component))),
            component: Set(component.clone()),
        }
        .insert(conn)
        .await
        .map_err(StorageError::db(&context))?;
    }
    Ok(id)
}

/// The dependency components stored with a version, by name (none for
/// most modules). A component whose bytes no longer hash to what was
/// stored is refused as corrupt rather than run.
pub(crate) async fn version_dependencies(
    conn: &impl ConnectionTrait,
    module: &str,
    version_id: &str,
) -> Result<DependencyComponents, InstallError> {
    let rows = version_dependency::Entity::find()
        .filter(version_dependency::Column::VersionId.eq(version_id))
        .all(conn)
        .await
        .map_err(StorageError::db(format!("reading the dependency components of {module}")))?;
    let mut components = DependencyComponents::new();
    for row in rows {
        if hex::encode(sha256(&row.component)) != row.component_hash {
            return Err(InstallError::Corrupt {
                module: module.to_owned(),
                message: format!("the stored component of dependency {} does not hash to its recorded SHA-256", row.name),
            });
        }
        components.insert(row.name, row.component);
    }
    Ok(components)
}

/// The operator's decisions for an install.
pub(crate) struct InstallRecord<'a> {
    pub tenant: &'a TenantId,
    pub module: &'a str,
    pub version_id: &'a str,
    pub settings: &'a serde_json::Value,
    pub granted: &'a BTreeSet<Permission>,
    pub acknowledged: &'a [Permission],
    /// The outbound allowlist; `None` keeps the stored one (empty on a
    /// first install).
    pub allowlist: Option<&'a Allowlist>,
    /// Whether invocations are allowed afterwards: an operator's install
    /// enables; a reload keeps what the operator chose.
    pub enabled: bool,
}

fn permission_list<'a>(permissions: impl IntoIterator<Item = &'a Permission>) -> String {
    serde_json::to_string(&permissions.into_iter().map(|p| p.as_str()).collect::<Vec<_>>()).unwrap_or_else(|_| "[]".into())
}

/// The allowlist as stored.
pub(crate) fn allowlist_json(allowlist: &Allowlist) -> String {
    serde_json::to_string(allowlist).unwrap_or_else(|_| "[]".into())
}

/// The stored allowlist of `module`'s install; one that no longer parses
/// is corrupt (never silently empty or partial).
pub(crate) fn parse_allowlist(module: &str, stored: &str) -> Result<Allowlist, InstallError> {
    serde_json::from_str(stored).map_err(|e| InstallError::Corrupt {
        module: module.to_owned(),
        message: format!("the stored outbound allowlist does not parse: {e}"),
    })
}

/// Inserts or updates the install; a new version revokes its approvals.
pub(crate) async fn save_install(
    conn: &impl ConnectionTrait,
    previous: Option<&install::Model>,
    record: InstallRecord<'_>,
) -> Result<String, StorageError> {
    let now = now_rfc3339();
    let context = format!("recording the install of {} for {}", record.module, record.tenant);
    let settings = record.settings.to_string();
    let granted = permission_list(record.granted);
    let acknowledged = permission_list(record.acknowledged);
    match previous {
        Some(previous) => {
            if previous.version_id != record.version_id {
                approval::Entity::delete_many()
                    .filter(approval::Column::InstallId.eq(previous.id.clone()))
                    .exec(conn)
                    .await
                    .map_err(StorageError::db(format!("revoking the approvals of {}", record.module)))?;
            }
            let mut update: install::ActiveModel = previous.clone().into();
            update.version_id = Set(record.version_id.to_owned());
            update.settings = Set(settings);
            update.granted = Set(granted);
            update.acknowledged = Set(acknowledged);
            if let Some(allowlist) = record.allowlist {
                update.outbound_allowlist = Set(allowlist_json(allowlist));
            }
            update.enabled = Set(record.enabled);
            update.updated_at = Set(now);
            // The operator's install supersedes anything a reload staged.
            clear_staged(&mut update);
            update.update(conn).await.map_err(StorageError::db(context))?;
            Ok(previous.id.clone())
        }
        None => {
            let id = new_id();
            install::ActiveModel {
                id: Set(id.clone()),
                tenant: Set(record.tenant.as_str().to_owned()),
                module: Set(record.module.to_owned()),
                version_id: Set(record.version_id.to_owned()),
                enabled: Set(record.enabled),
                settings: Set(settings),
                granted: Set(granted),
                acknowledged: Set(acknowledged),
                installed_at: Set(now.clone()),
                updated_at: Set(now),
                breaker_reset_at: Set(None),
                hooks_reset_at: Set(None),
                outbound_allowlist: Set(record.allowlist.map(allowlist_json).unwrap_or_else(|| "[]".into())),
                staged_version_id: Set(None),
                staged_granted: Set(None),
                staged_settings: Set(None),
                staged_at: Set(None),
            }
            .insert(conn)
            .await
            .map_err(StorageError::db(context))?;
            Ok(id)
        }
    }
}

/// Records `version_id` as the install's staged version, holding `granted`
/// and `settings` once switched to; the serving version, its grants,
/// settings and approvals stay as they are.
pub(crate) async fn stage_version(
    conn: &impl ConnectionTrait,
    installed: &install::Model,
    version_id: &str,
    granted: &BTreeSet<Permission>,
    settings: &serde_json::Value,
) -> Result<(), StorageError> {
    let mut update: install::ActiveModel = installed.clone().into();
    update.staged_version_id = Set(Some(version_id.to_owned()));
    update.staged_granted = Set(Some(permission_list(granted)));
    update.staged_settings = Set(Some(settings.to_string()));
    update.staged_at = Set(Some(now_rfc3339()));
    update
        .update(conn)
        .await
        .map_err(StorageError::db(format!("staging a version of {} for {}", installed.module, installed.tenant)))?;
    Ok(())
}

pub(crate) async fn delete_install(conn: &impl ConnectionTrait, install: &install::Model) -> Result<(), StorageError> {
    let context = format!("removing the install of {} for {}", install.module, install.tenant);
    approval::Entity::delete_many()
        .filter(approval::Column::InstallId.eq(install.id.clone()))
        .exec(conn)
        .await
        .map_err(StorageError::db(&context))?;
    install::Entity::delete_by_id(install.id.clone()).exec(conn).await.map_err(StorageError::db(context))?;
    Ok(())
}

/// Appends to the audit log.
pub(crate) async fn audit(
    conn: &impl ConnectionTrait,
    tenant: &TenantId,
    module: &str,
    action: &str,
    detail: serde_json::Value,
) -> Result<(), StorageError> {
    audit_entry::ActiveModel {
        id: Set(new_id()),
        at: Set(now_rfc3339()),
        tenant: Set(Some(tenant.as_str().to_owned())),
        module: Set(Some(module.to_owned())),
        actor: Set(super::actor::current_actor()),
        action: Set(action.to_owned()),
        detail: Set(detail.to_string()),
    }
    .insert(conn)
    .await
    .map_err(StorageError::db(format!("auditing {action} of {module}")))?;
    // Every change to an install is audited in its transaction: other
    // processes hear of it when (and only if) that commits.
    announce_install(conn, tenant, module)
        .await
        .map_err(StorageError::db(format!("announcing {action} of {module}")))?;
    Ok(())
}

/// Parses a stored permission list.
pub(crate) fn parse_permissions(module: &str, json: &str) -> Result<BTreeSet<Permission>, super::InstallError> {
    let corrupt = |message: String| super::InstallError::Corrupt { module: module.to_owned(), message };
    let names: Vec<String> = serde_json::from_str(json).map_err(|e| corrupt(format!("permission list: {e}")))?;
    names.iter().map(|name| name.parse::<Permission>().map_err(|e| corrupt(e.to_string()))).collect()
}

impl StoredInstall {
    /// The installed version's manifest, verified again as it is read back.
    pub(crate) fn manifest(&self) -> Result<Manifest, super::InstallError> {
        stored_manifest(&self.install.module, &self.version.manifest)
    }
}

/// A stored version's manifest text of `module`, verified again as it is
/// read back: one that no longer verifies is a corrupt record.
pub(crate) fn stored_manifest(module: &str, text: &str) -> Result<Manifest, super::InstallError> {
    verify_manifest(text, &CORE_VERSION)
        .map(|verified| verified.manifest)
        .map_err(|e| super::InstallError::Corrupt { module: module.to_owned(), message: format!("stored manifest: {e}") })
}

/// What identifies a stored version, without its component bytes (up to
/// the component size limit each): what comparing or describing a version
/// needs.
pub(crate) struct VersionHead {
    pub version: String,
    pub manifest: String,
    pub component_hash: String,
}

/// The head of the stored version `version_id` of `module`, if it exists.
pub(crate) async fn find_version_head(
    conn: &impl ConnectionTrait,
    module: &str,
    version_id: &str,
) -> Result<Option<VersionHead>, StorageError> {
    let head = module_version::Entity::find_by_id(version_id)
        .select_only()
        .column(module_version::Column::Version)
        .column(module_version::Column::Manifest)
        .column(module_version::Column::ComponentHash)
        .into_tuple::<(String, String, String)>()
        .one(conn)
        .await
        .map_err(StorageError::db(format!("reading a version of {module}")))?;
    Ok(head.map(|(version, manifest, component_hash)| VersionHead { version, manifest, component_hash }))
}

/// Forgets the install's staged version (promoted, or superseded by the
/// operator's own install).
pub(crate) fn clear_staged(update: &mut install::ActiveModel) {
    update.staged_version_id = Set(None);
    update.staged_granted = Set(None);
    update.staged_settings = Set(None);
    update.staged_at = Set(None);
}
