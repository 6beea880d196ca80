//! The component check on components whose imports and exports are written
//! from fuzz input (seeded with the contracts' names at every kind of
//! version, look-alikes and other packages; the dictionary holds their
//! parts). Every import the check accepts must be one the contracts allow,
//! classified as they say.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use modgate_fuzz::component::{Setup, assert_classified};
use modgate_host::verify::check_component;
use wasm_encoder::{
    Component, ComponentExportKind, ComponentExportSection, ComponentImportSection, ComponentTypeRef,
    ComponentTypeSection, InstanceType,
};

static SETUP: OnceLock<Setup> = OnceLock::new();

/// The input: one line per import (`import <name>`) or export (`export
/// <name> <index of an import>`); other lines are skipped.
fn shape(text: &str) -> (Vec<&str>, Vec<(&str, u32)>) {
    let mut imports = Vec::new();
    let mut exports = Vec::new();
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("import ") {
            imports.push(name);
        } else if let Some(rest) = line.strip_prefix("export ")
            && let Some((name, index)) = rest.rsplit_once(' ')
            && let Ok(index) = index.parse()
        {
            exports.push((name, index));
        }
    }
    (imports, exports)
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (import_names, export_names) = shape(text);
    let setup = SETUP.get_or_init(Setup::new);
    let mut component = Component::new();
    let mut types = ComponentTypeSection::new();
    types.instance(&InstanceType::new());
    component.section(&types);
    let mut imports = ComponentImportSection::new();
    for name in &import_names {
        imports.import(*name, ComponentTypeRef::Instance(0));
    }
    component.section(&imports);
    if !import_names.is_empty() {
        let mut exports = ComponentExportSection::new();
        for (name, index) in &export_names {
            exports.export(*name, ComponentExportKind::Instance, index % import_names.len() as u32, None);
        }
        component.section(&exports);
    }
    let bytes = component.finish();
    let report = check_component(&setup.manifest, &bytes, &setup.grants, &setup.registry, 8 << 20);
    assert_classified(&report, &setup.grants);
});
