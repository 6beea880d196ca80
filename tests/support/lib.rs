//! Shared helpers of the whole-system suites: engines with the sample
//! commerce data, manifests from inline TOML, loading test components.

#![deny(missing_docs)]

use std::collections::BTreeSet;

use modgate_host::CORE_VERSION;
use modgate_host::capabilities::builtin;
use modgate_host::engine::{Engine, EngineConfig, LoadError, LoadedModule, TenantId};
use modgate_host::manifest::{Manifest, Permission, verify_manifest};
use modgate_host::services::HostServices;
use modgate_host::testing::InMemoryCommerce;

/// An engine with the built-in capabilities and the two-tenant sample data.
pub fn engine(config: EngineConfig) -> Engine {
    let mut services = HostServices::new();
    InMemoryCommerce::sample().register(&mut services);
    Engine::new(config, builtin(), services).expect("engine starts")
}

/// An engine with default configuration.
pub fn default_engine() -> Engine {
    engine(EngineConfig::default())
}

/// A verified manifest for `name` asking for `permissions`.
pub fn manifest(name: &str, permissions: &[&str]) -> Manifest {
    let list = permissions
        .iter()
        .map(|p| format!("{p:?}"))
        .collect::<Vec<_>>()
        .join(", ");
    manifest_from(&format!(
        "name = {name:?}\nversion = \"1.0.0\"\ncompatible-core = \"^1.0\"\npermissions = [{list}]\n"
    ))
}

/// A verified manifest from TOML text.
pub fn manifest_from(text: &str) -> Manifest {
    match verify_manifest(text, &CORE_VERSION) {
        Ok(verified) => verified.manifest,
        Err(errors) => panic!("test manifest is invalid:\n{errors}"),
    }
}

/// Loads the component at `path` with every permission the manifest asks for granted.
pub fn load(engine: &Engine, manifest: Manifest, path: &str) -> Result<LoadedModule, LoadError> {
    let grants: BTreeSet<Permission> = manifest.permissions.clone();
    engine.load(manifest, &modgate_artifacts::read(path), grants)
}

/// Tenant `acme` of the sample data.
pub fn acme() -> TenantId {
    TenantId::new("acme").expect("slug")
}

/// Tenant `globex` of the sample data.
pub fn globex() -> TenantId {
    TenantId::new("globex").expect("slug")
}

/// Runs an async test body on a multi-threaded runtime.
pub fn run<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(future)
}
