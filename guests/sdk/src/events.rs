//! Events: emitting your own, receiving the core's and other modules'.
//!
//! **Emitting** (permission `emit:events`): [`emit`]`("item-added", json)`
//! publishes `mod.<your-module>.item-added` to the tenant's subscribers and
//! returns the event's id. The host adds the `mod.<your-module>.` prefix, so
//! a module can neither raise a core event nor speak for another module: the
//! name is a lowercase slug (`^[a-z][a-z0-9-]*$`, at most 64 characters),
//! anything else is `forbidden`; the payload must be a JSON document of at
//! most 64 KiB, or it is `invalid`.
//!
//! **Receiving** (permission `subscribe:events`, the manifest's
//! `subscriptions`, this crate's `events` feature): implement `Subscriber`.
//! Two kinds of events arrive, through two exports:
//!
//! - *Core events* (`order.paid`, `product.price-changed`, ...) are typed by
//!   the contract: a `CoreEvent` carries a `CorePayload` with one case
//!   per event name. There is nothing to parse and nothing to validate.
//! - *Module events* (`mod.<module>.<event>`) are a `ModuleEvent` whose
//!   `payload` is the JSON text another module wrote. The host checked only
//!   that it is JSON and bounded: validate its shape before acting on it, as
//!   you would a request body.
//!
//! Delivery is at least once: an error, a trap or a timeout schedules a
//! retry, and a retry carries the same event id. Key each effect on that id
//! with a [`Ledger`](crate::ledger::Ledger) so it happens once.

/// Publishes `payload` (JSON) as `mod.<this-module>.<name>`; returns the
/// event id (a ULID). `forbidden` for a name that is not a lowercase slug of
/// at most 64 characters, `invalid` for a payload that is not JSON or is
/// larger than 64 KiB. One operation of the budget.
pub use crate::bindings::modgate::host::events::emit;

#[cfg(feature = "events")]
pub use subscriber::{
    CoreEvent, CorePayload, ModuleEvent, Money, OrderCancelled, OrderCreated, OrderPaid,
    ProductPriceChanged, ProductStockChanged, Subscriber,
};

#[cfg(feature = "events")]
mod subscriber {
    use crate::Error;
    use crate::bindings::exports::modgate::commerce::core_event_handler;
    use crate::bindings::exports::modgate::host::event_handler;

    pub use crate::bindings::exports::modgate::host::event_handler::Event as ModuleEvent;
    pub use crate::bindings::modgate::commerce::core_events::{
        CoreEvent, CorePayload, OrderCancelled, OrderCreated, OrderPaid, ProductPriceChanged,
        ProductStockChanged,
    };
    pub use crate::bindings::modgate::commerce::types::Money;

    /// What a module subscribed to events implements (feature `events`).
    ///
    /// Each delivery runs in a fresh instance under the `event` budget. An
    /// `Err` (like a trap or a timeout) schedules a retry of the same event,
    /// with the same id.
    ///
    /// Both methods have a default body that fails the delivery with
    /// `handler-error`: a module that subscribes to a kind of event and
    /// forgets to handle it shows up as failed deliveries in its log, never
    /// as events silently dropped.
    pub trait Subscriber {
        /// Handles one core event the manifest subscribes to. Typed by the
        /// contract: match on `event.payload`.
        fn core_event(event: CoreEvent) -> Result<(), Error> {
            Err(Error::handler(format!(
                "the module subscribed to {} but does not handle core events: implement Subscriber::core_event",
                event.payload.name()
            )))
        }

        /// Handles one event of another module (`mod.<module>.<event>`) the
        /// manifest subscribes to. `event.payload` is that module's JSON:
        /// validate it.
        fn module_event(event: ModuleEvent) -> Result<(), Error> {
            Err(Error::handler(format!(
                "the module subscribed to {} but does not handle module events: implement Subscriber::module_event",
                event.name
            )))
        }
    }

