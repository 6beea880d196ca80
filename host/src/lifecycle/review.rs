//! The install review: everything an operator should see before granting —
//! permissions with their risk, table changes (destructive ones flagged),
//! routes, hooks, slots, subscriptions, the outbound allowlist in force and
//! the settings schema — computed without changing anything. The component
//! is checked and compiled here (cached by content hash), so confirming the
//! review installs at once, and a component that would be refused is
//! refused at review.

use std::collections::BTreeSet;

use modgate_manifest::{Permission, Risk, verify_manifest};
use serde::Serialize;

use super::approving::route_subject;
use super::{InstallError, Lifecycle, ModuleSource, records};
use crate::CORE_VERSION;
use crate::engine::ComponentGrant;
use crate::storage::module_tables::TablePlan;
use crate::tenant::TenantId;

/// What installing a module would do, for the operator to confirm.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InstallReview {
    /// The tenant.
    pub tenant: String,
    /// The module.
    pub module: String,
    /// The version under review.
    pub version: String,
    /// Its description.
    pub description: Option<String>,
    /// The version installed now, if this is an upgrade.
    pub installed_version: Option<String>,
    /// Every permission the manifest asks for.
    pub permissions: Vec<PermissionReview>,
    /// Table changes, in order.
    pub tables: Vec<TableChangeReview>,
    /// Declared routes (`METHOD /path` under the module's mount); each
    /// starts unapproved.
    pub routes: Vec<String>,
    /// Declared hooks (`before-create review`); each starts unapproved.
    pub hooks: Vec<String>,
    /// Storefront slots it renders into.
    pub slots: Vec<String>,
    /// Events it receives once `subscribe:events` is granted.
    pub subscriptions: Vec<String>,
    /// The outbound allowlist in force (an upgrade keeps it; a first
    /// install starts empty: every request refused until the operator adds
    /// hosts).
    pub outbound_allowlist: Vec<String>,
    /// The JSON Schema its settings are validated against.
    pub settings_schema: Option<serde_json::Value>,
    /// The settings stored now (upgrade), kept unless replaced.
    pub current_settings: Option<serde_json::Value>,
    /// Whether the upgrade revokes route and hook approvals (the version
    /// changes).
    pub revokes_approvals: bool,
    /// Manifest warnings.
    pub warnings: Vec<String>,
    /// SHA-256 of the component (for a module with dependency components,
    /// the hash over all of them: `tree_hash`).
    pub component_hash: String,
    /// Its size in bytes (all its components').
    pub component_bytes: usize,
    /// Each component and the permissions it would hold, the main one
    /// first: the module's tree (one entry for most modules).
    pub components: Vec<ComponentGrant>,
    /// Whether the host runs in dev mode (everything asked for is granted).
    pub dev_mode: bool,
}

/// A permission the manifest asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PermissionReview {
    /// The permission.
    pub permission: Permission,
    /// Its risk.
    pub risk: Risk,
    /// What it allows.
    pub summary: String,
    /// Granting it needs the operator's acknowledgement.
    pub requires_acknowledgement: bool,
    /// Granted to the installed version.
    pub granted_now: bool,
    /// The components that would hold it: the module's name for its main
    /// component, `module>dependency` for a dependency it names
    /// (docs/dependencies.md).
    pub paths: Vec<String>,
}

/// One table change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableChangeReview {
    /// What changes.
    pub change: String,
    /// Data would be lost: confirming needs `allow_destructive`.
    pub destructive: bool,
}

impl Lifecycle {
    /// Reviews installing `source` for `tenant`: verifies the manifest,
    /// checks and compiles the component, and plans the table changes
    /// against the installed version. Changes nothing.
    pub async fn review(&self, source: &ModuleSource, tenant: &TenantId) -> Result<InstallReview, InstallError> {
        let verified = verify_manifest(&source.manifest_text, &CORE_VERSION).map_err(InstallError::InvalidManifest)?;
        let manifest = verified.manifest;
        let name = manifest.name.as_str().to_owned();
        let engine = self.engine.clone();
        let checked_manifest = manifest.clone();
        let (component, dependencies) = (source.component.clone(), source.dependencies.clone());
        // Checking and compiling can take seconds: keep it off the async workers.
        let loaded = tokio::task::spawn_blocking(move || {
            let grants = checked_manifest.permissions.clone();
            engine.load_tree(checked_manifest, &component, &dependencies, grants)
        })
        .await
        .map_err(|e| InstallError::Corrupt { module: name.clone(), message: format!("checking the component failed: {e}") })??;
        let components = loaded.component_grants();

        let previous = records::find_install(self.storage.connection(), tenant, &name).await?;
        let (old_tables, granted_now, allowlist, current_settings, installed_version) = match &previous {
            Some(stored) => (
                stored.manifest()?.tables,
                records::parse_permissions(&name, &stored.install.granted)?,
                records::parse_allowlist(&name, &stored.install.outbound_allowlist)?
                    .entries()
                    .iter()
                    .map(ToString::to_string)
                    .collect(),
                serde_json::from_str(&stored.install.settings).ok(),
                Some(stored.version.version.clone()),
            ),
            None => (Vec::new(), BTreeSet::new(), Vec::new(), None, None),
        };
        let plan = TablePlan::between(&old_tables, &manifest.tables);
        let version = manifest.version.to_string();
        Ok(InstallReview {
            tenant: tenant.to_string(),
            module: name,
            description: manifest.description.clone(),
            revokes_approvals: installed_version.as_ref().is_some_and(|installed| *installed != version),
            installed_version,
            version,
            permissions: manifest
                .permissions
                .iter()
                .map(|&permission| PermissionReview {
                    permission,
                    risk: permission.risk(),
                    summary: permission.summary().to_owned(),
                    requires_acknowledgement: permission.requires_acknowledgement(),
                    granted_now: granted_now.contains(&permission),
                    paths: components
                        .iter()
                        .filter(|component| component.granted.contains(&permission))
                        .map(|component| component.path.clone())
                        .collect(),
                })
                .collect(),
            tables: plan
                .steps
                .iter()
                .map(|step| TableChangeReview { change: step.describe(), destructive: step.is_destructive() })
                .collect(),
            routes: manifest.routes.iter().map(route_subject).collect(),
            hooks: manifest.hooks.iter().map(|hook| hook.subject()).collect(),
            slots: manifest.slots.iter().map(|slot| slot.as_str().to_owned()).collect(),
            subscriptions: manifest.subscriptions.iter().map(ToString::to_string).collect(),
            outbound_allowlist: allowlist,
            settings_schema: manifest.settings_schema.clone(),
            current_settings,
            warnings: verified.warnings.iter().map(ToString::to_string).collect(),
            component_hash: hex::encode(loaded.content_hash()),
            component_bytes: source.component.len() + source.dependencies.values().map(Vec::len).sum::<usize>(),
            components,
            dev_mode: self.dev_mode(),
        })
    }
}
