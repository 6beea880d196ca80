//! The install pipeline (first install and upgrade).

use std::collections::BTreeSet;
use std::time::Duration;

use modgate_manifest::{Manifest, Permission, verify_manifest};
use serde::Serialize;

use super::records::{self, InstallRecord, VersionRecord};
use super::settings::validate_settings;
use super::{InstallError, Lifecycle, ModuleSource};
use crate::CORE_VERSION;
use crate::capabilities::outbound::Allowlist;
use crate::engine::{ComponentGrant, Extensions, InstallSettings};
use crate::tenant::TenantId;
use crate::storage::changes::WorkQueue;
use crate::storage::module_tables::{
    DriftProblem, TablePlan, TableStep, apply_plan, detect_drift, ensure_role, module_role,
};
use crate::storage::{Backend, DataSession, StorageError};

/// What the operator asks for.
#[derive(Debug, Clone)]
pub struct InstallRequest {
    /// The module.
    pub source: ModuleSource,
    /// For which tenant.
    pub tenant: TenantId,
    /// Permissions granted; `None` grants everything the manifest asks for.
    pub grants: Option<BTreeSet<Permission>>,
    /// The operator reviewed and accepts the high-risk permissions granted.
    pub acknowledge_risk: bool,
    /// The operator accepts destructive table changes of an upgrade.
    pub allow_destructive: bool,
    /// Settings (`None` = defaults only).
    pub settings: Option<serde_json::Value>,
    /// Where the module may send HTTP requests (`http:outbound`); `None`
    /// keeps the allowlist of an earlier install (empty on a first one:
    /// every request refused).
    pub allowlist: Option<Allowlist>,
}

impl InstallRequest {
    /// A request granting what the manifest asks for, with default settings.
    pub fn new(source: ModuleSource, tenant: TenantId) -> Self {
        InstallRequest {
            source,
            tenant,
            grants: None,
            acknowledge_risk: false,
            allow_destructive: false,
            settings: None,
            allowlist: None,
        }
    }
}

/// What an install did.
#[derive(Debug, Clone, Serialize)]
pub struct InstallOutcome {
    /// The module.
    pub module: String,
    /// The tenant.
    pub tenant: String,
    /// The version now installed.
    pub version: String,
    /// The version it replaced, on an upgrade.
    pub previous_version: Option<String>,
    /// Permissions granted.
    pub granted: Vec<Permission>,
    /// Table changes applied, for the operator.
    pub table_changes: Vec<String>,
    /// The events it now receives (empty unless `subscribe:events` is granted).
    pub subscriptions: Vec<String>,
    /// The settings stored and passed to `activate`.
    pub settings: serde_json::Value,
    /// The outbound allowlist in force (`HOST[:PORT]` with its address
    /// exceptions and credential's header and secret name); empty: every
    /// request refused.
    pub allowlist: Vec<String>,
    /// The compiled artifact's cache key.
    pub artifact_key: String,
    /// The version is staged: ready beside the serving one, taking traffic
    /// only once the operator switches to it (a reload of a module with
    /// routes or hooks to approve; see `docs/hot-reload.md`).
    pub staged: bool,
    /// Manifest warnings (e.g. a permission nothing uses).
    pub warnings: Vec<String>,
    /// How long `activate` took.
    #[serde(skip)]
    pub activation_time: Duration,
    /// The fuel (wasm instructions) `activate` used, 0 with metering off:
    /// what an author compares with the budgets (`docs/limits.md`).
    pub activation_fuel_used: u64,
    /// The capability operations `activate` used.
    pub activation_ops_used: u32,
    /// Each component and the permissions it holds, the main one first:
    /// the module's tree (one entry for most modules).
    pub components: Vec<ComponentGrant>,
}

