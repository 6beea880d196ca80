//! One linker per distinct grant set: modules with the same grants share it.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use modgate_manifest::Permission;
use wasmtime::component::Linker;

use crate::engine::InvocationState;
use crate::engine::capability::CapabilityRegistry;
use crate::sync::lock;

/// Linkers keyed by grant set.
#[derive(Default)]
pub(crate) struct LinkerCache {
    linkers: Mutex<HashMap<BTreeSet<Permission>, Arc<Linker<InvocationState>>>>,
}

impl LinkerCache {
    /// The linker holding exactly the always-available capabilities and
    /// those of `grants`.
    pub fn get_or_build(
        &self,
        grants: &BTreeSet<Permission>,
        registry: &CapabilityRegistry,
        engine: &wasmtime::Engine,
    ) -> wasmtime::Result<Arc<Linker<InvocationState>>> {
        let mut linkers = lock(&self.linkers);
        if let Some(found) = linkers.get(grants) {
            return Ok(found.clone());
        }
        let mut linker = Linker::new(engine);
        for capability in registry.linked_for(grants) {
            capability.add_to_linker(&mut linker)?;
        }
        let linker = Arc::new(linker);
        linkers.insert(grants.clone(), linker.clone());
        Ok(linker)
    }
}
