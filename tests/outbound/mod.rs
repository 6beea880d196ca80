//! The operator's outbound allowlist through the lifecycle, on both
//! backends: set at install and shown, kept by an upgrade that does not
//! name one, changed and audited, handed to every invocation of the
//! install, gone with the install. (The guard itself is tested in
//! `host/src/capabilities/outbound/tests/`; the world's suite is
//! `conformance/http_outbound/`.)

use modgate_artifacts::CONFORMANCE_HTTP_OUTBOUND;
use modgate_host::capabilities::outbound::{Allowlist, AllowlistEntry, Credential};
use modgate_host::lifecycle::{InstallError, InstallRequest};
use modgate_host::engine::{Budget, Budgets, EngineConfig, Extensions, InstallSettings};
use modgate_tests::{acme, globex, load, manifest, on_both_backends, source};

use crate::events::count;

const MANIFEST: &str = "name = \"conformance\"\nversion = \"1.0.0\"\ncompatible-core = \"^1.0\"\npermissions = [\"http:outbound\"]\n";

fn request(allowlist: Option<Allowlist>) -> InstallRequest {
    InstallRequest { acknowledge_risk: true, allowlist, ..InstallRequest::new(source(MANIFEST, CONFORMANCE_HTTP_OUTBOUND), acme()) }
}

fn entry(text: &str) -> AllowlistEntry {
    text.parse().expect("a valid entry")
}

on_both_backends! {
    async fn the_allowlist_is_kept_with_the_install_and_handed_to_its_invocations(host) {
        let lifecycle = &host.lifecycle;
        let first = Allowlist::new([entry("api.prices.example"), entry("*.cdn.example:8443")]);
        let outcome = lifecycle.install(request(Some(first.clone()))).await.expect("installs");
        assert_eq!(outcome.allowlist, ["api.prices.example", "*.cdn.example:8443"]);
        assert_eq!(lifecycle.allowlist(&acme(), "conformance").await.unwrap(), first);
        let status = lifecycle.show(&acme(), "conformance").await.unwrap();
        assert_eq!(status.outbound_allowlist, ["api.prices.example", "*.cdn.example:8443"]);
        let record = lifecycle.serving_record(&acme(), "conformance").await.unwrap().expect("installed");
        assert_eq!(record.inputs.allowlist, first, "serving processes hand it to every invocation");
        assert_eq!(record.inputs.extensions().get::<Allowlist>(), Some(&first));

        // An upgrade without one keeps it; naming one replaces it.
        lifecycle.install(request(None)).await.expect("reinstalls");
        assert_eq!(lifecycle.allowlist(&acme(), "conformance").await.unwrap(), first);

        let with_secret = entry("prices.internal:8080")
            .with_addresses(["10.1.2.3/32".parse().unwrap()])
            .unwrap()
            .with_credential(Credential::new("authorization", "price-api").unwrap());
        let changed = lifecycle
            .change_allowlist(&acme(), "conformance", |current| Ok(current.with(with_secret.clone())))
            .await
            .expect("changes");
        assert_eq!(changed.entries().len(), 3);
        let record = lifecycle.serving_record(&acme(), "conformance").await.unwrap().unwrap();
        assert_eq!(record.inputs.allowlist, changed);
        let sql = "SELECT count(*) FROM modgate_audit_log WHERE module = 'conformance' AND action = 'allowlist'";
        assert_eq!(count(&host, sql, vec![]).await, 1, "the change is audited");

        // A refused change changes nothing.
        let refused = lifecycle
            .change_allowlist(&acme(), "conformance", |current| {
                current.without("nothing.example")?.ok_or(InstallError::UnknownAllowlistEntry {
                    module: "conformance".into(),
                    entry: "nothing.example".into(),
                })
            })
            .await
            .expect_err("no such entry");
        assert_eq!(refused.code(), "unknown-allowlist-entry");
        assert_eq!(lifecycle.allowlist(&acme(), "conformance").await.unwrap(), changed);
        let refused = lifecycle.allowlist(&globex(), "conformance").await.expect_err("not installed for globex");
        assert_eq!(refused.code(), "not-installed");

        lifecycle.uninstall(&acme(), "conformance", true).await.expect("uninstalls");
        lifecycle.install(request(None)).await.expect("installs again");
        assert!(lifecycle.allowlist(&acme(), "conformance").await.unwrap().is_empty(), "gone with the install");
    }
}

#[test]
fn an_allowlist_on_a_module_without_http_outbound_is_said_to_do_nothing() {
    modgate_tests::run(async {
        let host = modgate_tests::test_host(modgate_host::storage::Backend::Sqlite).await.expect("sqlite");
        let manifest = "name = \"minimal\"\nversion = \"1.0.0\"\ncompatible-core = \"^1.0\"\n";
        let request = InstallRequest {
            allowlist: Some(Allowlist::new([entry("api.prices.example")])),
            ..InstallRequest::new(source(manifest, modgate_artifacts::MINIMAL), acme())
        };
        let outcome = host.lifecycle.install(request).await.expect("installs");
        assert_eq!(outcome.warnings, ["the outbound allowlist has no effect: http:outbound is not granted to this module"]);
    });
}

/// Each request is one op of the invocation's budget: two requests pass
/// with two ops, and with one op the second is refused as
/// `budget-exhausted` before anything is sent.
#[test]
fn each_request_is_one_op_of_the_budget() {
    modgate_tests::run(async {
        let upstream = crate::conformance::http_outbound::UpstreamServer::start().await;
        let u = upstream.port;
        let entry: AllowlistEntry = format!("127.0.0.1:{u}").parse().unwrap();
        let allowlist = Allowlist::new([entry.with_addresses(["127.0.0.1/32".parse().unwrap()]).unwrap()]);
        let settings = format!("ok=http://127.0.0.1:{u}/ok;post=http://127.0.0.1:{u}/echo");
        let extensions = Extensions::new().with(InstallSettings::new(settings.as_str())).with(allowlist);
        for (ops, passes) in [(2, true), (1, false)] {
            let defaults = Budgets::default();
            let config = EngineConfig {
                budgets: Budgets { activate: Budget { ops, ..defaults.activate }, ..defaults },
                ..EngineConfig::default()
            };
            let engine = modgate_tests::engine(config);
            let module = load(&engine, manifest("conformance", &["http:outbound"]), CONFORMANCE_HTTP_OUTBOUND).unwrap();
            let outcome = module.activate_with(&acme(), &settings, &extensions).await;
            match (passes, outcome) {
                (true, Ok(invoked)) => assert_eq!(invoked.ops_used, 2),
                (false, Err(e)) => assert!(e.to_string().contains("budget-exhausted"), "{e}"),
                (_, other) => panic!("{ops} ops: {:?}", other.map(|i| i.ops_used)),
            }
        }
        let posts = upstream.seen().iter().filter(|seen| seen.path == "/echo").count();
        assert_eq!(posts, 1, "the refused request never left the host");
    });
}
