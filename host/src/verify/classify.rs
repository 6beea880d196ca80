//! Deciding, for each import, whether the host will link it — and if not,
//! which permission or change would make it linkable.

use std::collections::{BTreeMap, BTreeSet};

use modgate_manifest::Permission;

use crate::CORE_VERSION;
use crate::engine::CapabilityRegistry;
use crate::contract::{
    Access, Direction, InterfaceName, WASI_VERSION_PREFIX, WasiAccess, modgate_interface,
    wasi_access,
};
use crate::verify::problem::{Problem, ProblemCode};

/// How an accepted import will be linked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportClass {
    /// A capability unlocked by this (granted) permission.
    Capability(Permission),
    /// Available to every module (log, types, clocks, random).
    AlwaysAvailable,
    /// Linked from a WASI context that grants nothing.
    Inert,
    /// Wired by the host to another component of the module that exports it.
    Dependency,
}

impl std::fmt::Display for ImportClass {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImportClass::Capability(p) => write!(f, "{p}"),
            ImportClass::AlwaysAvailable => f.write_str("always available"),
            ImportClass::Inert => f.write_str("inert (linked with no authority)"),
            ImportClass::Dependency => f.write_str("a dependency component's export"),
        }
    }
}

/// What the classifier needs to know about the component and the host.
pub(crate) struct ImportPolicy<'a> {
    /// The permissions module.toml gives this component (for a module
    /// without dependency components: all of its permissions).
    pub requested: &'a BTreeSet<Permission>,
    /// Those of them the operator granted.
    pub grants: &'a BTreeSet<Permission>,
    /// The other components of the module holding each permission, by path
    /// (empty without dependency components).
    pub held_elsewhere: &'a BTreeMap<Permission, Vec<String>>,
    /// Where module.toml lists this component's permissions:
    /// `permissions`, or `dependencies.<name>.permissions`.
    pub permissions_key: &'a str,
    pub registry: &'a CapabilityRegistry,
}

