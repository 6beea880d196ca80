//! The settings capability without wasm.

use crate::bindings::modgate::host::settings::Host;
use crate::capabilities::{BuiltinServices, builtin};
use crate::engine::InstallSettings;
use crate::testing::capability::TestInvocation;

use super::Settings;

const MANIFEST: &str = "name = \"probe\"\nversion = \"1.0.0\"\ncompatible-core = \"^1.0\"\n";

#[tokio::test]
async fn an_invocation_reads_the_settings_it_was_handed_for_no_op() {
    let registry = builtin(BuiltinServices::default());
    let mut call = TestInvocation::builder(&registry, MANIFEST)
        .grants(&[])
        .ops(0)
        .extension(InstallSettings::new(r#"{"max-items":3}"#))
        .build();
    assert_eq!(call.view::<Settings>().unwrap().get().await, r#"{"max-items":3}"#);
    assert_eq!(call.ops_used(), 0);
}

#[tokio::test]
async fn without_an_install_the_settings_are_empty() {
    let registry = builtin(BuiltinServices::default());
    let mut call = TestInvocation::builder(&registry, MANIFEST).build();
    assert_eq!(call.view::<Settings>().unwrap().get().await, "{}");
}
