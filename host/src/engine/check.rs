//! The one check both `modgate verify` and an install run, so that what
//! verify accepts always links: the static checks of the component's
//! surface ([`crate::verify::check_component`]), its instance, memory and
//! table counts against the caps, then compiling it and pre-instantiating it
//! with the very linker an install would use. Wasmtime's own linker text
//! never reaches a user: a link failure becomes an `incompatible-import`
//! problem naming the import and the function.

use std::collections::BTreeSet;
use std::sync::Arc;

use modgate_manifest::{Manifest, Permission};
use sha2::{Digest, Sha256};
use wasmtime::component::types::{self, ComponentItem};
use wasmtime::component::{Component, InstancePre, Linker};

use crate::contract::InterfaceName;

use crate::bindings::exports::modgate::host::lifecycle::GuestIndices as LifecycleIndices;
use crate::bindings::exports::modgate::host::slot_provider::GuestIndices as SlotIndices;
use crate::bindings::exports::modgate::host::event_handler::GuestIndices as ModuleEventIndices;
use crate::bindings::exports::modgate::host::hook_handler::GuestIndices as HookIndices;
use crate::bindings::exports::modgate::commerce::core_event_handler::GuestIndices as CoreEventIndices;
use crate::engine::state::InvocationState;
use crate::engine::tree::{DependencyComponents, LinkedDependency};
use wasmtime_wasi_http::p2::bindings::exports::wasi::http::incoming_handler::GuestIndices as IncomingIndices;
use crate::engine::{Engine, LoadError};
use crate::verify::{ComponentReport, Problem, ProblemCode, check_component, count_contents};
use crate::sync::lock;

/// A component checked against a manifest and grants.
pub struct CheckedComponent {
    /// What was found; refused when it has problems.
    pub report: ComponentReport,
    /// Present when the component was accepted.
    pub(crate) linked: Option<Linked>,
}

/// What loading an accepted component needs.
pub(crate) struct Linked {
    /// The module's code identity ([`crate::engine::tree::tree_hash`]).
    pub hash: [u8; 32],
    pub pre: InstancePre<InvocationState>,
    pub exports: ModuleExports,
    /// The dependency components, in instantiation order.
    pub dependencies: Arc<[LinkedDependency]>,
    /// The SHA-256 of each component compiled (main first): the keys of
    /// their compiled artifacts.
    pub component_hashes: Vec<[u8; 32]>,
}

/// The exports the host calls, found with their types checked.
pub(crate) struct ModuleExports {
    pub lifecycle: LifecycleIndices,
    /// `wasi:http/incoming-handler`, when exported with the right type.
    pub incoming: Option<IncomingIndices>,
    /// `slot-provider`, when exported with the right type.
    pub slots: Option<SlotIndices>,
    /// `modgate:commerce/core-event-handler`, when exported with the right type.
    pub core_events: Option<CoreEventIndices>,
    /// `modgate:host/event-handler`, when exported with the right type.
    pub module_events: Option<ModuleEventIndices>,
    /// `modgate:host/hook-handler`, when exported with the right type.
    pub hooks: Option<HookIndices>,
}

impl Engine {
    /// Checks a module's main `component` and the `dependencies`
    /// components its `manifest` declares, linked with `grants`: every
    /// problem an install would refuse it for, with the same verdict
    /// (`modgate verify` calls this with every permission the manifest
    /// asks for granted). Most modules have no dependencies: pass an empty
    /// map.
    pub fn check(
        &self,
        manifest: &Manifest,
        component: &[u8],
        dependencies: &DependencyComponents,
        grants: &BTreeSet<Permission>,
    ) -> Result<CheckedComponent, LoadError> {
        if manifest.dependencies.is_empty() && dependencies.is_empty() {
            self.check_single(manifest, component, grants)
        } else {
            self.check_tree(manifest, component, dependencies, grants)
        }
    }

    /// [`Engine::check`] for a module that is one component.
    fn check_single(
        &self,
        manifest: &Manifest,
        component: &[u8],
        grants: &BTreeSet<Permission>,
    ) -> Result<CheckedComponent, LoadError> {
        let config = &self.shared.config;
        let mut report = check_component(manifest, component, grants, &self.shared.registry, config.max_component_bytes);
        let refused = |report| Ok(CheckedComponent { report, linked: None });
        if report.is_refused() {
            return refused(report);
        }
        match count_contents(component) {
            Ok(counts) => {
                report.counts = counts;
                report.problems.extend(cap_problems(counts, config.component_caps));
            }
            Err(message) => report.problems.push(invalid(message)),
        }
        if report.is_refused() {
            return refused(report);
        }
        let hash: [u8; 32] = Sha256::digest(component).into();
        let compiled = match self.compile(hash, component) {
            Ok(compiled) => compiled,
            Err(message) => {
                report.problems.push(invalid(format!("compiling it failed: {message}")));
                return refused(report);
            }
        };
        let linker = self
            .linkers
            .get_or_build(grants, &self.shared.registry, &self.shared.wasmtime)
            .map_err(|e| LoadError::Link {
                module: manifest.name.as_str().to_owned(),
                message: format!("{e:#}"),
            })?;
        let linked = self.link_main(manifest, &linker, &compiled, &mut report)?;
        Ok(CheckedComponent {
            linked: linked.map(|(pre, exports)| Linked {
                hash,
                pre,
                exports,
                dependencies: Arc::from(Vec::new()),
                component_hashes: vec![hash],
            }),
            report,
        })
    }

