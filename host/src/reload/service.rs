//! The running watch: change events in, the policy deciding when, each due
//! folder fingerprinted, read (built if it is a guest's source) and handed
//! to [`Lifecycle::reload`] — one folder at a time, in a task of its own.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use tokio::sync::mpsc;

use super::fingerprint::{Fingerprint, fingerprint};
use super::limits::ReloadLimits;
use super::policy::{ReloadPolicy, WatchState};
use super::status::{FolderStatus, ReloadReport, TenantReport};
use super::watcher::FolderWatch;
use crate::lifecycle::{InstallError, Lifecycle, ModuleSource, ReloadStep};
use crate::storage::now_rfc3339;
use crate::sync::lock;

/// Why the watch could not start.
#[derive(Debug, thiserror::Error)]
pub enum HotReloadError {
    /// The modules directory is missing or not a directory.
    #[error("the modules directory {0} does not exist or is not a directory; create it or fix the path")]
    NoDirectory(PathBuf),
    /// The operating system refused the watch (e.g. out of inotify watches).
    #[error("watching {dir}: {message}; raise fs.inotify.max_user_watches or watch fewer folders")]
    Watch {
        /// The directory.
        dir: PathBuf,
        /// The system's reason.
        message: String,
    },
}

impl HotReloadError {
    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            HotReloadError::NoDirectory(_) => "reload-no-directory",
            HotReloadError::Watch { .. } => "reload-watch-failed",
        }
    }
}

/// What the task and the operator share.
struct Watched {
    policy: ReloadPolicy,
    /// The last fingerprint per folder: a change event with the same
    /// sources (a `touch`, an editor's backup file) reloads nothing.
    digests: HashMap<String, [u8; 32]>,
    reports: HashMap<String, ReloadReport>,
}

/// A running hot-reload watch of one modules directory (opt-in: a host
/// starts one only when its operator asks for it). Dropping it stops the
/// watch; a reload in progress is abandoned at its next step, and its
/// install transaction, not committed, rolls back — nothing half-done.
pub struct HotReload {
    root: PathBuf,
    lifecycle: Arc<Lifecycle>,
    watched: Arc<Mutex<Watched>>,
    task: tokio::task::JoinHandle<()>,
    _watch: FolderWatch,
}

impl HotReload {
    /// Watches `dir`, each of whose sub-folders is a module folder, and
    /// reloads a folder through `lifecycle` when its sources change. The
    /// folders as they are now are the starting point: nothing is reloaded
    /// until something changes. Must be called within a tokio runtime.
    pub async fn start(dir: &Path, limits: ReloadLimits, lifecycle: Arc<Lifecycle>) -> Result<HotReload, HotReloadError> {
        // Events name absolute paths: a relative `dir` (`--watch-modules
        // guests/modules`) would match none of them.
        let root = match std::fs::canonicalize(dir) {
            Ok(root) if root.is_dir() => root,
            _ => return Err(HotReloadError::NoDirectory(dir.to_path_buf())),
        };
        let digests = {
            let (root, limits) = (root.clone(), limits.clone());
            tokio::task::spawn_blocking(move || starting_digests(&root, &limits)).await.unwrap_or_default()
        };
        let watched = Arc::new(Mutex::new(Watched {
            policy: ReloadPolicy::new(limits.clone()),
            digests,
            reports: HashMap::new(),
        }));
        let (sender, changes) = mpsc::unbounded_channel();
        let watch = FolderWatch::start(&root, sender)
            .map_err(|e| HotReloadError::Watch { dir: root.clone(), message: e.to_string() })?;
        let task = tokio::spawn(watch_loop(root.clone(), limits, lifecycle.clone(), watched.clone(), changes));
        Ok(HotReload { root, lifecycle, watched, task, _watch: watch })
    }

    /// The watched directory.
    pub fn dir(&self) -> &Path {
        &self.root
    }

