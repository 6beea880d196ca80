//! `modgate_tenants`: the tenants modules are installed for.

use sea_orm::entity::prelude::*;

/// A tenant.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "modgate_tenants")]
pub struct Model {
    /// The tenant id (a lowercase slug).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// When the tenant was first seen (RFC 3339 UTC).
    pub created_at: String,
}

/// No relations are navigated from code.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
