//! Hot reload in the demo: the storefront started with `watch_modules`
//! (`--watch-modules`) notices a changed module folder, stages the new
//! version beside the serving one (shoppers keep getting the old one), and
//! the operator promotes it through the admin API — after which the shop
//! serves the new version. No request fails on the way.

mod served;

use std::path::Path;
use std::time::Duration;

use modgate_host::lifecycle::ModuleSource;
use storefront::{Options, Storefront};

const ROUTES: &str = "[[routes]]\nmethod = \"GET\"\npath = \"/echo\"\n";

fn manifest(version: &str) -> String {
    format!("name = \"probe\"\nversion = \"{version}\"\ncompatible-core = \"^1.0\"\n{ROUTES}")
}

fn write_module(dir: &Path, version: &str, component: &str) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("module.toml"), manifest(version)).unwrap();
    std::fs::write(dir.join("probe.wasm"), modgate_artifacts::read(component)).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_changed_module_is_staged_then_promoted_by_the_operator_and_served() {
    let data = tempfile::tempdir().unwrap();
    let modules = tempfile::tempdir().unwrap();
    let folder = modules.path().join("probe");
    write_module(&folder, "1.0.0", modgate_artifacts::HTTP_PROBE);
    let first = ModuleSource::new(manifest("1.0.0"), modgate_artifacts::read(modgate_artifacts::HTTP_PROBE));
    let storefront = Storefront::start(Options {
        watch_modules: Some(modules.path().to_path_buf()),
        ..Options::new(data.path().to_path_buf(), vec![first])
    })
    .await
    .expect("storefront starts");
    let lifecycle = storefront.lifecycle.clone();
    let operator = storefront.operator_token.clone();
    let admin_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let admin = format!("http://{}", admin_listener.local_addr().unwrap());
    tokio::spawn(Storefront::serve_admin(storefront.admin_router.clone(), admin_listener));
    let (shop, _server) = served::serve(storefront).await;
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let echo = format!("{shop}/modules/probe/echo");
    let served_by_v2 = |body: &str| body.contains("\"body_bytes\"");

    write_module(&folder, "1.1.0", modgate_artifacts::CONFORMANCE_SERVE);
    let tenant = modgate_host::engine::TenantId::new("acme").unwrap();
    let globex = modgate_host::engine::TenantId::new("globex").unwrap();
    let mut staged = None;
    for _ in 0..600 {
        let answer = client.get(&echo).send().await.unwrap();
        assert_eq!(answer.status(), 200, "the shop keeps serving while the new version is prepared");
        assert!(!served_by_v2(&answer.text().await.unwrap()), "v2 takes no traffic before its promotion");
        // The reload stages acme's, then globex's.
        staged = lifecycle.show(&tenant, "probe").await.unwrap().staged;
        if staged.is_some() && lifecycle.show(&globex, "probe").await.unwrap().staged.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(staged.expect("the watch staged the new version").version, "1.1.0");

    let watch: serde_json::Value = client
        .get(format!("{admin}/api/v1/admin/hot-reload"))
        .bearer_auth(&operator)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let probe = watch["folders"].as_array().unwrap().iter().find(|f| f["folder"] == "probe").cloned().unwrap();
    assert_eq!(probe["last"]["outcome"], "reloaded", "{watch}");

    let promoted = client
        .post(format!("{admin}/api/v1/admin/tenants/acme/modules/probe/promote"))
        .bearer_auth(&operator)
        .json(&serde_json::json!({ "all": true }))
        .send()
        .await
        .unwrap();
    assert_eq!(promoted.status(), 200, "{}", promoted.text().await.unwrap());
    // Serving processes re-read the install within their refresh interval.
    let mut body = String::new();
    for _ in 0..100 {
        let answer = client.get(&echo).send().await.unwrap();
        assert_eq!(answer.status(), 200);
        body = answer.text().await.unwrap();
        if served_by_v2(&body) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(served_by_v2(&body), "acme is served by 1.1.0 after the promotion: {body}");
    let globex = lifecycle.show(&globex, "probe").await.unwrap();
    assert_eq!((globex.version.as_str(), globex.staged.map(|s| s.version)), ("1.0.0", Some("1.1.0".to_owned())), "globex promotes on its own");
}
