//! `modgate:host/events` (permission `emit:events`): a module publishes
//! `mod.<module>.<name>` events for its tenant's subscribers. The host adds
//! the prefix, so a module can neither raise a core event nor speak for
//! another module; the payload must be bounded JSON. Events go through the
//! outbox ([`crate::events`]), in the install's transaction during
//! `activate`.

mod host;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use wasmtime::component::Linker;

use crate::bindings::modgate;
use crate::engine::{Capability, InvocationFacts, InvocationState, ModuleFacts, Via};
use crate::events::Outbox;
use crate::storage::DataSession;

/// Bounds of emitted events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventLimits {
    /// Largest payload in bytes (default 64 KiB).
    pub max_payload_bytes: usize,
}

impl Default for EventLimits {
    fn default() -> Self {
        EventLimits { max_payload_bytes: 64 << 10 }
    }
}

/// Longest event name a module may emit (before the host's prefix).
pub const MAX_EVENT_NAME_CHARS: usize = 64;

/// The events capability, built with the host's outbox.
#[derive(Clone, Default)]
pub struct Events {
    outbox: Option<Outbox>,
    limits: EventLimits,
}

impl Events {
    /// Emits into `outbox`; `None`: every call answers `not-available`.
    pub fn new(outbox: Option<Outbox>, limits: EventLimits) -> Self {
        Events { outbox, limits }
    }
}

/// What the capability keeps per loaded module.
pub struct EventsOfModule {
    outbox: Option<Outbox>,
    limits: EventLimits,
    module: Arc<str>,
}

/// What it keeps per invocation: the install's transaction, during `activate`.
#[derive(Default)]
pub struct EventsSession {
    session: Option<DataSession>,
}

impl Capability for Events {
    type PerModule = EventsOfModule;
    type PerInvocation = EventsSession;

    const NAME: &'static str = "events";
    const INTERFACES: &'static [&'static str] = &["modgate:host/events"];

    fn add_to_linker(linker: &mut Linker<InvocationState>) -> wasmtime::Result<()> {
        modgate::host::events::add_to_linker::<_, Via<Self>>(linker, InvocationState::view::<Self>)
    }

    fn per_module(&self, module: &ModuleFacts<'_>) -> EventsOfModule {
        EventsOfModule {
            outbox: self.outbox.clone(),
            limits: self.limits,
            module: Arc::from(module.name),
        }
    }

    fn per_invocation(_module: &EventsOfModule, invocation: &InvocationFacts<'_>) -> EventsSession {
        EventsSession {
            session: invocation.extensions.get::<DataSession>().cloned(),
        }
    }
}
