//! What the caller of an invocation hands to the capabilities, by type,
//! without the engine knowing what it is (e.g. the lifecycle passes the
//! install's database session, which the tables capability joins).

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::Arc;

/// The install's current settings document (JSON), handed to every
/// invocation of an installed module: `modgate:host/settings` answers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstallSettings(Arc<str>);

impl InstallSettings {
    /// Wraps a settings document (already validated against the manifest's schema).
    pub fn new(document: impl Into<Arc<str>>) -> Self {
        InstallSettings(document.into())
    }

    /// The document.
    pub fn document(&self) -> &str {
        &self.0
    }
}

/// A small map from type to value.
#[derive(Default)]
pub struct Extensions {
    values: HashMap<TypeId, Box<dyn Any + Send + Sync>>,
}

impl Extensions {
    /// Nothing.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) the value of type `T`.
    pub fn with<T: Send + Sync + 'static>(mut self, value: T) -> Self {
        self.values.insert(TypeId::of::<T>(), Box::new(value));
        self
    }

    /// The value of type `T`, if one was added.
    pub fn get<T: Send + Sync + 'static>(&self) -> Option<&T> {
        self.values.get(&TypeId::of::<T>()).and_then(|value| value.downcast_ref())
    }
}

impl std::fmt::Debug for Extensions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Extensions").field("values", &self.values.len()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_found_by_their_type() {
        let extensions = Extensions::new().with(7u32).with("text");
        assert_eq!(extensions.get::<u32>(), Some(&7));
        assert_eq!(extensions.get::<&str>(), Some(&"text"));
        assert_eq!(extensions.get::<u64>(), None);
    }
}
