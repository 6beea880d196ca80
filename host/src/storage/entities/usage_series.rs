//! `modgate_usage_series`: what one install's invocations cost in one UTC
//! minute, summed over every flush and host node. The latency histogram of
//! the same minute is in [`super::usage_latency`].

use sea_orm::entity::prelude::*;

/// One install's invocations in one minute.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "modgate_usage_series")]
pub struct Model {
    /// The tenant.
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant: String,
    /// The module.
    #[sea_orm(primary_key, auto_increment = false)]
    pub module: String,
    /// The UTC minute, `YYYY-MM-DDTHH:MMZ`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub minute: String,
    /// Invocations that ended in the minute.
    pub invocations: i64,
    /// Those that failed.
    pub errors: i64,
    /// Wasm instructions executed, summed.
    pub fuel: i64,
    /// Capability operations taken, summed.
    pub ops: i64,
    /// The most one invocation held at once (the maximum, not a sum).
    pub memory_peak_bytes: i64,
}

/// No relations are navigated from code.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
