//! The curated core events as the host integrator raises them: one typed
//! case per event name of the contract (`modgate:commerce/core-events`).
//! Stored in the outbox as JSON the host wrote itself, and handed to a
//! module as the contract's typed record, so no guest parses a core event.

use serde::{Deserialize, Serialize};

use crate::bindings::modgate::commerce::core_events as wit;
use crate::bindings::modgate::commerce::types::Money;
use crate::events::error::EventError;

/// An amount in minor units with its ISO 4217 currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Amount {
    /// Minor units (cents).
    pub amount_minor: i64,
    /// ISO 4217 code, three uppercase letters.
    pub currency: String,
}

impl Amount {
    /// `amount_minor` in `currency`.
    pub fn new(amount_minor: i64, currency: impl Into<String>) -> Self {
        Amount {
            amount_minor,
            currency: currency.into(),
        }
    }

    fn to_wit(&self) -> Money {
        Money {
            amount_minor: self.amount_minor,
            currency: self.currency.clone(),
        }
    }
}

/// A core event, with its payload. [`CoreEvent::name`] is the name modules
/// subscribe to (`modgate_manifest::CORE_EVENTS`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event")]
pub enum CoreEvent {
    /// `order.created`
    #[serde(rename = "order.created")]
    OrderCreated {
        /// The order.
        order_id: String,
        /// Who placed it.
        customer_id: String,
        /// Its total.
        total: Amount,
    },
    /// `order.paid`
    #[serde(rename = "order.paid")]
    OrderPaid {
        /// The order.
        order_id: String,
        /// Who placed it.
        customer_id: String,
        /// What was paid.
        total: Amount,
    },
    /// `order.cancelled`
    #[serde(rename = "order.cancelled")]
    OrderCancelled {
        /// The order.
        order_id: String,
        /// Who placed it.
        customer_id: String,
    },
    /// `product.created`
    #[serde(rename = "product.created")]
    ProductCreated {
        /// The product.
        product_id: String,
    },
    /// `product.updated`
    #[serde(rename = "product.updated")]
    ProductUpdated {
        /// The product.
        product_id: String,
    },
    /// `product.deleted`
    #[serde(rename = "product.deleted")]
    ProductDeleted {
        /// The product.
        product_id: String,
    },
    /// `product.price-changed`
    #[serde(rename = "product.price-changed")]
    ProductPriceChanged {
        /// The product.
        product_id: String,
        /// The price before.
        previous: Amount,
        /// The price now.
        current: Amount,
    },
    /// `product.stock-changed`
    #[serde(rename = "product.stock-changed")]
    ProductStockChanged {
        /// The product.
        product_id: String,
        /// Units before.
        previous: i64,
        /// Units now.
        current: i64,
    },
    /// `customer.created`
    #[serde(rename = "customer.created")]
    CustomerCreated {
        /// The customer.
        customer_id: String,
    },
}

/// Longest id (order, product, customer) a core event may carry.
pub const MAX_ID_CHARS: usize = 128;

