//! The seam between the engine and the capabilities: the [`Capability`]
//! trait every capability implements, the [`CapabilityRegistry`] of those a
//! host offers, and the [`CapabilityView`] a capability's host functions
//! run on.
//!
//! In the spirit of Spin's factors, each capability owns its state at two
//! levels: what it keeps **per loaded module** (computed once, at load: the
//! declared tables, a provider handle, an allowlist) and **per invocation**
//! (built when the store is: the SQL session, a WASI context). The engine
//! stores both type-erased and hands a capability back only its own part
//! of the store, next to the [`InvocationCore`] every invocation has. Which
//! permission an interface needs is not said here: it is the contract's
//! fact ([`crate::contract::import_access`]), so the registry links a
//! capability exactly when the contract allows every interface it provides.

use std::any::{Any, TypeId};
use std::collections::BTreeSet;
use std::sync::Arc;

use modgate_manifest::{Manifest, Permission};
use wasmtime::component::{HasData, Linker};

use crate::contract::{ImportAccess, import_access};
use crate::engine::budget::InvocationContext;
use crate::engine::extensions::Extensions;
use crate::engine::state::{InvocationCore, InvocationState};
use crate::tenant::TenantId;

/// What a capability learns about a module when it is loaded.
#[derive(Debug, Clone, Copy)]
pub struct ModuleFacts<'a> {
    /// The module's name.
    pub name: &'a str,
    /// Its verified manifest.
    pub manifest: &'a Manifest,
    /// The permissions the operator granted.
    pub grants: &'a BTreeSet<Permission>,
}

/// What a capability learns about an invocation when its store is built.
#[derive(Debug, Clone, Copy)]
pub struct InvocationFacts<'a> {
    /// The tenant the invocation runs for.
    pub tenant: &'a TenantId,
    /// Why the module is called.
    pub context: InvocationContext,
    /// When its wall-clock budget runs out.
    pub deadline: std::time::Instant,
    /// What the caller handed along (e.g. the install's database session).
    pub extensions: &'a Extensions,
}

/// One capability the host can link into a module.
///
/// A capability is one folder under `host/src/capabilities/`: this trait's
/// impl in `mod.rs`, the generated `Host` traits implemented on
/// [`CapabilityView`] in `host.rs` (the op budget taken on their first
/// line), its provider trait when an integrator supplies the data, and its
/// tests. Registering it is one line ([`RegistryBuilder::with`]).
pub trait Capability: Send + Sync + Sized + 'static {
    /// What it keeps per loaded module.
    type PerModule: Send + Sync + 'static;
    /// What it keeps per invocation. `Default` is what a host function
    /// gets if the state was never built (the engine builds it for every
    /// linked capability, so only a host bug would leave it out).
    type PerInvocation: Default + Send + 'static;

    /// A short name for messages, e.g. `products`.
    const NAME: &'static str;

    /// The interfaces it links, as `package/interface` without version,
    /// e.g. `modgate:commerce/products`. Every one must be in the contract.
    const INTERFACES: &'static [&'static str];

    /// Adds its interfaces to `linker`; host functions reach their state
    /// with [`InvocationState::view`].
    fn add_to_linker(linker: &mut Linker<InvocationState>) -> wasmtime::Result<()>;

    /// Its state for a module being loaded.
    fn per_module(&self, module: &ModuleFacts<'_>) -> Self::PerModule;

    /// Its state for one invocation.
    fn per_invocation(module: &Self::PerModule, invocation: &InvocationFacts<'_>) -> Self::PerInvocation;

    /// Called when the invocation's call has ended, before the outcome is
    /// reported (e.g. to move captured output into the module log).
    fn finish(_state: &mut Self::PerInvocation, _core: &mut InvocationCore) {}
}

/// The [`HasData`] marker of a capability's host functions: they are
/// implemented on [`CapabilityView`] of that capability.
pub struct Via<C>(std::marker::PhantomData<C>);

impl<C: Capability> HasData for Via<C> {
    type Data<'a> = CapabilityView<'a, C>;
}

/// What a capability's host function runs on: everything every
/// invocation has, and this capability's own state — nothing else.
pub struct CapabilityView<'a, C: Capability> {
    /// The invocation: module, tenant, context, op budget, log, memory,
    /// resource table.
    pub core: &'a mut InvocationCore,
    /// This capability's per-module state (`None` only if the capability
    /// is not linked for the module, which its host functions never see).
    pub module: Option<&'a C::PerModule>,
    /// This capability's per-invocation state.
    pub state: &'a mut C::PerInvocation,
}

