//! The categories capability without wasm: tenant scoping, the op budget,
//! refusals.

use crate::bindings::WitErrorCode;
use crate::bindings::modgate::commerce::categories::Host;
use crate::bindings::modgate::commerce::types::Page;
use crate::capabilities::{BuiltinServices, builtin};
use crate::engine::CapabilityRegistry;
use crate::testing::InMemoryCommerce;
use crate::testing::capability::{NotLinked, TestInvocation};

use super::Categories;

const MANIFEST: &str = "name = \"probe\"\nversion = \"1.0.0\"\ncompatible-core = \"^1.0\"\npermissions = [\"read:categories\"]\n";

fn sample_registry() -> CapabilityRegistry {
    builtin(BuiltinServices {
        commerce: InMemoryCommerce::sample().into_commerce(),
        ..BuiltinServices::default()
    })
}

const ALL: Page = Page { offset: 0, limit: 100 };

#[tokio::test]
async fn each_tenant_sees_only_its_own_categories() {
    let registry = sample_registry();
    for (tenant, expected) in [("acme", vec!["c-1"]), ("globex", vec!["g-c-1"])] {
        let mut call = TestInvocation::builder(&registry, MANIFEST).tenant(tenant).build();
        let listed = call.view::<Categories>().unwrap().list(ALL).await.unwrap();
        let ids: Vec<&str> = listed.iter().map(|item| item.id.as_str()).collect();
        assert_eq!(ids, expected, "{tenant}");
    }
    let mut globex = TestInvocation::builder(&registry, MANIFEST).tenant("globex").build();
    let error = globex.view::<Categories>().unwrap().get("c-1".into()).await.unwrap_err();
    assert_eq!(error.code, WitErrorCode::NotFound, "another tenant's id is not found");
}

#[tokio::test]
async fn every_call_takes_one_op_and_the_budget_ends_in_budget_exhausted() {
    let registry = sample_registry();
    let mut call = TestInvocation::builder(&registry, MANIFEST).ops(2).build();
    let mut view = call.view::<Categories>().unwrap();
    view.list(ALL).await.unwrap();
    view.get("c-1".into()).await.unwrap();
    let error = view.list(ALL).await.unwrap_err();
    assert_eq!(error.code, WitErrorCode::BudgetExhausted);
    assert_eq!(call.ops_used(), 2);
}

#[tokio::test]
async fn ids_are_checked_before_they_reach_the_provider() {
    let registry = sample_registry();
    let mut call = TestInvocation::builder(&registry, MANIFEST).build();
    let error = call.view::<Categories>().unwrap().get(String::new()).await.unwrap_err();
    assert_eq!(error.code, WitErrorCode::Invalid);
}

#[test]
fn without_the_permission_it_is_not_linked() {
    let registry = sample_registry();
    let mut call = TestInvocation::builder(&registry, MANIFEST).grants(&[]).build();
    assert_eq!(call.view::<Categories>().err(), Some(NotLinked("categories")));
}

#[tokio::test]
async fn without_a_provider_it_answers_not_available() {
    let registry = builtin(BuiltinServices::default());
    let mut call = TestInvocation::builder(&registry, MANIFEST).build();
    let error = call.view::<Categories>().unwrap().list(ALL).await.unwrap_err();
    assert_eq!(error.code, WitErrorCode::NotAvailable);
}
