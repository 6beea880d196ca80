//! World `modgate:host/http-outbound`: on both tenants the component's
//! ordinary wasi:http requests reach a loopback server that the tenant's
//! allowlist names exactly (its address allowed as an exception), with the
//! operator's secret in place of the module's `authorization`; a redirect
//! into the metadata address reaches the module unfollowed; every other
//! destination — another tenant's entry, other ports (in any notation of
//! the address), IPv6 loopback and IPv4-mapped loopback, a name for it, the metadata address, userinfo — is
//! `HTTP-request-denied`, and no connection reaches the tripwire. Without
//! the permission the component is refused; with it but without the
//! operator's acknowledgement the install is refused, naming
//! `http:outbound`.

pub mod server;

use modgate_host::capabilities::outbound::{Allowlist, AllowlistEntry, Credential, Outbound, StaticSecrets};
use modgate_host::capabilities::{BuiltinServices, builtin};
use modgate_host::engine::{Engine, Extensions, InstallSettings};
use modgate_host::lifecycle::InstallRequest;
use modgate_host::storage::Backend;
use modgate_tests::{Lang, acme, globex, load, manifest, source, test_host_for};

pub use server::UpstreamServer;
use modgate_host::testing::Tripwire;

modgate_tests::in_every_language! {
    conformance_http_outbound => only_allowlisted_destinations_are_reached,
    conformance_http_outbound_no_permission => without_the_permission,
    installing_without_the_acknowledgement_is_refused_naming_it => without_the_acknowledgement,
}

/// An allowlist entry for a loopback port, its address allowed exactly.
fn loopback_entry(port: u16, secret: &str) -> AllowlistEntry {
    format!("127.0.0.1:{port}")
        .parse::<AllowlistEntry>()
        .and_then(|entry| entry.with_addresses(["127.0.0.1/32".parse().expect("a range")]))
        .map(|entry| entry.with_credential(Credential::new("authorization", secret).expect("a credential")))
        .expect("a valid entry")
}

fn only_allowlisted_destinations_are_reached(lang: Lang) {
    modgate_tests::run(async {
        let upstream = UpstreamServer::start().await;
        let globex_only = UpstreamServer::start().await;
        let tripwire = Tripwire::start().await.expect("a loopback port");
        let closed = server::closed_port().await;
        let secrets = StaticSecrets::new()
            .with("acme-upstream", "Bearer acme-operator-secret")
            .and_then(|s| s.with("globex-upstream", "Bearer globex-operator-secret"))
            .expect("header values");
        let services = BuiltinServices { outbound: Outbound::default().with_secrets(secrets), ..BuiltinServices::default() };
        let engine = Engine::new(modgate_tests::cached(lang.engine_config()), builtin(services)).expect("engine starts");
        let module = load(&engine, manifest("conformance", &["http:outbound"]), lang.component("conformance-http-outbound"))
            .expect("loads with the permission");

        let (u, g, t) = (upstream.port, globex_only.port, tripwire.port);
        let denied_everywhere = [
            format!("http://127.0.0.1:{t}/"),
            // Other notations of the allowed address are that address: on
            // the tripwire's port they are refused like it.
            format!("http://0x7f.1:{t}/"),
            format!("http://2130706433:{t}/"),
            format!("http://[::1]:{u}/ok"),
            format!("http://[::ffff:127.0.0.1]:{u}/ok"),
            format!("http://user:pw@127.0.0.1:{u}/ok"),
            format!("http://localhost:{u}/ok"),
            "http://169.254.169.254/latest/meta-data/".to_owned(),
        ];
        let acme_denied = [denied_everywhere.as_slice(), &[format!("http://127.0.0.1:{g}/ok")]].concat();
        let tenants = [
            (acme(), Allowlist::new([loopback_entry(u, "acme-upstream"), closed_entry(closed)]), acme_denied),
            (
                globex(),
                Allowlist::new([loopback_entry(u, "globex-upstream"), loopback_entry(g, "globex-upstream"), closed_entry(closed)]),
                denied_everywhere.to_vec(),
            ),
        ];
        for (tenant, allowlist, denied) in tenants {
            let settings = format!(
                "ok=http://127.0.0.1:{u}/ok;post=http://127.0.0.1:{u}/echo;redirect=http://127.0.0.1:{u}/redirect;denied={};unreachable=http://127.0.0.1:{closed}/",
                denied.join(",")
            );
            let extensions = Extensions::new().with(InstallSettings::new(settings.as_str())).with(allowlist);
            if let Err(e) = module.activate_with(&tenant, &settings, &extensions).await {
                panic!("conformance failed for tenant {tenant}: {e}");
            }
        }
        assert_eq!(tripwire.hits(), 0, "no refused request reached the tripwire");
        assert_eq!(globex_only.seen().len(), 0, "acme never reached globex's upstream");
        let authorizations: Vec<String> = upstream
            .seen()
            .iter()
            .filter(|seen| seen.path == "/echo")
            .map(|seen| seen.authorization.join("|"))
            .collect();
        assert_eq!(authorizations, ["Bearer acme-operator-secret", "Bearer globex-operator-secret"]);
    });
}

/// An entry for a port nothing listens on, so a request to it fails to
/// connect rather than being denied.
fn closed_entry(port: u16) -> AllowlistEntry {
    format!("127.0.0.1:{port}")
        .parse::<AllowlistEntry>()
        .and_then(|entry| entry.with_addresses(["127.0.0.1/32".parse().expect("a range")]))
        .expect("a valid entry")
}

fn without_the_permission(lang: Lang) {
    super::no_permission_twin_is_refused(lang.component("conformance-http-outbound"), "http:outbound", "wasi:http/outgoing-handler");
}

fn without_the_acknowledgement(lang: Lang) {
    modgate_tests::run(async {
        let host = test_host_for(lang, Backend::Sqlite).await.expect("sqlite");
        let manifest = "name = \"conformance\"\nversion = \"1.0.0\"\ncompatible-core = \"^1.0\"\npermissions = [\"http:outbound\"]\n";
        let request = InstallRequest::new(source(manifest, lang.component("conformance-http-outbound")), acme());
        let refused = host.lifecycle.install(request.clone()).await.expect_err("needs the acknowledgement");
        assert_eq!(refused.code(), "acknowledgement-required");
        assert!(refused.to_string().contains("http:outbound"), "{refused}");
        assert!(refused.to_string().contains("--acknowledge-risk"), "{refused}");
    });
}
