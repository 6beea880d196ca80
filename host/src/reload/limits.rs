//! The limits a hot-reload watch runs under, and their defaults.
//!
//! The defaults are the reference system's plugin watcher's (its hot-reload
//! security table): a watched folder is writable by whoever deploys modules,
//! so what it costs the host to notice, hash and reload a change must be
//! bounded however that folder is filled or churned.

use std::time::Duration;

use serde::Deserialize;

use crate::seconds::duration_from_fractional_seconds;

/// How often and how much a watched module may be reloaded. In settings the
/// durations are seconds (a fraction allowed): `debounce-seconds`,
/// `cooldown-seconds`, `slow-reload-seconds`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "kebab-case", deny_unknown_fields)]
pub struct ReloadLimits {
    /// Quiet time after a module's last change before it is reloaded.
    /// Default 1 s: an editor save or a `cp -r` is a burst of writes, and
    /// reloading in the middle of one builds a half-written module.
    #[serde(
        rename = "debounce-seconds",
        deserialize_with = "duration_from_fractional_seconds"
    )]
    pub debounce: Duration,
    /// Least time between the starts of two reloads of one module; a change
    /// inside it waits for its end (deferred, never dropped). Default 10 s:
    /// a reload compiles the module, and a folder rewritten in a loop must
    /// not keep the host compiling.
    #[serde(
        rename = "cooldown-seconds",
        deserialize_with = "duration_from_fractional_seconds"
    )]
    pub cooldown: Duration,
    /// Most source files in one module folder (build output and hidden
    /// folders are not counted). Default 100: every file is hashed on every
    /// change, so thousands of small files would make each change costly.
    pub max_files: usize,
    /// Most bytes of source in one module folder, checked from the file
    /// sizes before anything is read. Default 10 MiB: hashing costs CPU in
    /// proportion to the bytes, and module sources are far smaller.
    pub max_bytes: u64,
    /// A reload taking longer than this is slow. Default 10 s: an
    /// interpreted guest compiles in 14–19 s on two cores without the
    /// compile cache, under a second with it (`docs/writing-a-module.md`),
    /// so repeated slow reloads point at a module, or a host, in trouble.
    #[serde(
        rename = "slow-reload-seconds",
        deserialize_with = "duration_from_fractional_seconds"
    )]
    pub slow_reload: Duration,
    /// Consecutive slow reloads after which the module's watch pauses (its
    /// last good version keeps serving) until an operator resumes it.
    /// Default 3: one slow reload can be a busy host, three in a row a
    /// module whose start-up is broken. 0 is treated as 1.
    pub max_slow_reloads: u32,
}

impl Default for ReloadLimits {
    fn default() -> Self {
        ReloadLimits {
            debounce: Duration::from_secs(1),
            cooldown: Duration::from_secs(10),
            max_files: 100,
            max_bytes: 10 * 1024 * 1024,
            slow_reload: Duration::from_secs(10),
            max_slow_reloads: 3,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_reference_watchers_limits() {
        let limits = ReloadLimits::default();
        assert_eq!(limits.debounce, Duration::from_secs(1));
        assert_eq!(limits.cooldown, Duration::from_secs(10));
        assert_eq!(limits.max_files, 100);
        assert_eq!(limits.max_bytes, 10_485_760);
        assert_eq!(limits.slow_reload, Duration::from_secs(10));
        assert_eq!(limits.max_slow_reloads, 3);
    }

    #[test]
    fn settings_are_kebab_case_with_durations_in_seconds_and_the_rest_defaulted() {
        let read: ReloadLimits = toml::from_str(
            "debounce-seconds = 0.5\ncooldown-seconds = 30\nmax-files = 200\nmax-slow-reloads = 5",
        )
        .unwrap();
        assert_eq!(
            read,
            ReloadLimits {
                debounce: Duration::from_millis(500),
                cooldown: Duration::from_secs(30),
                max_files: 200,
                max_slow_reloads: 5,
                ..ReloadLimits::default()
            }
        );
        assert_eq!(
            toml::from_str::<ReloadLimits>("").unwrap(),
            ReloadLimits::default()
        );
    }

    #[test]
    fn a_misspelt_or_negative_setting_is_refused() {
        assert!(toml::from_str::<ReloadLimits>("debounce = 1").is_err());
        assert!(toml::from_str::<ReloadLimits>("cooldown-seconds = -1").is_err());
    }
}
