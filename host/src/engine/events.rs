//! Delivering one event: a fresh instance's `core-event-handler.handle` or
//! `event-handler.handle` under the `event` budget. Which events reach a
//! module, when, and how often is the event worker's business
//! (`crate::events`); the engine only makes the call.

use crate::bindings::exports::modgate::commerce::core_event_handler::CoreEvent;
use crate::bindings::exports::modgate::host::event_handler::Event;
use wasmtime::Store;
use wasmtime::component::Instance;

use crate::bindings::WitError;
use crate::engine::budget::InvocationContext;
use crate::engine::state::InvocationState;
use crate::engine::error::InvocationError;
use crate::engine::extensions::Extensions;
use crate::engine::invocation::{Invocation, Invoked, guest_answer};
use crate::engine::module::LoadedModule;
use crate::tenant::TenantId;

impl LoadedModule {
    /// Calls `modgate:commerce/core-event-handler.handle(event)` for `tenant`.
    /// The guest's own error comes back as [`InvocationError::Guest`].
    pub async fn handle_core_event(
        &self,
        tenant: &TenantId,
        event: &CoreEvent,
        extensions: &Extensions,
    ) -> Result<Invoked<()>, InvocationError> {
        let Some(indices) = self.inner.core_events.as_ref() else {
            return Err(not_exported(&self.inner.name, "modgate:commerce/core-event-handler"));
        };
        self.deliver(tenant, extensions, async |store, instance| {
            indices.load(&mut *store, instance)?.call_handle(&mut *store, event).await
        })
        .await
    }

    /// Calls `modgate:host/event-handler.handle(event)` for `tenant`.
    pub async fn handle_module_event(
        &self,
        tenant: &TenantId,
        event: &Event,
        extensions: &Extensions,
    ) -> Result<Invoked<()>, InvocationError> {
        let Some(indices) = self.inner.module_events.as_ref() else {
            return Err(not_exported(&self.inner.name, "modgate:host/event-handler"));
        };
        self.deliver(tenant, extensions, async |store, instance| {
            indices.load(&mut *store, instance)?.call_handle(&mut *store, event).await
        })
        .await
    }

    /// One invocation in the `event` context around a handler's call.
    async fn deliver(
        &self,
        tenant: &TenantId,
        extensions: &Extensions,
        call: impl AsyncFnOnce(&mut Store<InvocationState>, &Instance) -> wasmtime::Result<Result<(), WitError>>,
    ) -> Result<Invoked<()>, InvocationError> {
        let inner = &*self.inner;
        let invoked = Invocation::begin(inner, tenant, InvocationContext::Event, extensions)?.run(call).await?;
        guest_answer(&inner.name, invoked)
    }
}

fn not_exported(module: &str, interface: &str) -> InvocationError {
    InvocationError::Protocol {
        module: module.to_owned(),
        message: format!("the component does not export {interface}"),
    }
}