impl ImportPolicy<'_> {
    /// Classifies one import name, or explains why it is refused.
    pub fn classify(&self, name: &str) -> Result<ImportClass, Problem> {
        let Some(parsed) = InterfaceName::parse(name) else {
            return Err(Problem::new(
                ProblemCode::UnknownImport,
                name,
                "not an interface import; modules may import only interfaces of modgate:host, modgate:commerce and WASI 0.2",
                "remove the import (a bare function or instance import is never linked)",
            ));
        };
        match parsed.package {
            "modgate:host" | "modgate:commerce" => self.classify_modgate(name, &parsed),
            package if package.starts_with("wasi:") => self.classify_wasi(name, &parsed),
            package => Err(Problem::new(
                ProblemCode::UnknownImport,
                name,
                format!("package {package} is not offered by this host"),
                "remove the import; modules may import only modgate:host, modgate:commerce and WASI 0.2 interfaces",
            )),
        }
    }

    fn classify_modgate(&self, name: &str, parsed: &InterfaceName<'_>) -> Result<ImportClass, Problem> {
        let Some(version) = &parsed.version else {
            return Err(Problem::new(
                ProblemCode::UnsupportedVersion,
                name,
                "modgate interfaces must be imported with their version",
                format!("build against {}@{CORE_VERSION}", parsed.package),
            ));
        };
        // Wasmtime links a pre-release only to exactly that pre-release.
        if !version.pre.is_empty() && version != &CORE_VERSION {
            return Err(Problem::new(
                ProblemCode::UnsupportedVersion,
                name,
                format!("built against the pre-release contract {version}; this host implements {CORE_VERSION}"),
                format!("rebuild the module against the released {}@{CORE_VERSION}", parsed.package),
            ));
        }
        if version.major != CORE_VERSION.major || version > &CORE_VERSION {
            return Err(Problem::new(
                ProblemCode::UnsupportedVersion,
                name,
                format!("built against contract version {version}; this host implements {CORE_VERSION}"),
                format!(
                    "rebuild the module against {}@{CORE_VERSION} (any 1.x up to it links)",
                    parsed.package
                ),
            ));
        }
        let Some(entry) = modgate_interface(parsed.interface) else {
            return Err(Problem::new(
                ProblemCode::UnknownImport,
                name,
                format!("the {} contract has no interface named like this", parsed.package),
                "check the interface name against wit/ in the modgate repository",
            ));
        };
        if entry.direction == Direction::Export {
            return Err(Problem::new(
                ProblemCode::UnknownImport,
                name,
                "this interface is exported by modules, never imported",
                "export it instead of importing it",
            ));
        }
        match entry.access {
            Access::Permission(permission) => self.permission_import(name, parsed.interface, permission),
            Access::Always | Access::Declared(_) => self.always(name, parsed.interface),
        }
    }

    fn classify_wasi(&self, name: &str, parsed: &InterfaceName<'_>) -> Result<ImportClass, Problem> {
        let version_ok = parsed
            .version_text
            .is_some_and(|v| v.starts_with(WASI_VERSION_PREFIX) && parsed.version.is_some());
        if !version_ok {
            return Err(Problem::new(
                ProblemCode::UnsupportedVersion,
                name,
                "only WASI 0.2.x interfaces are linked",
                "build with a WASI 0.2 toolchain (any 0.2.x patch version links)",
            ));
        }
        if parsed.version.as_ref().is_some_and(|v| !v.pre.is_empty()) {
            return Err(Problem::new(
                ProblemCode::UnsupportedVersion,
                name,
                "pre-release WASI versions are not linked (only released 0.2.x versions are)",
                "build with a released WASI 0.2 toolchain",
            ));
        }
        match wasi_access(parsed.interface) {
            None => Err(Problem::new(
                ProblemCode::UnknownImport,
                name,
                "this WASI interface is not offered to modules (no ambient authority)",
                "remove the import; data and effects come only through modgate capabilities",
            )),
            Some(WasiAccess::Serve) => Err(Problem::new(
                ProblemCode::UnknownImport,
                name,
                "this interface is exported by serving modules, never imported",
                "export it and declare `routes` in module.toml",
            )),
            Some(WasiAccess::Permission(permission)) => {
                self.permission_import(name, parsed.interface, permission)
            }
            Some(WasiAccess::Always) => self.always(name, parsed.interface),
            Some(WasiAccess::Inert) => {
                self.linked_by_host(name, parsed.interface)?;
                Ok(ImportClass::Inert)
            }
        }
    }

    fn permission_import(
        &self,
        name: &str,
        interface: &str,
        permission: Permission,
    ) -> Result<ImportClass, Problem> {
        if !self.requested.contains(&permission) {
            if let Some(holders) = self.held_elsewhere.get(&permission) {
                return Err(Problem::new(
                    ProblemCode::UngrantedImport,
                    name,
                    format!(
                        "importing {interface} needs permission {permission}, which module.toml gives only to {}",
                        holders.join(", ")
                    ),
                    format!(
                        "call {interface} through that dependency's exports, or take \"{permission}\" out of the dependencies' permissions (the main component then holds it, and they do not)"
                    ),
                ));
            }
            return Err(Problem::new(
                ProblemCode::UngrantedImport,
                name,
                format!("importing {interface} needs permission {permission}, which module.toml does not ask for"),
                format!("add \"{permission}\" to `{}` in module.toml, or stop using {interface}", self.permissions_key),
            ));
        }
        if !self.grants.contains(&permission) {
            return Err(Problem::new(
                ProblemCode::PermissionNotGranted,
                name,
                format!("importing {interface} needs permission {permission}, which the operator did not grant"),
                format!("grant {permission} at install, or use a module version that does not need it"),
            ));
        }
        self.linked_by_host(name, interface)?;
        Ok(ImportClass::Capability(permission))
    }

    fn always(&self, name: &str, interface: &str) -> Result<ImportClass, Problem> {
        self.linked_by_host(name, interface)?;
        Ok(ImportClass::AlwaysAvailable)
    }

    fn linked_by_host(&self, name: &str, interface: &str) -> Result<(), Problem> {
        if self.registry.provider_of(interface).is_some() {
            return Ok(());
        }
        Err(Problem::new(
            ProblemCode::CapabilityUnavailable,
            name,
            format!("this host does not offer {interface}"),
            "run the module on a host that provides this capability, or stop using it",
        ))
    }
}
