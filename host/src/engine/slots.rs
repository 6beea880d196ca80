//! Rendering one storefront slot: a fresh instance's `slot-provider.render`
//! under the `slot` budget. The widgets come back exactly as the guest
//! returned them; the HTTP layer validates them before anyone sees them.

use crate::bindings::exports::modgate::host::slot_provider::{SlotRequest, Widget};
use crate::engine::budget::InvocationContext;
use crate::engine::error::InvocationError;
use crate::engine::extensions::Extensions;
use crate::engine::invocation::{Invocation, Invoked, guest_answer};
use crate::engine::module::LoadedModule;
use crate::tenant::TenantId;

impl LoadedModule {
    /// Whether the component exports `slot-provider`.
    pub fn renders_slots(&self) -> bool {
        self.inner.slots.is_some()
    }

    /// Calls `slot-provider.render(request)` for `tenant`, handing the
    /// capabilities `extensions` (the install's settings).
    pub async fn render_slot(
        &self,
        tenant: &TenantId,
        request: &SlotRequest,
        extensions: &Extensions,
    ) -> Result<Invoked<Vec<Widget>>, InvocationError> {
        let inner = &*self.inner;
        let Some(indices) = inner.slots.as_ref() else {
            return Err(InvocationError::Protocol {
                module: inner.name.to_string(),
                message: "the component does not export slot-provider".to_owned(),
            });
        };
        let invoked = Invocation::begin(inner, tenant, InvocationContext::Slot, extensions)?
            .run(async |store, instance| {
                let provider = indices.load(&mut *store, instance)?;
                provider.call_render(&mut *store, request).await
            })
            .await?;
        guest_answer(&inner.name, invoked)
    }
}
