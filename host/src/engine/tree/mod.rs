//! Module trees: a main component and the dependency components it ships,
//! each linked with only its own permissions (least privilege inside a
//! module, `docs/dependencies.md`).
//!
//! At load, [`Engine::check`] checks every component as a module's
//! component is checked — against the grants of its path, not the
//! module's —, plans the wiring (`plan.rs`: which dependency satisfies each
//! import that is not the host's, the instantiation order, each path),
//! compares the types on both sides of every wire (`types.rs`), and links
//! each importer with its grant set's linker plus one forwarding host
//! function per wired function (`forward.rs`). Each invocation then
//! instantiates the dependencies in order, then the main component, all in
//! the invocation's one store: one budget, deadline and memory limit for the
//! tree, and every capability call attributed to the path that made it.

mod forward;
pub(crate) mod plan;
#[cfg(test)]
mod tests;
mod types;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use modgate_manifest::{Manifest, Permission};
use sha2::{Digest, Sha256};
use wasmtime::component::{Component, InstancePre};

use crate::engine::check::{CheckedComponent, Linked, cap_problems, invalid, link_problem};
use crate::engine::state::InvocationState;
use crate::engine::ComponentGrant;
use crate::engine::{Engine, LoadError};
use crate::verify::{
    ComponentPart, ComponentReport, ComponentSurface, DependencyReport, Problem, ProblemCode, check_offered,
    check_part, count_contents, decode_component,
};
use forward::{ForwardedFunction, ForwardedInterface, add_forwarders};

/// The bytes of a module's dependency components, by their name in
/// module.toml.
pub type DependencyComponents = BTreeMap<String, Vec<u8>>;

/// One dependency component ready to be instantiated.
pub(crate) struct LinkedDependency {
    /// Its index in the module's dependencies (manifest order).
    pub index: usize,
    pub pre: InstancePre<InvocationState>,
    /// Where it sits in the tree and what it was linked with.
    pub grant: ComponentGrant,
}

/// The identity of a module's code: the component's SHA-256 for a module
/// without dependencies, otherwise the SHA-256 of the main component's hash
/// and each dependency's name and hash (so changing any component makes a
/// new version, whose routes and hooks need approving again).
pub fn tree_hash(main: &[u8], dependencies: &DependencyComponents) -> [u8; 32] {
    let named = dependencies.iter().map(|(name, bytes)| (name.as_str(), Sha256::digest(bytes).into()));
    combined_hash(Sha256::digest(main).into(), named)
}

/// [`tree_hash`] from the components' hashes, dependencies in name order.
fn combined_hash<'a>(main: [u8; 32], dependencies: impl Iterator<Item = (&'a str, [u8; 32])>) -> [u8; 32] {
    let mut dependencies = dependencies.peekable();
    if dependencies.peek().is_none() {
        return main;
    }
    let mut tree = Sha256::new();
    tree.update(b"modgate-tree-v1\0");
    tree.update(main);
    for (name, hash) in dependencies {
        tree.update((name.len() as u64).to_le_bytes());
        tree.update(name.as_bytes());
        tree.update(hash);
    }
    tree.finalize().into()
}

/// A dependency as the check goes along.
struct Part<'a> {
    name: &'a str,
    bytes: &'a [u8],
    hash: [u8; 32],
    requested: BTreeSet<Permission>,
    granted: BTreeSet<Permission>,
    report: ComponentReport,
    surface: ComponentSurface,
}

