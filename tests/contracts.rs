//! The WIT contracts parse and agree with the host's contract table.

use std::path::Path;

use modgate_host::contract::{Direction, MODGATE_INTERFACES, modgate_interface};
use wit_parser::Resolve;

/// Parses `wit/host` (with its WASI deps) and `wit/commerce`.
pub fn load_contracts() -> Resolve {
    let wit = Path::new(env!("CARGO_MANIFEST_DIR")).join("../wit");
    let mut resolve = Resolve::default();
    for package in ["host", "commerce"] {
        resolve
            .push_path(wit.join(package))
            .unwrap_or_else(|e| panic!("wit/{package} does not parse: {e:#}"));
    }
    resolve
}

#[test]
fn both_packages_parse_at_version_1_0_0() {
    let resolve = load_contracts();
    for name in ["host", "commerce"] {
        let package = resolve
            .packages
            .iter()
            .map(|(_, p)| &p.name)
            .find(|n| n.namespace == "modgate" && n.name == name)
            .unwrap_or_else(|| panic!("package modgate:{name} missing"));
        assert_eq!(package.version, Some(semver::Version::new(1, 0, 0)));
    }
}

#[test]
fn every_wit_interface_is_in_the_contract_table_and_back() {
    let resolve = load_contracts();
    let mut in_wit = Vec::new();
    for (_, interface) in resolve.interfaces.iter() {
        let (Some(name), Some(package)) = (&interface.name, interface.package) else { continue };
        let package = &resolve.packages[package].name;
        if package.namespace == "modgate" {
            in_wit.push(format!("modgate:{}/{name}", package.name));
        }
    }
    for name in &in_wit {
        assert!(modgate_interface(name).is_some(), "{name} is in wit/ but not in contract::MODGATE_INTERFACES");
    }
    for entry in MODGATE_INTERFACES {
        assert!(in_wit.contains(&entry.name.to_owned()), "{} is in the table but not in wit/", entry.name);
    }
}

#[test]
fn export_interfaces_are_exported_by_the_worlds_and_imports_imported() {
    let resolve = load_contracts();
    for (_, world) in resolve.worlds.iter() {
        for (items, direction) in [(&world.imports, Direction::Import), (&world.exports, Direction::Export)] {
            for key in items.keys() {
                let wit_parser::WorldKey::Interface(id) = key else { continue };
                let interface = &resolve.interfaces[*id];
                let Some(package) = interface.package else { continue };
                let package = &resolve.packages[package].name;
                if package.namespace != "modgate" {
                    continue;
                }
                let name = format!("modgate:{}/{}", package.name, interface.name.as_deref().unwrap_or(""));
                let entry = modgate_interface(&name).expect("in table");
                assert_eq!(entry.direction, direction, "{name} in world {}", world.name);
            }
        }
    }
}
