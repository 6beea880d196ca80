//! The host integrator's providers (catalogue, orders, ...), looked up by
//! capabilities at call time.
//!
//! A type map keeps the engine ignorant of which providers exist: each
//! capability stores and fetches its own provider type.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::Arc;

/// Providers registered by the host integrator, keyed by type.
#[derive(Default)]
pub struct HostServices {
    providers: HashMap<TypeId, Box<dyn Any + Send + Sync>>,
}

impl HostServices {
    /// No providers: capabilities answer `not-available`.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers a provider, e.g. `services.provide::<dyn ProductCatalog>(Arc::new(db))`.
    pub fn provide<P: ?Sized + Send + Sync + 'static>(&mut self, provider: Arc<P>) -> &mut Self {
        self.providers.insert(TypeId::of::<Arc<P>>(), Box::new(provider));
        self
    }

    /// The provider registered for `P`, if any.
    pub fn get<P: ?Sized + Send + Sync + 'static>(&self) -> Option<Arc<P>> {
        self.providers
            .get(&TypeId::of::<Arc<P>>())
            .and_then(|any| any.downcast_ref::<Arc<P>>())
            .cloned()
    }
}

impl std::fmt::Debug for HostServices {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HostServices")
            .field("providers", &self.providers.len())
            .finish()
    }
}
