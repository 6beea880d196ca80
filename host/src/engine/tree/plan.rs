//! Wiring a module's components from their names alone: which dependency
//! satisfies each import that is not the host's, in which order the
//! dependencies are instantiated, and each one's path from the main
//! component. Every refusal names the path of the component it is about.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use crate::contract::InterfaceName;
use crate::verify::{ComponentSurface, Problem, ProblemCode};

/// One import of a component satisfied by a dependency's export of the
/// same name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Wire {
    /// The import (and export) name, e.g. `acme:http/client@0.1.0`.
    pub interface: String,
    /// The dependency exporting it (an index into the dependencies).
    pub provider: usize,
}

/// How a module's components fit together.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct TreePlan {
    /// The main component's wired imports.
    pub main: Vec<Wire>,
    /// Each dependency's wired imports, in the dependencies' order.
    pub dependencies: Vec<Vec<Wire>>,
    /// The dependencies in instantiation order: every provider before the
    /// components importing from it.
    pub order: Vec<usize>,
    /// Each dependency's path: the shortest chain of imports from the main
    /// component (`wishlist>greeter>casing`), or `wishlist>name` when no
    /// component imports it.
    pub paths: Vec<String>,
    /// Dependencies no component imports from.
    pub unused: Vec<usize>,
}

/// Whether `package` is the host's: only the host provides it, and no
/// dependency may export it.
pub(crate) fn is_host_package(package: &str) -> bool {
    package.starts_with("modgate:") || package.starts_with("wasi:")
}

/// Plans the wiring of `module`'s `main` component and its `dependencies`
/// (name and surface, in manifest order), or says every reason it cannot be
/// wired.
pub(crate) fn plan(
    module: &str,
    main: &ComponentSurface,
    dependencies: &[(&str, &ComponentSurface)],
) -> Result<TreePlan, Vec<Problem>> {
    // Problems are gathered with the component they are about (`None`:
    // the main one) and named by path once the paths are known.
    let mut found: Vec<(Option<usize>, Problem)> = Vec::new();
    for (index, (name, surface)) in dependencies.iter().enumerate() {
        for export in &surface.exports {
            if InterfaceName::parse(export).is_some_and(|parsed| is_host_package(parsed.package)) {
                found.push((
                    Some(index),
                    Problem::new(
                        ProblemCode::ReservedExport,
                        export.as_str(),
                        format!("dependency {name} exports an interface of a package only the host provides"),
                        "export the library's own interfaces from a dependency (a package of your own, e.g. acme:http/client), never modgate:* or wasi:*",
                    ),
                ));
            }
        }
    }
    let mut wire = |importer: Option<usize>, imports: &[String]| -> Vec<Wire> {
        let mut wires = Vec::new();
        for import in imports {
            let Some(parsed) = InterfaceName::parse(import) else { continue };
            if is_host_package(parsed.package) {
                continue;
            }
            let providers: Vec<usize> = dependencies
                .iter()
                .enumerate()
                .filter(|(index, (_, surface))| Some(*index) != importer && surface.exports.contains(import))
                .map(|(index, _)| index)
                .collect();
            match providers.as_slice() {
                [provider] => wires.push(Wire { interface: import.clone(), provider: *provider }),
                [] => found.push((
                    importer,
                    Problem::new(
                        ProblemCode::UnsatisfiedImport,
                        import.as_str(),
                        "no dependency component of the module exports this interface (with this exact version), and the host does not provide it",
                        "add the component that exports it under [dependencies] in module.toml, or build both against the same version of the interface",
                    ),
                )),
                several => found.push((
                    importer,
                    Problem::new(
                        ProblemCode::AmbiguousImport,
                        import.as_str(),
                        format!(
                            "dependencies {} all export this interface; the host will not guess which one is meant",
                            several.iter().map(|&i| dependencies[i].0).collect::<Vec<_>>().join(", ")
                        ),
                        "keep one dependency exporting it (or give the others' interfaces names of their own)",
                    ),
                )),
            }
        }
        wires
    };
    let main_wires = wire(None, &main.imports);
    let dependency_wires: Vec<Vec<Wire>> = dependencies
        .iter()
        .enumerate()
        .map(|(index, (_, surface))| wire(Some(index), &surface.imports))
        .collect();
    let paths = shortest_paths(module, dependencies, &main_wires, &dependency_wires);
    let order = match instantiation_order(&dependency_wires) {
        Ok(order) => order,
        Err(cycle) => {
            // Told from the member nearest the main component, so the
            // circle reads on from that component's path.
            let cycle = nearest_first(cycle, &paths);
            let along: Vec<&str> = cycle[1..].iter().map(|&i| dependencies[i].0).collect();
            found.push((
                Some(cycle[0]),
                Problem::new(
                    ProblemCode::DependencyCycle,
                    format!("{}>{}", paths[cycle[0]], along.join(">")),
                    "these dependency components import from each other in a circle; the host instantiates each one only after what it imports",
                    "break the circle: move what both need into a dependency of its own",
                ),
            ));
            Vec::new()
        }
    };
    if !found.is_empty() {
        return Err(found
            .into_iter()
            .map(|(component, problem)| problem.at(component.map_or_else(|| module.to_owned(), |index| paths[index].clone())))
            .collect());
    }
    let imported: BTreeSet<usize> = main_wires
        .iter()
        .chain(dependency_wires.iter().flatten())
        .map(|wire| wire.provider)
        .collect();
    Ok(TreePlan {
        main: main_wires,
        dependencies: dependency_wires,
        order,
        paths,
        unused: (0..dependencies.len()).filter(|index| !imported.contains(index)).collect(),
    })
}

