//! The manifest parser and verifier on any text. Accepted manifests must
//! keep the promises the rest of the host builds on; refusals must name a
//! code, a message and a fix.
#![no_main]

use std::path::Component;

use libfuzzer_sys::fuzz_target;
use modgate_manifest::{AUTO_COLUMNS, CORE_VERSION, MAX_COLUMNS, verify_manifest};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match verify_manifest(text, &CORE_VERSION) {
        Ok(verified) => {
            let manifest = verified.manifest;
            assert!(manifest.compatible_core.matches(&CORE_VERSION), "accepted an incompatible core");
            if let Some(component) = &manifest.component {
                // The component path is read from inside the module folder:
                // nothing absolute, no parent, no prefix.
                assert!(
                    component.components().all(|c| matches!(c, Component::Normal(_) | Component::CurDir)),
                    "accepted component path {component:?}"
                );
            }
            for table in &manifest.tables {
                // Table names end up in SQL and in PostgreSQL identifiers.
                assert!(table.name.starts_with("mod_"), "table {}", table.name);
                assert!(table.name.len() <= 63, "table {} is longer than an identifier", table.name);
                assert!(
                    table.name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
                    "table {}",
                    table.name
                );
                assert!(table.columns.len() <= MAX_COLUMNS);
                for column in &table.columns {
                    assert!(!AUTO_COLUMNS.contains(&column.name.as_str()), "column {} is host-managed", column.name);
                    assert!(
                        column.name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
                        "column {}",
                        column.name
                    );
                }
            }
            serde_json::to_string(&manifest).expect("an accepted manifest serializes");
        }
        Err(errors) => {
            assert!(!errors.0.is_empty(), "a refusal without an error");
            for error in &errors.0 {
                assert!(!error.message.is_empty() && !error.fix.is_empty(), "{error:?}");
            }
        }
    }
});