impl Engine {
    /// [`Engine::check`] for a module with dependency components: every
    /// component checked under the grants of its own path, the wiring
    /// planned and type-checked, each linked with its own linker.
    pub(crate) fn check_tree(
        &self,
        manifest: &Manifest,
        main: &[u8],
        dependencies: &DependencyComponents,
        grants: &BTreeSet<Permission>,
    ) -> Result<CheckedComponent, LoadError> {
        let config = &self.shared.config;
        let registry = &self.shared.registry;
        let module = manifest.name.as_str();
        let refused = |report| Ok(CheckedComponent { report, linked: None });
        let (mut report, main_surface) = decode_component(main, config.max_component_bytes);
        at_path(&mut report.problems, module);
        check_offered(manifest, registry, &mut report);
        let mut parts = Vec::new();
        for declared in &manifest.dependencies {
            let name = declared.name.as_str();
            let Some(bytes) = dependencies.get(name) else {
                let message = format!("dependency {name}'s component was not given to the host");
                let fix = format!(
                    "build it and place it at {} in the module folder (the path [dependencies.{name}] component names)",
                    declared.component.display()
                );
                report.problems.push(
                    Problem::new(ProblemCode::ComponentNotFound, declared.component.display().to_string(), message, fix)
                        .at(format!("{module}>{name}")),
                );
                continue;
            };
            let (mut dependency_report, surface) = decode_component(bytes, config.max_component_bytes);
            at_path(&mut dependency_report.problems, &format!("{module}>{name}"));
            report.problems.append(&mut dependency_report.problems);
            if let Some(surface) = surface {
                let requested = declared.permissions.clone();
                let granted = requested.intersection(grants).copied().collect();
                let hash = Sha256::digest(bytes).into();
                parts.push(Part { name, bytes, hash, requested, granted, report: dependency_report, surface });
            }
        }
        for name in dependencies.keys() {
            if !manifest.dependencies.iter().any(|d| d.name.as_str() == name) {
                report.problems.push(
                    Problem::new(
                        ProblemCode::InvalidComponent,
                        name.as_str(),
                        format!("a component was given for dependency {name}, which module.toml does not declare"),
                        "declare it under [dependencies] in module.toml, or leave it out",
                    )
                    .at(module),
                );
            }
        }
        let Some(main_surface) = main_surface else { return refused(report) };
        if report.is_refused() {
            return refused(report);
        }
        let surfaces: Vec<(&str, &ComponentSurface)> = parts.iter().map(|p| (p.name, &p.surface)).collect();
        let plan = match plan::plan(module, &main_surface, &surfaces) {
            Ok(plan) => plan,
            Err(problems) => {
                report.problems.extend(problems);
                return refused(report);
            }
        };

        // Who holds each permission, for the messages of a component that
        // imports one it does not hold.
        let main_requested = manifest.main_permissions();
        let main_grants: BTreeSet<Permission> = main_requested.intersection(grants).copied().collect();
        let mut holders: BTreeMap<Permission, Vec<String>> = BTreeMap::new();
        for permission in &main_requested {
            holders.entry(*permission).or_default().push(module.to_owned());
        }
        for (part, path) in parts.iter().zip(&plan.paths) {
            for permission in &part.requested {
                holders.entry(*permission).or_default().push(path.clone());
            }
        }
        let wired = |wires: &[plan::Wire]| -> BTreeSet<String> { wires.iter().map(|w| w.interface.clone()).collect() };
        check_part(
            &ComponentPart {
                path: Some(module),
                main: Some(manifest),
                requested: &main_requested,
                grants: &main_grants,
                held_elsewhere: &holders,
                permissions_key: "permissions",
                wired: &wired(&plan.main),
            },
            main_surface,
            registry,
            &mut report,
        );
        for (index, part) in parts.iter_mut().enumerate() {
            let key = format!("dependencies.{}.permissions", part.name);
            check_part(
                &ComponentPart {
                    path: Some(&plan.paths[index]),
                    main: None,
                    requested: &part.requested,
                    grants: &part.granted,
                    held_elsewhere: &holders,
                    permissions_key: &key,
                    wired: &wired(&plan.dependencies[index]),
                },
                std::mem::take(&mut part.surface),
                registry,
                &mut part.report,
            );
            report.problems.append(&mut part.report.problems);
        }
        for &unused in &plan.unused {
            report.warnings.push(format!(
                "{}: no component imports anything dependency {} exports; remove it from module.toml",
                plan.paths[unused], parts[unused].name
            ));
        }
        let all = std::iter::once((module, main)).chain(parts.iter().zip(&plan.paths).map(|(p, path)| (path.as_str(), p.bytes)));
        for (path, bytes) in all {
            match count_contents(bytes) {
                Ok(counts) => {
                    let mut problems = cap_problems(counts, config.component_caps);
                    at_path(&mut problems, path);
                    report.problems.extend(problems);
                    if path == module {
                        report.counts = counts;
                    }
                }
                Err(message) => report.problems.push(invalid(message).at(path)),
            }
        }
        if report.is_refused() {
            return refused(report);
        }

        let main_hash: [u8; 32] = Sha256::digest(main).into();
        let compile = |path: &str, hash: [u8; 32], bytes: &[u8]| -> Result<Component, Problem> {
            self.compile(hash, bytes)
                .map_err(|message| invalid(format!("compiling it failed: {message}")).at(path))
        };
        let mut compiled = Vec::new();
        for (part, path) in parts.iter().zip(&plan.paths) {
            match compile(path, part.hash, part.bytes) {
                Ok(component) => compiled.push(component),
                Err(problem) => report.problems.push(problem),
            }
        }
        let main_compiled = compile(module, main_hash, main);
        let main_compiled = match main_compiled {
            Ok(component) if !report.is_refused() => component,
            Ok(_) => return refused(report),
            Err(problem) => {
                report.problems.push(problem);
                return refused(report);
            }
        };
        let link_error = |e: wasmtime::Error| LoadError::Link { module: module.to_owned(), message: format!("{e:#}") };
        let mut linked_dependencies = Vec::new();
        for &index in &plan.order {
            let path = &plan.paths[index];
            let forwarded = match self.forwarded(&compiled[index], &plan.dependencies[index], &parts, &compiled) {
                Ok(forwarded) => forwarded,
                Err(problems) => {
                    report.problems.extend(problems.into_iter().map(|p| p.at(path.clone())));
                    continue;
                }
            };
            match self.link(&parts[index].granted, &forwarded, &compiled[index]).map_err(link_error)? {
                Ok(pre) => linked_dependencies.push(LinkedDependency {
                    index,
                    pre,
                    grant: ComponentGrant { path: path.clone(), granted: parts[index].granted.clone() },
                }),
                Err(problem) => report.problems.push(problem.at(path.clone())),
            }
        }
        let forwarded = match self.forwarded(&main_compiled, &plan.main, &parts, &compiled) {
            Ok(forwarded) => forwarded,
            Err(problems) => {
                report.problems.extend(problems.into_iter().map(|p| p.at(module)));
                Vec::new()
            }
        };
        if report.is_refused() {
            return refused(report);
        }
        let main_linker = self.linker_with(&main_grants, &forwarded).map_err(link_error)?;
        let hash = combined_hash(main_hash, parts.iter().map(|part| (part.name, part.hash)));
        let component_hashes: Vec<[u8; 32]> = std::iter::once(main_hash).chain(parts.iter().map(|p| p.hash)).collect();
        report.dependencies = parts
            .into_iter()
            .zip(plan.paths)
            .map(|(part, path)| DependencyReport {
                name: part.name.to_owned(),
                path,
                requested: part.requested,
                granted: part.granted,
                report: part.report,
            })
            .collect();
        for dependency in &report.dependencies {
            for warning in &dependency.report.warnings {
                report.warnings.push(format!("{}: {warning}", dependency.path));
            }
        }
        let linked = self.link_main(manifest, &main_linker, &main_compiled, &mut report)?;
        Ok(CheckedComponent {
            linked: linked.map(|(pre, exports)| Linked {
                hash,
                pre,
                exports,
                dependencies: Arc::from(linked_dependencies),
                component_hashes,
            }),
            report,
        })
    }

