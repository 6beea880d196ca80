//! World `modgate:host/emit-events`: on both tenants the component emits
//! and checks every spoofing shape is refused with `forbidden` (a core
//! event's name, another module's prefix, dots, control characters, spaces,
//! excessive length, uppercase) and bad payloads with `invalid`; the host
//! records what it emitted as `mod.conformance.<name>` for that tenant only.

use modgate_artifacts::CONFORMANCE_EMIT_EVENTS;
use modgate_host::storage::Backend;
use modgate_tests::{acme, globex, load, manifest, test_host};

use crate::events::count;

#[test]
pub fn conformance_emit_events() {
    modgate_tests::run(async {
        let host = test_host(Backend::Sqlite).await.expect("sqlite");
        let module = load(host.lifecycle.engine(), manifest("conformance", &["emit:events"]), CONFORMANCE_EMIT_EVENTS)
            .expect("loads with the permission");
        for tenant in [acme(), globex()] {
            if let Err(e) = module.activate(&tenant, &format!("tenant={tenant}")).await {
                panic!("conformance failed for tenant {tenant}: {e}");
            }
        }
        for tenant in ["acme", "globex"] {
            let sql = "SELECT count(*) FROM modgate_events WHERE tenant = ? AND source = 'conformance' AND name LIKE 'mod.conformance.%'";
            assert_eq!(count(&host, sql, vec![tenant.into()]).await, 3, "three events emitted for {tenant}");
        }
        let spoofed = "SELECT count(*) FROM modgate_events WHERE name NOT LIKE 'mod.conformance.%'";
        assert_eq!(count(&host, spoofed, vec![]).await, 0, "nothing refused was recorded");
    });
}

#[test]
fn conformance_emit_events_no_permission() {
    super::no_permission_twin_is_refused(CONFORMANCE_EMIT_EVENTS, "emit:events", "modgate:host/events");
}
