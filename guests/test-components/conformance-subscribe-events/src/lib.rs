//! Conformance for worlds `modgate:host/subscribe-events` and
//! `modgate:commerce/subscribe-core-events`: every delivered event carries a
//! ULID id, the invoked tenant, an RFC 3339 UTC timestamp and a well-formed
//! payload — module events a `mod.<module>.<event>` name and a JSON object,
//! core events typed ids and ISO 4217 currencies. A failed check fails the
//! delivery with `handler-error` naming it.
//!
//! Module name `conformance`; permission `subscribe:events` (the test's
//! `subscriptions`); no tables. Settings (read with `settings::get()` on
//! each delivery): when the document contains `tenant=<id>` (anywhere, e.g.
//! `{"expect":"tenant=acme"}`), the event's tenant must be `<id>`. A module
//! event whose payload contains `"fail":true` fails with `handler-error`
//! after its checks passed (a scripted failure for retry tests).

use conformance_kit::{check, is_ulid, is_utc_timestamp};
use modgate_sdk::events::{CoreEvent, CorePayload, ModuleEvent, Money};
use modgate_sdk::{Error, Module, Subscriber, settings};

struct SubscribeEvents;

impl Module for SubscribeEvents {
    fn activate(_settings: &str) -> Result<(), Error> {
        Ok(())
    }
}

impl Subscriber for SubscribeEvents {
    fn module_event(event: ModuleEvent) -> Result<(), Error> {
        envelope(&event.id, &event.tenant, &event.occurred_at)?;
        let parts: Vec<&str> = event.name.split('.').collect();
        check(
            event.name.starts_with("mod.")
                && parts.len() == 3
                && parts.iter().all(|part| !part.is_empty()),
            "a module event is named mod.<module>.<event>",
        )?;
        check(
            event.payload.trim_start().starts_with('{'),
            "the payload is the emitted JSON object",
        )?;
        if event
            .payload
            .replace(char::is_whitespace, "")
            .contains("\"fail\":true")
        {
            return Err(Error::handler(format!(
                "scripted failure for {} ({})",
                event.name, event.id
            )));
        }
        Ok(())
    }

    fn core_event(event: CoreEvent) -> Result<(), Error> {
        envelope(&event.id, &event.tenant, &event.occurred_at)?;
        let name = event.payload.name();
        let id = |value: &str, what: &str| {
            check(!value.is_empty(), &format!("{name}: {what} is not empty"))
        };
        match &event.payload {
            CorePayload::OrderCreated(order) => {
                id(&order.order_id, "order id")?;
                id(&order.customer_id, "customer id")?;
                money(name, &order.total)
            }
            CorePayload::OrderPaid(order) => {
                id(&order.order_id, "order id")?;
                id(&order.customer_id, "customer id")?;
                money(name, &order.total)
            }
            CorePayload::OrderCancelled(order) => {
                id(&order.order_id, "order id")?;
                id(&order.customer_id, "customer id")
            }
            CorePayload::ProductCreated(product)
            | CorePayload::ProductUpdated(product)
            | CorePayload::ProductDeleted(product) => id(product, "product id"),
            CorePayload::ProductPriceChanged(change) => {
                id(&change.product_id, "product id")?;
                money(name, &change.previous)?;
                money(name, &change.current)
            }
            CorePayload::ProductStockChanged(change) => id(&change.product_id, "product id"),
            CorePayload::CustomerCreated(customer) => id(customer, "customer id"),
        }
    }
}

/// The checks every event shares.
fn envelope(id: &str, tenant: &str, occurred_at: &str) -> Result<(), Error> {
    check(is_ulid(id), "the event id is a ULID")?;
    check(!tenant.is_empty(), "the event names its tenant")?;
    if let Some(expected) = expected_tenant(&settings::get()) {
        check(
            tenant == expected,
            &format!("the event is for tenant {expected}, the invoked install's (got {tenant})"),
        )?;
    }
    check(
        is_utc_timestamp(occurred_at),
        "occurred-at is an RFC 3339 UTC timestamp",
    )
}

fn money(name: &str, amount: &Money) -> Result<(), Error> {
    let iso = amount.currency.len() == 3 && amount.currency.bytes().all(|b| b.is_ascii_uppercase());
    check(
        iso,
        &format!(
            "{name}: the currency is three upper-case letters (got {:?})",
            amount.currency
        ),
    )
}

/// The slug after `tenant=` in the settings, wherever it stands.
fn expected_tenant(settings: &str) -> Option<&str> {
    let (_, rest) = settings.split_once("tenant=")?;
    let end = rest
        .find(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'))
        .unwrap_or(rest.len());
    Some(&rest[..end]).filter(|tenant| !tenant.is_empty())
}

modgate_sdk::export_module!(SubscribeEvents);
