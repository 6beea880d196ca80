use std::sync::{Arc, Mutex};

use super::*;

#[test]
fn notifications_name_the_install_or_the_queue() {
    assert_eq!(parse(INSTALLS, "acme/wishlist"), Some(Change::Install { tenant: TenantId::new("acme").unwrap(), module: "wishlist" }));
    assert_eq!(parse(WORK, "events"), Some(Change::Work(WorkQueue::Events)));
    assert_eq!(parse(WORK, "mail"), Some(Change::Work(WorkQueue::Mail)));
}

#[test]
fn notifications_not_understood_are_ignored() {
    for (channel, payload) in [(INSTALLS, "acme"), (INSTALLS, "/wishlist"), (INSTALLS, "acme/"), (INSTALLS, "Not A Tenant/x"), (WORK, "sms"), ("other", "acme/x")] {
        assert_eq!(parse(channel, payload), None, "{channel} {payload}");
    }
}

struct Seen(Mutex<Vec<String>>);

impl ChangeObserver for Seen {
    fn changed(&self, change: &Change<'_>) {
        self.0.lock().unwrap().push(format!("{change:?}"));
    }
}

#[test]
fn observers_hear_changes_while_they_live_and_are_forgotten_after() {
    let changes = Changes::new(None);
    let kept = Arc::new(Seen(Mutex::new(Vec::new())));
    let dropped = Arc::new(Seen(Mutex::new(Vec::new())));
    changes.observe(&kept);
    changes.observe(&dropped);
    changes.inner.tell(&Change::Work(WorkQueue::Mail));
    drop(dropped);
    changes.inner.tell(&Change::Unknown);
    assert_eq!(*kept.0.lock().unwrap(), ["Work(Mail)", "Unknown"]);
    assert_eq!(lock(&changes.inner.observers).len(), 1, "the dropped observer is forgotten");
}

#[test]
fn sqlite_announces_nothing_and_never_listens() {
    let changes = Changes::new(None);
    changes.work_committed(WorkQueue::Events);
    assert!(!changes.is_listening());
    assert_eq!(changes.inner.pending_work.load(Ordering::Relaxed), 0);
}

#[test]
fn work_committed_outside_a_runtime_leaves_nothing_pending() {
    // A pool that never connects (made in a runtime, as sqlx needs): only
    // the bookkeeping is exercised, outside any runtime.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let pool = {
        let _inside = runtime.enter();
        sea_orm::sqlx::postgres::PgPoolOptions::new().connect_lazy("postgres://nobody@127.0.0.1:1/none").unwrap()
    };
    let changes = Changes::new(Some(pool));
    changes.work_committed(WorkQueue::Events);
    assert_eq!(changes.inner.pending_work.load(Ordering::Relaxed), 0, "a later call from a runtime starts the announcer");
    let _inside = runtime.enter();
    drop(changes);
}
