//! `modgate:host/tables` (permission `write:own-tables`): parameterised DML
//! against the module's own declared tables, in the invoking tenant's copy.
//! The statement checks live in [`crate::storage::sql_guard`]; execution and
//! limits in [`crate::storage::module_sql`]. Per module it keeps the
//! declared tables; per invocation the install's database session, when the
//! lifecycle hands one over (so `activate`'s writes join the install).

mod host;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use modgate_manifest::TableDecl;
use wasmtime::component::Linker;

use crate::bindings::modgate;
use crate::engine::{Capability, InvocationFacts, InvocationState, ModuleFacts, Via};
use crate::storage::DataSession;
use crate::storage::module_sql::ModuleTables;

/// The tables capability, built with the host's module-tables service.
#[derive(Clone, Default)]
pub struct Tables {
    service: Option<Arc<ModuleTables>>,
}

impl Tables {
    /// Runs statements through `service`; `None`: every call answers `not-available`.
    pub fn new(service: Option<Arc<ModuleTables>>) -> Self {
        Tables { service }
    }
}

/// What the capability keeps per loaded module.
pub struct TablesOfModule {
    service: Option<Arc<ModuleTables>>,
    module: Arc<str>,
    declared: Arc<[TableDecl]>,
}

/// What it keeps per invocation.
#[derive(Default)]
pub struct TablesSession {
    session: Option<DataSession>,
}

impl Capability for Tables {
    type PerModule = TablesOfModule;
    type PerInvocation = TablesSession;

    const NAME: &'static str = "tables";
    const INTERFACES: &'static [&'static str] = &["modgate:host/tables"];

    fn add_to_linker(linker: &mut Linker<InvocationState>) -> wasmtime::Result<()> {
        modgate::host::tables::add_to_linker::<_, Via<Self>>(linker, InvocationState::view::<Self>)
    }

    fn per_module(&self, module: &ModuleFacts<'_>) -> TablesOfModule {
        TablesOfModule {
            service: self.service.clone(),
            module: Arc::from(module.name),
            declared: module.manifest.tables.clone().into(),
        }
    }

    fn per_invocation(_module: &TablesOfModule, invocation: &InvocationFacts<'_>) -> TablesSession {
        TablesSession {
            session: invocation.extensions.get::<DataSession>().cloned(),
        }
    }
}
