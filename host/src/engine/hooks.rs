//! Running one data hook: a fresh instance's `hook-handler.handle` under the
//! `hook-before` budget (before-hooks and `on-action`: no data operations)
//! or the `hook-after` budget. Which hooks run, in which order, and what
//! their outcome may change is the hook dispatcher's business
//! (`crate::hooks`); the engine only makes the call.

use crate::bindings::exports::modgate::host::hook_handler::{HookCall, Outcome, When};
use crate::engine::budget::InvocationContext;
use crate::engine::error::InvocationError;
use crate::engine::extensions::Extensions;
use crate::engine::invocation::{Invocation, Invoked, guest_answer};
use crate::engine::module::LoadedModule;
use crate::tenant::TenantId;

impl LoadedModule {
    /// Whether the component exports `hook-handler`.
    pub fn handles_hooks(&self) -> bool {
        self.inner.hooks.is_some()
    }

    /// Calls `hook-handler.handle(call)` for `tenant` in the context its
    /// moment runs in.
    pub async fn handle_hook(
        &self,
        tenant: &TenantId,
        call: &HookCall,
        extensions: &Extensions,
    ) -> Result<Invoked<Outcome>, InvocationError> {
        let inner = &*self.inner;
        let Some(indices) = inner.hooks.as_ref() else {
            return Err(InvocationError::Protocol {
                module: inner.name.to_string(),
                message: "the component does not export hook-handler".to_owned(),
            });
        };
        let invoked = Invocation::begin(inner, tenant, hook_context(call.when), extensions)?
            .run(async |store, instance| {
                let handler = indices.load(&mut *store, instance)?;
                handler.call_handle(&mut *store, call).await
            })
            .await?;
        guest_answer(&inner.name, invoked)
    }
}

/// The budget a moment runs under: before the integrator's write (inside its
/// transaction) nothing may touch data.
fn hook_context(when: When) -> InvocationContext {
    match when {
        When::BeforeCreate | When::BeforeUpdate | When::BeforeDelete | When::OnAction => InvocationContext::HookBefore,
        When::AfterCreate | When::AfterUpdate | When::AfterDelete | When::AfterRead => InvocationContext::HookAfter,
    }
}