impl CoreEvent {
    /// The event's name, as modules subscribe to it.
    pub fn name(&self) -> &'static str {
        match self {
            CoreEvent::OrderCreated { .. } => "order.created",
            CoreEvent::OrderPaid { .. } => "order.paid",
            CoreEvent::OrderCancelled { .. } => "order.cancelled",
            CoreEvent::ProductCreated { .. } => "product.created",
            CoreEvent::ProductUpdated { .. } => "product.updated",
            CoreEvent::ProductDeleted { .. } => "product.deleted",
            CoreEvent::ProductPriceChanged { .. } => "product.price-changed",
            CoreEvent::ProductStockChanged { .. } => "product.stock-changed",
            CoreEvent::CustomerCreated { .. } => "customer.created",
        }
    }

    /// Checks what the integrator passed: ids are 1–128 printable
    /// characters, currencies three uppercase letters.
    pub fn validate(&self) -> Result<(), EventError> {
        let id = |what: &str, value: &str| {
            let printable = value.chars().all(|c| !c.is_control());
            if value.is_empty() || value.chars().count() > MAX_ID_CHARS || !printable {
                return Err(EventError::invalid(format!(
                    "{}: {what} must be 1–{MAX_ID_CHARS} printable characters",
                    self.name()
                )));
            }
            Ok(())
        };
        let amount = |what: &str, value: &Amount| {
            if value.currency.len() != 3 || !value.currency.bytes().all(|b| b.is_ascii_uppercase()) {
                return Err(EventError::invalid(format!(
                    "{}: {what} currency {:?} is not an ISO 4217 code (three uppercase letters)",
                    self.name(),
                    value.currency
                )));
            }
            Ok(())
        };
        match self {
            CoreEvent::OrderCreated { order_id, customer_id, total } | CoreEvent::OrderPaid { order_id, customer_id, total } => {
                id("order_id", order_id)?;
                id("customer_id", customer_id)?;
                amount("total", total)
            }
            CoreEvent::OrderCancelled { order_id, customer_id } => {
                id("order_id", order_id)?;
                id("customer_id", customer_id)
            }
            CoreEvent::ProductCreated { product_id }
            | CoreEvent::ProductUpdated { product_id }
            | CoreEvent::ProductDeleted { product_id }
            | CoreEvent::ProductStockChanged { product_id, .. } => id("product_id", product_id),
            CoreEvent::ProductPriceChanged { product_id, previous, current } => {
                id("product_id", product_id)?;
                amount("previous", previous)?;
                amount("current", current)
            }
            CoreEvent::CustomerCreated { customer_id } => id("customer_id", customer_id),
        }
    }

    /// The contract's typed payload, as a subscriber receives it.
    pub fn to_contract(&self) -> wit::CorePayload {
        use wit::CorePayload as P;
        match self.clone() {
            CoreEvent::OrderCreated { order_id, customer_id, total } => P::OrderCreated(wit::OrderCreated {
                order_id,
                customer_id,
                total: total.to_wit(),
            }),
            CoreEvent::OrderPaid { order_id, customer_id, total } => P::OrderPaid(wit::OrderPaid {
                order_id,
                customer_id,
                total: total.to_wit(),
            }),
            CoreEvent::OrderCancelled { order_id, customer_id } => {
                P::OrderCancelled(wit::OrderCancelled { order_id, customer_id })
            }
            CoreEvent::ProductCreated { product_id } => P::ProductCreated(product_id),
            CoreEvent::ProductUpdated { product_id } => P::ProductUpdated(product_id),
            CoreEvent::ProductDeleted { product_id } => P::ProductDeleted(product_id),
            CoreEvent::ProductPriceChanged { product_id, previous, current } => {
                P::ProductPriceChanged(wit::ProductPriceChanged {
                    product_id,
                    previous: previous.to_wit(),
                    current: current.to_wit(),
                })
            }
            CoreEvent::ProductStockChanged { product_id, previous, current } => {
                P::ProductStockChanged(wit::ProductStockChanged { product_id, previous, current })
            }
            CoreEvent::CustomerCreated { customer_id } => P::CustomerCreated(customer_id),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One event of every kind.
    pub(crate) fn samples() -> Vec<CoreEvent> {
        let eur = |n| Amount::new(n, "EUR");
        vec![
            CoreEvent::OrderCreated { order_id: "o1".into(), customer_id: "c1".into(), total: eur(100) },
            CoreEvent::OrderPaid { order_id: "o1".into(), customer_id: "c1".into(), total: eur(100) },
            CoreEvent::OrderCancelled { order_id: "o1".into(), customer_id: "c1".into() },
            CoreEvent::ProductCreated { product_id: "p1".into() },
            CoreEvent::ProductUpdated { product_id: "p1".into() },
            CoreEvent::ProductDeleted { product_id: "p1".into() },
            CoreEvent::ProductPriceChanged { product_id: "p1".into(), previous: eur(200), current: eur(150) },
            CoreEvent::ProductStockChanged { product_id: "p1".into(), previous: 3, current: 2 },
            CoreEvent::CustomerCreated { customer_id: "c1".into() },
        ]
    }

    #[test]
    fn every_subscribable_core_event_can_be_raised_and_nothing_else() {
        let names: Vec<&str> = samples().iter().map(CoreEvent::name).collect();
        assert_eq!(names, modgate_manifest::CORE_EVENTS);
    }

    #[test]
    fn the_stored_form_round_trips_and_names_the_event() {
        for event in samples() {
            let json = serde_json::to_value(&event).unwrap();
            assert_eq!(json["event"], event.name());
            assert_eq!(serde_json::from_value::<CoreEvent>(json).unwrap(), event);
            event.validate().unwrap();
        }
    }

    #[test]
    fn bad_ids_and_currencies_are_refused() {
        let bad = [
            CoreEvent::ProductCreated { product_id: String::new() },
            CoreEvent::ProductCreated { product_id: "x".repeat(MAX_ID_CHARS + 1) },
            CoreEvent::CustomerCreated { customer_id: "a\u{7}b".into() },
            CoreEvent::OrderPaid { order_id: "o".into(), customer_id: "c".into(), total: Amount::new(1, "eur") },
            CoreEvent::ProductPriceChanged {
                product_id: "p".into(),
                previous: Amount::new(1, "EUR"),
                current: Amount::new(1, "EURO"),
            },
        ];
        for event in bad {
            assert_eq!(event.validate().unwrap_err().code(), "invalid-event", "{event:?}");
        }
    }
}
