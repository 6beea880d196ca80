//! The customers capability without wasm: the commerce behaviour every
//! such capability shares ([`crate::capabilities::commerce_tests`]) on
//! the tenant's customers.

use crate::bindings::modgate::commerce::customers::Host;

use super::Customers;

crate::capabilities::commerce_tests::commerce_capability_tests!(
    Customers,
    "customers",
    "read:customers",
    acme: ["cu-1", "cu-2"],
    globex: ["g-cu-1"],
    acme_id: "cu-1"
);
