//! The verified manifest. Values of these types only come out of the verifier (or the
//! validating `FromStr` impls), so code holding a [`Manifest`] can rely on every rule.

mod dependency;
mod hook;
mod name;
mod route;
mod slot;
mod subscription;
mod table;

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde::Serialize;

use crate::error::ManifestWarning;
use crate::permission::Permission;

pub use dependency::{DependencyDecl, DependencyName, MAX_DEPENDENCIES};
pub use hook::{HookDecl, HookWhen};
pub use name::ModuleName;
pub use route::{HttpMethod, MAX_ROUTE_PATH_CHARS, RouteDecl};
pub use slot::Slot;
pub use subscription::{CORE_EVENTS, Subscription};
pub use table::{
    AUTO_COLUMNS, ColumnDecl, ColumnType, IndexDecl, MAX_COLUMNS, MAX_IDENTIFIER_CHARS, TableDecl,
};

/// A manifest that passed verification, with the warnings found on the way.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Verified {
    /// The verified manifest.
    pub manifest: Manifest,
    /// Legal but probably unintended things (e.g. a permission nothing uses).
    pub warnings: Vec<ManifestWarning>,
}

/// The content of a verified `module.toml`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Manifest {
    /// The module's name.
    pub name: ModuleName,
    /// The module's own version.
    pub version: semver::Version,
    /// The host core versions the module works with; admits the verifying host's version.
    pub compatible_core: semver::VersionReq,
    /// One-paragraph description shown to operators (at most 500 characters).
    pub description: Option<String>,
    /// The component file, relative to the manifest's folder.
    pub component: Option<PathBuf>,
    /// Requested permissions; the operator grants them at install for the whole module,
    /// dependencies included. [`Manifest::main_permissions`] says which the main component
    /// holds.
    pub permissions: BTreeSet<Permission>,
    /// Dependency components, sorted by name (TOML tables have no order).
    pub dependencies: Vec<DependencyDecl>,
    /// Declared tables, in manifest order.
    pub tables: Vec<TableDecl>,
    /// Storefront slots the module fills, in manifest order.
    pub slots: Vec<Slot>,
    /// HTTP routes the module serves, in manifest order.
    pub routes: Vec<RouteDecl>,
    /// Hooks on the host integrator's entities, in manifest order.
    pub hooks: Vec<HookDecl>,
    /// Events the module receives, in manifest order.
    pub subscriptions: Vec<Subscription>,
    /// JSON Schema (type `object`) of the module's operator-editable settings.
    pub settings_schema: Option<serde_json::Value>,
}

impl Manifest {
    /// Whether the manifest requests `permission`.
    pub fn requests(&self, permission: Permission) -> bool {
        self.permissions.contains(&permission)
    }

    /// The permissions the main component holds: the module's permissions minus every one a
    /// dependency names (a permission a dependency names is that dependency's alone; when
    /// several dependencies name it, each of them holds it and the main component does not).
    pub fn main_permissions(&self) -> BTreeSet<Permission> {
        let delegated: BTreeSet<Permission> = self
            .dependencies
            .iter()
            .flat_map(|dependency| dependency.permissions.iter().copied())
            .collect();
        self.permissions.difference(&delegated).copied().collect()
    }
}
