//! The WASI capability without wasm: the context grants nothing — no
//! environment, arguments or directories, no sockets — and its captured
//! output is charged to the invocation and ends up in the module log.

use wasmtime_wasi::cli::WasiCliView;
use wasmtime_wasi::filesystem::WasiFilesystemView;
use wasmtime_wasi::sockets::WasiSocketsView;
use wasmtime_wasi::WasiView;
use wasmtime_wasi::p2::bindings::cli::environment::Host as Environment;
use wasmtime_wasi::p2::bindings::filesystem::preopens::Host as Preopens;
use wasmtime_wasi::p2::bindings::sockets::network::IpAddressFamily;
use wasmtime_wasi::p2::bindings::random::random::Host as Random;
use wasmtime_wasi::p2::bindings::sockets::tcp_create_socket::Host as TcpCreateSocket;
use wasmtime_wasi::random::WasiRandomView;

use crate::capabilities::{BuiltinServices, builtin};
use crate::engine::{GuestLimit, InvocationError, classify_host_side};
use crate::testing::capability::TestInvocation;

use super::Wasi;

const MANIFEST: &str = "name = \"probe\"\nversion = \"1.0.0\"\ncompatible-core = \"^1.0\"\n";

#[test]
fn the_context_has_no_environment_arguments_or_directories() {
    let registry = builtin(BuiltinServices::default());
    let mut call = TestInvocation::builder(&registry, MANIFEST).grants(&[]).build();
    let mut cli = call.state().cli();
    assert!(Environment::get_environment(&mut cli).unwrap().is_empty());
    assert!(Environment::get_arguments(&mut cli).unwrap().is_empty());
    assert!(Environment::initial_cwd(&mut cli).unwrap().is_none());
    assert!(Preopens::get_directories(&mut call.state().filesystem()).unwrap().is_empty());
}

#[test]
fn sockets_are_refused() {
    let registry = builtin(BuiltinServices::default());
    let mut call = TestInvocation::builder(&registry, MANIFEST).build();
    let mut sockets = call.state().sockets();
    assert!(TcpCreateSocket::create_tcp_socket(&mut sockets, IpAddressFamily::Ipv4).is_err());
}

#[test]
fn the_captured_output_is_charged_only_when_wasi_is_used() {
    let registry = builtin(BuiltinServices::default());
    let mut call = TestInvocation::builder(&registry, MANIFEST).build();
    assert_eq!(call.memory().host_bytes(), 0);
    let _ = call.state().ctx();
    assert_eq!(call.memory().host_bytes(), 2 * 16 * 1024);
    assert!(call.view::<Wasi>().is_ok());
}

#[test]
fn streams_and_pollables_reach_the_table_without_building_the_context() {
    // wasi:io is linked over `IoView` (the resource table alone), so an
    // HTTP request's body streams never build the context or charge for it.
    let registry = builtin(BuiltinServices::default());
    let mut call = TestInvocation::builder(&registry, MANIFEST).build();
    let table = wasmtime_wasi_io::IoView::table(call.state());
    assert!(table.is_empty());
    assert_eq!(call.memory().host_bytes(), 0);
}

#[test]
fn a_random_request_past_its_bound_is_a_resource_limit() {
    let registry = builtin(BuiltinServices::default());
    let mut call = TestInvocation::builder(&registry, MANIFEST).build();
    let random = call.state().random();
    assert_eq!(Random::get_random_bytes(random, 1024).unwrap().len(), 1024);
    // The error wasmtime-wasi raises is what the engine classifies.
    let error = Random::get_random_bytes(random, 2 << 20).unwrap_err();
    let classified = classify_host_side("probe".to_owned(), &error);
    assert!(
        matches!(classified, InvocationError::ResourceLimit { limit: GuestLimit::RandomBytes, .. }),
        "{classified}"
    );
}
