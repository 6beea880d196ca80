//! The orders capability without wasm: tenant scoping, the op budget,
//! refusals.

use crate::bindings::WitErrorCode;
use crate::bindings::modgate::commerce::orders::Host;
use crate::bindings::modgate::commerce::types::Page;
use crate::capabilities::{BuiltinServices, builtin};
use crate::engine::CapabilityRegistry;
use crate::testing::InMemoryCommerce;
use crate::testing::capability::{NotLinked, TestInvocation};

use super::Orders;

const MANIFEST: &str = "name = \"probe\"\nversion = \"1.0.0\"\ncompatible-core = \"^1.0\"\npermissions = [\"read:orders\"]\n";

fn sample_registry() -> CapabilityRegistry {
    builtin(BuiltinServices {
        commerce: InMemoryCommerce::sample().into_commerce(),
        ..BuiltinServices::default()
    })
}

const ALL: Page = Page { offset: 0, limit: 100 };

#[tokio::test]
async fn each_tenant_sees_only_its_own_orders() {
    let registry = sample_registry();
    for (tenant, expected) in [("acme", vec!["o-1"]), ("globex", vec!["g-o-1"])] {
        let mut call = TestInvocation::builder(&registry, MANIFEST).tenant(tenant).build();
        let listed = call.view::<Orders>().unwrap().list(ALL).await.unwrap();
        let ids: Vec<&str> = listed.iter().map(|item| item.id.as_str()).collect();
        assert_eq!(ids, expected, "{tenant}");
    }
    let mut globex = TestInvocation::builder(&registry, MANIFEST).tenant("globex").build();
    let error = globex.view::<Orders>().unwrap().get("o-1".into()).await.unwrap_err();
    assert_eq!(error.code, WitErrorCode::NotFound, "another tenant's id is not found");
}

#[tokio::test]
async fn every_call_takes_one_op_and_the_budget_ends_in_budget_exhausted() {
    let registry = sample_registry();
    let mut call = TestInvocation::builder(&registry, MANIFEST).ops(2).build();
    let mut view = call.view::<Orders>().unwrap();
    view.list(ALL).await.unwrap();
    view.get("o-1".into()).await.unwrap();
    let error = view.list(ALL).await.unwrap_err();
    assert_eq!(error.code, WitErrorCode::BudgetExhausted);
    assert_eq!(call.ops_used(), 2);
}

#[tokio::test]
async fn ids_are_checked_before_they_reach_the_provider() {
    let registry = sample_registry();
    let mut call = TestInvocation::builder(&registry, MANIFEST).build();
    let error = call.view::<Orders>().unwrap().get(String::new()).await.unwrap_err();
    assert_eq!(error.code, WitErrorCode::Invalid);
}

#[test]
fn without_the_permission_it_is_not_linked() {
    let registry = sample_registry();
    let mut call = TestInvocation::builder(&registry, MANIFEST).grants(&[]).build();
    assert_eq!(call.view::<Orders>().err(), Some(NotLinked("orders")));
}

#[tokio::test]
async fn without_a_provider_it_answers_not_available() {
    let registry = builtin(BuiltinServices::default());
    let mut call = TestInvocation::builder(&registry, MANIFEST).build();
    let error = call.view::<Orders>().unwrap().list(ALL).await.unwrap_err();
    assert_eq!(error.code, WitErrorCode::NotAvailable);
}

#[tokio::test]
async fn has_purchased_answers_only_yes_or_no_within_the_tenant() {
    let registry = sample_registry();
    let mut acme = TestInvocation::builder(&registry, MANIFEST).tenant("acme").build();
    let mut view = acme.view::<Orders>().unwrap();
    assert!(view.has_purchased("cu-1".into(), "p-1".into()).await.unwrap());
    assert!(!view.has_purchased("cu-2".into(), "p-1".into()).await.unwrap());
    let mut globex = TestInvocation::builder(&registry, MANIFEST).tenant("globex").build();
    let purchased = globex.view::<Orders>().unwrap().has_purchased("cu-1".into(), "p-1".into()).await.unwrap();
    assert!(!purchased, "acme's purchase is invisible to globex");
}
