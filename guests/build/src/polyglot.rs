//! Python and JavaScript guests: finding them, and building them into
//! components with their language's toolchain, skipping a guest whose
//! inputs did not change since its last build.
//!
//! A guest is a folder with `app.py` (Python) or `index.js` (JavaScript),
//! and either a `module.toml` (a module: its worlds follow from it) or a
//! `component.toml` naming its worlds (a test component). The language's
//! folder (`guests/python`, `guests/javascript`) holds the pinned toolchain
//! and the SDK every guest of that language is built with.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use sha2::{Digest, Sha256};

use crate::javascript::JavaScriptToolchain;
use crate::python::PythonToolchain;
use crate::worlds::write_guest_wit;
use crate::{BuiltComponent, GuestBuildError, GuestWorlds};

/// A guest language other than Rust.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Language {
    /// `app.py`, built with componentize-py.
    Python,
    /// `index.js`, built with componentize-js (StarlingMonkey).
    JavaScript,
}

impl Language {
    /// Both, in a stable order.
    pub const ALL: [Language; 2] = [Language::Python, Language::JavaScript];

    /// The entry file a guest folder of this language has.
    pub fn entry_file(self) -> &'static str {
        match self {
            Language::Python => "app.py",
            Language::JavaScript => "index.js",
        }
    }

    /// The language's folder under `guests/`.
    pub fn folder(self) -> &'static str {
        match self {
            Language::Python => "python",
            Language::JavaScript => "javascript",
        }
    }

    /// Files of the language folder that pin its toolchain.
    fn pin_files(self) -> &'static [&'static str] {
        match self {
            Language::Python => &["requirements.txt"],
            Language::JavaScript => &["package.json", "package-lock.json", "bundle.config.js"],
        }
    }

    /// The language of the guest in `dir`, from its entry file.
    pub fn of_dir(dir: &Path) -> Option<Language> {
        Language::ALL.into_iter().find(|language| dir.join(language.entry_file()).is_file())
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Language::Python => "Python",
            Language::JavaScript => "JavaScript",
        })
    }
}

/// A Python or JavaScript guest folder.
#[derive(Debug, Clone)]
pub struct GuestSource {
    /// The folder's name, which names the component (`conformance-base`).
    pub name: String,
    /// Its language.
    pub language: Language,
    /// The folder.
    pub dir: PathBuf,
    /// The worlds it is built against.
    pub worlds: GuestWorlds,
}

impl GuestSource {
    /// The guest in `dir`: its language from the entry file, its worlds from
    /// `module.toml` (verified for `CORE_VERSION`) or `component.toml`.
    pub fn from_dir(dir: &Path) -> Result<Self, GuestBuildError> {
        let invalid = |message: String| GuestBuildError::GuestSource { path: dir.to_path_buf(), message };
        let language = Language::of_dir(dir)
            .ok_or_else(|| invalid("no app.py (Python) or index.js (JavaScript) in the folder".to_owned()))?;
        let manifest_path = dir.join("module.toml");
        let worlds = if manifest_path.is_file() {
            let verified = modgate_manifest::verify_manifest_file(&manifest_path, &modgate_manifest::CORE_VERSION)
                .map_err(|errors| invalid(format!("module.toml is invalid:\n{errors}")))?;
            GuestWorlds::of_manifest(&verified.manifest)
        } else {
            GuestWorlds::of_component_toml(&dir.join("component.toml"))?
        };
        let name = dir
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| invalid("the folder name is not UTF-8".to_owned()))?
            .to_owned();
        Ok(GuestSource { name, language, dir: dir.to_path_buf(), worlds })
    }
}

/// The guests of one language folder (`guests/python`): every folder under
/// its `modules/` and `test-components/`, sorted by name.
pub fn guest_sources(language_dir: &Path) -> Result<Vec<GuestSource>, GuestBuildError> {
    let mut sources = Vec::new();
    for group in ["modules", "test-components"] {
        let Ok(entries) = std::fs::read_dir(language_dir.join(group)) else { continue };
        for entry in entries.filter_map(Result::ok) {
            let dir = entry.path();
            if dir.is_dir() && Language::of_dir(&dir).is_some() {
                sources.push(GuestSource::from_dir(&dir)?);
            }
        }
    }
    sources.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(sources)
}

