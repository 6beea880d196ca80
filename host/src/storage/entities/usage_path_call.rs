//! `modgate_usage_path_calls`: for a module with dependency components,
//! how often each component path (`wishlist>fetcher`) called each
//! capability operation on one UTC day. Written by the usage recorder's
//! flush beside `modgate_usage_calls`, read by the least-privilege report
//! by path.

use sea_orm::entity::prelude::*;

/// Calls of one operation by one component path on one day.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "modgate_usage_path_calls")]
pub struct Model {
    /// The tenant.
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant: String,
    /// The module.
    #[sea_orm(primary_key, auto_increment = false)]
    pub module: String,
    /// The component path that made the calls: the module's name for the
    /// main component, `module>dependency>…` for a dependency.
    #[sea_orm(primary_key, auto_increment = false)]
    pub path: String,
    /// The permission the operation needs.
    #[sea_orm(primary_key, auto_increment = false)]
    pub permission: String,
    /// The operation, e.g. `outgoing-handler.handle`.
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