    impl CorePayload {
        /// The event's name as the manifest's `subscriptions` write it, e.g.
        /// `order.paid`.
        pub fn name(&self) -> &'static str {
            match self {
                CorePayload::OrderCreated(_) => "order.created",
                CorePayload::OrderPaid(_) => "order.paid",
                CorePayload::OrderCancelled(_) => "order.cancelled",
                CorePayload::ProductCreated(_) => "product.created",
                CorePayload::ProductUpdated(_) => "product.updated",
                CorePayload::ProductDeleted(_) => "product.deleted",
                CorePayload::ProductPriceChanged(_) => "product.price-changed",
                CorePayload::ProductStockChanged(_) => "product.stock-changed",
                CorePayload::CustomerCreated(_) => "customer.created",
            }
        }
    }

    impl<T: Subscriber> core_event_handler::Guest for T {
        fn handle(event: CoreEvent) -> Result<(), Error> {
            T::core_event(event)
        }
    }

    impl<T: Subscriber> event_handler::Guest for T {
        fn handle(event: ModuleEvent) -> Result<(), Error> {
            T::module_event(event)
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        struct Forgetful;
        impl Subscriber for Forgetful {}

        fn core(payload: CorePayload) -> CoreEvent {
            CoreEvent {
                id: "01J0000000000000000000000A".to_owned(),
                tenant: "t-1".to_owned(),
                occurred_at: "2026-12-01T10:00:00Z".to_owned(),
                payload,
            }
        }

        #[test]
        fn core_event_names_are_the_manifest_names() {
            let money = || Money {
                amount_minor: 100,
                currency: "EUR".to_owned(),
            };
            let named = [
                (
                    CorePayload::OrderCreated(OrderCreated {
                        order_id: "o".into(),
                        customer_id: "c".into(),
                        total: money(),
                    }),
                    "order.created",
                ),
                (
                    CorePayload::OrderPaid(OrderPaid {
                        order_id: "o".into(),
                        customer_id: "c".into(),
                        total: money(),
                    }),
                    "order.paid",
                ),
                (
                    CorePayload::OrderCancelled(OrderCancelled {
                        order_id: "o".into(),
                        customer_id: "c".into(),
                    }),
                    "order.cancelled",
                ),
                (CorePayload::ProductCreated("p".into()), "product.created"),
                (CorePayload::ProductUpdated("p".into()), "product.updated"),
                (CorePayload::ProductDeleted("p".into()), "product.deleted"),
                (
                    CorePayload::ProductPriceChanged(ProductPriceChanged {
                        product_id: "p".into(),
                        previous: money(),
                        current: money(),
                    }),
                    "product.price-changed",
                ),
                (
                    CorePayload::ProductStockChanged(ProductStockChanged {
                        product_id: "p".into(),
                        previous: 1,
                        current: 0,
                    }),
                    "product.stock-changed",
                ),
                (CorePayload::CustomerCreated("c".into()), "customer.created"),
            ];
            for (payload, name) in named {
                assert_eq!(payload.name(), name);
            }
        }

        #[test]
        fn an_unhandled_core_event_fails_the_delivery_naming_the_method() {
            let error =
                Forgetful::core_event(core(CorePayload::ProductDeleted("p-1".into()))).unwrap_err();
            assert_eq!(error.code, crate::ErrorCode::HandlerError);
            assert!(
                error.message.contains("product.deleted"),
                "{}",
                error.message
            );
            assert!(
                error.message.contains("Subscriber::core_event"),
                "{}",
                error.message
            );
        }

        #[test]
        fn an_unhandled_module_event_fails_the_delivery_naming_the_method() {
            let event = ModuleEvent {
                id: "01J0000000000000000000000B".to_owned(),
                name: "mod.reviews.created".to_owned(),
                tenant: "t-1".to_owned(),
                occurred_at: "2026-12-01T10:00:00Z".to_owned(),
                payload: "{}".to_owned(),
            };
            let error = Forgetful::module_event(event).unwrap_err();
            assert_eq!(error.code, crate::ErrorCode::HandlerError);
            assert!(
                error.message.contains("mod.reviews.created"),
                "{}",
                error.message
            );
            assert!(
                error.message.contains("Subscriber::module_event"),
                "{}",
                error.message
            );
        }
    }
}
