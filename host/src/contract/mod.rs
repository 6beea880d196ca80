//! What the WIT contracts in `wit/` say about each interface: who provides
//! it, which permission unlocks it, and which WASI interfaces are inert.
//!
//! This is the single table the install-time check consults; a test keeps it
//! in step with the `.wit` files.

pub mod wit;

use modgate_manifest::Permission;

/// Which side of the boundary provides an interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// The host provides it; the module imports it.
    Import,
    /// The module provides it; the host calls it.
    Export,
}

/// How the host treats an interface of the modgate contracts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Available to every module (`log`, the shared type interfaces).
    Always,
    /// Needs this permission.
    Permission(Permission),
    /// An export the host calls when the manifest declares its section.
    Declared(ManifestSection),
}

/// A manifest section that makes the host call an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ManifestSection {
    /// `slots`
    Slots,
    /// `routes`
    Routes,
    /// `hooks`
    Hooks,
    /// Every module: `lifecycle`.
    Always,
}

/// One interface of the modgate contracts.
#[derive(Debug, Clone, Copy)]
pub struct ContractInterface {
    /// `package/interface` without version, e.g. `modgate:commerce/products`.
    pub name: &'static str,
    /// Who provides it.
    pub direction: Direction,
    /// What unlocks it.
    pub access: Access,
}

const fn import(name: &'static str, access: Access) -> ContractInterface {
    ContractInterface {
        name,
        direction: Direction::Import,
        access,
    }
}

const fn export(name: &'static str, access: Access) -> ContractInterface {
    ContractInterface {
        name,
        direction: Direction::Export,
        access,
    }
}

/// Every interface of `modgate:host@1` and `modgate:commerce@1`.
pub const MODGATE_INTERFACES: &[ContractInterface] = &[
    import("modgate:host/types", Access::Always),
    import("modgate:host/log", Access::Always),
    import("modgate:host/settings", Access::Always),
    import("modgate:host/tables", Access::Permission(Permission::WriteOwnTables)),
    import("modgate:host/events", Access::Permission(Permission::EmitEvents)),
    import("modgate:host/email", Access::Permission(Permission::EmailSend)),
    export("modgate:host/lifecycle", Access::Declared(ManifestSection::Always)),
    export("modgate:host/event-handler", Access::Permission(Permission::SubscribeEvents)),
    export("modgate:host/slot-provider", Access::Declared(ManifestSection::Slots)),
    export("modgate:host/hook-handler", Access::Declared(ManifestSection::Hooks)),
    import("modgate:commerce/types", Access::Always),
    import("modgate:commerce/core-events", Access::Always),
    export("modgate:commerce/core-event-handler", Access::Permission(Permission::SubscribeEvents)),
    import("modgate:commerce/products", Access::Permission(Permission::ReadProducts)),
    import("modgate:commerce/categories", Access::Permission(Permission::ReadCategories)),
    import("modgate:commerce/orders", Access::Permission(Permission::ReadOrders)),
    import("modgate:commerce/customers", Access::Permission(Permission::ReadCustomers)),
];

/// WASI interfaces a module may use, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WasiAccess {
    /// Clocks and random: always available, real.
    Always,
    /// Imported by language runtimes by habit; linked from a context that
    /// grants nothing (no env, args, preopens, sockets or name lookups;
    /// stdin closed; stdout/stderr captured into the bounded module log).
    Inert,
    /// `wasi:http/outgoing-handler`: the `http:outbound` capability.
    Permission(Permission),
    /// `wasi:http/incoming-handler` as an export (the manifest's `routes`).
    Serve,
}

/// The WASI 0.2 major/minor every 0.2.x patch version links against.
pub const WASI_VERSION_PREFIX: &str = "0.2.";

/// How a WASI interface (`wasi:pkg/iface`, no version) is treated, or
/// `None` when it is not part of what modules may use.
pub fn wasi_access(interface: &str) -> Option<WasiAccess> {
    let (package, name) = interface.split_once('/')?;
    match package {
        "wasi:clocks" | "wasi:random" => Some(WasiAccess::Always),
        "wasi:io" | "wasi:cli" | "wasi:filesystem" | "wasi:sockets" => Some(WasiAccess::Inert),
        "wasi:http" => match name {
            "types" => Some(WasiAccess::Inert),
            "outgoing-handler" => Some(WasiAccess::Permission(Permission::HttpOutbound)),
            "incoming-handler" => Some(WasiAccess::Serve),
            _ => None,
        },
        _ => None,
    }
}

