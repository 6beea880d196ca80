//! `modgate_usage_calls`: how often an install called each capability
//! operation on one UTC day, with the permission that unlocked it. Written
//! by the usage recorder's flush (adding to the row), read by the
//! least-privilege report.

use sea_orm::entity::prelude::*;

/// Calls of one operation by one install on one day.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "modgate_usage_calls")]
pub struct Model {
    /// The tenant.
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant: String,
    /// The module.
    #[sea_orm(primary_key, auto_increment = false)]
    pub module: String,
    /// The permission the operation needs, e.g. `read:products`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub permission: String,
    /// The operation, e.g. `products.get` (`event-handler.deliver` for an
    /// event delivered to the module).
    #[sea_orm(primary_key, auto_increment = false)]
    pub operation: String,
    /// The UTC day, `YYYY-MM-DD`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub day: String,
    /// Calls, refused ones included.
    pub calls: i64,
}

/// No relations are navigated from code.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