    /// Pre-instantiates the main component with `linker` and finds the
    /// exports the host calls, with their types checked; `None` (and the
    /// problems in `report`) when it does not fit.
    pub(crate) fn link_main(
        &self,
        manifest: &Manifest,
        linker: &Linker<InvocationState>,
        compiled: &Component,
        report: &mut ComponentReport,
    ) -> Result<Option<(InstancePre<InvocationState>, ModuleExports)>, LoadError> {
        let path = (!manifest.dependencies.is_empty()).then(|| manifest.name.as_str());
        let mut refuse = |problem: Problem| {
            report.problems.push(match path {
                Some(path) => problem.at(path),
                None => problem,
            });
        };
        let pre = match linker.instantiate_pre(compiled) {
            Ok(pre) => pre,
            Err(error) => {
                tracing::debug!(module = manifest.name.as_str(), "link check: {error:#}");
                refuse(link_problem(&error));
                return Ok(None);
            }
        };
        let reference = self.reference_exports().map_err(|message| LoadError::Link {
            module: manifest.name.as_str().to_owned(),
            message,
        })?;
        let guest = linker.substituted_component_type(compiled).map_err(|e| LoadError::Link {
            module: manifest.name.as_str().to_owned(),
            message: format!("{e:#}"),
        })?;
        match typed_exports(&self.shared.wasmtime, manifest, &pre, &guest, reference) {
            Ok(exports) => Ok(Some((pre, exports))),
            Err(problems) => {
                for problem in problems {
                    refuse(problem);
                }
                Ok(None)
            }
        }
    }

    /// The host's own definition of the exports it calls: the reference
    /// component, compiled and typed once per engine.
    fn reference_exports(&self) -> Result<&types::Component, String> {
        self.reference
            .get_or_init(|| {
                let bytes = crate::contract::wit::reference_exports_component().map_err(|e| format!("{e:#}"))?;
                let compiled = Component::new(&self.shared.wasmtime, &bytes).map_err(|e| format!("{e:#}"))?;
                let linker = self
                    .linkers
                    .get_or_build(&BTreeSet::new(), &self.shared.registry, &self.shared.wasmtime)
                    .map_err(|e| format!("{e:#}"))?;
                linker.substituted_component_type(&compiled).map_err(|e| format!("{e:#}"))
            })
            .as_ref()
            .map_err(|message| format!("the host's reference exports: {message}"))
    }

    /// Compiles once per distinct component (content hash).
    pub(crate) fn compile(&self, hash: [u8; 32], bytes: &[u8]) -> Result<Component, String> {
        let mut cache = lock(&self.components);
        if let Some(found) = cache.get(&hash) {
            return Ok(found.clone());
        }
        let _compiling = self
            .shared
            .config
            .compile_cache
            .as_deref()
            .and_then(|dir| crate::engine::compile_cache::CompileLock::acquire(dir, &hash));
        let compiled = Component::new(&self.shared.wasmtime, bytes).map_err(|e| {
            crate::engine::guest_text::bounded_message(&format!("{e:#}"))
        })?;
        cache.insert(hash, compiled.clone());
        Ok(compiled)
    }
}

/// The exports the host will call: each must have the functions and types
/// of the host's WIT (compared with the reference component, see
/// [`crate::contract::wit`]). An export the manifest does not make the host
/// call is only looked up when it matches.
fn typed_exports(
    engine: &wasmtime::Engine,
    manifest: &Manifest,
    pre: &InstancePre<InvocationState>,
    guest: &types::Component,
    reference: &types::Component,
) -> Result<ModuleExports, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut matches = |interface: &str, required: bool| match export_mismatch(engine, guest, reference, interface) {
        None => true,
        Some(problem) => {
            if required {
                problems.push(problem);
            }
            false
        }
    };
    matches("modgate:host/lifecycle", true);
    let incoming_ok = matches("wasi:http/incoming-handler", !manifest.routes.is_empty());
    let slots_ok = matches("modgate:host/slot-provider", !manifest.slots.is_empty());
    let subscribes = |core: bool| manifest.subscriptions.iter().any(|s| s.is_core() == core);
    let core_events_ok = matches("modgate:commerce/core-event-handler", subscribes(true));
    let module_events_ok = matches("modgate:host/event-handler", subscribes(false));
    let hooks_ok = matches("modgate:host/hook-handler", !manifest.hooks.is_empty());
    if !problems.is_empty() {
        return Err(problems);
    }
    let unexpected = |export: &str, error: wasmtime::Error| {
        vec![Problem::new(
            ProblemCode::IncompatibleExport,
            export,
            format!("the export could not be found after its types were checked ({error})"),
            "rebuild the module with the Rust SDK",
        )]
    };
    let lifecycle = LifecycleIndices::new(pre).map_err(|e| unexpected("modgate:host/lifecycle", e))?;
    Ok(ModuleExports {
        lifecycle,
        incoming: incoming_ok.then(|| IncomingIndices::new(pre).ok()).flatten(),
        slots: slots_ok.then(|| SlotIndices::new(pre).ok()).flatten(),
        core_events: core_events_ok.then(|| CoreEventIndices::new(pre).ok()).flatten(),
        module_events: module_events_ok.then(|| ModuleEventIndices::new(pre).ok()).flatten(),
        hooks: hooks_ok.then(|| HookIndices::new(pre).ok()).flatten(),
    })
}

