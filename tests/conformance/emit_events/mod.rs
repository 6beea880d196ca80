//! World `modgate:host/emit-events`: on both tenants the component emits
//! and checks every spoofing shape is refused with `forbidden` (a core
//! event's name, another module's prefix, dots, control characters, spaces,
//! excessive length, uppercase) and bad payloads with `invalid`; the host
//! records what it emitted as `mod.conformance.<name>` for that tenant only.

use std::time::Duration;

use modgate_host::engine::EngineConfig;
use modgate_host::storage::Backend;
use modgate_host::storage::module_sql::SqlLimits;
use modgate_tests::{Lang, acme, globex, load, manifest, test_host_configured};

use crate::events::count;

modgate_tests::in_every_language! {
    conformance_emit_events => granted,
    conformance_emit_events_no_permission => without_the_permission,
}

/// The default `activate` budget with room for a 64 KiB payload in every
/// language: the JavaScript guest spends about 2,600 fuel per character it
/// hands the host, so the oversized payload alone costs ~170 M fuel, past
/// the default 100 M (Rust and Python need a few million).
fn roomy() -> EngineConfig {
    let mut config = EngineConfig::default();
    config.budgets.activate.fuel = 400_000_000;
    config.budgets.activate.wall_clock = Duration::from_secs(30);
    config
}

fn granted(lang: Lang) {
    let component = lang.component("conformance-emit-events");
    modgate_tests::run(async {
        let host = test_host_configured(Backend::Sqlite, SqlLimits::default(), lang.configure(roomy())).await.expect("sqlite");
        let module = load(host.lifecycle.engine(), manifest("conformance", &["emit:events"]), component)
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

fn without_the_permission(lang: Lang) {
    super::no_permission_twin_is_refused(lang.component("conformance-emit-events"), "emit:events", "modgate:host/events");
}
