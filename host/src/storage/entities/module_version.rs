//! `modgate_module_versions`: each distinct (module, version) with its
//! manifest and component, so any node can load it again.

use sea_orm::entity::prelude::*;

/// One version of a module.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "modgate_module_versions")]
pub struct Model {
    /// ULID.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The module's name.
    pub module: String,
    /// Its semver version.
    pub version: String,
    /// The verified `module.toml` text.
    pub manifest: String,
    /// SHA-256 of the component, hex.
    pub component_hash: String,
    /// The component bytes.
    pub component: Vec<u8>,
    /// Key of the compiled artifact: content hash plus the engine's
    /// compatibility fingerprint (wasmtime version and settings).
    pub artifact_key: String,
    /// When this version was first stored (RFC 3339 UTC).
    pub created_at: String,
}

/// No relations are navigated from code.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
