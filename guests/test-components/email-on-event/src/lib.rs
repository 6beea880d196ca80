//! Sends two emails for every event it receives, core or module, so tests
//! can prove the host queues a message once per event however often the
//! event is delivered:
//!
//! - `send_to_customer("cu-1", "Event <name>", "Event <id>")`;
//! - `send("ops@acme.example", "Event <name>", "Event <id>")`;
//!
//! where `<name>` is the event's name (`product.price-changed`,
//! `mod.<module>.<event>`) and `<id>` its id. A module event whose payload
//! contains `fail-after-send` then fails the delivery with `handler-error`,
//! after both emails were queued, so the host delivers it again and the
//! retry sends the same two messages. A host error (`rate-limited`, …)
//! fails the delivery as it is.
//!
//! Module name any; permissions `subscribe:events` (the test's
//! `subscriptions`) and `email:send`; no tables; no settings. Activation
//! always succeeds and sends nothing.

use modgate_sdk::email::{send, send_to_customer};
use modgate_sdk::events::{CoreEvent, ModuleEvent};
use modgate_sdk::{Error, Module, Subscriber, log};

/// The customer mailed on every event (a customer of `acme` in the test
/// data; `false` elsewhere).
const CUSTOMER: &str = "cu-1";
/// The address mailed on every event.
const OPS: &str = "ops@acme.example";
/// In a module event's payload: fail the delivery after sending.
const FAIL_AFTER_SEND: &str = "fail-after-send";

struct EmailOnEvent;

impl Module for EmailOnEvent {
    fn activate(_settings: &str) -> Result<(), Error> {
        Ok(())
    }
}

impl Subscriber for EmailOnEvent {
    fn core_event(event: CoreEvent) -> Result<(), Error> {
        mail(event.payload.name(), &event.id)
    }

    fn module_event(event: ModuleEvent) -> Result<(), Error> {
        mail(&event.name, &event.id)?;
        if event.payload.contains(FAIL_AFTER_SEND) {
            return Err(Error::handler(format!(
                "{FAIL_AFTER_SEND}: event {} fails after its emails were queued",
                event.id
            )));
        }
        Ok(())
    }
}

fn mail(name: &str, id: &str) -> Result<(), Error> {
    let subject = format!("Event {name}");
    let text = format!("Event {id}");
    if !send_to_customer(CUSTOMER, &subject, &text)? {
        log::debug(&format!("event {id}: customer {CUSTOMER} gets no email"));
    }
    send(OPS, &subject, &text)
}

modgate_sdk::export_module!(EmailOnEvent);
