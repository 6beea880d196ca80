//! `modgate_version_dependencies`: the dependency components of a stored
//! version (docs/dependencies.md), so any node can load the whole tree.

use sea_orm::entity::prelude::*;

/// One dependency component of one version.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "modgate_version_dependencies")]
pub struct Model {
    /// The version (`modgate_module_versions.id`).
    #[sea_orm(primary_key, auto_increment = false)]
    pub version_id: String,
    /// The dependency's name (`[dependencies.<name>]`).
    #[sea_orm(primary_key, auto_increment = false)]
    pub name: String,
    /// SHA-256 of the component, hex.
    pub component_hash: String,
    /// The component bytes.
    pub component: Vec<u8>,
}

/// No relations are navigated from code.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
