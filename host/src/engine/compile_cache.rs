//! The on-disk compile cache (`EngineConfig::compile_cache`): wasmtime's own
//! cache of compiled components, keyed by the component's bytes and the
//! compilation settings. A restart, or another engine of the same settings,
//! loads a component it compiled before instead of compiling it again —
//! what installing a big Python or JavaScript component costs (figures in
//! `docs/writing-a-module.md`, "What to expect").
//!
//! Cranelift's per-function incremental cache was measured too and is not
//! used: it halved compiling a second Python component (the same CPython),
//! did nothing for JavaScript (each world's imports change the engine
//! module's context layout, so no function matched) and stored ~100 MB per
//! JavaScript component with no eviction.
//!
//! The folder holds native code the host will run: it must be writable by
//! the host only.

use std::path::Path;

/// Turns the compile cache in `dir` on for `config`.
pub(crate) fn enable(config: &mut wasmtime::Config, dir: &Path) -> Result<(), String> {
    let mut components = wasmtime::CacheConfig::new();
    components.with_directory(dir);
    let cache = wasmtime::Cache::new(components).map_err(|e| format!("compile_cache {}: {e:#}", dir.display()))?;
    config.cache(Some(cache));
    Ok(())
}

/// Held while one component is compiled with the cache on: another engine
/// or process compiling the same component at the same moment waits, then
/// loads it from the cache instead of compiling it a second time. `None`
/// when the lock cannot be taken; compiling then goes ahead unlocked.
pub(crate) struct CompileLock(std::fs::File);

impl CompileLock {
    pub(crate) fn acquire(dir: &Path, hash: &[u8; 32]) -> Option<CompileLock> {
        let locks = dir.join("locks");
        std::fs::create_dir_all(&locks).ok()?;
        let file = std::fs::File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(locks.join(format!("{}.lock", hex::encode(hash))))
            .ok()?;
        file.lock().ok()?;
        Some(CompileLock(file))
    }
}

impl Drop for CompileLock {
    fn drop(&mut self) {
        let _ = self.0.unlock();
    }
}