/// Whether the component's export of `interface` (any version) has every
/// function of the host's definition with the same types; `None` when it
/// does (or does not export it at all: the surface check handles that).
fn export_mismatch(
    engine: &wasmtime::Engine,
    guest: &types::Component,
    reference: &types::Component,
    interface: &str,
) -> Option<Problem> {
    let find = |component: &types::Component| {
        component.exports(engine).find_map(|(name, export)| {
            let parsed = InterfaceName::parse(name)?;
            (parsed.interface == interface).then(|| (name.to_owned(), export.ty))
        })
    };
    let (name, guest_item) = find(guest)?;
    let mismatch = |function: Option<&str>| {
        let message = match function {
            Some(function) => format!("`{function}` does not match this host's definition of {interface}"),
            None => format!("the export is not an instance of {interface} as this host defines it"),
        };
        Some(Problem::new(
            ProblemCode::IncompatibleExport,
            name.clone(),
            message,
            "rebuild the module against the WIT this host ships (the Rust SDK exports it for you)",
        ))
    };
    let (Some((_, ComponentItem::ComponentInstance(expected))), ComponentItem::ComponentInstance(found)) =
        (find(reference), guest_item)
    else {
        return mismatch(None);
    };
    for (function, item) in expected.exports(engine) {
        let ComponentItem::ComponentFunc(want) = item.ty else { continue };
        let same = match found.get_export(engine, function).map(|e| e.ty) {
            Some(ComponentItem::ComponentFunc(have)) => {
                have.params().map(|(_, ty)| ty).eq(want.params().map(|(_, ty)| ty)) && have.results().eq(want.results())
            }
            _ => false,
        };
        if !same {
            return mismatch(Some(function));
        }
    }
    None
}

pub(crate) fn invalid(message: String) -> Problem {
    Problem::new(
        ProblemCode::InvalidComponent,
        "component",
        message,
        "rebuild the module; `modgate verify <module-dir>` builds Rust modules correctly",
    )
}

/// One problem per count over its cap, with both numbers.
pub(crate) fn cap_problems(counts: crate::verify::ComponentCounts, caps: crate::engine::ComponentCaps) -> Vec<Problem> {
    let over = [
        (ProblemCode::TooManyInstances, "core instances", counts.core_instances, caps.core_instances),
        (ProblemCode::TooManyMemories, "linear memories", counts.memories, caps.memories),
        (ProblemCode::TooManyTables, "tables", counts.tables, caps.tables),
    ];
    over.into_iter()
        .filter(|(_, _, found, cap)| found > cap)
        .map(|(code, what, found, cap)| {
            Problem::new(
                code,
                "component",
                format!("one instantiation creates {found} {what}; this host allows at most {cap} per component"),
                format!("build the module with fewer {what} (link core modules together), or raise the host's component caps"),
            )
        })
        .collect()
}

/// Turns wasmtime's link failure into a problem naming the import and the
/// function that do not match. Its chain reads: "component imports instance
/// `<import>`, …" → "instance export `<function>` has the wrong type" → why.
pub(crate) fn link_problem(error: &wasmtime::Error) -> Problem {
    let messages: Vec<String> = error.chain().map(|cause| cause.to_string()).collect();
    let quoted = |prefix: &str| {
        messages.iter().find_map(|m| {
            let rest = m.strip_prefix(prefix)?;
            rest.split('`').nth(1).map(str::to_owned)
        })
    };
    let import = quoted("component imports ").unwrap_or_else(|| "component".to_owned());
    let message = match quoted("instance export ") {
        Some(item) => format!("`{item}` does not match this host's definition of {import}"),
        None => format!("{import} does not match what this host provides"),
    };
    Problem::new(
        ProblemCode::IncompatibleImport,
        import,
        message,
        "rebuild the module against the WIT this host ships (modgate:host and modgate:commerce 1.x, WASI 0.2), without local changes to it",
    )
}
