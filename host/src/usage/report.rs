//! The least-privilege report: which declared permissions an install
//! actually used in the last days, and the `permissions = [...]` line that
//! keeps only those. Read from `modgate_usage_calls`, so it sees what was
//! flushed, from every host node.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use modgate_manifest::{Manifest, Permission};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::Serialize;

use super::keys::{self, day_text, unix_day};
use super::operations::permission_of_operation;
use super::paths::{PathUse, usage_by_path};
use crate::storage::entities::usage_call;
use crate::storage::{Storage, StorageError};
use crate::tenant::TenantId;

/// What an install used of what it declared.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LeastPrivilegeReport {
    /// The tenant.
    pub tenant: String,
    /// The module.
    pub module: String,
    /// How many UTC days were looked at, today included.
    pub window_days: u32,
    /// The first day looked at (`YYYY-MM-DD`, RFC 3339 full-date).
    pub since: String,
    /// The permissions the install holds, in catalog order.
    pub declared: Vec<Permission>,
    /// The permissions it used, in catalog order, with their operations.
    pub used: Vec<PermissionUse>,
    /// Declared but never used in the window.
    pub unused: Vec<Permission>,
    /// What it needs: every used permission (also one found used without
    /// being declared, which linking should have made impossible).
    pub minimal_permissions: Vec<Permission>,
    /// The manifest line to paste, e.g.
    /// `permissions = ["read:products", "write:own-tables"]`.
    pub minimal_manifest_line: String,
    /// For a module with dependency components, each component's holdings
    /// and use, the main component first (docs/dependencies.md); empty
    /// otherwise.
    pub paths: Vec<PathUse>,
}

/// One permission's use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PermissionUse {
    /// The permission.
    pub permission: Permission,
    /// Calls of its operations, summed.
    pub calls: u64,
    /// Its operations that were called, by name.
    pub operations: Vec<OperationUse>,
}

/// One operation's calls.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OperationUse {
    /// The operation, e.g. `products.get`.
    pub operation: String,
    /// Calls, refused ones included.
    pub calls: u64,
}

/// The report for `module` of `tenant` over the last `window_days` UTC
/// days (today included; 0 counts as 1), given the permissions the install
/// declares.
pub async fn least_privilege(
    storage: &Storage,
    tenant: &TenantId,
    module: &str,
    declared: &BTreeSet<Permission>,
    window_days: u32,
) -> Result<LeastPrivilegeReport, StorageError> {
    least_privilege_at(storage, tenant, module, declared, window_days, keys::now()).await
}

/// [`least_privilege`] with the window ending on `now`'s day.
pub async fn least_privilege_at(
    storage: &Storage,
    tenant: &TenantId,
    module: &str,
    declared: &BTreeSet<Permission>,
    window_days: u32,
    now: DateTime<Utc>,
) -> Result<LeastPrivilegeReport, StorageError> {
    let window_days = window_days.max(1);
    let since = day_text(unix_day(now) - i64::from(window_days - 1));
    let rows = usage_call::Entity::find()
        .filter(usage_call::Column::Tenant.eq(tenant.as_str()))
        .filter(usage_call::Column::Module.eq(module))
        .filter(usage_call::Column::Day.gte(since.as_str()))
        .all(storage.connection())
        .await
        .map_err(StorageError::db(format!(
            "reading the usage of {module} for {tenant}"
        )))?;
    let mut calls: BTreeMap<Permission, BTreeMap<String, u64>> = BTreeMap::new();
    for row in rows {
        // The stored permission is what the flush derived; an operation
        // whose permission is no longer in the catalog cannot be reported.
        let Some(permission) = row
            .permission
            .parse()
            .ok()
            .or_else(|| permission_of_operation(&row.operation))
        else {
            continue;
        };
        let count = calls
            .entry(permission)
            .or_default()
            .entry(row.operation)
            .or_default();
        *count = count.saturating_add(u64::try_from(row.calls).unwrap_or(0));
    }
    let used: Vec<PermissionUse> = calls
        .into_iter()
        .map(|(permission, operations)| PermissionUse {
            permission,
            calls: operations
                .values()
                .fold(0u64, |sum, calls| sum.saturating_add(*calls)),
            operations: operations
                .into_iter()
                .map(|(operation, calls)| OperationUse { operation, calls })
                .collect(),
        })
        .collect();
    let minimal_permissions: Vec<Permission> = used.iter().map(|used| used.permission).collect();
    Ok(LeastPrivilegeReport {
        tenant: tenant.as_str().to_owned(),
        module: module.to_owned(),
        window_days,
        since,
        declared: declared.iter().copied().collect(),
        unused: declared
            .iter()
            .copied()
            .filter(|p| !minimal_permissions.contains(p))
            .collect(),
        minimal_manifest_line: manifest_line(&minimal_permissions),
        minimal_permissions,
        used,
        paths: Vec::new(),
    })
}

