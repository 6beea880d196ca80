//! The project's only `unsafe` is loading a compiled artifact whose digest
//! the host recorded (`Engine::adopt_artifact`, host/src/engine/artifacts.rs).
//! The workspace denies `unsafe_code`; this test fails when any other file
//! allows it or uses an `unsafe` block, function, impl or trait.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if name == "target" || name == "node_modules" || name == ".venv" {
            continue;
        }
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// Lines using or allowing `unsafe` code (comments and strings aside).
fn unsafe_lines(text: &str) -> Vec<String> {
    let tokens = ["unsafe {", "unsafe fn", "unsafe impl", "unsafe trait", "unsafe extern", "allow(unsafe_code)"];
    text.lines()
        .map(|line| line.split("//").next().unwrap_or(""))
        .filter(|code| !code.trim_start().starts_with('"'))
        .filter(|code| tokens.iter().any(|token| code.contains(token)))
        .map(|code| code.trim().to_owned())
        .collect()
}

#[test]
fn only_adopting_a_recorded_artifact_is_unsafe() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("host/ is in the repository");
    let mut files = Vec::new();
    for member in ["host", "manifest", "tests", "examples", "guests/build", "guests/artifacts", "guests/sdk"] {
        rust_files(&root.join(member), &mut files);
    }
    assert!(files.len() > 100, "the scan sees the sources: {}", files.len());
    let allowed = root.join("host/src/engine/artifacts.rs");
    let this_test = root.join("host/tests/unsafe_code.rs");
    let mut elsewhere = Vec::new();
    for file in files.iter().filter(|file| **file != this_test) {
        let found = unsafe_lines(&std::fs::read_to_string(file).expect("source is readable"));
        if *file == allowed {
            assert_eq!(
                found,
                ["#[allow(unsafe_code)]", "let component = unsafe { Component::deserialize(&self.shared.wasmtime, artifact) }"],
                "artifacts.rs has exactly one unsafe block, in adopt_artifact"
            );
        } else if !found.is_empty() {
            elsewhere.push(format!("{}: {found:?}", file.display()));
        }
    }
    assert!(elsewhere.is_empty(), "unsafe code outside adopt_artifact:\n{}", elsewhere.join("\n"));
}
