//! The orders capability without wasm: the commerce behaviour every
//! such capability shares ([`crate::capabilities::commerce_tests`]) on
//! the tenant's orders.

use crate::bindings::modgate::commerce::orders::Host;

use super::Orders;

crate::capabilities::commerce_tests::commerce_capability_tests!(
    Orders,
    "orders",
    "read:orders",
    acme: ["o-1"],
    globex: ["g-o-1"],
    acme_id: "o-1"
);

#[tokio::test]
async fn has_purchased_answers_only_yes_or_no_within_the_tenant() {
    let registry = sample_registry();
    let mut acme = TestInvocation::builder(&registry, &manifest("read:orders")).tenant("acme").build();
    let mut view = acme.view::<Orders>().unwrap();
    assert!(view.has_purchased("cu-1".into(), "p-1".into()).await.unwrap());
    assert!(!view.has_purchased("cu-2".into(), "p-1".into()).await.unwrap());
    let mut globex = TestInvocation::builder(&registry, &manifest("read:orders")).tenant("globex").build();
    let purchased = globex.view::<Orders>().unwrap().has_purchased("cu-1".into(), "p-1".into()).await.unwrap();
    assert!(!purchased, "acme's purchase is invisible to globex");
}