/// Where the repository's guest inputs are: `wit/` and the language folders.
#[derive(Debug, Clone)]
pub struct GuestTree {
    /// The repository's `wit/` folder.
    pub wit: PathBuf,
    /// The repository's `guests/` folder (holding `python/` and `javascript/`).
    pub guests: PathBuf,
}

impl GuestTree {
    /// The tree of the modgate checkout at `repo`.
    pub fn of_repo(repo: &Path) -> Self {
        GuestTree { wit: repo.join("wit"), guests: repo.join("guests") }
    }

    fn language_dir(&self, language: Language) -> PathBuf {
        self.guests.join(language.folder())
    }
}

/// Builds `sources` into `out_dir/<language folder>/<name>.wasm`, two at a
/// time, installing each language's toolchain first when needed. A guest
/// whose inputs (its folder, its language's SDK and pins, `wit/`, its
/// worlds) hash to what its last build recorded is not built again.
pub fn build_guest_sources(
    tree: &GuestTree,
    sources: &[GuestSource],
    out_dir: &Path,
) -> Result<Vec<BuiltComponent>, GuestBuildError> {
    let mut toolchains = Toolchains::default();
    let mut jobs = Vec::new();
    for source in sources {
        let dir = out_dir.join(source.language.folder());
        let path = dir.join(format!("{}.wasm", source.name));
        let inputs = inputs_hash(tree, source)?;
        let record = dir.join(format!("{}.inputs", source.name));
        let unchanged = path.is_file() && std::fs::read_to_string(&record).is_ok_and(|r| r == inputs);
        if !unchanged {
            toolchains.ensure(tree, source.language)?;
        }
        jobs.push(Job { source, path, record, inputs, unchanged });
    }
    let results: Mutex<BTreeMap<usize, Result<BuiltComponent, GuestBuildError>>> = Mutex::default();
    let next = Mutex::new(0usize);
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).min(jobs.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let index = {
                    let mut next = next.lock().unwrap_or_else(|p| p.into_inner());
                    let index = *next;
                    *next += 1;
                    index
                };
                let Some(job) = jobs.get(index) else { break };
                let built = job.run(tree, &toolchains);
                results.lock().unwrap_or_else(|p| p.into_inner()).insert(index, built);
            });
        }
    });
    results.into_inner().unwrap_or_else(|p| p.into_inner()).into_values().collect()
}

struct Job<'a> {
    source: &'a GuestSource,
    path: PathBuf,
    record: PathBuf,
    inputs: String,
    unchanged: bool,
}

impl Job<'_> {
    fn run(&self, tree: &GuestTree, toolchains: &Toolchains) -> Result<BuiltComponent, GuestBuildError> {
        if !self.unchanged {
            let dir = self.path.parent().unwrap_or(Path::new("."));
            let wit = dir.join(format!("{}.wit", self.source.name));
            write_guest_wit(&tree.wit, &self.source.worlds, &wit)?;
            let _ = std::fs::remove_file(&self.record);
            match self.source.language {
                Language::Python => {
                    toolchains.python()?.componentize(&self.source.dir, &library_paths(tree, self.source), &wit, &self.path)?
                }
                Language::JavaScript => toolchains.javascript()?.componentize(
                    &self.source.dir.join(Language::JavaScript.entry_file()),
                    &self.source.worlds,
                    &wit,
                    &self.path,
                )?,
            }
            std::fs::write(&self.record, &self.inputs).map_err(|source| GuestBuildError::Io {
                context: format!("writing {}", self.record.display()),
                source,
            })?;
        }
        let size = std::fs::metadata(&self.path)
            .map_err(|source| GuestBuildError::Io {
                context: format!("reading {}", self.path.display()),
                source,
            })?
            .len();
        Ok(BuiltComponent {
            package: self.source.name.clone(),
            path: self.path.clone(),
            size,
        })
    }
}

