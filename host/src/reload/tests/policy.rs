//! Unit tests of `policy.rs`.

use super::*;

const DEBOUNCE: Duration = Duration::from_secs(1);
const COOLDOWN: Duration = Duration::from_secs(10);
const SLOW: Duration = Duration::from_secs(11);
const FAST: Duration = Duration::from_secs(2);

fn policy() -> ReloadPolicy {
    ReloadPolicy::new(ReloadLimits::default())
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Changes `module` at `at`, reloads it once due and reports it finished
/// after `took`; returns what `finished` returned.
fn reload(policy: &mut ReloadPolicy, module: &str, at: Instant, took: Duration) -> bool {
    policy.changed(module, at);
    let due_at = policy.next_check(at).unwrap();
    assert_eq!(policy.due(due_at), vec![module.to_owned()]);
    policy.finished(module, took)
}

#[test]
fn a_change_is_not_due_before_the_debounce() {
    let mut p = policy();
    let t0 = Instant::now();
    p.changed("wishlist", t0);
    assert!(p.due(t0).is_empty());
    assert!(p.due(t0 + ms(999)).is_empty());
    assert_eq!(
        p.state("wishlist"),
        WatchState::Pending {
            due_at: t0 + DEBOUNCE
        }
    );
}

#[test]
fn a_change_is_due_once_the_debounce_has_passed_and_is_marked_reloading() {
    let mut p = policy();
    let t0 = Instant::now();
    p.changed("wishlist", t0);
    assert_eq!(p.due(t0 + DEBOUNCE), vec!["wishlist".to_owned()]);
    assert_eq!(p.state("wishlist"), WatchState::Reloading);
    assert!(p.due(t0 + ms(5_000)).is_empty());
    assert_eq!(p.next_check(t0 + ms(5_000)), None);
}

#[test]
fn each_change_restarts_the_debounce() {
    let mut p = policy();
    let t0 = Instant::now();
    p.changed("wishlist", t0);
    p.changed("wishlist", t0 + ms(800));
    p.changed("wishlist", t0 + ms(1_600));
    assert!(p.due(t0 + ms(2_599)).is_empty());
    assert_eq!(
        p.state("wishlist"),
        WatchState::Pending {
            due_at: t0 + ms(2_600)
        }
    );
    assert_eq!(p.due(t0 + ms(2_600)), vec!["wishlist".to_owned()]);
}

#[test]
fn a_change_right_after_a_reload_is_deferred_to_the_end_of_the_cooldown_not_dropped() {
    let mut p = policy();
    let t0 = Instant::now();
    reload(&mut p, "wishlist", t0, FAST);
    // The reload started at t0 + 1 s; the cooldown runs until t0 + 11 s.
    p.changed("wishlist", t0 + ms(3_000));
    assert!(p.due(t0 + ms(4_000)).is_empty());
    assert!(p.due(t0 + ms(10_999)).is_empty());
    assert_eq!(
        p.state("wishlist"),
        WatchState::Pending {
            due_at: t0 + ms(11_000)
        }
    );
    assert_eq!(p.due(t0 + ms(11_000)), vec!["wishlist".to_owned()]);
}

#[test]
fn changes_that_never_settle_are_reloaded_once_they_stop() {
    let mut p = policy();
    let t0 = Instant::now();
    // A write every 100 ms for a minute never leaves a second of quiet.
    for step in 0..600 {
        let now = t0 + ms(step * 100);
        p.changed("wishlist", now);
        assert!(p.due(now).is_empty());
    }
    let last = t0 + ms(59_900);
    assert_eq!(p.next_check(last), Some(last + DEBOUNCE));
    assert_eq!(p.due(last + DEBOUNCE), ["wishlist"]);
}

#[test]
fn constant_changes_reload_at_most_once_per_cooldown() {
    let mut p = policy();
    let t0 = Instant::now();
    let mut starts = Vec::new();
    // A write every 2 s (each settles within the debounce) for two
    // minutes, every reload taking 500 ms.
    for step in 0..1_200 {
        let now = t0 + ms(step * 100);
        if step % 20 == 0 {
            p.changed("wishlist", now);
        }
        if !p.due(now).is_empty() {
            starts.push(now);
            p.finished("wishlist", ms(500));
        }
    }
    assert_eq!(starts.len(), 12, "reloads at {starts:?}");
    for pair in starts.windows(2) {
        assert_eq!(pair[1] - pair[0], COOLDOWN, "reloads at {starts:?}");
    }
    // The write at 118 s is deferred, not dropped.
    assert_eq!(p.due(t0 + ms(121_000)), ["wishlist"]);
}

#[test]
fn a_change_during_a_reload_waits_for_it_to_finish_and_the_cooldown() {
    let mut p = policy();
    let t0 = Instant::now();
    p.changed("wishlist", t0);
    assert_eq!(p.due(t0 + DEBOUNCE), vec!["wishlist".to_owned()]);
    p.changed("wishlist", t0 + ms(2_000));
    // Still reloading long after the cooldown: never overlapped.
    assert!(p.due(t0 + ms(30_000)).is_empty());
    assert_eq!(p.state("wishlist"), WatchState::Reloading);
    p.finished("wishlist", ms(29_500));
    assert_eq!(p.next_check(t0 + ms(30_500)), Some(t0 + ms(30_500)));
    assert_eq!(p.due(t0 + ms(30_500)), vec!["wishlist".to_owned()]);
}

#[test]
fn three_consecutive_slow_reloads_pause_the_watch_and_say_so_once() {
    let mut p = policy();
    let t0 = Instant::now();
    assert!(!reload(&mut p, "reviews", t0, SLOW));
    assert!(!reload(&mut p, "reviews", t0 + ms(20_000), SLOW));
    assert!(reload(&mut p, "reviews", t0 + ms(40_000), SLOW));
    assert_eq!(p.state("reviews"), WatchState::Paused { slow_reloads: 3 });
    assert!(!p.finished("reviews", SLOW));
    assert_eq!(p.state("reviews"), WatchState::Paused { slow_reloads: 3 });
}

#[test]
fn a_reload_taking_exactly_the_slow_limit_is_not_slow() {
    let mut p = policy();
    let t0 = Instant::now();
    for n in 0..5 {
        let limit = ReloadLimits::default().slow_reload;
        assert!(!reload(&mut p, "reviews", t0 + ms(n * 20_000), limit));
    }
    assert_eq!(p.state("reviews"), WatchState::Idle);
}

#[test]
fn a_fast_reload_in_between_resets_the_slow_count() {
    let mut p = policy();
    let t0 = Instant::now();
    assert!(!reload(&mut p, "reviews", t0, SLOW));
    assert!(!reload(&mut p, "reviews", t0 + ms(20_000), SLOW));
    assert!(!reload(&mut p, "reviews", t0 + ms(40_000), FAST));
    assert!(!reload(&mut p, "reviews", t0 + ms(60_000), SLOW));
    assert!(!reload(&mut p, "reviews", t0 + ms(80_000), SLOW));
    assert_eq!(p.state("reviews"), WatchState::Idle);
    assert!(reload(&mut p, "reviews", t0 + ms(100_000), SLOW));
}

#[test]
fn a_paused_module_ignores_changes() {
    let mut p = policy();
    let t0 = Instant::now();
    for n in 0..3 {
        reload(&mut p, "reviews", t0 + ms(n * 20_000), SLOW);
    }
    let later = t0 + ms(100_000);
    p.changed("reviews", later);
    assert_eq!(p.next_check(later), None);
    assert!(p.due(later + ms(60_000)).is_empty());
    assert_eq!(p.state("reviews"), WatchState::Paused { slow_reloads: 3 });
}

#[test]
fn a_change_made_during_the_reload_that_pauses_is_dropped() {
    let mut p = policy();
    let t0 = Instant::now();
    for n in 0..2 {
        reload(&mut p, "reviews", t0 + ms(n * 20_000), SLOW);
    }
    p.changed("reviews", t0 + ms(40_000));
    assert_eq!(p.due(t0 + ms(41_000)), vec!["reviews".to_owned()]);
    p.changed("reviews", t0 + ms(45_000));
    assert!(p.finished("reviews", SLOW));
    assert_eq!(p.next_check(t0 + ms(60_000)), None);
}

#[test]
fn resume_restarts_the_watch_with_a_clean_slow_count() {
    let mut p = policy();
    let t0 = Instant::now();
    for n in 0..3 {
        reload(&mut p, "reviews", t0 + ms(n * 20_000), SLOW);
    }
    p.resume("reviews");
    assert_eq!(p.state("reviews"), WatchState::Idle);
    let later = t0 + ms(100_000);
    p.changed("reviews", later);
    assert_eq!(
        p.state("reviews"),
        WatchState::Pending {
            due_at: later + DEBOUNCE
        }
    );
    // Two slow reloads after resuming do not pause: the count restarted.
    assert!(!reload(&mut p, "reviews", later, SLOW));
    assert!(!reload(&mut p, "reviews", later + ms(20_000), SLOW));
    assert_eq!(p.state("reviews"), WatchState::Idle);
}

#[test]
fn resume_of_a_watch_that_is_not_paused_changes_nothing() {
    let mut p = policy();
    let t0 = Instant::now();
    reload(&mut p, "reviews", t0, SLOW);
    reload(&mut p, "reviews", t0 + ms(20_000), SLOW);
    p.resume("reviews");
    assert!(reload(&mut p, "reviews", t0 + ms(40_000), SLOW));
}

#[test]
fn a_finish_with_no_reload_in_flight_is_ignored() {
    let mut p = policy();
    let t0 = Instant::now();
    assert!(!p.finished("never-seen", SLOW));
    reload(&mut p, "reviews", t0, SLOW);
    // Duplicate reports of the same reload do not count again.
    assert!(!p.finished("reviews", SLOW));
    assert!(!p.finished("reviews", SLOW));
    assert!(!reload(&mut p, "reviews", t0 + ms(20_000), SLOW));
    assert_eq!(p.state("reviews"), WatchState::Idle);
}

#[test]
fn next_check_is_the_exact_instant_the_first_module_becomes_due() {
    let mut p = policy();
    let t0 = Instant::now();
    assert_eq!(p.next_check(t0), None);
    p.changed("wishlist", t0 + ms(300));
    p.changed("reviews", t0);
    assert_eq!(p.next_check(t0), Some(t0 + ms(1_000)));
    assert_eq!(p.due(t0 + ms(1_000)), vec!["reviews".to_owned()]);
    assert_eq!(p.next_check(t0 + ms(1_000)), Some(t0 + ms(1_300)));
    // Overdue: the check is now, never in the past.
    assert_eq!(p.next_check(t0 + ms(5_000)), Some(t0 + ms(5_000)));
    assert_eq!(p.due(t0 + ms(5_000)), vec!["wishlist".to_owned()]);
    assert_eq!(p.next_check(t0 + ms(5_000)), None);
    // The cooldown from the reload at t0 + 1 s, not the debounce, decides.
    p.finished("reviews", FAST);
    p.changed("reviews", t0 + ms(6_000));
    assert_eq!(p.next_check(t0 + ms(6_000)), Some(t0 + ms(11_000)));
    // The debounce decides once the change is later than the cooldown.
    p.changed("reviews", t0 + ms(10_500));
    assert_eq!(p.next_check(t0 + ms(10_500)), Some(t0 + ms(11_500)));
}

#[test]
fn modules_are_independent() {
    let mut p = policy();
    let t0 = Instant::now();
    for n in 0..3 {
        reload(&mut p, "reviews", t0 + ms(n * 20_000), SLOW);
    }
    reload(&mut p, "wishlist", t0, FAST);
    // `reviews` is paused; `wishlist` is only in its own cooldown.
    let later = t0 + ms(60_000);
    p.changed("reviews", later);
    p.changed("wishlist", later);
    p.changed("price-watch", later);
    assert_eq!(
        p.due(later + DEBOUNCE),
        vec!["price-watch".to_owned(), "wishlist".to_owned()]
    );
    assert!(!p.finished("price-watch", FAST));
    assert_eq!(p.state("reviews"), WatchState::Paused { slow_reloads: 3 });
    assert_eq!(p.state("wishlist"), WatchState::Reloading);
    assert_eq!(p.state("price-watch"), WatchState::Idle);
}

#[test]
fn due_modules_are_listed_by_name() {
    let mut p = policy();
    let t0 = Instant::now();
    for module in ["wishlist", "price-watch", "reviews"] {
        p.changed(module, t0);
    }
    assert_eq!(p.due(t0 + DEBOUNCE), ["price-watch", "reviews", "wishlist"]);
}

#[test]
fn zero_slow_reloads_allowed_pauses_on_the_first_slow_one() {
    let mut p = ReloadPolicy::new(ReloadLimits {
        max_slow_reloads: 0,
        ..ReloadLimits::default()
    });
    assert!(reload(&mut p, "reviews", Instant::now(), SLOW));
    assert_eq!(p.state("reviews"), WatchState::Paused { slow_reloads: 1 });
}

#[test]
fn a_huge_configured_wait_does_not_overflow_the_clock() {
    let mut p = ReloadPolicy::new(ReloadLimits {
        debounce: Duration::MAX,
        cooldown: Duration::MAX,
        ..ReloadLimits::default()
    });
    let t0 = Instant::now();
    p.changed("reviews", t0);
    assert_eq!(p.next_check(t0), Some(t0 + LONGEST_WAIT));
    assert!(p.due(t0 + ms(60_000)).is_empty());
}
