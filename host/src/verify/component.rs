//! The install-time component check: every import must be linkable under
//! the grants, the exports must match what the manifest declares, and
//! declared permissions that nothing uses are reported.

use std::collections::{BTreeMap, BTreeSet};

use modgate_manifest::{Manifest, Permission};
use sha2::{Digest, Sha256};

use crate::CORE_VERSION;
use crate::engine::CapabilityRegistry;
use crate::contract::{Access, InterfaceName, ManifestSection, modgate_interface, wasi_access, WasiAccess};
use crate::verify::classify::{ImportClass, ImportPolicy};
use crate::verify::decode::{ComponentSurface, decode_surface};
use crate::verify::file::too_large;
use crate::verify::problem::{Problem, ProblemCode};

/// One import and how it is linked (or why it is not).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportEntry {
    /// The import name.
    pub name: String,
    /// How it is linked, or `None` when refused (see the problems).
    pub class: Option<ImportClass>,
}

/// What the component check found.
#[derive(Debug, Clone, Default)]
pub struct ComponentReport {
    /// Component size in bytes.
    pub size: usize,
    /// SHA-256 of the component, hex.
    pub sha256: String,
    /// Every top-level import.
    pub imports: Vec<ImportEntry>,
    /// Every top-level export.
    pub exports: Vec<String>,
    /// Reasons to refuse; empty when accepted.
    pub problems: Vec<Problem>,
    /// Notes that do not refuse (unused permissions, exports never called).
    pub warnings: Vec<String>,
    /// Declared permissions that nothing in the component uses.
    pub unused_permissions: Vec<Permission>,
    /// What one instantiation creates (filled in by the engine's check).
    pub counts: crate::verify::ComponentCounts,
    /// The module's dependency components, in the order the host
    /// instantiates them (their problems are in `problems`, with their path).
    pub dependencies: Vec<DependencyReport>,
}

/// What the check found in one dependency component.
#[derive(Debug, Clone)]
pub struct DependencyReport {
    /// Its name in module.toml.
    pub name: String,
    /// Its path from the main component, e.g. `wishlist>greeter>casing`
    /// (the shortest chain of imports; `wishlist>name` when nothing imports it).
    pub path: String,
    /// The permissions module.toml gives it.
    pub requested: BTreeSet<Permission>,
    /// Those the operator granted: all it is linked with, besides the
    /// always-available set and other dependencies' exports.
    pub granted: BTreeSet<Permission>,
    /// Its size, hash, imports, exports, warnings and unused permissions.
    pub report: ComponentReport,
}

impl ComponentReport {
    /// Whether the module must be refused.
    pub fn is_refused(&self) -> bool {
        !self.problems.is_empty()
    }
}

impl std::fmt::Display for ComponentReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for problem in &self.problems {
            writeln!(f, "  {problem}")?;
        }
        Ok(())
    }
}

/// Checks `component` for a module with `manifest`, linked with `grants`
/// (a module without dependency components; [`crate::engine::Engine::check`]
/// checks one with them).
pub fn check_component(
    manifest: &Manifest,
    component: &[u8],
    grants: &BTreeSet<Permission>,
    registry: &CapabilityRegistry,
    max_component_bytes: usize,
) -> ComponentReport {
    let (mut report, surface) = decode_component(component, max_component_bytes);
    let Some(surface) = surface else { return report };
    check_offered(manifest, registry, &mut report);
    let part = ComponentPart {
        path: None,
        main: Some(manifest),
        requested: &manifest.permissions,
        grants,
        held_elsewhere: &BTreeMap::new(),
        permissions_key: "permissions",
        wired: &BTreeSet::new(),
    };
    check_part(&part, surface, registry, &mut report);
    report
}

