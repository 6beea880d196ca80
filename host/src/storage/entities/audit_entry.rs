//! `modgate_audit_log`: what operators and modules did, append-only.

use sea_orm::entity::prelude::*;

/// One audit entry.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "modgate_audit_log")]
pub struct Model {
    /// ULID (sorts by time).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// When (RFC 3339 UTC).
    pub at: String,
    /// The tenant concerned, if any.
    pub tenant: Option<String>,
    /// The module concerned, if any.
    pub module: Option<String>,
    /// Who acted: `operator`, or `module:<name>`.
    pub actor: String,
    /// What happened, e.g. `install`, `upgrade`, `uninstall`.
    pub action: String,
    /// Details (JSON).
    pub detail: String,
}

/// No relations are navigated from code.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
