//! The type-only interfaces have nothing to call: they are linked for every
//! module, whatever it was granted.

use crate::capabilities::{BuiltinServices, builtin};
use crate::testing::capability::TestInvocation;

use super::ContractTypes;

#[test]
fn they_are_linked_for_every_module_without_any_permission() {
    let registry = builtin(BuiltinServices::default());
    let manifest = "name = \"probe\"\nversion = \"1.0.0\"\ncompatible-core = \"^1.0\"\n";
    let mut call = TestInvocation::builder(&registry, manifest).grants(&[]).build();
    assert!(call.view::<ContractTypes>().is_ok());
    assert_eq!(registry.provider_of("modgate:host/types"), Some("types"));
    assert_eq!(registry.provider_of("modgate:commerce/types"), Some("types"));
}
