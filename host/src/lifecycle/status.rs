//! What `modgate list` and `modgate show` report.

use modgate_manifest::{Permission, Risk};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use super::records::{self, StoredInstall, parse_permissions};
use super::{InstallError, Lifecycle};
use crate::tenant::TenantId;
use crate::storage::module_tables::{ColumnSpec, DriftProblem, column_specs, detect_drift, index_specs, physical_table};
use crate::storage::StorageError;
use crate::storage::entities::{audit_entry, install};

/// One line of `modgate list`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InstallSummary {
    /// The tenant.
    pub tenant: String,
    /// The module.
    pub module: String,
    /// Installed version.
    pub version: String,
    /// Whether it is enabled.
    pub enabled: bool,
    /// Granted permissions.
    pub granted: Vec<String>,
}

/// A granted permission with its risk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PermissionStatus {
    /// The permission.
    pub permission: Permission,
    /// Its risk.
    pub risk: Risk,
    /// What it allows.
    pub summary: String,
}

/// A module table as declared and as found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableStatus {
    /// Logical name (what the module writes).
    pub name: String,
    /// Where this tenant's copy lives.
    pub physical: String,
    /// Columns, automatic ones included: (name, type, nullable).
    pub columns: Vec<(String, String, bool)>,
    /// Indexes: (columns, unique).
    pub indexes: Vec<(Vec<String>, bool)>,
    /// Differences between the database and the declaration (empty = none).
    pub drift: Vec<DriftProblem>,
}

/// Everything `modgate show` prints about one install.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModuleStatus {
    /// The tenant.
    pub tenant: String,
    /// The module.
    pub module: String,
    /// Installed version.
    pub version: String,
    /// Its description.
    pub description: Option<String>,
    /// Whether it is enabled.
    pub enabled: bool,
    /// Granted permissions with their risk.
    pub granted: Vec<PermissionStatus>,
    /// Acknowledged high-risk permissions.
    pub acknowledged: Vec<Permission>,
    /// Stored settings.
    pub settings: serde_json::Value,
    /// The JSON Schema settings are validated against, if the module has
    /// settings.
    pub settings_schema: Option<serde_json::Value>,
    /// SHA-256 of the component.
    pub component_hash: String,
    /// Compiled artifact cache key.
    pub artifact_key: String,
    /// First install.
    pub installed_at: String,
    /// Last change.
    pub updated_at: String,
    /// Tables with their drift.
    pub tables: Vec<TableStatus>,
    /// Declared routes (`METHOD /path`) and whether each is approved.
    pub routes: Vec<RouteStatus>,
    /// Declared hooks (`before-create review`) and whether each is approved.
    pub hooks: Vec<HookStatus>,
    /// When an operator last reset the circuit breaker.
    pub breaker_reset_at: Option<String>,
    /// When an operator last re-armed the hook breakers.
    pub hooks_reset_at: Option<String>,
    /// The events it receives.
    pub subscriptions: Vec<String>,
    /// The operator's outbound HTTP allowlist (`HOST[:PORT]`, address
    /// exceptions, the credential's header and secret name); empty: every
    /// request refused.
    pub outbound_allowlist: Vec<String>,
    /// Its event deliveries by state.
    pub deliveries: DeliveryCounts,
    /// A version a hot reload staged beside this one, waiting for
    /// `modgate promote`.
    pub staged: Option<StagedStatus>,
    /// The last hot reload or promotion of this install, from the audit log
    /// (so any process sees it, whichever process reloaded).
    pub last_reload: Option<ReloadEvent>,
}

/// A staged version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StagedStatus {
    /// Its version.
    pub version: String,
    /// SHA-256 of its component.
    pub component_hash: String,
    /// When it was staged.
    pub staged_at: Option<String>,
    /// The routes and hooks it declares: all unapproved until promoted.
    pub routes: Vec<String>,
    /// Its hooks, as `modgate show` lists them.
    pub hooks: Vec<String>,
}

/// One reload-related entry of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReloadEvent {
    /// When.
    pub at: String,
    /// `reload` (took over at once), `stage`, `reload-failed`,
    /// `reload-paused` (the watch stopped after slow reloads),
    /// `reload-resumed` (an operator resumed it) or `promote`.
    pub action: String,
    /// The version involved.
    pub version: Option<String>,
    /// For `reload-failed`: the stable code.
    pub code: Option<String>,
    /// For `reload-failed`: what went wrong.
    pub message: Option<String>,
}

/// An install's event deliveries by state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DeliveryCounts {
    /// Waiting for an attempt (or being attempted right now).
    pub pending: u64,
    /// Delivered (kept for the outbox's retention).
    pub delivered: u64,
    /// Dead-lettered: listed by `modgate events dead`, redriven by `modgate events redrive`.
    pub dead: u64,
}

/// A declared route and its approval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RouteStatus {
    /// `METHOD /path` as declared.
    pub route: String,
    /// Whether the operator approved it for the installed version.
    pub approved: bool,
}

/// A declared hook and its approval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HookStatus {
    /// `moment entity [action]` as declared.
    pub hook: String,
    /// Whether the operator approved it for the installed version.
    pub approved: bool,
}

impl ModuleStatus {
    /// Whether any table drifted from its declaration.
    pub fn has_drift(&self) -> bool {
        self.tables.iter().any(|t| !t.drift.is_empty())
    }
}

impl Lifecycle {
    /// Every install, of one tenant or all.
    pub async fn list(&self, tenant: Option<&TenantId>) -> Result<Vec<InstallSummary>, InstallError> {
        let installs = records::installs_with_versions(self.storage.connection(), tenant).await?;
        installs
            .into_iter()
            .map(|(install, version)| {
                Ok(InstallSummary {
                    granted: parse_permissions(&install.module, &install.granted)?
                        .iter()
                        .map(|p| p.as_str().to_owned())
                        .collect(),
                    tenant: install.tenant,
                    module: install.module,
                    version,
                    enabled: install.enabled,
                })
            })
            .collect()
    }

