//! Cross-tenant and cross-module reach: a module of one tenant reaching for
//! what belongs to another tenant or another module. The host chooses the
//! tenant and the module for every capability call; nothing a guest or a
//! client sends can name another one.
//!
//! Tested here (capabilities the rest of the suite covered only in part):
//!
//! | capability | test |
//! |---|---|
//! | settings | [`settings_reach_only_their_own_install`]: each (module, tenant) install reads its own settings over HTTP; another module's, another tenant's never show |
//! | HTTP mounts and routes | [`mount_tricks_never_reach_another_modules_route`]: encoded `..`, `/` and `\`, doubled slashes, case, a forged `modgate-tenant` header: an unapproved route of another module and a module installed only for another tenant answer the same 404 |
//! | data hooks | [`a_hook_installed_for_one_tenant_never_sees_another_tenants_records`]: another tenant's writes reach no hook of an install it does not have |
//!
//! Proven elsewhere, exactly (tests of the `suite` binary):
//!
//! | capability | reach tried | test |
//! |---|---|---|
//! | own tables | another tenant's rows, another module's table, by every SQL route (schema-qualified, physical names, subqueries); PostgreSQL roles | `storage::isolation::a_module_never_sees_another_tenants_rows_or_another_modules_tables`, `storage::isolation::postgres_roles_hold_privileges_on_their_own_tables_only`, `storage::hostile_sql::corpus_is_forbidden` (both backends) |
//! | products, categories, orders, customers | the other tenant's ids are `not-found` | `conformance::read_products::conformance_read_products` and its `read_categories`, `read_orders`, `read_customers` twins (each tenant's settings name the other tenant's ids as `absent`), in every guest language |
//! | email contacts | another tenant's customer looks exactly like an unknown one | `conformance::email_send::conformance_email_send` (`suppressed=…g-cu-1`), `email::customers::unknown_opted_out_erased_and_foreign_customers_are_indistinguishable` |
//! | email sending | the rate limit of one (module, tenant) leaves the others | `email::delivery::the_rate_limit_stops_a_module_for_one_tenant_only` |
//! | events (emit) | a core event's or another module's name is `forbidden` | `conformance::emit_events::conformance_emit_events` |
//! | events (delivery) | no event or delivery crosses tenants | `events::outbox::tenants_never_see_each_others_events`, `conformance::subscribe_events::conformance_subscribe_events` (the handler is told its own tenant only) |
//! | outbound HTTP | another tenant's allowlist entry and upstream are never reached; each tenant's operator secret goes only to its own | `conformance::http_outbound::conformance_http_outbound` |
//! | slots | a widget acting on another module's mount is refused | `http::slots::markup_script_and_foreign_links_are_refused` |
//! | HTTP identity | a token of one tenant on another's host, a customer id in the query or a forged header | `http::wishlist::customers_and_tenants_see_only_their_own_items`, `http::identity::client_supplied_identity_never_becomes_the_customer` |
//! | HTTP responses | a redirect or header acting on another module's mount or the shop | `http::headers::a_redirect_stays_inside_the_module_mount`, `http::headers::every_header_class_is_dropped_while_ordinary_headers_pass` |
//! | capacity and breakers | one tenant's flood or one module's failures take nothing from the others | `limits::capacity::*`, [`super::concurrency`] |

use std::time::Duration;