/// Who may import an interface of the contracts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportAccess {
    /// Every module (`log`, the type interfaces, clocks, random).
    Always,
    /// Every module, linked with no authority (the inert WASI set).
    Inert,
    /// Modules granted this permission.
    Permission(Permission),
}

/// Who may import `interface` (`package/interface`, no version), or `None`
/// when it is not an import of the contracts. The one place that says which
/// interface needs which permission: the install-time check and the
/// capability registry both read it.
pub fn import_access(interface: &str) -> Option<ImportAccess> {
    if let Some(entry) = modgate_interface(interface) {
        return match (entry.direction, entry.access) {
            (Direction::Import, Access::Always) => Some(ImportAccess::Always),
            (Direction::Import, Access::Permission(permission)) => Some(ImportAccess::Permission(permission)),
            _ => None,
        };
    }
    match wasi_access(interface)? {
        WasiAccess::Always => Some(ImportAccess::Always),
        WasiAccess::Inert => Some(ImportAccess::Inert),
        WasiAccess::Permission(permission) => Some(ImportAccess::Permission(permission)),
        WasiAccess::Serve => None,
    }
}

/// The contract entry for a modgate interface name (no version).
pub fn modgate_interface(interface: &str) -> Option<&'static ContractInterface> {
    MODGATE_INTERFACES.iter().find(|i| i.name == interface)
}

/// The interfaces (imports) a permission unlocks, for messages and the
/// least-privilege report.
pub fn interfaces_of(permission: Permission) -> Vec<&'static str> {
    let mut names: Vec<&'static str> = MODGATE_INTERFACES
        .iter()
        .filter(|i| i.access == Access::Permission(permission))
        .map(|i| i.name)
        .collect();
    if permission == Permission::HttpOutbound {
        names.push("wasi:http/outgoing-handler");
    }
    names
}

/// Whether `permission` unlocks only exports the host calls (e.g.
/// `subscribe:events`): no capability provides it, the host's own
/// subsystems call the module.
pub fn unlocks_only_exports(permission: Permission) -> bool {
    let mut unlocked = MODGATE_INTERFACES.iter().filter(|i| i.access == Access::Permission(permission)).peekable();
    unlocked.peek().is_some() && unlocked.all(|i| i.direction == Direction::Export)
}

/// A component-model import or export name split into its parts:
/// `ns:pkg/iface@version`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterfaceName<'a> {
    /// `ns:pkg/iface` without the version.
    pub interface: &'a str,
    /// `ns:pkg`.
    pub package: &'a str,
    /// The version, if any.
    pub version: Option<semver::Version>,
    /// The version text as written (also when it is not semver).
    pub version_text: Option<&'a str>,
}

impl<'a> InterfaceName<'a> {
    /// Splits `ns:pkg/iface@1.2.3`; `None` for names that are not interface
    /// names (plain function or instance names).
    pub fn parse(full: &'a str) -> Option<Self> {
        let (interface, version_text) = match full.split_once('@') {
            Some((i, v)) => (i, Some(v)),
            None => (full, None),
        };
        let (package, iface) = interface.split_once('/')?;
        let (ns, pkg) = package.split_once(':')?;
        if ns.is_empty() || pkg.is_empty() || iface.is_empty() {
            return None;
        }
        Some(InterfaceName {
            interface,
            package,
            version: version_text.and_then(|v| semver::Version::parse(v).ok()),
            version_text,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interface_names_split_into_package_and_version() {
        let n = InterfaceName::parse("modgate:commerce/products@1.0.0").unwrap();
        assert_eq!(n.interface, "modgate:commerce/products");
        assert_eq!(n.package, "modgate:commerce");
        assert_eq!(n.version, Some(semver::Version::new(1, 0, 0)));
        assert!(InterfaceName::parse("get-product").is_none());
        assert!(InterfaceName::parse("wasi:io/streams").unwrap().version.is_none());
    }

    #[test]
    fn every_permission_unlocks_at_least_one_interface() {
        for p in Permission::ALL {
            assert!(!interfaces_of(p).is_empty() || p == Permission::SubscribeEvents, "{p}");
        }
    }

    #[test]
    fn filesystem_and_sockets_are_inert_and_outbound_http_needs_permission() {
        assert_eq!(wasi_access("wasi:filesystem/types"), Some(WasiAccess::Inert));
        assert_eq!(wasi_access("wasi:sockets/tcp"), Some(WasiAccess::Inert));
        assert_eq!(
            wasi_access("wasi:http/outgoing-handler"),
            Some(WasiAccess::Permission(Permission::HttpOutbound))
        );
        assert_eq!(wasi_access("wasi:keyvalue/store"), None);
    }
}
