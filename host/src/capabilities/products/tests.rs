//! The products capability without wasm: the commerce behaviour every
//! such capability shares ([`crate::capabilities::commerce_tests`]) on
//! the tenant's catalogue.

use crate::bindings::modgate::commerce::products::Host;

use super::Products;

crate::capabilities::commerce_tests::commerce_capability_tests!(
    Products,
    "products",
    "read:products",
    acme: ["p-1", "p-2", "p-3"],
    globex: ["g-p-1"],
    acme_id: "p-1"
);
