//! Host side of `modgate:host/events`: op budget first, then the name and
//! payload checks, then the outbox.

use sea_orm::TransactionTrait;

use crate::bindings::modgate::host::events::Host;
use crate::bindings::{WitError, WitErrorCode};
use crate::engine::CapabilityView;

use super::{Events, MAX_EVENT_NAME_CHARS};

impl Host for CapabilityView<'_, Events> {
    async fn emit(&mut self, name: String, payload: String) -> Result<String, WitError> {
        self.core.take_op("events.emit")?;
        let not_available = || WitError::new(WitErrorCode::NotAvailable, "events: this host has no outbox");
        let module = self.module.ok_or_else(not_available)?;
        check_name(&name)?;
        let limit = module.limits.max_payload_bytes;
        if payload.len() > limit {
            return Err(WitError::new(
                WitErrorCode::Invalid,
                format!("events.emit: the payload is {} bytes, more than the limit of {limit}", payload.len()),
            ));
        }
        if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(&payload) {
            return Err(WitError::new(
                WitErrorCode::Invalid,
                format!("events.emit: the payload is not a JSON document ({e})"),
            ));
        }
        let outbox = module.outbox.as_ref().ok_or_else(not_available)?;
        let full_name = format!("mod.{}.{name}", module.module);
        let tenant = self.core.tenant();
        let storage_failed = |e: &dyn std::fmt::Display| {
            tracing::error!(module = %module.module, %tenant, "events.emit: {e}");
            WitError::new(WitErrorCode::NotAvailable, "events.emit: the outbox is unavailable; try again later")
        };
        // Recording is two statements (the event, its deliveries): one
        // transaction, a savepoint of the install's during `activate`.
        let _turn = match &self.state.session {
            Some(_) => None,
            None => outbox.storage().write_turn().await,
        };
        let tx = match &self.state.session {
            Some(session) => session.transaction().begin().await,
            None => outbox.storage().connection().begin().await,
        }
        .map_err(|e| storage_failed(&e))?;
        let recorded = outbox
            .emit(&tx, tenant, &module.module, &full_name, &payload)
            .await
            .map_err(|e| storage_failed(&e))?;
        tx.commit().await.map_err(|e| storage_failed(&e))?;
        if self.state.session.is_none() {
            outbox.committed();
        }
        Ok(recorded.id)
    }
}

/// A module names its events relative to itself: one lowercase slug. Every
/// other shape could pass for a core event or another module's event.
fn check_name(name: &str) -> Result<(), WitError> {
    let shown: String = name.chars().take(MAX_EVENT_NAME_CHARS).collect();
    let problem = if name.contains('.') {
        Some("contains '.': event names are relative to the module, and the host publishes them as mod.<module>.<name>, so a module can neither raise core events nor speak for another module".to_owned())
    } else {
        modgate_manifest::check_slug(name, MAX_EVENT_NAME_CHARS).err()
    };
    match problem {
        None => Ok(()),
        Some(problem) => Err(WitError::new(
            WitErrorCode::Forbidden,
            format!("events.emit: the event name {shown:?} {problem}; write a lowercase slug such as \"item-added\""),
        )),
    }
}
