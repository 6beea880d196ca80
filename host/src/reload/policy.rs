//! When a changed module is reloaded, and when its watch pauses.
//!
//! A pure state machine: no threads, no timers. The watcher reports changes
//! ([`ReloadPolicy::changed`]), asks which modules to reload
//! ([`ReloadPolicy::due`]), sleeps until [`ReloadPolicy::next_check`] and
//! reports how long each reload took ([`ReloadPolicy::finished`]). Every
//! method that depends on time takes the current instant, so the tests need
//! no sleeps (as `breaker`'s `admit_at`).
//!
//! Per module: a change waits for `debounce` of quiet, and for `cooldown`
//! after the start of the previous reload; a reload in flight is never
//! overlapped by another of the same module. A change made while it must
//! wait is kept, never dropped: the module's sources on disk are what must
//! end up serving. `max_slow_reloads` slow reloads in a row pause the watch;
//! the last good version keeps serving until an operator resumes it.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use super::ReloadLimits;

/// Longest wait the policy schedules. Longer configured waits are treated as
/// this: an `Instant` much further ahead may not be representable, and a
/// year already means "never" to a watcher.
const LONGEST_WAIT: Duration = Duration::from_secs(365 * 24 * 60 * 60);

/// What the watch of one module is doing, for status pages and logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WatchState {
    /// No change waiting (also a module never seen).
    Idle,
    /// A change waits for the debounce or the cooldown to pass.
    Pending {
        /// When the module becomes due (further changes move it later).
        due_at: Instant,
    },
    /// A reload was handed out by [`ReloadPolicy::due`] and has not been
    /// reported [`ReloadPolicy::finished`]. A change made meanwhile is kept
    /// and becomes `Pending` when the reload ends.
    Reloading,
    /// Too many slow reloads in a row: changes are ignored and the last good
    /// version keeps serving until [`ReloadPolicy::resume`].
    Paused {
        /// Consecutive slow reloads that paused the watch.
        slow_reloads: u32,
    },
}

/// One module's watch.
#[derive(Debug, Default)]
struct Watch {
    /// The latest change not yet handed out for a reload.
    last_change: Option<Instant>,
    /// When the latest reload was handed out: the cooldown runs from here.
    last_reload: Option<Instant>,
    reloading: bool,
    /// Slow reloads in a row.
    slow_reloads: u32,
    paused: bool,
}

/// Decides when each watched module (keyed by its folder name) is reloaded.
#[derive(Debug)]
pub struct ReloadPolicy {
    debounce: Duration,
    cooldown: Duration,
    slow_reload: Duration,
    max_slow_reloads: u32,
    /// A `BTreeMap` so that `due` lists modules by name without sorting.
    watches: BTreeMap<String, Watch>,
}

impl ReloadPolicy {
    /// A policy under `limits` (the file and byte limits are the
    /// fingerprint's; this uses the times and the slow-reload count).
    pub fn new(limits: ReloadLimits) -> Self {
        ReloadPolicy {
            debounce: limits.debounce.min(LONGEST_WAIT),
            cooldown: limits.cooldown.min(LONGEST_WAIT),
            slow_reload: limits.slow_reload,
            max_slow_reloads: limits.max_slow_reloads.max(1),
            watches: BTreeMap::new(),
        }
    }

    /// A file of `module` changed at `now`. Restarts the module's debounce;
    /// a paused module records nothing.
    pub fn changed(&mut self, module: &str, now: Instant) {
        let watch = self.watches.entry(module.to_owned()).or_default();
        if !watch.paused {
            watch.last_change = Some(now);
        }
    }

    /// The modules to reload now, by name: each has a change at least
    /// `debounce` old and a previous reload started at least `cooldown` ago.
    /// They are marked reloading from `now`; report each one's end with
    /// [`ReloadPolicy::finished`].
    pub fn due(&mut self, now: Instant) -> Vec<String> {
        let mut due = Vec::new();
        for (module, watch) in &mut self.watches {
            if due_at(watch, self.debounce, self.cooldown).is_some_and(|at| at <= now) {
                watch.last_change = None;
                watch.last_reload = Some(now);
                watch.reloading = true;
                due.push(module.clone());
            }
        }
        due
    }

    /// The earliest instant, not before `now`, at which [`ReloadPolicy::due`]
    /// could return a module; `None` when no change is waiting. A change
    /// waiting for a reload in flight is not counted: ask again after
    /// [`ReloadPolicy::finished`].
    pub fn next_check(&self, now: Instant) -> Option<Instant> {
        self.watches
            .values()
            .filter_map(|watch| due_at(watch, self.debounce, self.cooldown))
            .min()
            .map(|at| at.max(now))
    }

    /// A reload of `module` handed out by [`ReloadPolicy::due`] ended,
    /// whatever its outcome, after `took`. One taking longer than
    /// `slow_reload` is slow, a faster one clears the count; the
    /// `max_slow_reloads`-th slow one in a row pauses the watch. Returns
    /// whether this call paused it. A report for a module with no reload in
    /// flight is ignored, so a duplicate cannot count twice.
    pub fn finished(&mut self, module: &str, took: Duration) -> bool {
        let Some(watch) = self.watches.get_mut(module) else {
            return false;
        };
        if !watch.reloading {
            return false;
        }
        watch.reloading = false;
        if took <= self.slow_reload {
            watch.slow_reloads = 0;
            return false;
        }
        watch.slow_reloads = watch.slow_reloads.saturating_add(1);
        if watch.slow_reloads < self.max_slow_reloads {
            return false;
        }
        watch.paused = true;
        // Paused means changes are ignored, including one made during the
        // slow reload: it would only start another slow reload.
        watch.last_change = None;
        true
    }

    /// The operator resumes the paused watch of `module`: its slow count
    /// starts again from zero. Changes made while paused were not recorded;
    /// a caller that wants the sources on disk reloaded now reports a change
    /// ([`ReloadPolicy::changed`]) after resuming.
    pub fn resume(&mut self, module: &str) {
        if let Some(watch) = self.watches.get_mut(module)
            && watch.paused
        {
            watch.paused = false;
            watch.slow_reloads = 0;
        }
    }

    /// What the watch of `module` is doing.
    pub fn state(&self, module: &str) -> WatchState {
        let Some(watch) = self.watches.get(module) else {
            return WatchState::Idle;
        };
        if watch.paused {
            return WatchState::Paused {
                slow_reloads: watch.slow_reloads,
            };
        }
        if watch.reloading {
            return WatchState::Reloading;
        }
        match due_at(watch, self.debounce, self.cooldown) {
            Some(due_at) => WatchState::Pending { due_at },
            None => WatchState::Idle,
        }
    }
}

/// When a waiting change of `watch` may be reloaded: `debounce` after the
/// change and `cooldown` after the previous reload started, whichever is
/// later. `None` when nothing can become due (no change, paused, or a reload
/// in flight).
fn due_at(watch: &Watch, debounce: Duration, cooldown: Duration) -> Option<Instant> {
    if watch.paused || watch.reloading {
        return None;
    }
    let quiet = watch.last_change? + debounce;
    Some(match watch.last_reload {
        Some(started) => quiet.max(started + cooldown),
        None => quiet,
    })
}

#[cfg(test)]
#[path = "tests/policy.rs"]
mod tests;