/// One component of a module, as the check sees it.
pub(crate) struct ComponentPart<'a> {
    /// Its path from the main component (`wishlist>fetcher`); `None` for a
    /// module without dependency components.
    pub path: Option<&'a str>,
    /// The manifest, for the main component (whose exports the host calls).
    pub main: Option<&'a Manifest>,
    /// The permissions module.toml gives this component.
    pub requested: &'a BTreeSet<Permission>,
    /// Those the operator granted.
    pub grants: &'a BTreeSet<Permission>,
    /// The other components holding each permission, by path.
    pub held_elsewhere: &'a BTreeMap<Permission, Vec<String>>,
    /// Where module.toml lists this component's permissions.
    pub permissions_key: &'a str,
    /// Its imports a dependency component exports (wired by the host, not
    /// classified as host imports).
    pub wired: &'a BTreeSet<String>,
}

/// The report's size and hash, and the surface when the bytes are a
/// component within the size limit (a problem says why otherwise).
pub(crate) fn decode_component(component: &[u8], max_component_bytes: usize) -> (ComponentReport, Option<ComponentSurface>) {
    let mut report = ComponentReport {
        size: component.len(),
        sha256: hex::encode(Sha256::digest(component)),
        ..ComponentReport::default()
    };
    if component.len() > max_component_bytes {
        report
            .problems
            .push(too_large("component".to_owned(), component.len() as u64, max_component_bytes));
        return (report, None);
    }
    match decode_surface(component) {
        Ok(surface) => (report, Some(surface)),
        Err(message) => {
            report.problems.push(Problem::new(
                ProblemCode::InvalidComponent,
                "component",
                message,
                "rebuild the module; `modgate verify <module-dir>` builds Rust modules correctly",
            ));
            (report, None)
        }
    }
}

/// A problem for each permission the manifest asks for that no capability
/// of this host provides.
pub(crate) fn check_offered(manifest: &Manifest, registry: &CapabilityRegistry, report: &mut ComponentReport) {
    for declared in &manifest.permissions {
        if !registry.offers(*declared) {
            report.problems.push(Problem::new(
                ProblemCode::CapabilityUnavailable,
                format!("permissions: {declared}"),
                format!("this host does not offer {declared} yet"),
                format!("remove \"{declared}\" from `permissions`, or run on a host that offers it"),
            ));
        }
    }
}

/// Classifies every import of one component (its wired ones excepted),
/// checks the main component's exports, and notes unused permissions.
pub(crate) fn check_part(
    part: &ComponentPart<'_>,
    surface: ComponentSurface,
    registry: &CapabilityRegistry,
    report: &mut ComponentReport,
) {
    let policy = ImportPolicy {
        requested: part.requested,
        grants: part.grants,
        held_elsewhere: part.held_elsewhere,
        permissions_key: part.permissions_key,
        registry,
    };
    let first_problem = report.problems.len();
    let mut used = BTreeSet::new();
    for name in surface.imports {
        if part.wired.contains(&name) {
            report.imports.push(ImportEntry { name, class: Some(ImportClass::Dependency) });
            continue;
        }
        match policy.classify(&name) {
            Ok(class) => {
                if let ImportClass::Capability(p) = class {
                    used.insert(p);
                }
                report.imports.push(ImportEntry { name, class: Some(class) });
            }
            Err(problem) => {
                report.problems.push(problem);
                report.imports.push(ImportEntry { name, class: None });
            }
        }
    }
    if let Some(manifest) = part.main {
        check_exports(manifest, part.requested, part.grants, &surface.exports, &mut used, report);
    }
    report.exports = surface.exports;
    for declared in part.requested {
        if !used.contains(declared) {
            report.unused_permissions.push(*declared);
            report.warnings.push(format!(
                "permission {declared} is declared but nothing in the component uses it; remove it (least privilege)"
            ));
        }
    }
    if let Some(path) = part.path {
        for problem in &mut report.problems[first_problem..] {
            problem.path = Some(path.to_owned());
        }
    }
}

