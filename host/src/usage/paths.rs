//! The least-privilege report by component, for a module with dependency
//! components: which permissions each path holds (a permission a
//! dependency names is that dependency's alone) against those it used.
//! The dependencies' calls are read from `modgate_usage_path_calls`; the
//! main component's are the install's totals minus those.

use std::collections::{BTreeMap, BTreeSet};

use modgate_manifest::{Manifest, Permission};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::Serialize;

use super::operations::permission_of_operation;
use super::report::{OperationUse, PermissionUse};
use crate::storage::entities::usage_path_call;
use crate::storage::{Storage, StorageError};
use crate::tenant::TenantId;

/// One component's use of what it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PathUse {
    /// The module's name for the main component, `module>dependency>…`
    /// (the chain of calls that reached it) for a dependency.
    pub path: String,
    /// The permissions the manifest gives this component.
    pub holds: Vec<Permission>,
    /// What it used, in catalog order, with the operations.
    pub used: Vec<PermissionUse>,
    /// Held but never used in the window.
    pub unused: Vec<Permission>,
}

/// Calls per permission and operation.
type Calls = BTreeMap<Permission, BTreeMap<String, u64>>;

/// Each component's use since `since` (a `YYYY-MM-DD` day), given the
/// install's `totals`: the main component first, then every path a
/// dependency was called through, then the dependencies never called.
pub(crate) async fn usage_by_path(
    storage: &Storage,
    tenant: &TenantId,
    manifest: &Manifest,
    since: &str,
    totals: &[PermissionUse],
) -> Result<Vec<PathUse>, StorageError> {
    let module = manifest.name.as_str();
    let rows = usage_path_call::Entity::find()
        .filter(usage_path_call::Column::Tenant.eq(tenant.as_str()))
        .filter(usage_path_call::Column::Module.eq(module))
        .filter(usage_path_call::Column::Day.gte(since))
        .all(storage.connection())
        .await
        .map_err(StorageError::db(format!("reading the usage by component of {module} for {tenant}")))?;
    let mut by_path: BTreeMap<String, Calls> = BTreeMap::new();
    for row in rows {
        let Some(permission) = row.permission.parse().ok().or_else(|| permission_of_operation(&row.operation)) else {
            continue;
        };
        let count = by_path.entry(row.path).or_default().entry(permission).or_default().entry(row.operation).or_default();
        *count = count.saturating_add(u64::try_from(row.calls).unwrap_or(0));
    }

    let mut main: Calls = totals
        .iter()
        .map(|used| (used.permission, used.operations.iter().map(|o| (o.operation.clone(), o.calls)).collect()))
        .collect();
    for calls in by_path.values() {
        for (permission, operations) in calls {
            for (operation, count) in operations {
                if let Some(total) = main.get_mut(permission).and_then(|ops| ops.get_mut(operation)) {
                    *total = total.saturating_sub(*count);
                }
            }
        }
    }

    let holdings = |name: Option<&str>| -> BTreeSet<Permission> {
        match name {
            None => manifest.main_permissions(),
            Some(name) => manifest
                .dependencies
                .iter()
                .find(|d| d.name.as_str() == name)
                .map(|d| d.permissions.clone())
                .unwrap_or_default(),
        }
    };
    let mut paths = vec![path_use(module.to_owned(), holdings(None), main)];
    let mut called = BTreeSet::new();
    for (path, calls) in by_path {
        let name = path.rsplit('>').next().unwrap_or_default().to_owned();
        paths.push(path_use(path, holdings(Some(&name)), calls));
        called.insert(name);
    }
    for dependency in manifest.dependencies.iter().filter(|d| !called.contains(d.name.as_str())) {
        let path = format!("{module}>{}", dependency.name.as_str());
        paths.push(path_use(path, dependency.permissions.clone(), Calls::new()));
    }
    Ok(paths)
}

fn path_use(path: String, holds: BTreeSet<Permission>, calls: Calls) -> PathUse {
    let used: Vec<PermissionUse> = calls
        .into_iter()
        .map(|(permission, operations)| {
            let operations: Vec<OperationUse> = operations
                .into_iter()
                .filter(|(_, calls)| *calls > 0)
                .map(|(operation, calls)| OperationUse { operation, calls })
                .collect();
            let calls = operations.iter().fold(0u64, |sum, o| sum.saturating_add(o.calls));
            PermissionUse { permission, calls, operations }
        })
        .filter(|used| used.calls > 0)
        .collect();
    let unused = holds.iter().copied().filter(|p| !used.iter().any(|u| u.permission == *p)).collect();
    PathUse { path, holds: holds.into_iter().collect(), used, unused }
}
