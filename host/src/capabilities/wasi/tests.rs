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
use wasmtime_wasi::p2::bindings::sockets::tcp_create_socket::Host as TcpCreateSocket;

use crate::capabilities::{BuiltinServices, builtin};
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
