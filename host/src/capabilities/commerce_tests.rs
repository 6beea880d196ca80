//! The behaviour every commerce capability shares, as one set of tests each
//! capability's `tests.rs` instantiates for itself: tenant scoping, one op
//! per call and `budget-exhausted` past the budget, ids checked before the
//! provider, not linked without the permission, `not-available` without a
//! provider.

use crate::capabilities::{BuiltinServices, builtin};
use crate::engine::CapabilityRegistry;
use crate::testing::InMemoryCommerce;

/// The built-in capabilities over the two-tenant sample data.
pub fn sample_registry() -> CapabilityRegistry {
    builtin(BuiltinServices {
        commerce: InMemoryCommerce::sample().into_commerce(),
        ..BuiltinServices::default()
    })
}

/// A manifest asking for `permission` only.
pub fn manifest(permission: &str) -> String {
    format!("name = \"probe\"\nversion = \"1.0.0\"\ncompatible-core = \"^1.0\"\npermissions = [{permission:?}]\n")
}

/// The shared tests of a commerce capability: `$capability` in folder
/// `$name`, unlocked by `$permission`, whose sample ids are `$acme` and
/// `$globex` (`$acme_id` one of acme's).
macro_rules! commerce_capability_tests {
    ($capability:ident, $name:literal, $permission:literal, acme: [$($acme:literal),*], globex: [$($globex:literal),*], acme_id: $acme_id:literal) => {
        use crate::bindings::WitErrorCode;
        use crate::bindings::modgate::commerce::types::Page;
        use crate::capabilities::commerce_tests::{manifest, sample_registry};
        use crate::capabilities::{BuiltinServices, builtin};
        use crate::testing::capability::{NotLinked, TestInvocation};

        const ALL: Page = Page { offset: 0, limit: 100 };

        #[tokio::test]
        async fn each_tenant_sees_only_its_own_items() {
            let registry = sample_registry();
            for (tenant, expected) in [("acme", vec![$($acme),*]), ("globex", vec![$($globex),*])] {
                let mut call = TestInvocation::builder(&registry, &manifest($permission)).tenant(tenant).build();
                let listed = call.view::<$capability>().unwrap().list(ALL).await.unwrap();
                let ids: Vec<&str> = listed.iter().map(|item| item.id.as_str()).collect();
                assert_eq!(ids, expected, "{tenant}");
            }
            let mut globex = TestInvocation::builder(&registry, &manifest($permission)).tenant("globex").build();
            let error = globex.view::<$capability>().unwrap().get($acme_id.into()).await.unwrap_err();
            assert_eq!(error.code, WitErrorCode::NotFound, "another tenant's id is not found");
        }

        #[tokio::test]
        async fn every_call_takes_one_op_and_the_budget_ends_in_budget_exhausted() {
            let registry = sample_registry();
            let mut call = TestInvocation::builder(&registry, &manifest($permission)).ops(2).build();
            let mut view = call.view::<$capability>().unwrap();
            view.list(ALL).await.unwrap();
            view.get($acme_id.into()).await.unwrap();
            let error = view.list(ALL).await.unwrap_err();
            assert_eq!(error.code, WitErrorCode::BudgetExhausted);
            assert_eq!(call.ops_used(), 2);
        }

        #[tokio::test]
        async fn ids_are_checked_before_they_reach_the_provider() {
            let registry = sample_registry();
            let mut call = TestInvocation::builder(&registry, &manifest($permission)).build();
            let error = call.view::<$capability>().unwrap().get(String::new()).await.unwrap_err();
            assert_eq!(error.code, WitErrorCode::Invalid);
        }

        #[test]
        fn without_the_permission_it_is_not_linked() {
            let registry = sample_registry();
            let mut call = TestInvocation::builder(&registry, &manifest($permission)).grants(&[]).build();
            assert_eq!(call.view::<$capability>().err(), Some(NotLinked($name)));
        }

        #[tokio::test]
        async fn without_a_provider_it_answers_not_available() {
            let registry = builtin(BuiltinServices::default());
            let mut call = TestInvocation::builder(&registry, &manifest($permission)).build();
            let error = call.view::<$capability>().unwrap().list(ALL).await.unwrap_err();
            assert_eq!(error.code, WitErrorCode::NotAvailable);
        }
    };
}

pub(crate) use commerce_capability_tests;