/// A capability with its types erased, as the registry keeps it.
pub(crate) trait ErasedCapability: Send + Sync {
    fn name(&self) -> &'static str;
    fn interfaces(&self) -> &'static [&'static str];
    fn add_to_linker(&self, linker: &mut Linker<InvocationState>) -> wasmtime::Result<()>;
    fn module_slot(&self, module: &ModuleFacts<'_>) -> ModuleSlot;
}

impl<C: Capability> ErasedCapability for C {
    fn name(&self) -> &'static str {
        C::NAME
    }

    fn interfaces(&self) -> &'static [&'static str] {
        C::INTERFACES
    }

    fn add_to_linker(&self, linker: &mut Linker<InvocationState>) -> wasmtime::Result<()> {
        C::add_to_linker(linker)
    }

    fn module_slot(&self, module: &ModuleFacts<'_>) -> ModuleSlot {
        ModuleSlot {
            capability: TypeId::of::<C>(),
            state: Arc::new(Capability::per_module(self, module)),
            per_invocation: |state, facts| match state.downcast_ref::<C::PerModule>() {
                Some(state) => Box::new(C::per_invocation(state, facts)),
                None => Box::new(C::PerInvocation::default()),
            },
            finish: |state, core| {
                if let Some(state) = state.downcast_mut::<C::PerInvocation>() {
                    C::finish(state, core);
                }
            },
        }
    }
}

/// One linked capability's per-module state, and how to build and finish
/// its per-invocation state.
pub(crate) struct ModuleSlot {
    pub capability: TypeId,
    pub state: Arc<dyn Any + Send + Sync>,
    pub per_invocation: fn(&(dyn Any + Send + Sync), &InvocationFacts<'_>) -> Box<dyn Any + Send>,
    pub finish: fn(&mut (dyn Any + Send), &mut InvocationCore),
}

/// A registered capability and the interfaces' access, read once from the
/// contract.
struct Registered {
    capability: Box<dyn ErasedCapability>,
    /// The permissions its interfaces need (empty: always linked).
    needs: BTreeSet<Permission>,
}

/// The capabilities a host offers.
pub struct CapabilityRegistry {
    capabilities: Vec<Registered>,
}

/// Why a capability cannot be registered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistryError {
    /// It names an interface the contract does not have.
    #[error("capability {capability}: interface {interface} is not part of the contract (host/src/contract)")]
    UnknownInterface {
        /// The capability.
        capability: &'static str,
        /// The interface.
        interface: &'static str,
    },
    /// Two capabilities provide the same interface.
    #[error("capabilities {first} and {second} both provide {interface}")]
    Duplicate {
        /// The interface.
        interface: &'static str,
        /// The one registered first.
        first: &'static str,
        /// The other.
        second: &'static str,
    },
}

/// Builds a [`CapabilityRegistry`], one capability per line.
#[derive(Default)]
pub struct RegistryBuilder {
    capabilities: Vec<Box<dyn ErasedCapability>>,
}

impl RegistryBuilder {
    /// Adds a capability.
    pub fn with(mut self, capability: impl Capability) -> Self {
        self.capabilities.push(Box::new(capability));
        self
    }

    /// Checks every interface against the contract and builds the registry.
    pub fn build(self) -> Result<CapabilityRegistry, RegistryError> {
        let mut capabilities: Vec<Registered> = Vec::new();
        for capability in self.capabilities {
            let mut needs = BTreeSet::new();
            for &interface in capability.interfaces() {
                match import_access(interface) {
                    Some(ImportAccess::Permission(permission)) => {
                        needs.insert(permission);
                    }
                    Some(ImportAccess::Always | ImportAccess::Inert) => {}
                    None => {
                        return Err(RegistryError::UnknownInterface {
                            capability: capability.name(),
                            interface,
                        });
                    }
                }
                if let Some(first) = capabilities.iter().find(|r| r.capability.interfaces().contains(&interface)) {
                    return Err(RegistryError::Duplicate {
                        interface,
                        first: first.capability.name(),
                        second: capability.name(),
                    });
                }
            }
            capabilities.push(Registered { capability, needs });
        }
        Ok(CapabilityRegistry { capabilities })
    }
}

