//! The install-time component check: every import must be linkable under
//! the grants, the exports must match what the manifest declares, and
//! declared permissions that nothing uses are reported.

use std::collections::BTreeSet;

use modgate_manifest::{Manifest, Permission};
use sha2::{Digest, Sha256};

use crate::CORE_VERSION;
use crate::engine::CapabilityRegistry;
use crate::contract::{Access, InterfaceName, ManifestSection, modgate_interface, wasi_access, WasiAccess};
use crate::verify::classify::{ImportClass, ImportPolicy};
use crate::verify::decode::decode_surface;
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

/// Checks `component` for a module with `manifest`, linked with `grants`.
pub fn check_component(
    manifest: &Manifest,
    component: &[u8],
    grants: &BTreeSet<Permission>,
    registry: &CapabilityRegistry,
    max_component_bytes: usize,
) -> ComponentReport {
    let mut report = ComponentReport {
        size: component.len(),
        sha256: hex::encode(Sha256::digest(component)),
        ..ComponentReport::default()
    };
    if component.len() > max_component_bytes {
        report
            .problems
            .push(too_large("component".to_owned(), component.len() as u64, max_component_bytes));
        return report;
    }
    let surface = match decode_surface(component) {
        Ok(surface) => surface,
        Err(message) => {
            report.problems.push(Problem::new(
                ProblemCode::InvalidComponent,
                "component",
                message,
                "rebuild the module; `modgate verify <module-dir>` builds Rust modules correctly",
            ));
            return report;
        }
    };
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
    let policy = ImportPolicy {
        manifest,
        grants,
        registry,
    };
    let mut used = BTreeSet::new();
    for name in surface.imports {
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
    check_exports(manifest, grants, &surface.exports, &mut used, &mut report);
    report.exports = surface.exports;
    for declared in &manifest.permissions {
        if !used.contains(declared) {
            report.unused_permissions.push(*declared);
            report.warnings.push(format!(
                "permission {declared} is declared but nothing in the component uses it; remove it (least privilege)"
            ));
        }
    }
    report
}

/// Exports: `lifecycle` always, and one export per manifest section that
/// makes the host call into the module.
fn check_exports(
    manifest: &Manifest,
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
                if !manifest.permissions.contains(&permission) {
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