impl LeastPrivilegeReport {
    /// This report with the use of each component of `manifest`'s tree
    /// (nothing changes for a module without dependency components).
    pub async fn with_paths(mut self, storage: &Storage, tenant: &TenantId, manifest: &Manifest) -> Result<Self, StorageError> {
        if !manifest.dependencies.is_empty() {
            self.paths = usage_by_path(storage, tenant, manifest, &self.since, &self.used).await?;
        }
        Ok(self)
    }
}

/// `permissions = ["a", "b"]`, as `module.toml` writes it.
fn manifest_line(permissions: &[Permission]) -> String {
    let quoted: Vec<String> = permissions.iter().map(|p| format!("\"{p}\"")).collect();
    format!("permissions = [{}]", quoted.join(", "))
}

impl LeastPrivilegeReport {
    /// The report for a terminal: what was used (calls per operation), what
    /// was declared but not used, and the line to paste.
    pub fn render(&self) -> String {
        let days = self.window_days;
        let mut out = format!(
            "{} for tenant {}, last {days} days (since {}):\n",
            self.module, self.tenant, self.since
        );
        if self.used.is_empty() {
            out.push_str("used: nothing\n");
        } else {
            out.push_str("used:\n");
        }
        for used in &self.used {
            let operations: Vec<String> = used
                .operations
                .iter()
                .map(|o| format!("{} {}", o.operation, o.calls))
                .collect();
            let undeclared = if self.declared.contains(&used.permission) {
                ""
            } else {
                " — used but not declared"
            };
            let _ = writeln!(
                out,
                "  {}: {} ({}){undeclared}",
                used.permission,
                calls(used.calls),
                operations.join(", ")
            );
        }
        if self.unused.is_empty() {
            let _ = writeln!(
                out,
                "every declared permission was used in the last {days} days"
            );
        } else {
            let unused: Vec<&str> = self.unused.iter().map(|p| p.as_str()).collect();
            let _ = writeln!(
                out,
                "declared but never used in the last {days} days: {}",
                unused.join(", ")
            );
            out.push_str(
                "(a section that needs a removed permission, such as [[tables]] or subscriptions, must go too; `modgate verify` checks the result)\n",
            );
        }
        let _ = write!(
            out,
            "minimal manifest line:\n{}\n",
            self.minimal_manifest_line
        );
        if !self.paths.is_empty() {
            out.push_str("by component:\n");
        }
        for path in &self.paths {
            let holds: Vec<&str> = path.holds.iter().map(|p| p.as_str()).collect();
            let holds = if holds.is_empty() { "nothing".to_owned() } else { holds.join(", ") };
            let _ = writeln!(out, "  {} holds {holds}", path.path);
            for used in &path.used {
                let operations: Vec<String> = used.operations.iter().map(|o| format!("{} {}", o.operation, o.calls)).collect();
                let _ = writeln!(out, "    used {}: {} ({})", used.permission, calls(used.calls), operations.join(", "));
            }
            if !path.unused.is_empty() {
                let unused: Vec<&str> = path.unused.iter().map(|p| p.as_str()).collect();
                let _ = writeln!(out, "    never used: {}", unused.join(", "));
            }
        }
        out
    }
}

fn calls(count: u64) -> String {
    if count == 1 {
        "1 call".to_owned()
    } else {
        format!("{count} calls")
    }
}