    /// Every folder the watch knows of (seen changing, or present at the
    /// start), by name.
    pub fn status(&self) -> Vec<FolderStatus> {
        let watched = lock(&self.watched);
        let mut names: Vec<&String> = watched.digests.keys().chain(watched.reports.keys()).collect();
        names.sort();
        names.dedup();
        names
            .into_iter()
            .map(|folder| {
                let (state, slow_reloads) = match watched.policy.state(folder) {
                    WatchState::Idle => ("watching", 0),
                    WatchState::Pending { .. } => ("pending", 0),
                    WatchState::Reloading => ("reloading", 0),
                    WatchState::Paused { slow_reloads } => ("paused", slow_reloads),
                };
                FolderStatus { folder: folder.clone(), state, slow_reloads, last: watched.reports.get(folder).cloned() }
            })
            .collect()
    }

    /// Resumes a folder whose watch paused after slow reloads (audited as
    /// `reload-resumed` for the tenants that have its module); `false` when
    /// it was not paused.
    pub async fn resume(&self, folder: &str) -> bool {
        let paused = {
            let mut watched = lock(&self.watched);
            let paused = matches!(watched.policy.state(folder), WatchState::Paused { .. });
            if paused {
                watched.policy.resume(folder);
            }
            paused
        };
        if paused {
            tracing::info!(folder, "hot reload resumed");
            if let Some(manifest) = folder_manifest(&self.root, folder) {
                self.lifecycle.audit_reload_resumed(&manifest).await;
            }
        }
        paused
    }
}

impl Drop for HotReload {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The fingerprint of every folder under `root` that has one within the limits.
fn starting_digests(root: &Path, limits: &ReloadLimits) -> HashMap<String, [u8; 32]> {
    let Ok(entries) = std::fs::read_dir(root) else { return HashMap::new() };
    entries
        .flatten()
        .filter(|entry| entry.path().is_dir())
        .filter_map(|entry| {
            let name = entry.file_name().to_str().filter(|name| !name.starts_with('.'))?.to_owned();
            let Fingerprint { digest, .. } = fingerprint(&entry.path(), limits).ok()?;
            Some((name, digest))
        })
        .collect()
}

async fn watch_loop(
    root: PathBuf,
    limits: ReloadLimits,
    lifecycle: Arc<Lifecycle>,
    watched: Arc<Mutex<Watched>>,
    mut changes: mpsc::UnboundedReceiver<String>,
) {
    loop {
        let next = lock(&watched).policy.next_check(Instant::now());
        tokio::select! {
            change = changes.recv() => match change {
                Some(folder) => lock(&watched).policy.changed(&folder, Instant::now()),
                None => return,
            },
            _ = sleep_until(next) => {}
        }
        let due = lock(&watched).policy.due(Instant::now());
        for folder in due {
            let started = Instant::now();
            let report = reload_folder(&root, &folder, &limits, &lifecycle, &watched).await;
            let paused = lock(&watched).policy.finished(&folder, started.elapsed());
            if paused {
                tracing::warn!(
                    folder,
                    "hot reload paused after {} slow reloads; the last good version keeps serving",
                    limits.max_slow_reloads
                );
                if let Some(manifest) = folder_manifest(&root, &folder) {
                    lifecycle.audit_reload_paused(&manifest, limits.max_slow_reloads.max(1)).await;
                }
            }
            // Reported once everything about the reload is recorded (the
            // pause's audit entry included).
            lock(&watched).reports.insert(folder, report);
        }
    }
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at.into()).await,
        None => std::future::pending().await,
    }
}

