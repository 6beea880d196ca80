//! `modgate_modules`: every module the host has seen, by name.

use sea_orm::entity::prelude::*;

/// A module name.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "modgate_modules")]
pub struct Model {
    /// The module's name (from its manifest).
    #[sea_orm(primary_key, auto_increment = false)]
    pub name: String,
    /// When it was first installed anywhere (RFC 3339 UTC).
    pub created_at: String,
}

/// No relations are navigated from code.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
