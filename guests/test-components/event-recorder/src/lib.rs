//! Records every delivered event, core or module, as one row of
//! `mod_recorder_effects`, exactly once per event id however often it is
//! delivered (the SDK's `Ledger`): tests count rows to prove at-least-once
//! delivery with exactly-once effects, and that two distinct events with
//! equal payloads are both recorded.
//!
//! Module name `recorder`; permissions `write:own-tables` and
//! `subscribe:events` (the test's `subscriptions`); no settings.
//! Tables:
//! - `mod_recorder_effects` (event_id text not null, name text not null,
//!   detail text): `name` is the event name (`order.paid`, …, or
//!   `mod.<module>.<event>`), `detail` a summary: the ids and amounts of a
//!   core event (`p-1:1250->990` for a price or stock change, `o-1:c-1:1250
//!   EUR` for an order), a module event's payload text;
//! - `mod_recorder_ledger` (event_id text not null unique).

use modgate_sdk::events::{CoreEvent, CorePayload, ModuleEvent};
use modgate_sdk::ledger::Ledger;
use modgate_sdk::tables::{Statement, Value};
use modgate_sdk::{Error, Module, Subscriber};

const LEDGER: Ledger = Ledger::new("mod_recorder_ledger");

struct Recorder;

impl Module for Recorder {
    fn activate(_settings: &str) -> Result<(), Error> {
        Ok(())
    }
}

impl Subscriber for Recorder {
    fn core_event(event: CoreEvent) -> Result<(), Error> {
        let detail = match &event.payload {
            CorePayload::OrderCreated(order) => {
                format!(
                    "{}:{}:{} {}",
                    order.order_id,
                    order.customer_id,
                    order.total.amount_minor,
                    order.total.currency
                )
            }
            CorePayload::OrderPaid(order) => {
                format!(
                    "{}:{}:{} {}",
                    order.order_id,
                    order.customer_id,
                    order.total.amount_minor,
                    order.total.currency
                )
            }
            CorePayload::OrderCancelled(order) => {
                format!("{}:{}", order.order_id, order.customer_id)
            }
            CorePayload::ProductCreated(id)
            | CorePayload::ProductUpdated(id)
            | CorePayload::ProductDeleted(id)
            | CorePayload::CustomerCreated(id) => id.clone(),
            CorePayload::ProductPriceChanged(change) => {
                format!(
                    "{}:{}->{}",
                    change.product_id, change.previous.amount_minor, change.current.amount_minor
                )
            }
            CorePayload::ProductStockChanged(change) => {
                format!(
                    "{}:{}->{}",
                    change.product_id, change.previous, change.current
                )
            }
        };
        record(&event.id, event.payload.name(), detail)
    }

    fn module_event(event: ModuleEvent) -> Result<(), Error> {
        record(&event.id, &event.name, event.payload)
    }
}

fn record(event_id: &str, name: &str, detail: String) -> Result<(), Error> {
    let effect = Statement {
        sql: "INSERT INTO mod_recorder_effects (event_id, name, detail) VALUES (?, ?, ?)"
            .to_owned(),
        params: vec![
            Value::Text(event_id.to_owned()),
            Value::Text(name.to_owned()),
            Value::Text(detail),
        ],
    };
    LEDGER.once(event_id, &[effect])?;
    Ok(())
}

modgate_sdk::export_module!(Recorder);
