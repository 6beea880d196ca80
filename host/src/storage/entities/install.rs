//! `modgate_installs`: a module version installed for a tenant, with the
//! operator's decisions (grants, acknowledgements, settings, the outbound
//! allowlist).

use sea_orm::entity::prelude::*;

/// One install: unique per (tenant, module).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "modgate_installs")]
pub struct Model {
    /// ULID.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The tenant.
    pub tenant: String,
    /// The module's name.
    pub module: String,
    /// The installed version (`modgate_module_versions.id`).
    pub version_id: String,
    /// Whether invocations are allowed.
    pub enabled: bool,
    /// The validated settings document (JSON).
    pub settings: String,
    /// Granted permissions (JSON array of permission names).
    pub granted: String,
    /// High-risk permissions the operator acknowledged (JSON array).
    pub acknowledged: String,
    /// First install (RFC 3339 UTC).
    pub installed_at: String,
    /// Last install, upgrade or settings change (RFC 3339 UTC).
    pub updated_at: String,
    /// When an operator last reset the circuit breaker (RFC 3339 UTC).
    pub breaker_reset_at: Option<String>,
    /// When an operator last re-armed the install's hook breakers (RFC 3339 UTC).
    pub hooks_reset_at: Option<String>,
    /// The operator's outbound HTTP allowlist (JSON array; `[]` refuses
    /// every request). Secret names only, never values.
    pub outbound_allowlist: String,
    /// A version a reload prepared that serves nothing until the operator
    /// switches to it (`modgate_module_versions.id`).
    pub staged_version_id: Option<String>,
    /// The permissions the staged version will hold (JSON array): the
    /// install's grants that its manifest still asks for.
    pub staged_granted: Option<String>,
    /// The settings the staged version was activated with (JSON): the
    /// install's settings, completed with the new version's defaults.
    pub staged_settings: Option<String>,
    /// When it was staged (RFC 3339 UTC).
    pub staged_at: Option<String>,
}

/// No relations are navigated from code.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