    /// The install of `module` for `tenant`, its tables and their drift.
    pub async fn show(&self, tenant: &TenantId, module: &str) -> Result<ModuleStatus, InstallError> {
        let conn = self.storage.connection();
        let Some(stored) = records::find_install(conn, tenant, module).await? else {
            return Err(InstallError::NotInstalled { module: module.to_owned(), tenant: tenant.to_string() });
        };
        let manifest = stored.manifest()?;
        let StoredInstall { install, version } = stored;
        let backend = self.storage.backend();
        let drift = detect_drift(conn, backend, tenant, &manifest.tables)
            .await
            .map_err(StorageError::db(format!("reading the tables of {module}")))?;
        let tables = manifest
            .tables
            .iter()
            .zip(drift)
            .map(|(table, drift)| {
                let at = physical_table(backend, tenant, &table.name);
                TableStatus {
                    name: table.name.clone(),
                    physical: match &at.schema {
                        Some(schema) => format!("{schema}.{}", at.table),
                        None => at.table,
                    },
                    columns: column_specs(table)
                        .into_iter()
                        .map(|ColumnSpec { name, ty, nullable }| (name, ty.to_string(), nullable))
                        .collect(),
                    indexes: index_specs(table).into_iter().map(|i| (i.columns, i.unique)).collect(),
                    drift: drift.problems,
                }
            })
            .collect();
        let granted = parse_permissions(module, &install.granted)?
            .into_iter()
            .map(|permission| PermissionStatus {
                permission,
                risk: permission.risk(),
                summary: permission.summary().to_owned(),
            })
            .collect();
        let record = self.serving_record(tenant, module).await?;
        let (approved_routes, approved_hooks) = record
            .map(|record| (record.approved_routes, record.approved_hooks))
            .unwrap_or_default();
        let routes = manifest
            .routes
            .iter()
            .map(|route| {
                let route = super::route_subject(route);
                RouteStatus { approved: approved_routes.contains(&route), route }
            })
            .collect();
        let hooks = manifest
            .hooks
            .iter()
            .map(|hook| {
                let hook = hook.subject();
                HookStatus { approved: approved_hooks.contains(&hook), hook }
            })
            .collect();
        let subscriptions = super::subscriptions::of_install(conn, tenant, module).await?;
        let deliveries = super::subscriptions::delivery_counts(conn, tenant, module).await?;
        let outbound_allowlist = super::records::parse_allowlist(module, &install.outbound_allowlist)?
            .entries()
            .iter()
            .map(ToString::to_string)
            .collect();
        let staged = self.staged_status(&install).await?;
        let last_reload = self.last_reload(tenant, module).await?;
        Ok(ModuleStatus {
            staged,
            last_reload,
            subscriptions,
            outbound_allowlist,
            deliveries,
            routes,
            hooks,
            breaker_reset_at: install.breaker_reset_at.clone(),
            hooks_reset_at: install.hooks_reset_at.clone(),
            tenant: install.tenant,
            module: install.module,
            version: version.version,
            description: manifest.description.clone(),
            enabled: install.enabled,
            granted,
            acknowledged: parse_permissions(module, &install.acknowledged)?.into_iter().collect(),
            settings: serde_json::from_str(&install.settings).unwrap_or(serde_json::Value::Null),
            settings_schema: manifest.settings_schema.clone(),
            component_hash: version.component_hash,
            artifact_key: version.artifact_key,
            installed_at: install.installed_at,
            updated_at: install.updated_at,
            tables,
        })
    }
}

/// Audit actions that tell how a reload went.
const RELOAD_ACTIONS: [&str; 6] = ["reload", "stage", "reload-failed", "reload-paused", "reload-resumed", "promote"];

impl Lifecycle {
    async fn staged_status(&self, install: &install::Model) -> Result<Option<StagedStatus>, InstallError> {
        let Some(staged_id) = &install.staged_version_id else { return Ok(None) };
        let module = &install.module;
        let Some(version) = records::find_version_head(self.storage.connection(), module, staged_id).await? else {
            return Ok(None);
        };
        let manifest = records::stored_manifest(module, &version.manifest)?;
        Ok(Some(StagedStatus {
            version: version.version,
            component_hash: version.component_hash,
            staged_at: install.staged_at.clone(),
            routes: manifest.routes.iter().map(super::route_subject).collect(),
            hooks: manifest.hooks.iter().map(|hook| hook.subject()).collect(),
        }))
    }

    async fn last_reload(&self, tenant: &TenantId, module: &str) -> Result<Option<ReloadEvent>, InstallError> {
        let entry = audit_entry::Entity::find()
            .filter(audit_entry::Column::Tenant.eq(tenant.as_str()))
            .filter(audit_entry::Column::Module.eq(module))
            .filter(audit_entry::Column::Action.is_in(RELOAD_ACTIONS))
            // ULIDs sort by time.
            .order_by_desc(audit_entry::Column::Id)
            .one(self.storage.connection())
            .await
            .map_err(StorageError::db(format!("reading the reloads of {module}")))?;
        Ok(entry.map(|entry| {
            let detail: serde_json::Value = serde_json::from_str(&entry.detail).unwrap_or_default();
            let text = |key: &str| detail.get(key).and_then(|v| v.as_str()).map(str::to_owned);
            ReloadEvent { at: entry.at, action: entry.action, version: text("version"), code: text("code"), message: text("message") }
        }))
    }
}
