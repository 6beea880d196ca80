//! `modgate_approvals`: routes and hooks the operator approved for one
//! installed version (a new version starts with none).

use sea_orm::entity::prelude::*;

/// One approval.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "modgate_approvals")]
pub struct Model {
    /// ULID.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The install it belongs to (`modgate_installs.id`).
    pub install_id: String,
    /// The version it was given for (`modgate_module_versions.id`).
    pub version_id: String,
    /// `route` or `hook`.
    pub kind: String,
    /// What was approved, e.g. `GET /items` or `product.before-update`.
    pub subject: String,
    /// Who approved it.
    pub approved_by: String,
    /// When (RFC 3339 UTC).
    pub approved_at: String,
}

/// No relations are navigated from code.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
