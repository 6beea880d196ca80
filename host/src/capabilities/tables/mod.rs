//! `modgate:host/tables` (permission `write:own-tables`): parameterised DML
//! against the module's own declared tables, in the invoking tenant's copy.
//! The statement checks live in [`crate::storage::sql_guard`]; execution and
//! limits in [`crate::storage::module_sql`].

mod host;

use modgate_manifest::Permission;
use wasmtime::component::{HasSelf, Linker};

use crate::bindings::modgate;
use crate::capabilities::{Availability, Capability};
use crate::engine::InvocationState;

/// The tables capability.
#[derive(Debug, Clone, Copy)]
pub struct Tables;

impl Capability for Tables {
    fn name(&self) -> &'static str {
        "tables"
    }

    fn availability(&self) -> Availability {
        Availability::Granted(Permission::WriteOwnTables)
    }

    fn provides(&self, interface: &str) -> bool {
        interface == "modgate:host/tables"
    }

    fn add_to_linker(&self, linker: &mut Linker<InvocationState>) -> wasmtime::Result<()> {
        modgate::host::tables::add_to_linker::<_, HasSelf<_>>(linker, |s| s)
    }
}
