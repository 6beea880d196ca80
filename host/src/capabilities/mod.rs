//! Capabilities: one folder each, behind the engine's
//! [`Capability`](crate::engine::Capability) trait.
//!
//! A capability owns its interfaces' host implementation (the generated
//! `Host` traits on its [`CapabilityView`](crate::engine::CapabilityView),
//! the op budget taken on the first line of each function), its
//! configuration and services (given to its constructor), its state per
//! loaded module and per invocation, its provider trait when the host
//! integrator supplies the data, and its tests (which need no wasm: see
//! [`crate::testing::capability`]). Which permission an interface needs is
//! the contract's fact ([`crate::contract`]), not the capability's. Adding a
//! capability is a new folder and one line in [`builtin`]
//! (`docs/adding-a-capability.md`).

pub mod categories;
#[cfg(test)]
pub(crate) mod commerce_tests;
pub mod contract_types;
pub mod customers;
pub mod email;
pub mod events;
pub mod http_types;
pub mod log;
pub mod orders;
pub mod outbound;
pub mod products;
pub mod provider;
pub mod settings;
pub mod tables;
pub mod wasi;

use std::sync::Arc;

use crate::engine::CapabilityRegistry;
use crate::events::Outbox;
use crate::mail::MailOutbox;
use crate::storage::module_sql::ModuleTables;

/// The integrator's commerce data: one provider per commerce capability.
/// A capability without one answers `not-available`.
#[derive(Clone, Default)]
pub struct Commerce {
    /// Backs `read:products`.
    pub products: Option<Arc<dyn products::ProductCatalog>>,
    /// Backs `read:categories`.
    pub categories: Option<Arc<dyn categories::CategoryCatalog>>,
    /// Backs `read:orders`.
    pub orders: Option<Arc<dyn orders::OrderBook>>,
    /// Backs `read:customers`.
    pub customers: Option<Arc<dyn customers::CustomerDirectory>>,
    /// Addresses customers for `email:send`'s `send-to-customer`.
    pub contacts: Option<Arc<dyn crate::mail::CustomerContacts>>,
}

/// What the built-in capabilities are built with. Every field has a
/// default: no commerce data, no module tables, default WASI and HTTP bounds.
#[derive(Clone, Default)]
pub struct BuiltinServices {
    /// The integrator's commerce providers.
    pub commerce: Commerce,
    /// The module tables service (`write:own-tables`).
    pub tables: Option<Arc<ModuleTables>>,
    /// Bounds of the inert WASI set.
    pub wasi: wasi::WasiConfig,
    /// Bounds of `wasi:http/types` objects.
    pub http_types: http_types::HttpTypesConfig,
    /// The outbox module events go to (`emit:events`).
    pub outbox: Option<Outbox>,
    /// Bounds of emitted events.
    pub events: events::EventLimits,
    /// The outbox module mail goes to (`email:send`).
    pub mail: Option<MailOutbox>,
    /// Bounds and rate of module mail.
    pub email: email::EmailLimits,
    /// `http:outbound`: its bounds, resolver, secret store and TLS roots.
    pub outbound: outbound::Outbound,
}

/// Every built-in capability, built with its services: one line each.
pub fn builtin(services: BuiltinServices) -> CapabilityRegistry {
    let BuiltinServices { commerce, tables, wasi, http_types, outbox, events, mail, email, outbound } = services;
    CapabilityRegistry::builder()
        .with(wasi::Wasi::new(wasi))
        .with(contract_types::ContractTypes)
        .with(http_types::HttpTypes::new(http_types))
        .with(log::Log)
        .with(settings::Settings)
        .with(products::Products::new(commerce.products))
        .with(categories::Categories::new(commerce.categories))
        .with(orders::Orders::new(commerce.orders))
        .with(customers::Customers::new(commerce.customers))
        .with(tables::Tables::new(tables))
        .with(events::Events::new(outbox, events))
        .with(email::Email::new(mail, commerce.contacts, email))
        .with(outbound)
        .build()
        // Pinned by `builtin_capabilities_name_only_contract_interfaces`.
        .expect("the built-in capabilities name only contract interfaces, once each")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_capabilities_name_only_contract_interfaces() {
        let registry = builtin(BuiltinServices::default());
        assert_eq!(registry.provider_of("modgate:commerce/products"), Some("products"));
        assert_eq!(registry.provider_of("wasi:io/streams"), Some("wasi"));
        assert_eq!(registry.provider_of("modgate:host/events"), Some("events"));
        assert_eq!(registry.provider_of("modgate:host/email"), Some("email"));
        assert_eq!(registry.provider_of("wasi:http/outgoing-handler"), Some("outbound"));
    }
}
