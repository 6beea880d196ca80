//! The component check's property, and the contract it is checked against,
//! written down here apart from the host's own table: an import the check
//! accepts is a versioned interface of the contracts, of a version this
//! host implements, classified as the WIT contracts say — and a capability
//! only when its permission was granted.

use std::collections::BTreeSet;

use modgate_host::capabilities::{BuiltinServices, builtin};
use modgate_host::engine::CapabilityRegistry;
use modgate_host::manifest::{CORE_VERSION, Manifest, Permission, verify_manifest};
use modgate_host::verify::{ComponentReport, ImportClass};

/// A module asking for every permission, with what each needs declared,
/// granted all of them, on a host with every built-in capability.
pub struct Setup {
    /// The module's manifest.
    pub manifest: Manifest,
    /// What the operator granted: everything asked for.
    pub grants: BTreeSet<Permission>,
    /// The built-in capabilities.
    pub registry: CapabilityRegistry,
}

const MANIFEST: &str = r#"
name = "fuzz"
version = "1.0.0"
compatible-core = "^1.0"
permissions = ["read:products", "read:categories", "read:orders", "read:customers", "write:own-tables",
               "emit:events", "subscribe:events", "email:send", "http:outbound"]
slots = ["product-card.actions"]
subscriptions = ["product.price-changed"]
[[routes]]
method = "GET"
path = "/items"
[[tables]]
name = "mod_fuzz_items"
columns = [{ name = "label", type = "text" }]
"#;

impl Setup {
    /// See the type.
    pub fn new() -> Self {
        let manifest = verify_manifest(MANIFEST, &CORE_VERSION).expect("the fuzz manifest verifies").manifest;
        let grants = manifest.permissions.clone();
        Setup { manifest, grants, registry: builtin(BuiltinServices::default()) }
    }
}

impl Default for Setup {
    fn default() -> Self {
        Self::new()
    }
}

/// How the contracts classify an import name, or `None` when no module may
/// import it.
pub fn contract_class(name: &str) -> Option<ImportClass> {
    let (interface, version) = name.split_once('@')?;
    let version = semver::Version::parse(version).ok()?;
    let (package, _) = interface.split_once('/')?;
    if package.starts_with("modgate:") {
        if version.major != CORE_VERSION.major {
            return None;
        }
        return Some(match interface {
            "modgate:host/types" | "modgate:host/log" | "modgate:host/settings" => ImportClass::AlwaysAvailable,
            "modgate:commerce/types" | "modgate:commerce/core-events" => ImportClass::AlwaysAvailable,
            "modgate:host/tables" => ImportClass::Capability(Permission::WriteOwnTables),
            "modgate:host/events" => ImportClass::Capability(Permission::EmitEvents),
            "modgate:host/email" => ImportClass::Capability(Permission::EmailSend),
            "modgate:commerce/products" => ImportClass::Capability(Permission::ReadProducts),
            "modgate:commerce/categories" => ImportClass::Capability(Permission::ReadCategories),
            "modgate:commerce/orders" => ImportClass::Capability(Permission::ReadOrders),
            "modgate:commerce/customers" => ImportClass::Capability(Permission::ReadCustomers),
            _ => return None,
        });
    }
    if package.starts_with("wasi:") {
        if (version.major, version.minor) != (0, 2) {
            return None;
        }
        return Some(match package {
            "wasi:clocks" | "wasi:random" => ImportClass::AlwaysAvailable,
            "wasi:io" | "wasi:cli" | "wasi:filesystem" | "wasi:sockets" => ImportClass::Inert,
            "wasi:http" if interface == "wasi:http/types" => ImportClass::Inert,
            "wasi:http" if interface == "wasi:http/outgoing-handler" => ImportClass::Capability(Permission::HttpOutbound),
            _ => return None,
        });
    }
    None
}

/// Panics when `report` passed an import the contracts do not allow, or
/// classified one otherwise than they say.
pub fn assert_classified(report: &ComponentReport, grants: &BTreeSet<Permission>) {
    for import in &report.imports {
        let Some(class) = import.class else { continue };
        let expected = contract_class(&import.name);
        assert_eq!(Some(class), expected, "import {:?} accepted as {class}", import.name);
        if let ImportClass::Capability(permission) = class {
            assert!(grants.contains(&permission), "import {} accepted without {permission}", import.name);
        }
    }
    if report.problems.is_empty() {
        assert!(report.imports.iter().all(|i| i.class.is_some()), "passed with an unclassified import");
    }
}
