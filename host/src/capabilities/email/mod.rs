//! `modgate:host/email` (permission `email:send`, acknowledged by the
//! operator at install): a module sends plain-text mail to one address it
//! gives, or to a customer the host addresses for it.
//!
//! The module chooses the recipient, the subject and the text; the host
//! sets every header (From per tenant, Date, Message-ID). Each call is one
//! op, is checked whole before anything is queued (a refusal is `invalid`
//! naming the field), and counts against the module's rate limit for the
//! tenant (`rate-limited`), a bucket in the database shared by every host
//! on it ([`crate::mail::send_rate`]). `send-to-customer` asks the integrator's
//! [`CustomerContacts`] for the address and answers only whether the
//! message was queued: an unknown, opted-out and erased customer look the
//! same, and the address never reaches the module. Messages go to the mail
//! outbox ([`crate::mail`]) — in the install's transaction during
//! `activate`, once per event while an event is handled.

mod host;
mod limits;
#[cfg(test)]
mod tests;
pub(crate) mod text;

use std::sync::Arc;

use wasmtime::component::Linker;

use crate::bindings::modgate;
use crate::engine::{Capability, InvocationFacts, InvocationState, ModuleFacts, Via};
use crate::events::HandledEvent;
use crate::mail::{CustomerContacts, MailOutbox};
use crate::storage::DataSession;

pub use limits::EmailLimits;

/// The email capability, built with the mail outbox and the integrator's
/// contact book.
#[derive(Clone)]
pub struct Email {
    outbox: Option<MailOutbox>,
    contacts: Option<Arc<dyn CustomerContacts>>,
    limits: EmailLimits,
}

impl Default for Email {
    fn default() -> Self {
        Email::new(None, None, EmailLimits::default())
    }
}

impl Email {
    /// Queues into `outbox` (`None`: every call answers `not-available`);
    /// addresses customers through `contacts` (`None`: `send-to-customer`
    /// answers `not-available`).
    pub fn new(outbox: Option<MailOutbox>, contacts: Option<Arc<dyn CustomerContacts>>, limits: EmailLimits) -> Self {
        Email { outbox, contacts, limits }
    }
}

/// What the capability keeps per loaded module.
pub struct EmailOfModule {
    outbox: Option<MailOutbox>,
    contacts: Option<Arc<dyn CustomerContacts>>,
    limits: EmailLimits,
    module: Arc<str>,
}

/// What it keeps per invocation: the install's transaction during
/// `activate`, the event being handled.
#[derive(Default)]
pub struct EmailSession {
    session: Option<DataSession>,
    cause: Option<HandledEvent>,
}

impl Capability for Email {
    type PerModule = EmailOfModule;
    type PerInvocation = EmailSession;

    const NAME: &'static str = "email";
    const INTERFACES: &'static [&'static str] = &["modgate:host/email"];

    fn add_to_linker(linker: &mut Linker<InvocationState>) -> wasmtime::Result<()> {
        modgate::host::email::add_to_linker::<_, Via<Self>>(linker, InvocationState::view::<Self>)
    }

    fn per_module(&self, module: &ModuleFacts<'_>) -> EmailOfModule {
        EmailOfModule {
            outbox: self.outbox.clone(),
            contacts: self.contacts.clone(),
            limits: self.limits,
            module: Arc::from(module.name),
        }
    }

    fn per_invocation(_module: &EmailOfModule, invocation: &InvocationFacts<'_>) -> EmailSession {
        EmailSession {
            session: invocation.extensions.get::<DataSession>().cloned(),
            cause: invocation.extensions.get::<HandledEvent>().cloned(),
        }
    }
}
