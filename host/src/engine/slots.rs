//! Rendering one storefront slot: a fresh instance's `slot-provider.render`
//! under the `slot` budget. The widgets come back exactly as the guest
//! returned them; the HTTP layer validates them before anyone sees them.

use crate::bindings::exports::modgate::host::slot_provider::{SlotRequest, Widget};
use crate::engine::budget::InvocationContext;
use crate::engine::error::InvocationError;
use crate::engine::guest_text::bounded_message;
use crate::engine::invocation::{Invocation, Invoked, within_deadline};
use crate::engine::module::LoadedModule;
use crate::engine::tenant::TenantId;

impl LoadedModule {
    /// Whether the component exports `slot-provider`.
    pub fn renders_slots(&self) -> bool {
        self.inner.slots.is_some()
    }

    /// Calls `slot-provider.render(request)` for `tenant`.
    pub async fn render_slot(
        &self,
        tenant: &TenantId,
        request: &SlotRequest,
    ) -> Result<Invoked<Vec<Widget>>, InvocationError> {
        let inner = &*self.inner;
        let Some(indices) = inner.slots.as_ref() else {
            return Err(InvocationError::Protocol {
                module: inner.name.to_string(),
                message: "the component does not export slot-provider".to_owned(),
            });
        };
        let mut invocation = Invocation::begin(inner, tenant, InvocationContext::Slot, None)?;
        let wall_clock = invocation.budget.wall_clock;
        let store = &mut invocation.store;
        let result = within_deadline(wall_clock, inner.shared.config.epoch_tick * 2, async {
            let instance = inner.pre.instantiate_async(&mut *store).await?;
            let provider = indices.load(&mut *store, &instance)?;
            provider.call_render(&mut *store, request).await
        })
        .await;
        let invoked = invocation.finish(result)?;
        match invoked.value {
            Ok(widgets) => Ok(Invoked {
                value: widgets,
                fuel_used: invoked.fuel_used,
                ops_used: invoked.ops_used,
                elapsed: invoked.elapsed,
            }),
            Err(e) => Err(InvocationError::Guest {
                module: inner.name.to_string(),
                code: e.code,
                message: bounded_message(&e.message),
            }),
        }
    }
}