#[derive(Default)]
struct Toolchains {
    python: Option<PythonToolchain>,
    javascript: Option<JavaScriptToolchain>,
}

impl Toolchains {
    fn ensure(&mut self, tree: &GuestTree, language: Language) -> Result<(), GuestBuildError> {
        let dir = tree.language_dir(language);
        match language {
            Language::Python if self.python.is_none() => self.python = Some(PythonToolchain::ensure(&dir)?),
            Language::JavaScript if self.javascript.is_none() => {
                self.javascript = Some(JavaScriptToolchain::ensure(&dir)?)
            }
            _ => {}
        }
        Ok(())
    }

    fn python(&self) -> Result<&PythonToolchain, GuestBuildError> {
        self.python.as_ref().ok_or(GuestBuildError::ToolchainNotReady(Language::Python))
    }

    fn javascript(&self) -> Result<&JavaScriptToolchain, GuestBuildError> {
        self.javascript.as_ref().ok_or(GuestBuildError::ToolchainNotReady(Language::JavaScript))
    }
}

/// The folders a Python guest imports from besides its own: the SDK, and
/// for a test component the shared `test-components/kit`. (A JavaScript
/// guest's imports are resolved by the bundler from its own path.)
fn library_paths(tree: &GuestTree, source: &GuestSource) -> Vec<PathBuf> {
    let language_dir = tree.language_dir(source.language);
    let mut paths = vec![language_dir.join("sdk")];
    let kit = language_dir.join("test-components/kit");
    if source.dir.starts_with(language_dir.join("test-components")) && kit.is_dir() {
        paths.push(kit);
    }
    paths
}

/// A hash of everything a guest's component is made from.
fn inputs_hash(tree: &GuestTree, source: &GuestSource) -> Result<String, GuestBuildError> {
    let language_dir = tree.language_dir(source.language);
    let mut hasher = Sha256::new();
    hasher.update(source.language.folder());
    hasher.update(source.worlds.to_string());
    for pin in source.language.pin_files() {
        hash_file(&mut hasher, &language_dir.join(pin))?;
    }
    let mut dirs = vec![source.dir.clone(), tree.wit.clone()];
    dirs.extend(library_paths(tree, source));
    if source.language == Language::JavaScript {
        // Test components import the kit by relative path.
        dirs.push(language_dir.join("test-components/kit"));
    }
    for dir in dirs.iter().filter(|dir| dir.is_dir()) {
        hash_tree(&mut hasher, dir)?;
    }
    Ok(hex::encode(hasher.finalize()))
}

fn hash_tree(hasher: &mut Sha256, dir: &Path) -> Result<(), GuestBuildError> {
    let mut files = Vec::new();
    collect_files(dir, &mut files)?;
    files.sort();
    for file in files {
        hasher.update(file.strip_prefix(dir).unwrap_or(&file).to_string_lossy().as_bytes());
        hash_file(hasher, &file)?;
    }
    Ok(())
}

fn collect_files(dir: &Path, files: &mut Vec<PathBuf>) -> Result<(), GuestBuildError> {
    let entries = std::fs::read_dir(dir).map_err(|source| GuestBuildError::Io {
        context: format!("reading {}", dir.display()),
        source,
    })?;
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        let hidden_or_cache = entry
            .file_name()
            .to_str()
            .is_some_and(|name| name.starts_with('.') || name == "__pycache__" || name == "node_modules");
        if hidden_or_cache {
            continue;
        }
        if path.is_dir() {
            collect_files(&path, files)?;
        } else {
            files.push(path);
        }
    }
    Ok(())
}

fn hash_file(hasher: &mut Sha256, path: &Path) -> Result<(), GuestBuildError> {
    let bytes = std::fs::read(path).map_err(|source| GuestBuildError::Io {
        context: format!("reading {}", path.display()),
        source,
    })?;
    hasher.update((bytes.len() as u64).to_le_bytes());
    hasher.update(&bytes);
    Ok(())
}
