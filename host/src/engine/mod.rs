//! The engine: compiles components once, links only granted capabilities,
//! and runs every invocation in a fresh instance under its budget. It knows
//! no specific capability (they come through [`Capability`] and the
//! [`CapabilityRegistry`]) and nothing of storage, HTTP or lifecycle
//! (`host/tests/layering.rs`).
//!
//! Lifecycle of a module here:
//! 1. [`Engine::load`] runs [`Engine::check`] (the same check `modgate
//!    verify` runs: surface, counts, compile — cached by content hash —,
//!    link with the linker for its grant set — cached per distinct set —,
//!    export types) and keeps the `InstancePre`, its shares of the host's
//!    capacity and each linked capability's per-module state.
//! 2. Each call ([`LoadedModule::activate`], `render_slot`, `handle_http`,
//!    `handle_hook`, the event calls) is an invocation
//!    (`invocation.rs`): admission, a new store with the context's budget
//!    (fuel, ops, deadline, memory) and the capabilities' per-invocation
//!    state, a new instance, one export call, then everything is dropped.
//!    No state survives between invocations, tenants or customers.

mod admission;
mod artifacts;
mod budget;
pub mod capability;
mod check;
mod compile_cache;
mod config;
mod epoch;
mod events;
mod hooks;
mod error;
mod extensions;
pub mod guest_text;
mod invocation;
mod linker_cache;
mod memory;
mod module;
pub mod module_log;
mod observer;
mod serve;
mod slots;
mod state;
mod tree;

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use modgate_manifest::{Manifest, Permission};
use wasmtime::component::Component;

pub use budget::{Budget, Budgets, InvocationContext, OpCalls, OpsCounter};
pub use capability::{
    Capability, CapabilityRegistry, CapabilityView, InvocationFacts, ModuleFacts, RegistryBuilder, RegistryError, Via,
};
pub use artifacts::{ArtifactRefused, SerializedArtifact};
pub use check::CheckedComponent;
pub use config::{Compiler, EngineConfig};
pub use error::{BusyShare, ErrorCode, GuestLimit, InvocationError, error_code_name};
pub use invocation::Invoked;
#[cfg(test)]
pub(crate) use invocation::classify_host_side;
pub use memory::{ComponentCaps, InvocationMemory, MemoryLimitReached, MemoryLimiter, MemoryUse};
pub use module::{ComponentGrant, LoadedModule};
pub use observer::{InvocationObserver, InvocationObservers, InvocationRecord};
pub use serve::{ModuleRequest, ModuleResponse, NoOutboundHooks};
pub use extensions::{Extensions, InstallSettings};
pub use state::{InvocationCore, InvocationState, LogWriter, OpsBudget};
pub use tree::{DependencyComponents, tree_hash};
pub(crate) use state::InvocationSetup;
pub use crate::tenant::{InvalidTenantId, TenantId};

use crate::verify::ComponentReport;
use admission::Admission;
use epoch::EpochTicker;
use linker_cache::LinkerCache;

/// Why a module could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The component check refused it; the report says why and how to fix it.
    #[error("module {module} refused:\n{report}")]
    Refused {
        /// The module.
        module: String,
        /// The full check report.
        report: Box<ComponentReport>,
    },
    /// A permission was granted that the manifest does not ask for.
    #[error("module {module}: permission {permission} was granted but the manifest does not ask for it")]
    GrantNotRequested {
        /// The module.
        module: String,
        /// The permission.
        permission: Permission,
    },
    /// The host could not build the linker for the grants: a host bug (a
    /// capability failed to add its interfaces), never the component's doing.
    #[error("module {module}: the host could not build its linker (host bug): {message}")]
    Link {
        /// The module.
        module: String,
        /// Wasmtime's explanation.
        message: String,
    },
}

/// Why the engine could not start.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// Wasmtime refused the configuration.
    #[error("invalid engine configuration: {0}")]
    Config(String),
    /// The epoch thread could not be started.
    #[error("starting the epoch ticker: {0}")]
    Ticker(#[from] std::io::Error),
}

