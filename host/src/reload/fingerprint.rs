//! What a module folder's sources hash to, so a watcher reloads a module
//! only when its sources really changed (a `touch`, or a write of the same
//! bytes, is not a change).
//!
//! The folder is listed first and the file count and the sum of the file
//! sizes are checked against [`ReloadLimits`] before any content is read:
//! whoever can write the modules folder must not be able to make the host
//! hash thousands of files or gigabytes on every change. Build output and
//! tool folders ([`is_build_output`]) are neither counted nor hashed: a build
//! rewrites them, and hashing them would make every build look like a change.
//! Symbolic links are skipped, never followed: a link could point at a
//! large file, a device or a folder outside the module (or a loop).

use std::ffi::OsStr;
use std::fs::{self, File};
use std::io::Read;
use std::path::{Component, Path, PathBuf};

use sha2::{Digest, Sha256};

use super::ReloadLimits;

/// Folder names whose content a build or a tool writes. Hidden names
/// (starting with `.`) are skipped too; `.git` and `.venv` are listed for
/// the reader.
const BUILD_OUTPUT: [&str; 6] = [
    "target",
    "node_modules",
    "__pycache__",
    ".venv",
    ".git",
    "dist",
];

/// The hash of a module folder's sources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    /// SHA-256 over every source file in path order: its relative path
    /// (`/`-separated) and its bytes, each preceded by its length, so a
    /// rename or a move changes it as an edit does.
    pub digest: [u8; 32],
    /// Source files hashed.
    pub files: usize,
    /// Bytes of source hashed.
    pub bytes: u64,
}

/// Why a module folder could not be fingerprinted. Nothing is hashed when
/// a limit is exceeded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FingerprintError {
    /// The folder holds more source files than `max-files`.
    #[error(
        "the module folder has more than {limit} source files (`target`, `node_modules`, `dist`, \
         `__pycache__` and hidden folders are not counted); move build output or data files out of \
         the module folder, or raise `max-files` in the reload settings"
    )]
    TooManyFiles {
        /// The `max-files` limit.
        limit: usize,
        /// Files counted before listing stopped: listing stops at the
        /// first file past the limit, so this is `limit + 1`.
        found: usize,
    },
    /// The folder's source files are larger in total than `max-bytes`.
    #[error(
        "the module folder's source files total {bytes} bytes, more than the {limit} allowed; move \
         build output or large data files out of the module folder, or raise `max-bytes` in the \
         reload settings"
    )]
    TooLarge {
        /// The `max-bytes` limit.
        limit: u64,
        /// The total size found (when a file grew while being hashed, the
        /// bytes read up to then).
        bytes: u64,
    },
    /// A file or folder could not be listed or read.
    #[error(
        "cannot read {}: {message}; check that the module folder exists and that the host's user \
         may read everything in it",
        path.display()
    )]
    Unreadable {
        /// The file or folder.
        path: PathBuf,
        /// The operating system's error.
        message: String,
    },
}

impl FingerprintError {
    /// The stable code, e.g. `reload-too-many-files`.
    pub fn code(&self) -> &'static str {
        match self {
            FingerprintError::TooManyFiles { .. } => "reload-too-many-files",
            FingerprintError::TooLarge { .. } => "reload-too-large",
            FingerprintError::Unreadable { .. } => "reload-unreadable",
        }
    }
}

/// Whether a path relative to a module folder is build output or a tool's
/// folder, never a source: true when any component is `target`,
/// `node_modules`, `__pycache__`, `.venv`, `.git` or `dist`, or starts with
/// `.`. The last component is judged by its name alone, since a watcher
/// also asks about paths that no longer exist; so hidden files (an editor's
/// `.main.rs.swp`, a `.DS_Store`) are skipped as hidden folders are.
pub fn is_build_output(relative: &Path) -> bool {
    relative.components().any(|component| match component {
        Component::Normal(name) => is_build_output_name(name),
        _ => false,
    })
}

fn is_build_output_name(name: &OsStr) -> bool {
    name.as_encoded_bytes().starts_with(b".") || BUILD_OUTPUT.iter().any(|skipped| name == *skipped)
}

