//! The log capability without wasm: lines reach the module log with their
//! tenant, within the per-invocation cap, and cost no ops.

use crate::bindings::modgate::host::log::{Host, Level};
use crate::capabilities::{BuiltinServices, builtin};
use crate::engine::module_log::LogLevel;
use crate::testing::capability::TestInvocation;

use super::Log;

const MANIFEST: &str = "name = \"probe\"\nversion = \"1.0.0\"\ncompatible-core = \"^1.0\"\n";

#[tokio::test]
async fn lines_reach_the_module_log_with_the_tenant_and_take_no_op() {
    let registry = builtin(BuiltinServices::default());
    let mut call = TestInvocation::builder(&registry, MANIFEST).tenant("globex").ops(0).build();
    call.view::<Log>().unwrap().log(Level::Warn, "careful".into()).await;
    let lines = call.log_lines();
    assert_eq!(lines.len(), 1);
    assert_eq!((lines[0].tenant.as_str(), lines[0].level, lines[0].message.as_str()), ("globex", LogLevel::Warn, "careful"));
    assert_eq!(call.ops_used(), 0, "logging is bounded by the log's own limits, not the op budget");
}

#[tokio::test]
async fn an_invocation_writes_at_most_its_line_cap() {
    let registry = builtin(BuiltinServices::default());
    let mut call = TestInvocation::builder(&registry, MANIFEST).build();
    let mut view = call.view::<Log>().unwrap();
    for i in 0..150 {
        view.log(Level::Info, i.to_string()).await;
    }
    assert_eq!(call.log_lines().len(), 100);
}

#[test]
fn it_is_linked_without_any_permission() {
    let registry = builtin(BuiltinServices::default());
    let mut call = TestInvocation::builder(&registry, MANIFEST).grants(&[]).build();
    assert!(call.view::<Log>().is_ok());
}
