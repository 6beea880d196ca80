//! The watch of a modules directory, end to end: files written into a
//! module folder, the reload the watch runs, what it reports.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use modgate_artifacts::{CONFORMANCE_SERVE, HTTP_PROBE};
use modgate_host::reload::{FolderStatus, HotReload, HotReloadError, ReloadLimits};
use modgate_tests::http::{HttpHarness, http_harness, test_http_config};
use modgate_tests::acme;

use super::{V1, v2};

/// Fast limits for tests: the defaults' shape with short waits.
fn quick() -> ReloadLimits {
    ReloadLimits { debounce: Duration::from_millis(200), cooldown: Duration::from_millis(200), ..ReloadLimits::default() }
}

fn write_module(dir: &Path, manifest: &str, component: &str) {
    std::fs::create_dir_all(dir).expect("module folder");
    std::fs::write(dir.join("module.toml"), manifest).expect("manifest");
    std::fs::write(dir.join("failing.wasm"), modgate_artifacts::read(component)).expect("component");
}

/// Waits (up to a minute: a loaded machine) until the folder's last reload
/// satisfies `done`.
async fn wait_for(watch: &HotReload, folder: &str, done: impl Fn(&FolderStatus) -> bool) -> FolderStatus {
    let started = Instant::now();
    loop {
        if let Some(status) = watch.status().into_iter().find(|s| s.folder == folder)
            && done(&status)
        {
            return status;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "no reload of {folder}: {:?}", watch.status());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A bridge serving v1 (approved) from a module folder that a watch with
/// `limits` watches.
struct Watching {
    h: HttpHarness,
    folder: PathBuf,
    watch: HotReload,
    _modules: tempfile::TempDir,
}

async fn watching_v1(limits: ReloadLimits) -> Watching {
    let h = http_harness(test_http_config()).await;
    let modules = tempfile::tempdir().expect("modules dir");
    let folder = modules.path().join("failing");
    write_module(&folder, V1, HTTP_PROBE);
    h.install(&acme(), V1, HTTP_PROBE).await;
    h.approve_all(&acme(), "failing").await;
    let watch = HotReload::start(modules.path(), limits, h.lifecycle.clone()).await.expect("watch starts");
    Watching { h, folder, watch, _modules: modules }
}

#[test]
fn a_changed_module_folder_is_reloaded_and_staged() {
    modgate_tests::run(async {
        let Watching { h, folder, watch, _modules } = watching_v1(quick()).await;

        write_module(&folder, &v2(), CONFORMANCE_SERVE);
        let status = wait_for(&watch, "failing", |s| s.last.is_some()).await;
        let last = status.last.expect("a reload");
        assert_eq!(last.outcome, "reloaded", "{last:?}");
        assert_eq!(last.tenants.len(), 1);
        assert_eq!((last.tenants[0].outcome, last.tenants[0].version.as_deref()), ("staged", Some("1.1.0")));
        let shown = h.lifecycle.show(&acme(), "failing").await.expect("show");
        assert_eq!((shown.version.as_str(), shown.staged.map(|s| s.version)), ("1.0.0", Some("1.1.0".to_owned())));

        // A touch changes no source: nothing is reloaded again.
        std::fs::write(folder.join("module.toml"), v2()).expect("rewrite");
        let status = wait_for(&watch, "failing", |s| s.last.as_ref().is_some_and(|l| l.outcome == "unchanged")).await;
        assert_eq!(status.state, "watching");
    });
}

#[test]
fn a_relative_modules_directory_is_watched_too() {
    modgate_tests::run(async {
        let h = http_harness(test_http_config()).await;
        // Under the working directory, named relatively, as `--watch-modules
        // guests/modules` names it.
        let modules = tempfile::tempdir_in(".").expect("modules dir");
        let relative = PathBuf::from(modules.path().file_name().expect("a name"));
        let folder = modules.path().join("failing");
        write_module(&folder, V1, HTTP_PROBE);
        h.install(&acme(), V1, HTTP_PROBE).await;
        let watch = HotReload::start(&relative, quick(), h.lifecycle.clone()).await.expect("watch starts");
        write_module(&folder, &v2(), HTTP_PROBE);
        let status = wait_for(&watch, "failing", |s| s.last.is_some()).await;
        assert_eq!(status.last.map(|l| l.outcome), Some("reloaded"));
    });
}

#[test]
fn a_folder_over_the_file_limit_is_refused_unhashed_and_the_old_version_serves() {
    modgate_tests::run(async {
        let Watching { h, folder, watch, _modules } = watching_v1(ReloadLimits { max_files: 5, ..quick() }).await;

        for n in 0..5 {
            std::fs::write(folder.join(format!("note-{n}.txt")), "x").expect("file");
        }
        let status = wait_for(&watch, "failing", |s| s.last.is_some()).await;
        let last = status.last.expect("a reload");
        assert_eq!((last.outcome, last.code.as_deref()), ("failed", Some("reload-too-many-files")), "{last:?}");
        assert!(last.tenants.is_empty(), "no tenant was reached");
        assert_eq!(h.lifecycle.show(&acme(), "failing").await.expect("show").version, "1.0.0");
    });
}

#[test]
fn a_missing_modules_directory_is_refused_with_its_code() {
    modgate_tests::run(async {
        let h = http_harness(test_http_config()).await;
        let missing = std::env::temp_dir().join("modgate-no-such-modules-dir");
        let refused = HotReload::start(&missing, quick(), Arc::clone(&h.lifecycle)).await.err().expect("refused");
        assert!(matches!(refused, HotReloadError::NoDirectory(_)));
        assert_eq!(refused.code(), "reload-no-directory");
    });
}