use modgate_artifacts::{CONFORMANCE_HOOKS, HTTP_PROBE, WASI_ESCAPE};
use modgate_host::engine::TenantId;
use modgate_host::hookable::{FieldType, HookableEntities, HookableEntity};
use modgate_host::hooks::{DataHooks, Decision, HookConfig, HookTarget};
use modgate_host::lifecycle::{HookSelection, InstallRequest};
use modgate_host::manifest::HookWhen;
use modgate_tests::http::{GLOBEX_HOST, HttpHarness, http_harness, json, test_http_config};
use modgate_tests::{acme, globex, source};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The `wasi-escape` component as `name`, answering `GET /{escape}` (its
/// `/settings` route), with a `secret` setting.
fn settings_manifest(name: &str) -> String {
    format!(
        r#"name = {name:?}
version = "1.0.0"
compatible-core = "^1.0"

[settings]
type = "object"
[settings.properties.secret]
type = "string"

[[routes]]
method = "GET"
path = "/{{escape}}"
"#
    )
}

async fn install(h: &HttpHarness, tenant: &TenantId, name: &str, secret: &str, approve: bool) {
    let request = InstallRequest {
        settings: Some(json!({ "secret": secret })),
        ..InstallRequest::new(
            source(&settings_manifest(name), WASI_ESCAPE),
            tenant.clone(),
        )
    };
    h.lifecycle
        .install(request)
        .await
        .unwrap_or_else(|e| panic!("installing {name} for {tenant}: {e}"));
    if approve {
        h.approve_all(tenant, name).await;
    }
}

/// `alpha` for both tenants, `beta` for acme (its route not approved),
/// `gamma` for globex only; a `http-probe` named `healthy` for acme.
async fn three_modules() -> HttpHarness {
    let h = http_harness(test_http_config()).await;
    install(&h, &acme(), "alpha", "alpha-acme", true).await;
    install(&h, &globex(), "alpha", "alpha-globex", true).await;
    install(&h, &acme(), "beta", "beta-acme", false).await;
    install(&h, &globex(), "gamma", "gamma-globex", true).await;
    let healthy = "name = \"healthy\"\nversion = \"1.0.0\"\ncompatible-core = \"^1.0\"\n\n[[routes]]\nmethod = \"GET\"\npath = \"/echo\"\n";
    h.install(&acme(), healthy, HTTP_PROBE).await;
    h.approve_all(&acme(), "healthy").await;
    h
}

const SECRETS: [&str; 4] = ["alpha-acme", "alpha-globex", "beta-acme", "gamma-globex"];

async fn settings_of(h: &HttpHarness, module: &str, host: Option<&str>) -> String {
    let mut request = h.client.get(h.url(&format!("/modules/{module}/settings")));
    if let Some(host) = host {
        request = request.header("host", host);
    }
    let (status, _, body) = json(request.send().await.expect("the bridge answers")).await;
    assert_eq!(status, 200, "{module} on {host:?}: {body}");
    body["secret"].as_str().unwrap_or_default().to_owned()
}

async fn healthy_answers(h: &HttpHarness) {
    let (status, _, body) = json(
        h.client
            .get(h.url("/modules/healthy/echo"))
            .send()
            .await
            .expect("answers"),
    )
    .await;
    assert_eq!(status, 200, "the well-behaved module answers: {body}");
}

#[test]
fn settings_reach_only_their_own_install() {
    modgate_tests::run(async {
        let h = three_modules().await;
        assert_eq!(settings_of(&h, "alpha", None).await, "alpha-acme");
        assert_eq!(
            settings_of(&h, "alpha", Some(GLOBEX_HOST)).await,
            "alpha-globex"
        );
        assert_eq!(
            settings_of(&h, "gamma", Some(GLOBEX_HOST)).await,
            "gamma-globex"
        );
        h.approve_all(&acme(), "beta").await;
        assert_eq!(settings_of(&h, "beta", None).await, "beta-acme");
        // And again, in the other order, past the per-install caches.
        assert_eq!(
            settings_of(&h, "alpha", Some(GLOBEX_HOST)).await,
            "alpha-globex"
        );
        assert_eq!(settings_of(&h, "alpha", None).await, "alpha-acme");
        healthy_answers(&h).await;
    });
}

/// Sends `path` byte for byte (no client-side normalisation of `..` or
/// `%2e`) with `headers`, and returns the status and the body.
async fn raw_get(h: &HttpHarness, path: &str, headers: &[(&str, &str)]) -> (u16, String) {
    let address = h.base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address)
        .await
        .expect("connects");
    let mut request = format!("GET {path} HTTP/1.1\r\nconnection: close\r\n");
    if !headers
        .iter()
        .any(|(name, _)| name.eq_ignore_ascii_case("host"))
    {
        request.push_str(&format!("host: {address}\r\n"));
    }
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).await.expect("writes");
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.expect("reads");
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_owned())
        .unwrap_or_default();
    (status, body)
}