impl CapabilityRegistry {
    /// Starts a registry.
    pub fn builder() -> RegistryBuilder {
        RegistryBuilder::default()
    }

    /// The name of the capability providing `interface` (no version), if any.
    pub fn provider_of(&self, interface: &str) -> Option<&'static str> {
        self.capabilities
            .iter()
            .find(|r| r.capability.interfaces().contains(&interface))
            .map(|r| r.capability.name())
    }

    /// Whether the host offers `permission`: some capability is unlocked by
    /// it, or it unlocks only exports the host itself calls (`subscribe:events`).
    pub fn offers(&self, permission: Permission) -> bool {
        crate::contract::unlocks_only_exports(permission)
            || self.capabilities.iter().any(|r| r.needs.contains(&permission))
    }

    /// Every interface some capability provides.
    pub fn interfaces(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.capabilities.iter().flat_map(|r| r.capability.interfaces().iter().copied())
    }

    /// The capabilities a module with these grants gets: those whose every
    /// interface the contract allows under the grants — nothing else.
    pub(crate) fn linked_for<'a>(
        &'a self,
        grants: &'a BTreeSet<Permission>,
    ) -> impl Iterator<Item = &'a dyn ErasedCapability> + 'a {
        self.capabilities
            .iter()
            .filter(move |r| r.needs.is_subset(grants))
            .map(|r| r.capability.as_ref())
    }
}

impl std::fmt::Debug for CapabilityRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.capabilities.iter().map(|r| r.capability.name()))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A capability linking nothing, naming `INTERFACES`.
    macro_rules! dummy {
        ($name:ident, $interfaces:expr) => {
            struct $name;

            impl Capability for $name {
                type PerModule = ();
                type PerInvocation = ();
                const NAME: &'static str = stringify!($name);
                const INTERFACES: &'static [&'static str] = $interfaces;

                fn add_to_linker(_linker: &mut Linker<InvocationState>) -> wasmtime::Result<()> {
                    Ok(())
                }

                fn per_module(&self, _module: &ModuleFacts<'_>) {}

                fn per_invocation(_module: &(), _invocation: &InvocationFacts<'_>) {}
            }
        };
    }

    dummy!(Backdoor, &["acme:evil/backdoor"]);
    dummy!(LogOne, &["modgate:host/log"]);
    dummy!(LogTwo, &["modgate:host/log"]);
    dummy!(Tables, &["modgate:host/tables"]);

    #[test]
    fn an_interface_outside_the_contract_is_refused() {
        let error = CapabilityRegistry::builder().with(Backdoor).build().err();
        assert_eq!(
            error,
            Some(RegistryError::UnknownInterface { capability: "Backdoor", interface: "acme:evil/backdoor" })
        );
    }

    #[test]
    fn an_interface_provided_twice_is_refused() {
        let error = CapabilityRegistry::builder().with(LogOne).with(LogTwo).build().err();
        assert_eq!(
            error,
            Some(RegistryError::Duplicate { interface: "modgate:host/log", first: "LogOne", second: "LogTwo" })
        );
    }

    #[test]
    fn a_capability_is_linked_only_when_the_contract_allows_it_under_the_grants() {
        let registry = CapabilityRegistry::builder().with(LogOne).with(Tables).build().unwrap();
        let names = |grants: &[Permission]| -> Vec<&str> {
            let grants: BTreeSet<Permission> = grants.iter().copied().collect();
            registry.linked_for(&grants).map(|c| c.name()).collect()
        };
        assert_eq!(names(&[]), ["LogOne"]);
        assert_eq!(names(&[Permission::WriteOwnTables]), ["LogOne", "Tables"]);
        assert!(registry.offers(Permission::WriteOwnTables));
        assert!(!registry.offers(Permission::EmailSend));
    }
}
