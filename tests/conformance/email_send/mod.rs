//! World `modgate:host/email-send`: on both tenants the component sends to
//! an address and to a reachable customer, gets the same `false` for an
//! unknown, opted-out, erased and other tenant's customer, and sees every
//! injection shape refused with `invalid` naming the field; the host queues
//! exactly the two messages per tenant, from that tenant's sender. Without
//! the permission the component is refused; with it but without the
//! operator's acknowledgement the install is refused, naming `email:send`.

use modgate_host::lifecycle::InstallRequest;
use modgate_host::storage::Backend;
use modgate_tests::{Lang, acme, globex, load, manifest, source, test_host_for};

use crate::events::count;

modgate_tests::in_every_language! {
    conformance_email_send => granted,
    conformance_email_send_no_permission => without_the_permission,
    installing_without_the_acknowledgement_is_refused_naming_it => without_the_acknowledgement,
}

const COMPONENT: &str = "conformance-email-send";

fn granted(lang: Lang) {
    let component = lang.component(COMPONENT);
    modgate_tests::run(async {
        let host = test_host_for(lang, Backend::Sqlite).await.expect("sqlite");
        let module = load(host.lifecycle.engine(), manifest("conformance", &["email:send"]), component)
            .expect("loads with the permission");
        for (tenant, settings) in [
            (acme(), "valid=cu-1;suppressed=cu-2,cu-3,nobody,g-cu-1;to=ops@acme.example"),
            (globex(), "valid=g-cu-1;suppressed=cu-1,cu-2,nobody;to=ops@globex.example"),
        ] {
            if let Err(e) = module.activate(&tenant, settings).await {
                panic!("conformance failed for tenant {tenant}: {e}");
            }
        }
        for (tenant, customer_address, sender) in
            [("acme", "ada@acme.example", "Acme <shop@acme.example>"), ("globex", "hank@globex.example", "Globex <shop@globex.example>")]
        {
            let sql = "SELECT count(*) FROM modgate_mail WHERE tenant = ? AND module = 'conformance' AND sender = ?";
            assert_eq!(count(&host, sql, vec![tenant.into(), sender.into()]).await, 2, "two messages for {tenant}");
            let sql = "SELECT count(*) FROM modgate_mail WHERE tenant = ? AND recipient = ?";
            assert_eq!(count(&host, sql, vec![tenant.into(), customer_address.into()]).await, 1);
        }
        assert_eq!(count(&host, "SELECT count(*) FROM modgate_mail", vec![]).await, 4, "nothing refused was queued");
    });
}

fn without_the_permission(lang: Lang) {
    super::no_permission_twin_is_refused(lang.component(COMPONENT), "email:send", "modgate:host/email");
}

fn without_the_acknowledgement(lang: Lang) {
    let component = lang.component(COMPONENT);
    modgate_tests::run(async {
        let host = test_host_for(lang, Backend::Sqlite).await.expect("sqlite");
        let manifest = "name = \"conformance\"\nversion = \"1.0.0\"\ncompatible-core = \"^1.0\"\npermissions = [\"email:send\"]\n";
        let request = InstallRequest::new(source(manifest, component), acme());
        let refused = host.lifecycle.install(request.clone()).await.expect_err("needs the acknowledgement");
        assert_eq!(refused.code(), "acknowledgement-required");
        assert!(refused.to_string().contains("email:send"), "{refused}");
        assert!(refused.to_string().contains("--acknowledge-risk"), "{refused}");
        let acknowledged = InstallRequest { acknowledge_risk: true, ..request };
        host.lifecycle.install(acknowledged).await.expect("installs once acknowledged");
    });
}