/// When a new version takes over from the serving one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Takeover {
    /// At the commit: an operator's install, upgrade or settings change
    /// (which enables the install).
    AtOnce,
    /// At the commit, as a reload of a version with nothing to approve (or
    /// in dev mode): audited `reload`; a disabled install stays disabled.
    Reload,
    /// When the operator switches to it: a reload prepares the version
    /// (verified, compiled, tables migrated, activated) and stages it; the
    /// serving version keeps its traffic and approvals meanwhile.
    OnSwitch,
}

/// The checks that need no database, in pipeline order.
struct Checked {
    manifest: Manifest,
    grants: BTreeSet<Permission>,
    acknowledged: Vec<Permission>,
    settings: serde_json::Value,
    warnings: Vec<String>,
}

/// An allowlist on an install that may not send requests does nothing:
/// say so rather than let the operator believe it does something.
fn allowlist_warning(grants: &BTreeSet<Permission>, allowlist: &Allowlist) -> Option<String> {
    (!allowlist.is_empty() && !grants.contains(&Permission::HttpOutbound)).then(|| {
        "the outbound allowlist has no effect: http:outbound is not granted to this module".to_owned()
    })
}

fn check_request(request: &InstallRequest) -> Result<Checked, InstallError> {
    let verified = verify_manifest(&request.source.manifest_text, &CORE_VERSION).map_err(InstallError::InvalidManifest)?;
    let manifest = verified.manifest;
    let grants = request.grants.clone().unwrap_or_else(|| manifest.permissions.clone());
    if let Some(&extra) = grants.iter().find(|p| !manifest.permissions.contains(p)) {
        return Err(InstallError::GrantNotRequested(extra));
    }
    let acknowledged: Vec<Permission> = grants.iter().copied().filter(|p| p.requires_acknowledgement()).collect();
    if !acknowledged.is_empty() && !request.acknowledge_risk {
        return Err(InstallError::AcknowledgementRequired(acknowledged));
    }
    let settings = validate_settings(manifest.settings_schema.as_ref(), request.settings.clone())
        .map_err(InstallError::InvalidSettings)?;
    Ok(Checked {
        warnings: verified.warnings.iter().map(|w| w.to_string()).collect(),
        manifest,
        grants,
        acknowledged,
        settings,
    })
}

impl Lifecycle {
    /// On a first install, tables kept by an earlier uninstall (without
    /// `--purge`) are reused when they match the declaration; ones that do
    /// not match are refused rather than guessed at.
    async fn reuse_kept_tables(
        &self,
        tx: &sea_orm::DatabaseTransaction,
        tenant: &TenantId,
        plan: TablePlan,
        manifest: &Manifest,
    ) -> Result<TablePlan, InstallError> {
        let found = detect_drift(tx, self.storage.backend(), tenant, &manifest.tables)
            .await
            .map_err(StorageError::db("reading existing module tables"))?;
        let mut conflicts = Vec::new();
        let steps = plan
            .steps
            .into_iter()
            .filter(|step| {
                let TableStep::CreateTable(table) = step else { return true };
                match found.iter().find(|d| d.table == table.name) {
                    Some(drift) if drift.problems == [DriftProblem::MissingTable] => true,
                    Some(drift) if drift.problems.is_empty() => false,
                    Some(drift) => {
                        let problems: Vec<String> = drift.problems.iter().map(|p| p.to_string()).collect();
                        conflicts.push(format!("{}: {}", table.name, problems.join("; ")));
                        false
                    }
                    None => true,
                }
            })
            .collect();
        if conflicts.is_empty() {
            Ok(TablePlan { steps })
        } else {
            Err(InstallError::KeptTableConflict(conflicts))
        }
    }

    /// Installs (or upgrades) a module for a tenant. All or nothing.
    ///
    /// In dev mode ([`Lifecycle::set_dev_mode`]) every permission the
    /// manifest asks for is granted and acknowledged, whatever the request
    /// says, and the audit entry says so.
    pub async fn install(&self, request: InstallRequest) -> Result<InstallOutcome, InstallError> {
        self.install_recorded(request, None, Takeover::AtOnce).await
    }