    /// The functions `importer` gets through its `wires`, with where each
    /// one is in its provider, or why a wire does not fit.
    fn forwarded(
        &self,
        importer: &Component,
        wires: &[plan::Wire],
        parts: &[Part<'_>],
        compiled: &[Component],
    ) -> Result<Vec<ForwardedInterface>, Vec<Problem>> {
        let engine = &self.shared.wasmtime;
        let importer_type = importer.component_type();
        let mut problems = Vec::new();
        let mut forwarded = Vec::new();
        for wire in wires {
            let provider = &compiled[wire.provider];
            let provider_name = parts[wire.provider].name;
            let names = match types::wired_functions(engine, &importer_type, &provider.component_type(), &wire.interface) {
                Ok(names) => names,
                Err(why) => {
                    problems.push(Problem::new(
                        ProblemCode::IncompatibleDependency,
                        wire.interface.as_str(),
                        format!("does not fit dependency {provider_name}'s export: {why}"),
                        "build both components against the same WIT of the interface, passing only values (no resources)",
                    ));
                    continue;
                }
            };
            let interface = provider.get_export_index(None, wire.interface.as_str());
            let functions = names
                .into_iter()
                .filter_map(|name| {
                    let export = provider.get_export_index(interface.as_ref(), name.as_str())?;
                    Some(ForwardedFunction { name, export })
                })
                .collect();
            forwarded.push(ForwardedInterface {
                interface: wire.interface.clone(),
                provider: wire.provider,
                provider_name: Arc::from(provider_name),
                functions,
            });
        }
        if problems.is_empty() { Ok(forwarded) } else { Err(problems) }
    }

    /// The linker of `grants` (from the cache), plus the forwarders.
    fn linker_with(
        &self,
        grants: &BTreeSet<Permission>,
        forwarded: &[ForwardedInterface],
    ) -> wasmtime::Result<Arc<wasmtime::component::Linker<InvocationState>>> {
        let shared = self.linkers.get_or_build(grants, &self.shared.registry, &self.shared.wasmtime)?;
        if forwarded.is_empty() {
            return Ok(shared);
        }
        let mut linker = (*shared).clone();
        add_forwarders(&mut linker, forwarded)?;
        Ok(Arc::new(linker))
    }

    /// Pre-instantiates a dependency with its grants and forwarders; the
    /// inner error is the component's fault (an import that does not fit).
    fn link(
        &self,
        grants: &BTreeSet<Permission>,
        forwarded: &[ForwardedInterface],
        component: &Component,
    ) -> wasmtime::Result<Result<InstancePre<InvocationState>, Problem>> {
        let linker = self.linker_with(grants, forwarded)?;
        Ok(linker.instantiate_pre(component).map_err(|error| link_problem(&error)))
    }
}

fn at_path(problems: &mut [Problem], path: &str) {
    for problem in problems {
        problem.path = Some(path.to_owned());
    }
}