#[test]
fn mount_tricks_never_reach_another_modules_route() {
    modgate_tests::run(async {
        let h = three_modules().await;
        // `healthy` answers only `/echo`: a trick that got past the router
        // into another module's mount would answer with that module's secret.
        let tricks: &[(&str, &[(&str, &str)])] = &[
            // beta's route is not approved; gamma is not installed for acme.
            ("/modules/beta/settings", &[]),
            ("/modules/gamma/settings", &[]),
            ("/modules/gamma/settings", &[("modgate-tenant", "globex")]),
            ("/modules/healthy/../beta/settings", &[]),
            ("/modules/healthy/%2e%2e/beta/settings", &[]),
            ("/modules/healthy/%2E%2E%2Fbeta%2Fsettings", &[]),
            ("/modules/healthy/..%2fbeta/settings", &[]),
            ("/modules/healthy/..%5cbeta/settings", &[]),
            ("/modules/healthy%2f..%2fbeta/settings", &[]),
            ("/modules/healthy/../gamma/settings", &[]),
            (
                "/modules/healthy/%2e%2e/alpha/settings",
                &[("host", "globex.test")],
            ),
            ("/modules//beta/settings", &[]),
            ("/modules/BETA/settings", &[]),
            ("/modules/./beta/settings", &[]),
            ("/modules/beta%2fsettings", &[]),
            ("/modules/be%74a/settings", &[]),
        ];
        let mut reached = Vec::new();
        for (path, headers) in tricks {
            let (status, body) = raw_get(&h, path, headers).await;
            if SECRETS.iter().any(|secret| body.contains(secret)) || status == 200 {
                reached.push(format!("{path} {headers:?}: {status} {body}"));
            } else if status != 404 || !body.contains("\"not-found\"") {
                reached.push(format!(
                    "{path} {headers:?}: not the same 404: {status} {body}"
                ));
            }
        }
        assert!(
            reached.is_empty(),
            "tricks that did not answer the same 404:\n{}",
            reached.join("\n")
        );
        // Outside `/modules/` the router itself answers (an empty 404).
        let (status, body) = raw_get(&h, "//modules/beta/settings", &[]).await;
        assert_eq!(status, 404);
        assert!(
            !SECRETS.iter().any(|secret| body.contains(secret)),
            "{body}"
        );
        // The direct way to alpha's route still works, for both tenants.
        assert_eq!(settings_of(&h, "alpha", None).await, "alpha-acme");
        assert_eq!(
            settings_of(&h, "alpha", Some(GLOBEX_HOST)).await,
            "alpha-globex"
        );
        healthy_answers(&h).await;
    });
}

/// An integrator entity `item` hookable before it is created.
fn items() -> HookableEntities {
    HookableEntities::new()
        .register(
            HookableEntity::new("item")
                .field("id", FieldType::STRING)
                .adjustable("title", FieldType::STRING)
                .hookable_at([HookWhen::BeforeCreate]),
        )
        .expect("the test entity is valid")
}

#[test]
fn a_hook_installed_for_one_tenant_never_sees_another_tenants_records() {
    modgate_tests::run(async {
        let host = modgate_tests::test_host(modgate_host::storage::Backend::Sqlite)
            .await
            .expect("sqlite");
        let hooks = DataHooks::start(
            host.lifecycle.clone(),
            items(),
            HookConfig {
                refresh: Duration::ZERO,
                ..HookConfig::default()
            },
        )
        .await
        .expect("hooks start");
        // The conformance component upper-cases every title before create.
        let manifest = "name = \"shouter\"\nversion = \"1.0.0\"\ncompatible-core = \"^1.0\"\n\n[[hooks]]\nentity = \"item\"\nwhen = \"before-create\"\n";
        host.lifecycle
            .install(InstallRequest::new(
                source(manifest, CONFORMANCE_HOOKS),
                acme(),
            ))
            .await
            .expect("installs for acme");
        host.lifecycle
            .approve_hooks(&acme(), "shouter", &HookSelection::All, "test")
            .await
            .expect("approves");
        let create = |tenant: TenantId| {
            let hooks = &hooks;
            async move {
                let target = HookTarget::new(&tenant, "item");
                match hooks
                    .before_create(&target, json!({ "id": "i-1", "title": "quiet" }))
                    .await
                    .expect("the hooks run")
                {
                    Decision::Proceed { record, report } => (
                        record["title"].as_str().unwrap_or_default().to_owned(),
                        report.runs.len(),
                    ),
                    Decision::Reject { .. } => panic!("{tenant}: the write was refused"),
                }
            }
        };
        assert_eq!(
            create(acme()).await,
            ("QUIET".to_owned(), 1),
            "acme's own hook runs"
        );
        assert_eq!(
            create(globex()).await,
            ("quiet".to_owned(), 0),
            "globex's write reaches no hook of acme's install"
        );
        // Approving for acme again, or installing it for globex unapproved, changes nothing for globex.
        host.lifecycle
            .install(InstallRequest::new(
                source(manifest, CONFORMANCE_HOOKS),
                globex(),
            ))
            .await
            .expect("installs for globex");
        assert_eq!(
            create(globex()).await,
            ("quiet".to_owned(), 0),
            "globex's install is not approved"
        );
        assert_eq!(create(acme()).await, ("QUIET".to_owned(), 1));
        let healthy = super::healthy(host.lifecycle.engine());
        super::keeps_answering(&healthy).await;
    });
}
