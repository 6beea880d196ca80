//! `modgate_usage_latency`: one bucket of one install's latency histogram in
//! one UTC minute (only non-empty buckets have a row). The bucket bounds are
//! `crate::usage::LATENCY_BUCKET_BOUNDS_US`.

use sea_orm::entity::prelude::*;

/// Invocations of one minute whose latency fell into one bucket.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "modgate_usage_latency")]
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
    /// The bucket's index: 0 is the fastest, the last holds everything past
    /// the last bound.
    #[sea_orm(primary_key, auto_increment = false)]
    pub bucket: i32,
    /// Invocations in the bucket.
    pub invocations: i64,
}

/// No relations are navigated from code.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