/// Fingerprints the sources in the module folder `dir`, within the file and
/// byte limits of `limits`.
pub fn fingerprint(dir: &Path, limits: &ReloadLimits) -> Result<Fingerprint, FingerprintError> {
    let mut sources = list_sources(dir, limits.max_files)?;
    let listed = sources
        .iter()
        .fold(0u64, |sum, source| sum.saturating_add(source.size));
    if listed > limits.max_bytes {
        return Err(FingerprintError::TooLarge {
            limit: limits.max_bytes,
            bytes: listed,
        });
    }
    sources.sort_by(|a, b| a.relative.cmp(&b.relative));
    hash_sources(&sources, limits.max_bytes)
}

/// A source file found by the listing.
struct Source {
    /// Relative to the module folder, `/`-separated.
    relative: String,
    path: PathBuf,
    /// The size the listing saw.
    size: u64,
}

/// Every source file under `dir`, unordered; refused past `max_files`.
fn list_sources(dir: &Path, max_files: usize) -> Result<Vec<Source>, FingerprintError> {
    let mut sources = Vec::new();
    // Folders still to list, with their path relative to `dir`; an explicit
    // stack rather than recursion, so a deep tree cannot exhaust the stack.
    let mut folders = vec![(dir.to_path_buf(), String::new())];
    while let Some((folder, prefix)) = folders.pop() {
        let entries = fs::read_dir(&folder).map_err(|e| unreadable(&folder, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| unreadable(&folder, e))?;
            let name = entry.file_name();
            if is_build_output_name(&name) {
                continue;
            }
            // Non-UTF-8 names are hashed lossily: such a name is very
            // unlikely in a module's sources, and refusing would stop the
            // reload of a whole module over one stray file.
            let relative = format!("{prefix}{}", name.to_string_lossy());
            let path = entry.path();
            // `DirEntry::file_type` does not follow symbolic links, so a link
            // is neither a file nor a folder here and is skipped, as are
            // sockets, pipes and devices (reading a pipe could block forever).
            let kind = entry.file_type().map_err(|e| unreadable(&path, e))?;
            if kind.is_dir() {
                folders.push((path, format!("{relative}/")));
            } else if kind.is_file() {
                let size = entry.metadata().map_err(|e| unreadable(&path, e))?.len();
                sources.push(Source {
                    relative,
                    path,
                    size,
                });
                if sources.len() > max_files {
                    return Err(FingerprintError::TooManyFiles {
                        limit: max_files,
                        found: sources.len(),
                    });
                }
            }
        }
    }
    Ok(sources)
}

/// Hashes `sources` (in the order given), reading at most `max_bytes` in
/// all: a file may have grown since it was listed.
fn hash_sources(sources: &[Source], max_bytes: u64) -> Result<Fingerprint, FingerprintError> {
    let mut hasher = Sha256::new();
    let mut content = Vec::new();
    let mut bytes = 0u64;
    for source in sources {
        // Read whole, so the length can precede the bytes in the hash (a
        // length after them would let two different folders hash alike);
        // at most the rest of the budget and one byte more is held.
        let budget = max_bytes - bytes;
        content.clear();
        File::open(&source.path)
            .and_then(|file| {
                file.take(budget.saturating_add(1))
                    .read_to_end(&mut content)
            })
            .map_err(|e| unreadable(&source.path, e))?;
        let size = content.len() as u64;
        if size > budget {
            return Err(FingerprintError::TooLarge {
                limit: max_bytes,
                bytes: bytes + size,
            });
        }
        bytes += size;
        hasher.update((source.relative.len() as u64).to_le_bytes());
        hasher.update(source.relative.as_bytes());
        hasher.update(size.to_le_bytes());
        hasher.update(&content);
    }
    Ok(Fingerprint {
        digest: hasher.finalize().into(),
        files: sources.len(),
        bytes,
    })
}

fn unreadable(path: &Path, error: std::io::Error) -> FingerprintError {
    FingerprintError::Unreadable {
        path: path.to_path_buf(),
        message: error.to_string(),
    }
}

#[cfg(test)]
#[path = "tests/fingerprint.rs"]
mod tests;