/// Reloads one folder and reports how it went.
async fn reload_folder(
    root: &Path,
    folder: &str,
    limits: &ReloadLimits,
    lifecycle: &Lifecycle,
    watched: &Mutex<Watched>,
) -> ReloadReport {
    let started = Instant::now();
    let dir = root.join(folder);
    let report = |outcome, failure: Option<(String, String)>, tenants| {
        let (code, message) = failure.unzip();
        ReloadReport { at: now_rfc3339(), millis: started.elapsed().as_millis() as u64, outcome, code, message, tenants }
    };
    let fingerprinted = {
        let (dir, limits) = (dir.clone(), limits.clone());
        tokio::task::spawn_blocking(move || fingerprint(&dir, &limits)).await
    };
    let digest = match fingerprinted {
        Ok(Ok(found)) => found.digest,
        Ok(Err(refused)) => {
            tracing::warn!(folder, "hot reload refused: {refused}");
            return report("failed", Some((refused.code().to_owned(), refused.to_string())), Vec::new());
        }
        Err(panicked) => return report("failed", Some(("reload-unreadable".to_owned(), panicked.to_string())), Vec::new()),
    };
    // Recorded before the reload: the same broken sources are not retried.
    if lock(watched).digests.insert(folder.to_owned(), digest) == Some(digest) {
        return report("unchanged", None, Vec::new());
    }
    let max_component_bytes = lifecycle.engine().config().max_component_bytes;
    let read = tokio::task::spawn_blocking(move || ModuleSource::from_dir(&dir, max_component_bytes)).await;
    let source = match read {
        Ok(Ok(source)) => source,
        Ok(Err(error)) => return failed_before_tenants(lifecycle, folder, root, error, report).await,
        Err(panicked) => return report("failed", Some(("reload-unreadable".to_owned(), panicked.to_string())), Vec::new()),
    };
    match lifecycle.reload(&source).await {
        Ok(reloads) => {
            let tenants: Vec<TenantReport> = reloads.into_iter().map(tenant_report).collect();
            let outcome = if tenants.iter().any(|t| t.outcome == "failed") { "failed" } else { "reloaded" };
            for tenant in &tenants {
                tracing::info!(folder, tenant = tenant.tenant, outcome = tenant.outcome, code = tenant.code, "hot reload");
            }
            report(outcome, None, tenants)
        }
        Err(error) => failed_before_tenants(lifecycle, folder, root, error, report).await,
    }
}

/// A failure before any tenant was reached (reading or building the
/// folder): audited for every tenant that has the module, when the folder's
/// manifest still names it, so `modgate show` shows it.
async fn failed_before_tenants(
    lifecycle: &Lifecycle,
    folder: &str,
    root: &Path,
    error: InstallError,
    report: impl FnOnce(&'static str, Option<(String, String)>, Vec<TenantReport>) -> ReloadReport,
) -> ReloadReport {
    tracing::warn!(folder, code = error.code(), "hot reload failed: {error}");
    if let Some(manifest) = folder_manifest(root, folder) {
        lifecycle.audit_failed_reload_everywhere(&manifest, &error).await;
    }
    report("failed", Some((error.code().to_owned(), error.to_string())), Vec::new())
}

fn tenant_report(reload: crate::lifecycle::TenantReload) -> TenantReport {
    let tenant = reload.tenant.to_string();
    match reload.result {
        Ok(ReloadStep::Unchanged) => TenantReport { tenant, outcome: "unchanged", version: None, code: None, message: None },
        Ok(ReloadStep::Staged(outcome)) => {
            TenantReport { tenant, outcome: "staged", version: Some(outcome.version), code: None, message: None }
        }
        Ok(ReloadStep::Switched(outcome)) => {
            TenantReport { tenant, outcome: "switched", version: Some(outcome.version), code: None, message: None }
        }
        Err(error) => TenantReport {
            tenant,
            outcome: "failed",
            version: None,
            code: Some(error.code().to_owned()),
            message: Some(error.to_string()),
        },
    }
}

/// The folder's manifest, when it verifies: which module its audit entries
/// are about.
fn folder_manifest(root: &Path, folder: &str) -> Option<modgate_manifest::Manifest> {
    let path = root.join(folder).join("module.toml");
    modgate_manifest::verify_manifest_file(&path, &crate::CORE_VERSION).ok().map(|verified| verified.manifest)
}