/// Providers before importers (Kahn's algorithm, ties by index), or one
/// cycle as the dependencies along it, its first one repeated at the end.
fn instantiation_order(wires: &[Vec<Wire>]) -> Result<Vec<usize>, Vec<usize>> {
    let count = wires.len();
    let providers: Vec<BTreeSet<usize>> = wires.iter().map(|w| w.iter().map(|w| w.provider).collect()).collect();
    let mut waiting: Vec<usize> = providers.iter().map(BTreeSet::len).collect();
    let mut ready: VecDeque<usize> = (0..count).filter(|&i| waiting[i] == 0).collect();
    let mut order = Vec::with_capacity(count);
    while let Some(next) = ready.pop_front() {
        order.push(next);
        for importer in 0..count {
            if providers[importer].contains(&next) {
                waiting[importer] -= 1;
                if waiting[importer] == 0 {
                    ready.push_back(importer);
                }
            }
        }
    }
    if order.len() == count {
        return Ok(order);
    }
    // Every dependency left waits on another one left: walking from one of
    // them along such edges must come back to a dependency already seen.
    let left: BTreeSet<usize> = (0..count).filter(|i| !order.contains(i)).collect();
    let mut walk = vec![*left.first().unwrap_or(&0)];
    loop {
        let current = walk[walk.len() - 1];
        let Some(&next) = providers[current].iter().find(|p| left.contains(p)) else {
            return Err(walk);
        };
        if let Some(start) = walk.iter().position(|&seen| seen == next) {
            let mut cycle = walk.split_off(start);
            cycle.push(next);
            return Err(cycle);
        }
        walk.push(next);
    }
}

/// `cycle` (its first member repeated at the end) rotated to start at the
/// member with the shortest path (then the first in manifest order).
fn nearest_first(mut cycle: Vec<usize>, paths: &[String]) -> Vec<usize> {
    cycle.pop();
    let nearest = (0..cycle.len())
        .min_by_key(|&at| (paths[cycle[at]].matches('>').count(), cycle[at]))
        .unwrap_or(0);
    cycle.rotate_left(nearest);
    cycle.push(cycle[0]);
    cycle
}

/// Breadth-first from the main component, so each dependency's path is a
/// shortest chain of imports (ties: the importer first reached, then the
/// import's order).
fn shortest_paths(
    module: &str,
    dependencies: &[(&str, &ComponentSurface)],
    main: &[Wire],
    wires: &[Vec<Wire>],
) -> Vec<String> {
    let mut paths: BTreeMap<usize, String> = BTreeMap::new();
    let mut queue: VecDeque<(usize, String)> = VecDeque::new();
    let mut reach = |provider: usize, from: &str, queue: &mut VecDeque<(usize, String)>| {
        if let std::collections::btree_map::Entry::Vacant(entry) = paths.entry(provider) {
            let path = format!("{from}>{}", dependencies[provider].0);
            entry.insert(path.clone());
            queue.push_back((provider, path));
        }
    };
    for wire in main {
        reach(wire.provider, module, &mut queue);
    }
    while let Some((index, path)) = queue.pop_front() {
        for wire in &wires[index] {
            reach(wire.provider, &path, &mut queue);
        }
    }
    (0..dependencies.len())
        .map(|index| paths.remove(&index).unwrap_or_else(|| format!("{module}>{}", dependencies[index].0)))
        .collect()
}