    /// [`Lifecycle::install`], audited as `action` instead of
    /// `install`/`upgrade` (a settings change re-installs the same version),
    /// the new version taking over as `takeover` says.
    pub(super) async fn install_recorded(
        &self,
        mut request: InstallRequest,
        action: Option<&'static str>,
        takeover: Takeover,
    ) -> Result<InstallOutcome, InstallError> {
        let dev_mode = self.dev_mode();
        if dev_mode {
            request.grants = None;
            request.acknowledge_risk = true;
        }
        let checked = check_request(&request)?;
        let tenant = &request.tenant;
        let name = checked.manifest.name.as_str().to_owned();
        let module = self
            .load_with_artifacts(
                checked.manifest.clone(),
                request.source.component.clone(),
                request.source.dependencies.clone(),
                checked.grants.clone(),
            )
            .await?;
        let component_hash = hex::encode(module.content_hash());
        let components = module.component_grants();
        let artifact_key = self.engine.artifact_key(module.content_hash());

        // Reads (the install, kept tables) come before writes: on SQLite
        // the transaction must hold the write lock from its start, or its
        // first write fails at once under concurrent writes (`begin_write`).
        let (_turn, tx) = self
            .storage
            .begin_write()
            .await
            .map_err(StorageError::db("starting the install transaction"))?;
        super::hooks::check_hookable(&tx, &checked.manifest).await?;
        let previous = records::find_install(&tx, tenant, &name).await?;
        let old_tables = match &previous {
            Some(stored) => stored.manifest()?.tables,
            None => Vec::new(),
        };
        let mut plan = TablePlan::between(&old_tables, &checked.manifest.tables);
        if previous.is_none() {
            plan = self.reuse_kept_tables(&tx, tenant, plan, &checked.manifest).await?;
        }
        let destructive: Vec<String> = plan.destructive().map(|s| s.describe()).collect();
        if !destructive.is_empty() && !request.allow_destructive {
            return Err(InstallError::DestructiveChange(destructive));
        }

        records::ensure_tenant(&tx, tenant).await?;
        records::ensure_module(&tx, &name).await?;
        let version = checked.manifest.version.to_string();
        let version_id = records::ensure_version(
            &tx,
            VersionRecord {
                module: &name,
                version: &version,
                manifest: &request.source.manifest_text,
                component: &request.source.component,
                dependencies: &request.source.dependencies,
                component_hash: &component_hash,
                artifact_key: &artifact_key,
            },
        )
        .await?;
        match (takeover, &previous) {
            (Takeover::OnSwitch, Some(serving)) => {
                records::stage_version(&tx, &serving.install, &version_id, &checked.grants, &checked.settings).await?;
            }
            _ => {
                records::save_install(
                    &tx,
                    previous.as_ref().map(|p| &p.install),
                    InstallRecord {
                        tenant,
                        module: &name,
                        version_id: &version_id,
                        settings: &checked.settings,
                        granted: &checked.grants,
                        acknowledged: &checked.acknowledged,
                        allowlist: request.allowlist.as_ref(),
                        enabled: takeover != Takeover::Reload
                            || previous.as_ref().is_none_or(|serving| serving.install.enabled),
                    },
                )
                .await?;
                // Events follow the version that serves; a staged one's
                // subscriptions are saved when it is switched to.
                super::subscriptions::save(&tx, tenant, &checked.manifest, &checked.grants).await?;
            }
        }
        let staged = takeover == Takeover::OnSwitch && previous.is_some();
        let backend = self.storage.backend();
        apply_plan(&tx, backend, tenant, &plan)
            .await
            .map_err(StorageError::db(format!("migrating the tables of {name} for {tenant}")))?;
        if backend == Backend::Postgres && checked.grants.contains(&Permission::WriteOwnTables) {
            let role = module_role(self.storage.database_name(), &name, tenant);
            ensure_role(&tx, &role, tenant, &checked.manifest.tables)
                .await
                .map_err(StorageError::db(format!("preparing the database role of {name}")))?;
        }
        let previous_version = previous.as_ref().map(|p| p.version.version.clone());
        let allowlist = match (&request.allowlist, &previous) {
            (Some(allowlist), _) => allowlist.clone(),
            (None, Some(previous)) => records::parse_allowlist(&name, &previous.install.outbound_allowlist)?,
            (None, None) => Allowlist::default(),
        };
        let subscriptions: Vec<String> = if checked.grants.contains(&Permission::SubscribeEvents) {
            checked.manifest.subscriptions.iter().map(ToString::to_string).collect()
        } else {
            Vec::new()
        };
        records::audit(
            &tx,
            tenant,
            &name,
            action.unwrap_or(match takeover {
                _ if staged => "stage",
                Takeover::Reload => "reload",
                _ if previous.is_some() => "upgrade",
                _ => "install",
            }),
            serde_json::json!({
                "dev-mode": dev_mode,
                "version": version,
                "previous-version": previous_version,
                "granted": checked.grants.iter().map(|p| p.as_str()).collect::<Vec<_>>(),
                "acknowledged": checked.acknowledged.iter().map(|p| p.as_str()).collect::<Vec<_>>(),
                "tables": plan.steps.iter().map(|s| s.describe()).collect::<Vec<_>>(),
                "subscriptions": subscriptions,
                "hooks": checked.manifest.hooks.iter().map(|hook| hook.subject()).collect::<Vec<_>>(),
                "outbound-allowlist": allowlist,
                // Who in the module's tree holds what (one entry for most modules).
                "components": components,
            }),
        )
        .await?;

        let session = DataSession::new(tx);
        // The session is shared with the invocation only while it runs: the
        // install takes the transaction back to commit it.
        let settings = checked.settings.to_string();
        let extensions = Extensions::new()
            .with(session.clone())
            .with(InstallSettings::new(settings.as_str()))
            .with(allowlist.clone());
        let activation = module.activate_with(tenant, &settings, &extensions).await;
        drop(extensions);
        // The invocation is over, so the session is ours again; were it not,
        // dropping it rolls back.
        let Some(tx) = session.into_transaction() else {
            return Err(StorageError::Database {
                context: "finishing the install".into(),
                source: sea_orm::DbErr::Custom("the install transaction is still shared".into()),
            }
            .into());
        };
        let activation = match activation {
            Ok(invoked) => invoked,
            Err(error) => {
                // Dropping would roll back too; an explicit rollback reports failures.
                let _ = tx.rollback().await;
                return Err(InstallError::Activation(error));
            }
        };
        tx.commit().await.map_err(StorageError::db("committing the install"))?;
        // Events `activate` emitted and mail it queued are due now: every
        // node's workers hear of it (this one's too, through its listener).
        let changes = self.storage.changes();
        changes.work_committed(WorkQueue::Events);
        changes.work_committed(WorkQueue::Mail);
        if !staged {
            self.remember(tenant, module);
        }
        let unused_allowlist = allowlist_warning(&checked.grants, &allowlist);
        Ok(InstallOutcome {
            module: name,
            tenant: tenant.to_string(),
            version,
            previous_version,
            granted: checked.grants.into_iter().collect(),
            table_changes: plan.steps.iter().map(|s| s.describe()).collect(),
            subscriptions,
            settings: checked.settings,
            allowlist: allowlist.entries().iter().map(ToString::to_string).collect(),
            artifact_key,
            staged,
            warnings: unused_allowlist.into_iter().chain(checked.warnings).collect(),
            activation_time: activation.elapsed,
            activation_fuel_used: activation.fuel_used,
            activation_ops_used: activation.ops_used,
            components,
        })
    }
}
