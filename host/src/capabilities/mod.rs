//! Capabilities: one folder each, behind one trait.
//!
//! A capability owns its WIT interface's host implementation (the generated
//! `Host` trait on [`InvocationState`], with its call-time checks as the
//! first lines of each function), its provider trait when the host
//! integrator supplies the data, and how it joins the linker. The engine
//! knows only [`Capability`]; adding one means a new folder and one line in
//! [`builtin`].

pub mod categories;
pub mod contract_types;
pub mod customers;
pub mod http_types;
pub mod log;
pub mod orders;
pub mod products;
pub mod provider;
pub mod tables;
pub mod wasi;

use modgate_manifest::Permission;
use wasmtime::component::Linker;

use crate::engine::InvocationState;

/// Who may use a capability.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Availability {
    /// Every module (log, clocks, random, the inert WASI set).
    Always,
    /// Modules granted this permission.
    Granted(Permission),
}

/// One capability the host can link into a module's linker.
pub trait Capability: Send + Sync + 'static {
    /// A short name for messages, e.g. `products`.
    fn name(&self) -> &'static str;

    /// Who may use it.
    fn availability(&self) -> Availability;

    /// Whether it provides the interface `package/interface` (no version),
    /// e.g. `modgate:commerce/products`.
    fn provides(&self, interface: &str) -> bool;

    /// Adds its interfaces to `linker`.
    fn add_to_linker(&self, linker: &mut Linker<InvocationState>) -> wasmtime::Result<()>;
}

/// The capabilities a host offers.
pub struct CapabilityRegistry {
    capabilities: Vec<Box<dyn Capability>>,
}

impl CapabilityRegistry {
    /// A registry with no capabilities at all.
    pub fn empty() -> Self {
        CapabilityRegistry {
            capabilities: Vec::new(),
        }
    }

    /// Adds a capability (host integrators may add their own).
    pub fn register(&mut self, capability: impl Capability) -> &mut Self {
        self.capabilities.push(Box::new(capability));
        self
    }

    /// The capability providing `interface`, if any.
    pub fn provider_of(&self, interface: &str) -> Option<&dyn Capability> {
        self.capabilities
            .iter()
            .map(|c| c.as_ref())
            .find(|c| c.provides(interface))
    }

    /// Whether some capability is unlocked by `permission`.
    pub fn offers(&self, permission: Permission) -> bool {
        self.capabilities
            .iter()
            .any(|c| c.availability() == Availability::Granted(permission))
    }

    /// The capabilities a module with these grants gets: the always-available
    /// ones and those of granted permissions — nothing else.
    pub fn linked_for<'a>(
        &'a self,
        grants: &'a std::collections::BTreeSet<Permission>,
    ) -> impl Iterator<Item = &'a dyn Capability> + 'a {
        self.capabilities
            .iter()
            .map(|c| c.as_ref())
            .filter(move |c| match c.availability() {
                Availability::Always => true,
                Availability::Granted(p) => grants.contains(&p),
            })
    }
}

impl Default for CapabilityRegistry {
    /// The built-in capabilities ([`builtin`]).
    fn default() -> Self {
        builtin()
    }
}

impl std::fmt::Debug for CapabilityRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.capabilities.iter().map(|c| c.name()))
            .finish()
    }
}

/// Every built-in capability: one registration line each.
pub fn builtin() -> CapabilityRegistry {
    let mut registry = CapabilityRegistry::empty();
    registry
        .register(wasi::Wasi)
        .register(contract_types::ContractTypes)
        .register(http_types::HttpTypes)
        .register(log::Log)
        .register(products::Products)
        .register(categories::Categories)
        .register(orders::Orders)
        .register(customers::Customers)
        .register(tables::Tables);
    registry
}
