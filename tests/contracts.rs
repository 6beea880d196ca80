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

/// `package/interface` of a world item, when it is an interface.
fn interface_name(resolve: &Resolve, key: &wit_parser::WorldKey) -> Option<String> {
    let wit_parser::WorldKey::Interface(id) = key else { return None };
    let interface = &resolve.interfaces[*id];
    let package = &resolve.packages[interface.package?].name;
    Some(format!("{}:{}/{}", package.namespace, package.name, interface.name.as_deref()?))
}

#[test]
fn the_registry_the_contract_and_the_wit_agree_on_every_interface_of_every_world() {
    use modgate_host::capabilities::{BuiltinServices, builtin};
    use modgate_host::contract::{ImportAccess, import_access};

    let resolve = load_contracts();
    let registry = builtin(BuiltinServices::default());
    for (_, world) in resolve.worlds.iter() {
        for key in world.imports.keys() {
            let Some(name) = interface_name(&resolve, key) else { continue };
            let access = import_access(&name).unwrap_or_else(|| panic!("{name} (world {}) has no access in the contract", world.name));
            match access {
                ImportAccess::Always | ImportAccess::Inert => assert!(
                    registry.provider_of(&name).is_some(),
                    "{name} is always available, but no capability provides it"
                ),
                // A permission is offered whole or not yet at all.
                ImportAccess::Permission(permission) => assert_eq!(
                    registry.provider_of(&name).is_some(),
                    registry.offers(permission),
                    "{name}: {permission} is offered only in part"
                ),
            }
        }
    }
    let defined: Vec<String> = resolve
        .interfaces
        .iter()
        .filter_map(|(id, _)| interface_name(&resolve, &wit_parser::WorldKey::Interface(id)))
        .collect();
    for interface in registry.interfaces() {
        assert!(defined.iter().any(|d| d == interface), "the registry links {interface}, which wit/ does not define");
        assert!(import_access(interface).is_some(), "{interface} is linked but not in the contract");
    }
}
