//! The categories capability without wasm: the commerce behaviour every
//! such capability shares ([`crate::capabilities::commerce_tests`]) on
//! the tenant's categories.

use crate::bindings::modgate::commerce::categories::Host;

use super::Categories;

crate::capabilities::commerce_tests::commerce_capability_tests!(
    Categories,
    "categories",
    "read:categories",
    acme: ["c-1"],
    globex: ["g-c-1"],
    acme_id: "c-1"
);
