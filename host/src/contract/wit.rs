//! The WIT this host implements, embedded in the binary, and the reference
//! component built from it: what an export the host calls must look like.
//!
//! Imports are checked by linking against the host's linker; exports have no
//! linker to check them, so the install-time check compares them with a
//! component that exports the same interfaces exactly as `wit/` defines them.

use anyhow::Context as _;
use wit_component::{ComponentEncoder, StringEncoding};
use wit_parser::{ManglingAndAbi, Resolve, SourceMap};

/// WASI 0.2 packages, one file each, dependencies first.
const WASI: &[(&str, &str)] = &[
    ("wit/host/deps/io.wit", include_str!("../../../wit/host/deps/io.wit")),
    ("wit/host/deps/clocks.wit", include_str!("../../../wit/host/deps/clocks.wit")),
    ("wit/host/deps/random.wit", include_str!("../../../wit/host/deps/random.wit")),
    ("wit/host/deps/filesystem.wit", include_str!("../../../wit/host/deps/filesystem.wit")),
    ("wit/host/deps/sockets.wit", include_str!("../../../wit/host/deps/sockets.wit")),
    ("wit/host/deps/cli.wit", include_str!("../../../wit/host/deps/cli.wit")),
    ("wit/host/deps/http.wit", include_str!("../../../wit/host/deps/http.wit")),
];

/// `modgate:host@1.0.0`.
const HOST: &[(&str, &str)] = &[
    ("wit/host/email.wit", include_str!("../../../wit/host/email.wit")),
    ("wit/host/events.wit", include_str!("../../../wit/host/events.wit")),
    ("wit/host/hooks.wit", include_str!("../../../wit/host/hooks.wit")),
    ("wit/host/lifecycle.wit", include_str!("../../../wit/host/lifecycle.wit")),
    ("wit/host/log.wit", include_str!("../../../wit/host/log.wit")),
    ("wit/host/settings.wit", include_str!("../../../wit/host/settings.wit")),
    ("wit/host/slots.wit", include_str!("../../../wit/host/slots.wit")),
    ("wit/host/tables.wit", include_str!("../../../wit/host/tables.wit")),
    ("wit/host/types.wit", include_str!("../../../wit/host/types.wit")),
    ("wit/host/worlds.wit", include_str!("../../../wit/host/worlds.wit")),
];

/// `modgate:commerce@1.0.0`.
const COMMERCE: &[(&str, &str)] = &[
    ("wit/commerce/categories.wit", include_str!("../../../wit/commerce/categories.wit")),
    ("wit/commerce/customers.wit", include_str!("../../../wit/commerce/customers.wit")),
    ("wit/commerce/events.wit", include_str!("../../../wit/commerce/events.wit")),
    ("wit/commerce/orders.wit", include_str!("../../../wit/commerce/orders.wit")),
    ("wit/commerce/products.wit", include_str!("../../../wit/commerce/products.wit")),
    ("wit/commerce/types.wit", include_str!("../../../wit/commerce/types.wit")),
    ("wit/commerce/worlds.wit", include_str!("../../../wit/commerce/worlds.wit")),
];

/// A world exporting every interface the host calls into a module.
const REFERENCE_WORLD: &str = "package modgate:reference;
world reference {
    export modgate:host/lifecycle@1.0.0;
    export modgate:host/slot-provider@1.0.0;
    export modgate:host/event-handler@1.0.0;
    export modgate:commerce/core-event-handler@1.0.0;
    export modgate:host/hook-handler@1.0.0;
    export wasi:http/incoming-handler@0.2.12;
}
";

/// Every package of `wit/`, resolved together.
pub fn host_resolve() -> anyhow::Result<Resolve> {
    let mut resolve = Resolve::new();
    for (path, text) in WASI {
        resolve.push_source(path, text).with_context(|| format!("parsing {path}"))?;
    }
    for package in [HOST, COMMERCE] {
        let mut sources = SourceMap::new();
        for (path, text) in package {
            sources.push_str(path, *text);
        }
        let group = sources.parse().map_err(|(_, e)| anyhow::anyhow!("parsing the modgate WIT: {e}"))?;
        resolve.push_group(group)?;
    }
    Ok(resolve)
}

/// A component (no code: every function traps) exporting every interface
/// the host calls (`lifecycle`, `slot-provider`, the two event handlers and
/// `wasi:http/incoming-handler`) exactly as the host's WIT defines them.
pub fn reference_exports_component() -> anyhow::Result<Vec<u8>> {
    let mut resolve = host_resolve()?;
    let package = resolve.push_source("reference.wit", REFERENCE_WORLD)?;
    let world = resolve.select_world(&[package], Some("reference"))?;
    let mut module = wit_component::dummy_module(&resolve, world, ManglingAndAbi::Standard32);
    wit_component::embed_component_metadata(&mut module, &resolve, world, StringEncoding::UTF8)?;
    ComponentEncoder::default().module(&module)?.validate(true).encode()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_wit_resolves_and_names_every_modgate_interface() {
        let resolve = host_resolve().expect("the embedded WIT resolves");
        for entry in crate::contract::MODGATE_INTERFACES {
            let (package, interface) = entry.name.split_once('/').expect("package/interface");
            let found = resolve.interfaces.iter().any(|(_, i)| {
                i.name.as_deref() == Some(interface)
                    && i.package.is_some_and(|p| resolve.packages[p].name.to_string().starts_with(package))
            });
            assert!(found, "{} is in wit/", entry.name);
        }
    }

    #[test]
    fn the_reference_component_encodes() {
        let bytes = reference_exports_component().expect("encodes");
        let surface = crate::verify::decode_surface(&bytes).expect("a component");
        assert!(surface.exports.iter().any(|e| e.starts_with("wasi:http/incoming-handler@")));
        // Every export of the contracts: a missing one refuses every module
        // exporting it as incompatible.
        let exports = crate::contract::MODGATE_INTERFACES.iter().filter(|i| i.direction == crate::contract::Direction::Export);
        for interface in exports {
            let prefix = format!("{}@", interface.name);
            assert!(surface.exports.iter().any(|e| e.starts_with(&prefix)), "{} is not in the reference world", interface.name);
        }
    }
}
