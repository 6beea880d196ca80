//! Counting what one instantiation of a component creates: core instances,
//! linear memories and tables — the numbers wasmtime's pooling allocator
//! checks against the per-component caps, computed here without compiling
//! so `verify` and `install` refuse with the numbers before wasmtime does.
//!
//! Counted the way wasmtime counts: every core module instantiation is one
//! core instance plus the memories and tables that module defines (imported
//! ones are someone else's); a nested component adds its totals each time it
//! is instantiated; outer aliases resolve to the enclosing component's
//! definitions.

use wasmparser::{
    ComponentAlias, ComponentExternalKind, ComponentInstance, ComponentOuterAliasKind, ComponentTypeRef, Encoding,
    Instance, Parser, Payload,
};

/// What one instantiation creates.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ComponentCounts {
    /// Core module instances.
    pub core_instances: u32,
    /// Linear memories defined by those instances.
    pub memories: u32,
    /// Tables defined by those instances.
    pub tables: u32,
}

impl ComponentCounts {
    fn add(&mut self, other: ComponentCounts) {
        self.core_instances = self.core_instances.saturating_add(other.core_instances);
        self.memories = self.memories.saturating_add(other.memories);
        self.tables = self.tables.saturating_add(other.tables);
    }
}

/// A component or core module being read.
enum Frame {
    Component {
        /// What instantiating each entry of the core module index space creates.
        modules: Vec<ComponentCounts>,
        /// What instantiating each entry of the component index space creates.
        components: Vec<ComponentCounts>,
        total: ComponentCounts,
    },
    Module {
        memories: u32,
        tables: u32,
    },
}

/// A module or component whose contents are not known here (imported, or
/// taken from another instance's exports): one instance, nothing defined —
/// as wasmtime counts it. Such imports are refused by the import check anyway.
const OPAQUE: ComponentCounts = ComponentCounts {
    core_instances: 1,
    memories: 0,
    tables: 0,
};

/// Counts one instantiation of the (already validated) component `bytes`.
pub fn count_contents(bytes: &[u8]) -> Result<ComponentCounts, String> {
    let mut stack: Vec<Frame> = Vec::new();
    for payload in Parser::new(0).parse_all(bytes) {
        let payload = payload.map_err(|e| format!("the component is malformed: {e}"))?;
        match payload {
            Payload::Version { encoding, .. } => stack.push(match encoding {
                Encoding::Component => Frame::Component {
                    modules: Vec::new(),
                    components: Vec::new(),
                    total: ComponentCounts::default(),
                },
                Encoding::Module => Frame::Module { memories: 0, tables: 0 },
            }),
            Payload::MemorySection(reader) => {
                if let Some(Frame::Module { memories, .. }) = stack.last_mut() {
                    *memories = memories.saturating_add(reader.count());
                }
            }
            Payload::TableSection(reader) => {
                if let Some(Frame::Module { tables, .. }) = stack.last_mut() {
                    *tables = tables.saturating_add(reader.count());
                }
            }
            Payload::ComponentImportSection(reader) => {
                for import in reader {
                    let import = import.map_err(|e| format!("reading imports: {e}"))?;
                    push_opaque(&mut stack, import.ty);
                }
            }
            Payload::ComponentAliasSection(reader) => {
                for alias in reader {
                    let alias = alias.map_err(|e| format!("reading aliases: {e}"))?;
                    alias_into(&mut stack, alias)?;
                }
            }
            Payload::ComponentInstanceSection(reader) => {
                for instance in reader {
                    let instance = instance.map_err(|e| format!("reading instances: {e}"))?;
                    if let ComponentInstance::Instantiate { component_index, .. } = instance
                        && let Some(Frame::Component { components, total, .. }) = stack.last_mut()
                    {
                        total.add(components.get(component_index as usize).copied().unwrap_or(OPAQUE));
                    }
                }
            }
            Payload::InstanceSection(reader) => {
                for instance in reader {
                    let instance = instance.map_err(|e| format!("reading core instances: {e}"))?;
                    if let Instance::Instantiate { module_index, .. } = instance
                        && let Some(Frame::Component { modules, total, .. }) = stack.last_mut()
                    {
                        total.add(modules.get(module_index as usize).copied().unwrap_or(OPAQUE));
                    }
                }
            }
            Payload::End(_) => {
                let finished = stack.pop().ok_or("the component is malformed: unbalanced sections")?;
                let (counts, is_module) = match finished {
                    Frame::Module { memories, tables } => (
                        ComponentCounts {
                            core_instances: 1,
                            memories,
                            tables,
                        },
                        true,
                    ),
                    Frame::Component { total, .. } => (total, false),
                };
                match stack.last_mut() {
                    None => return Ok(counts),
                    Some(Frame::Component { modules, components, .. }) => {
                        if is_module {
                            modules.push(counts);
                        } else {
                            components.push(counts);
                        }
                    }
                    Some(Frame::Module { .. }) => return Err("the component is malformed: a module inside a module".to_owned()),
                }
            }
            _ => {}
        }
    }
    Err("the component is malformed: it ends early".to_owned())
}

