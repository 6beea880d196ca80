//! Reading a component's top-level imports and exports.

use wasmparser::{Encoding, Parser, Payload, Validator};

/// The names a component imports and exports at its top level.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ComponentSurface {
    /// Import names, e.g. `modgate:commerce/products@1.0.0`.
    pub imports: Vec<String>,
    /// Export names, e.g. `modgate:host/lifecycle@1.0.0`.
    pub exports: Vec<String>,
}

/// Validates `bytes` as a component and lists its top-level imports and
/// exports. The error says what is wrong in one sentence.
pub fn decode_surface(bytes: &[u8]) -> Result<ComponentSurface, String> {
    if !wasmparser::Parser::is_component(bytes) {
        return Err(if wasmparser::Parser::is_core_wasm(bytes) {
            "this is a core WebAssembly module, not a component; wrap it with wit-component (`modgate verify` does this for Rust guests)".to_owned()
        } else {
            "this is not a WebAssembly component (bad magic number or version)".to_owned()
        });
    }
    Validator::new()
        .validate_all(bytes)
        .map_err(|e| format!("the component is malformed: {e}"))?;
    let mut surface = ComponentSurface::default();
    // parse_all also walks nested modules and components; only depth 0
    // (the component itself) faces the host.
    let mut depth: i32 = -1;
    for payload in Parser::new(0).parse_all(bytes) {
        match payload.map_err(|e| format!("the component is malformed: {e}"))? {
            Payload::Version { encoding, .. } => {
                depth += 1;
                if depth == 0 && encoding != Encoding::Component {
                    return Err("this is not a WebAssembly component".to_owned());
                }
            }
            Payload::End(_) => depth -= 1,
            Payload::ComponentImportSection(reader) if depth == 0 => {
                for import in reader {
                    let import = import.map_err(|e| format!("reading imports: {e}"))?;
                    surface.imports.push(import.name.name.to_owned());
                }
            }
            Payload::ComponentExportSection(reader) if depth == 0 => {
                for export in reader {
                    let export = export.map_err(|e| format!("reading exports: {e}"))?;
                    surface.exports.push(export.name.name.to_owned());
                }
            }
            _ => {}
        }
    }
    Ok(surface)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_modules_are_told_apart_from_components() {
        let core = wat::parse_str("(module)").unwrap();
        assert!(decode_surface(&core).unwrap_err().contains("core WebAssembly module"));
        assert!(decode_surface(b"nonsense").unwrap_err().contains("not a WebAssembly component"));
    }

    #[test]
    fn top_level_imports_and_exports_are_listed() {
        let bytes = wat::parse_str(
            r#"(component
                (import "modgate:host/log@1.0.0" (instance))
                (core module $m)
                (component $inner (import "inner-only" (func)))
            )"#,
        )
        .unwrap();
        let surface = decode_surface(&bytes).unwrap();
        assert_eq!(surface.imports, ["modgate:host/log@1.0.0"]);
        assert!(surface.exports.is_empty());
    }
}
