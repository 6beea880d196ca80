//! Reading a component file: its size is checked from the file's metadata
//! first and the read is capped, so an oversize file (or one that grows
//! while it is read) is refused without being read into memory.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use modgate_manifest::Manifest;

use crate::verify::locate::locate_dependency;
use crate::verify::problem::{Problem, ProblemCode};

/// The bytes of the component at `path`, or `component-too-large` when it
/// is larger than `max_bytes`, or `component-not-found` when it cannot be read.
pub fn read_component_file(path: &Path, max_bytes: usize) -> Result<Vec<u8>, Problem> {
    let unreadable = |e: std::io::Error| {
        Problem::new(
            ProblemCode::ComponentNotFound,
            path.display().to_string(),
            format!("cannot read it: {e}"),
            "check that the file exists and is readable",
        )
    };
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let size = file.metadata().map_err(unreadable)?.len();
    if size > max_bytes as u64 {
        return Err(too_large(path.display().to_string(), size, max_bytes));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(max_bytes as u64 + 1).read_to_end(&mut bytes).map_err(unreadable)?;
    if bytes.len() > max_bytes {
        return Err(too_large(path.display().to_string(), bytes.len() as u64, max_bytes));
    }
    Ok(bytes)
}

/// The problem for a component over the size limit (also used for bytes
/// that arrive in memory).
/// The dependency components `manifest` declares, read from the module
/// folder `dir` and keyed by dependency name (each capped like the main
/// component); every one that cannot be read is a problem naming its path
/// (`wishlist>fetcher`). With `build`, a missing one whose Rust crate is
/// in the folder (`deps/x/` for `deps/x.wasm`) is built first, like a
/// module's own crate.
pub fn read_dependency_components(
    dir: &Path,
    manifest: &Manifest,
    max_bytes: usize,
    build: bool,
) -> Result<BTreeMap<String, Vec<u8>>, Vec<Problem>> {
    let mut components = BTreeMap::new();
    let mut problems = Vec::new();
    for declared in &manifest.dependencies {
        let path = format!("{}>{}", manifest.name.as_str(), declared.name.as_str());
        let file = match locate_dependency(dir, &declared.component, build) {
            Ok(Some(file)) => file,
            Ok(None) => dir.join(&declared.component),
            Err(problem) => {
                problems.push(problem.at(path));
                continue;
            }
        };
        match read_component_file(&file, max_bytes) {
            Ok(bytes) => {
                components.insert(declared.name.as_str().to_owned(), bytes);
            }
            Err(problem) if problem.code == ProblemCode::ComponentNotFound => problems.push(
                Problem::new(
                    ProblemCode::ComponentNotFound,
                    declared.component.display().to_string(),
                    problem.message,
                    format!(
                        "build the dependency's component and place it at {} in the module folder (the path [dependencies.{}] component names), or put its Rust crate at {}/",
                        declared.component.display(),
                        declared.name.as_str(),
                        declared.component.with_extension("").display()
                    ),
                )
                .at(path),
            ),
            Err(problem) => problems.push(problem.at(path)),
        }
    }
    if problems.is_empty() { Ok(components) } else { Err(problems) }
}

pub(crate) fn too_large(subject: String, size: u64, max_bytes: usize) -> Problem {
    Problem::new(
        ProblemCode::ComponentTooLarge,
        subject,
        format!("{size} bytes; this host accepts at most {max_bytes}"),
        "shrink the component (release build, strip debug info) or raise the host's max_component_bytes",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_within_the_limit_is_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.wasm");
        std::fs::write(&path, b"0123456789").unwrap();
        assert_eq!(read_component_file(&path, 10).unwrap(), b"0123456789");
    }

    #[test]
    fn an_oversize_sparse_file_is_refused_from_its_metadata() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("huge.wasm");
        // 64 GiB of nothing: reading it would take minutes and the memory.
        std::fs::File::create(&path).unwrap().set_len(64 << 30).unwrap();
        let problem = read_component_file(&path, 1 << 20).unwrap_err();
        assert_eq!(problem.code, ProblemCode::ComponentTooLarge);
        assert!(problem.message.contains(&(64u64 << 30).to_string()), "{problem}");
    }

    #[test]
    fn a_missing_file_is_component_not_found() {
        let problem = read_component_file(Path::new("/nonexistent/c.wasm"), 10).unwrap_err();
        assert_eq!(problem.code, ProblemCode::ComponentNotFound);
    }
}
