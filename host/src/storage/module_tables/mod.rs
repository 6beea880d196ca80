//! The modules' own tables: where each tenant's copy lives, how it is
//! created and migrated from the manifest, and how drift between the
//! database and the declaration is detected.

mod ddl;
mod drift;
mod physical;
mod plan;
mod roles;

pub use ddl::{ColumnSpec, IndexSpec, column_specs, index_name, index_specs};
pub use drift::{DriftProblem, TableDrift, detect_drift};
pub use physical::{physical_table, scope_for, tenant_schema};
pub use plan::{TablePlan, TableStep, apply_plan, drop_tables};
pub use roles::{ensure_role, module_role, drop_role};