/// Runs modules. One per process is typical; cheap to share behind `Arc`.
pub struct Engine {
    shared: Arc<Shared>,
    linkers: LinkerCache,
    components: Mutex<HashMap<[u8; 32], Component>>,
    /// The exports the host calls, as its WIT defines them (built on first use).
    reference: std::sync::OnceLock<Result<wasmtime::component::types::Component, String>>,
    _ticker: EpochTicker,
}

/// What loaded modules keep a handle on.
pub(crate) struct Shared {
    pub wasmtime: wasmtime::Engine,
    pub config: EngineConfig,
    pub registry: CapabilityRegistry,
    pub admission: Admission,
}

impl Engine {
    /// Starts an engine offering these capabilities (each built with its
    /// services and configuration; see `capabilities::builtin`).
    pub fn new(config: EngineConfig, registry: CapabilityRegistry) -> Result<Self, EngineError> {
        config.check().map_err(EngineError::Config)?;
        let wasmtime = wasmtime::Engine::new(&config.wasmtime_config().map_err(EngineError::Config)?)
            .map_err(|e| EngineError::Config(format!("{e:#}")))?;
        let ticker = EpochTicker::start(wasmtime.clone(), config.epoch_tick)?;
        Ok(Engine {
            shared: Arc::new(Shared {
                wasmtime,
                registry,
                admission: Admission::new(
                    config.max_instances as usize,
                    config.max_in_flight_per_module,
                    config.max_in_flight_per_install,
                ),
                config,
            }),
            linkers: LinkerCache::default(),
            components: Mutex::new(HashMap::new()),
            reference: std::sync::OnceLock::new(),
            _ticker: ticker,
        })
    }

    /// The configuration in force.
    pub fn config(&self) -> &EngineConfig {
        &self.shared.config
    }

    /// The capabilities this engine offers.
    pub fn registry(&self) -> &CapabilityRegistry {
        &self.shared.registry
    }

    /// Checks, compiles, links and pre-instantiates a module with the
    /// operator's `grants` (a subset of the manifest's permissions).
    pub fn load(
        &self,
        manifest: Manifest,
        component: &[u8],
        grants: BTreeSet<Permission>,
    ) -> Result<LoadedModule, LoadError> {
        self.load_tree(manifest, component, &DependencyComponents::new(), grants)
    }

    /// [`Engine::load`] for a module with dependency components (its main
    /// `component` and the `dependencies` module.toml declares), each
    /// linked with only the grants module.toml gives it.
    pub fn load_tree(
        &self,
        manifest: Manifest,
        component: &[u8],
        dependencies: &DependencyComponents,
        grants: BTreeSet<Permission>,
    ) -> Result<LoadedModule, LoadError> {
        let module = manifest.name.as_str().to_owned();
        if let Some(&permission) = grants.iter().find(|p| !manifest.permissions.contains(p)) {
            return Err(LoadError::GrantNotRequested { module, permission });
        }
        let checked = self.check(&manifest, component, dependencies, &grants)?;
        match checked.linked {
            Some(linked) => Ok(LoadedModule::new(self.shared.clone(), manifest, grants, linked)),
            None => Err(LoadError::Refused {
                module,
                report: Box::new(checked.report),
            }),
        }
    }

    /// The cache key of a component's compiled artifact: its content hash
    /// plus this engine's compatibility fingerprint (wasmtime version and
    /// compilation settings), so an artifact is never reused by an engine
    /// that would compile it differently.
    pub fn artifact_key(&self, content_hash: [u8; 32]) -> String {
        use std::hash::{Hash, Hasher};
        let mut fingerprint = std::collections::hash_map::DefaultHasher::new();
        self.shared.wasmtime.precompile_compatibility_hash().hash(&mut fingerprint);
        format!("{}-{:016x}", hex::encode(content_hash), fingerprint.finish())
    }
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("config", &self.shared.config)
            .field("registry", &self.shared.registry)
            .finish()
    }
}
