//! `wasi:http/types` without wasm: every object a guest creates is charged
//! to the invocation's memory, and a charge past the limit fails the call.

use wasmtime_wasi_http::p2::bindings::http::types::HostFields;

use crate::capabilities::{BuiltinServices, builtin};
use crate::engine::MemoryUse;
use crate::testing::capability::TestInvocation;

use super::accounted::{ENTRY_BYTES, HANDLE_BYTES};
use super::{HttpTypes, accounted_view};

const MANIFEST: &str = "name = \"probe\"\nversion = \"1.0.0\"\ncompatible-core = \"^1.0\"\n";

#[test]
fn header_maps_are_charged_for_the_handle_and_every_value() {
    let registry = builtin(BuiltinServices::default());
    let mut call = TestInvocation::builder(&registry, MANIFEST).build();
    let mut view = accounted_view(call.view::<HttpTypes>().unwrap());
    let fields = view.new().unwrap();
    view.append(fields, "x-note".into(), b"hello".to_vec()).ok().unwrap();
    assert_eq!(call.memory().host_bytes(), HANDLE_BYTES + "x-note".len() + "hello".len() + ENTRY_BYTES);
}

#[test]
fn creating_past_the_memory_limit_fails_the_call_naming_what_asked() {
    let registry = builtin(BuiltinServices::default());
    let mut call = TestInvocation::builder(&registry, MANIFEST).memory_limit(1 << 20).build();
    let mut view = accounted_view(call.view::<HttpTypes>().unwrap());
    let big = vec![b'v'; 60 << 10];
    let mut created = 0;
    let refused = loop {
        match view.from_list(vec![("x-big".into(), big.clone())]) {
            Ok(_) => created += 1,
            Err(error) => break error,
        }
        assert!(created < 100, "the memory limit never refused");
    };
    assert!(created >= 10, "{created} maps fitted");
    let text = match refused.downcast() {
        Ok(code) => format!("{code:?}"),
        Err(trap) => format!("{trap:?}"),
    };
    assert!(text.contains("memory limit"), "{text}");
    assert_eq!(call.memory().refusal().map(|r| r.by), Some(MemoryUse::Host("http fields")));
}

#[test]
fn it_is_linked_for_every_module() {
    let registry = builtin(BuiltinServices::default());
    let mut call = TestInvocation::builder(&registry, MANIFEST).grants(&[]).build();
    assert!(call.view::<HttpTypes>().is_ok());
}
