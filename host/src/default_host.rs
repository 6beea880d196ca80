//! The default host: the built-in capabilities over one database. The CLI,
//! the storefront demo, the test suites and the benchmarks all start their
//! host here, each with its own options.

use std::sync::Arc;

use crate::capabilities::email::EmailLimits;
use crate::capabilities::events::EventLimits;
use crate::capabilities::outbound::Outbound;
use crate::capabilities::{BuiltinServices, Commerce, builtin};
use crate::engine::{Engine, EngineConfig, EngineError};
use crate::events::Outbox;
use crate::lifecycle::Lifecycle;
use crate::mail::{MailOutbox, Senders};
use crate::storage::Storage;
use crate::storage::module_sql::{ModuleTables, SqlLimits};

/// How the default host is set up. Every field has a default.
#[derive(Clone, Default)]
pub struct HostOptions {
    /// Budgets, limits and the pool.
    pub engine: EngineConfig,
    /// Limits of the modules' own-table SQL.
    pub sql: SqlLimits,
    /// The integrator's commerce data (none: the commerce capabilities
    /// answer `not-available`).
    pub commerce: Commerce,
    /// The outbox modules emit into. Pass the one the integrator raises
    /// core events with, so that both wake the same workers; `None`: one
    /// over the host's storage.
    pub outbox: Option<Outbox>,
    /// Bounds of the events modules emit.
    pub events: EventLimits,
    /// The outbox module mail goes to. Pass the one the mail worker reads,
    /// so that queueing wakes it; `None`: one over the host's storage,
    /// sending from the default [`Senders`].
    pub mail: Option<MailOutbox>,
    /// Bounds and rate of the mail modules send.
    pub email: EmailLimits,
    /// Outbound HTTP (`http:outbound`): bounds, resolver, secrets, TLS
    /// roots. Where requests may go is the operator's allowlist per
    /// install.
    pub outbound: Outbound,
}

/// The built-in capabilities (module tables on `storage`, `options.commerce`
/// for the commerce ones), an engine offering them, and the lifecycle over
/// `storage`.
pub fn default_host(storage: Storage, options: HostOptions) -> Result<Lifecycle, EngineError> {
    let tables = Arc::new(ModuleTables::new(storage.clone(), options.sql));
    let outbox = options.outbox.unwrap_or_else(|| Outbox::new(storage.clone()));
    let mail = options.mail.unwrap_or_else(|| MailOutbox::new(storage.clone(), Senders::default()));
    let registry = builtin(BuiltinServices {
        commerce: options.commerce,
        tables: Some(tables),
        outbox: Some(outbox),
        events: options.events,
        mail: Some(mail),
        email: options.email,
        outbound: options.outbound,
        ..BuiltinServices::default()
    });
    let engine = Engine::new(options.engine, registry)?;
    Ok(Lifecycle::new(Arc::new(engine), storage))
}
