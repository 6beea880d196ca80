//! The file-system side: a `notify` watch on the modules directory that
//! turns each change under it into the name of the module folder it is in.
//! Changes to build output (`target/`, `node_modules/`, …: what the guest
//! build itself writes) are dropped here, so a build never triggers the
//! next reload.

use std::path::{Path, PathBuf};

use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher};
use tokio::sync::mpsc;

use super::fingerprint::is_build_output;

/// Watches one directory; dropping it stops the watch.
pub(super) struct FolderWatch {
    _watcher: RecommendedWatcher,
}

impl FolderWatch {
    /// Watches `root` recursively, sending the folder name (the first path
    /// component under `root`) of every changed file.
    pub fn start(root: &Path, changed: mpsc::UnboundedSender<String>) -> notify::Result<Self> {
        let base = root.to_path_buf();
        let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| match event {
            Ok(event) if !matches!(event.kind, EventKind::Access(_)) => {
                for path in &event.paths {
                    if let Some(folder) = module_folder(&base, path) {
                        // The receiver is gone only when the service stopped.
                        let _ = changed.send(folder);
                    }
                }
            }
            Ok(_) => {}
            Err(error) => tracing::warn!("watching the modules directory: {error}"),
        })?;
        watcher.watch(root, RecursiveMode::Recursive)?;
        Ok(FolderWatch { _watcher: watcher })
    }
}

/// The module folder `path` is in, unless it is the root itself, a file
/// directly in the root, or build output.
fn module_folder(root: &Path, path: &Path) -> Option<String> {
    let relative = path.strip_prefix(root).ok()?;
    let mut parts = relative.components();
    let folder = parts.next()?.as_os_str().to_str()?.to_owned();
    let inside: PathBuf = parts.collect();
    if inside.as_os_str().is_empty() && !path.is_dir() {
        // A file beside the module folders is nobody's source; a folder
        // created or removed is its own module's change.
        return root.join(&folder).is_dir().then_some(folder);
    }
    (!folder.starts_with('.') && !is_build_output(&inside)).then_some(folder)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_source_file_belongs_to_its_module_folder_and_build_output_to_none() {
        let root = Path::new("/modules");
        assert_eq!(module_folder(root, Path::new("/modules/wishlist/src/lib.rs")), Some("wishlist".to_owned()));
        assert_eq!(module_folder(root, Path::new("/modules/wishlist/module.toml")), Some("wishlist".to_owned()));
        assert_eq!(module_folder(root, Path::new("/modules/wishlist/target/debug/x.wasm")), None);
        assert_eq!(module_folder(root, Path::new("/modules/app/node_modules/a/b.js")), None);
        assert_eq!(module_folder(root, Path::new("/modules/.git/index")), None);
        assert_eq!(module_folder(root, Path::new("/elsewhere/x")), None);
    }
}