/// Exports: `lifecycle` always, and one export per manifest section that
/// makes the host call into the module.
fn check_exports(
    manifest: &Manifest,
    requested: &BTreeSet<Permission>,
    grants: &BTreeSet<Permission>,
    exports: &[String],
    used: &mut BTreeSet<Permission>,
    report: &mut ComponentReport,
) {
    let mut present = BTreeSet::new();
    for name in exports {
        let Some(parsed) = InterfaceName::parse(name) else {
            report.warnings.push(format!("export {name} is never called by the host"));
            continue;
        };
        let known_version = parsed.version.as_ref().is_some_and(|v| v.major == CORE_VERSION.major)
            || parsed.package == "wasi:http";
        let access = modgate_interface(parsed.interface).map(|i| i.access).or_else(|| {
            (wasi_access(parsed.interface) == Some(WasiAccess::Serve))
                .then_some(Access::Declared(ManifestSection::Routes))
        });
        match (access, known_version) {
            (Some(Access::Permission(permission)), true) => {
                if !requested.contains(&permission) {
                    report.problems.push(Problem::new(
                        ProblemCode::ExportNeedsPermission,
                        name,
                        format!("exporting {} needs permission {permission}", parsed.interface),
                        format!("add \"{permission}\" to `permissions` in module.toml"),
                    ));
                } else if !grants.contains(&permission) {
                    report.problems.push(Problem::new(
                        ProblemCode::PermissionNotGranted,
                        name,
                        format!(
                            "exporting {} needs permission {permission}, which the operator did not grant",
                            parsed.interface
                        ),
                        format!("grant {permission} at install, or use a module version that does not need it"),
                    ));
                } else {
                    used.insert(permission);
                }
                present.insert(parsed.interface.to_owned());
            }
            (Some(Access::Declared(_)), true) => {
                present.insert(parsed.interface.to_owned());
            }
            _ => report.warnings.push(format!("export {name} is never called by the host")),
        }
    }
    let mut require = |interface: &str, because: &str| {
        if !present.contains(interface) {
            report.problems.push(Problem::new(
                ProblemCode::MissingExport,
                interface,
                format!("{because}, but the component does not export {interface}"),
                format!("export {interface} (the Rust SDK does it for you)"),
            ));
        }
    };
    require("modgate:host/lifecycle", "every module is activated through lifecycle");
    if !manifest.slots.is_empty() {
        require("modgate:host/slot-provider", "module.toml declares `slots`");
    }
    if !manifest.hooks.is_empty() {
        require("modgate:host/hook-handler", "module.toml declares `hooks`");
    }
    if !manifest.routes.is_empty() {
        require("wasi:http/incoming-handler", "module.toml declares `routes`");
    }
    if manifest.subscriptions.iter().any(|s| s.is_core()) {
        require(
            "modgate:commerce/core-event-handler",
            "module.toml subscribes to core events (`subscriptions`)",
        );
    }
    if manifest.subscriptions.iter().any(|s| !s.is_core()) {
        require(
            "modgate:host/event-handler",
            "module.toml subscribes to module events (`subscriptions`)",
        );
    }
    if manifest.subscriptions.is_empty() {
        for handler in ["modgate:commerce/core-event-handler", "modgate:host/event-handler"] {
            if present.contains(handler) {
                report.problems.push(Problem::new(
                    ProblemCode::HandlerWithoutSubscriptions,
                    handler,
                    format!("the component exports {handler} but module.toml subscribes to no event"),
                    "list the events it handles under `subscriptions` in module.toml, or stop exporting the handler",
                ));
            }
        }
    }
    let declared = |section: &str, interface: &str, is_declared: bool, report: &mut ComponentReport| {
        if present.contains(interface) && !is_declared {
            report.warnings.push(format!(
                "the component exports {interface} but module.toml declares no `{section}`: it is never called"
            ));
        }
    };
    declared("slots", "modgate:host/slot-provider", !manifest.slots.is_empty(), report);
    declared("hooks", "modgate:host/hook-handler", !manifest.hooks.is_empty(), report);
    declared("routes", "wasi:http/incoming-handler", !manifest.routes.is_empty(), report);
    // No such warning for the event handlers: the SDK exports both with
    // its `events` feature, and the host only calls the one a module's
    // subscriptions need (exporting one with no subscriptions at all is
    // refused above).
}