fn push_opaque(stack: &mut [Frame], ty: ComponentTypeRef) {
    if let Some(Frame::Component { modules, components, .. }) = stack.last_mut() {
        match ty {
            ComponentTypeRef::Module(_) => modules.push(OPAQUE),
            ComponentTypeRef::Component(_) => components.push(OPAQUE),
            _ => {}
        }
    }
}

fn alias_into(stack: &mut [Frame], alias: ComponentAlias<'_>) -> Result<(), String> {
    let (counts, is_module) = match alias {
        ComponentAlias::InstanceExport { kind, .. } => match kind {
            ComponentExternalKind::Module => (OPAQUE, true),
            ComponentExternalKind::Component => (OPAQUE, false),
            _ => return Ok(()),
        },
        ComponentAlias::CoreInstanceExport { .. } => return Ok(()),
        ComponentAlias::Outer { kind, count, index } => {
            let is_module = match kind {
                ComponentOuterAliasKind::CoreModule => true,
                ComponentOuterAliasKind::Component => false,
                ComponentOuterAliasKind::CoreType | ComponentOuterAliasKind::Type => return Ok(()),
            };
            let outer = stack
                .len()
                .checked_sub(1 + count as usize)
                .and_then(|at| stack.get(at))
                .ok_or("the component is malformed: an outer alias reaches past the root")?;
            let found = match outer {
                Frame::Component { modules, components, .. } => {
                    if is_module { modules.get(index as usize) } else { components.get(index as usize) }
                }
                Frame::Module { .. } => None,
            };
            (found.copied().unwrap_or(OPAQUE), is_module)
        }
    };
    if let Some(Frame::Component { modules, components, .. }) = stack.last_mut() {
        if is_module {
            modules.push(counts);
        } else {
            components.push(counts);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(wat: &str) -> ComponentCounts {
        count_contents(&wat::parse_str(wat).unwrap()).unwrap()
    }

    #[test]
    fn each_instantiation_counts_its_module_memories_and_tables() {
        let found = counts(
            r#"(component
                (core module $m (memory 1) (table 1 funcref))
                (core module $n (memory 1) (memory 1))
                (core instance (instantiate $m))
                (core instance (instantiate $m))
                (core instance (instantiate $n))
            )"#,
        );
        assert_eq!(found, ComponentCounts { core_instances: 3, memories: 4, tables: 2 });
    }

    #[test]
    fn a_module_defined_but_never_instantiated_counts_nothing() {
        let found = counts(r#"(component (core module $m (memory 1)))"#);
        assert_eq!(found, ComponentCounts::default());
    }

    #[test]
    fn imported_memories_are_not_counted_again() {
        let found = counts(
            r#"(component
                (core module $owner (memory (export "m") 1))
                (core module $user (import "a" "m" (memory 1)))
                (core instance $o (instantiate $owner))
                (core instance (instantiate $user (with "a" (instance $o))))
            )"#,
        );
        assert_eq!(found, ComponentCounts { core_instances: 2, memories: 1, tables: 0 });
    }

    #[test]
    fn nested_components_count_once_per_instantiation() {
        let found = counts(
            r#"(component
                (component $inner
                    (core module $m (memory 1))
                    (core instance (instantiate $m))
                )
                (instance (instantiate $inner))
                (instance (instantiate $inner))
                (instance (instantiate $inner))
            )"#,
        );
        assert_eq!(found, ComponentCounts { core_instances: 3, memories: 3, tables: 0 });
    }

    #[test]
    fn outer_aliases_reach_the_enclosing_definitions() {
        let found = counts(
            r#"(component
                (core module $m (memory 1) (table 1 funcref))
                (component $inner
                    (alias outer 1 $m (core module $aliased))
                    (core instance (instantiate $aliased))
                    (core instance (instantiate $aliased))
                )
                (instance (instantiate $inner))
            )"#,
        );
        assert_eq!(found, ComponentCounts { core_instances: 2, memories: 2, tables: 2 });
    }
}
