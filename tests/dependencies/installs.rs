//! A module with dependency components installed from its folder: the
//! operator sees which path holds each permission (review and outcome),
//! every component is stored with the version and compiled once into the
//! artifact store, a restarted host loads the whole tree from the database
//! and it runs; a settings change keeps the tree. A folder missing a
//! dependency component is refused naming the path, by `install` and by
//! `modgate verify` alike.

use std::path::Path;

use modgate_host::engine::{ComponentGrant, EngineConfig};
use modgate_host::lifecycle::{ArtifactUse, AuditQuery, InstallRequest, ModuleSource};
use modgate_host::verify::{ProblemCode, verify_module_dir};
use modgate_manifest::Permission;
use modgate_tests::{acme, on_both_backends, run};
use sea_orm::{ConnectionTrait, Statement};

use super::{USER_MANIFEST, render_fetching, user_tree};
use crate::conformance::http_outbound::UpstreamServer;
use crate::storage::artifacts::start;

/// Writes the dep-user module folder into `dir`: module.toml, the main
/// component and each dependency component at the path module.toml names.
fn write_folder(dir: &Path) {
    let manifest = USER_MANIFEST.replacen("compatible-core", "component = \"dep-user.wasm\"\ncompatible-core", 1);
    std::fs::write(dir.join("module.toml"), manifest).unwrap();
    std::fs::copy(modgate_artifacts::DEP_USER, dir.join("dep-user.wasm")).unwrap();
    std::fs::create_dir_all(dir.join("deps")).unwrap();
    for (name, component) in user_tree() {
        std::fs::copy(component, dir.join("deps").join(format!("{name}.wasm"))).unwrap();
    }
}

fn folder_source(dir: &Path) -> ModuleSource {
    ModuleSource::from_dir(dir, EngineConfig::default().max_component_bytes)
        .unwrap_or_else(|e| panic!("the folder reads: [{}] {e}", e.code()))
}

fn request(source: ModuleSource) -> InstallRequest {
    InstallRequest { acknowledge_risk: true, ..InstallRequest::new(source, acme()) }
}

/// The tree the operator is shown: the main component holds nothing, the
/// fetcher alone `http:outbound`.
fn expected_tree() -> Vec<ComponentGrant> {
    let grant = |path: &str, granted: &[Permission]| ComponentGrant { path: path.to_owned(), granted: granted.iter().copied().collect() };
    vec![
        grant("dep-user", &[]),
        grant("dep-user>greeter>casing", &[]),
        grant("dep-user>fetcher", &[Permission::HttpOutbound]),
        grant("dep-user>greeter", &[]),
    ]
}

/// The paths of `tree`, sorted (instantiation order is the engine's).
fn paths(tree: &[ComponentGrant]) -> Vec<(String, Vec<Permission>)> {
    let mut paths: Vec<_> = tree.iter().map(|c| (c.path.clone(), c.granted.iter().copied().collect())).collect();
    paths.sort();
    paths
}

on_both_backends! {
    async fn a_folder_with_dependencies_is_reviewed_installed_and_stored_with_every_component(host) {
        let dir = tempfile::tempdir().unwrap();
        write_folder(dir.path());
        let source = folder_source(dir.path());
        assert_eq!(source.dependencies.keys().collect::<Vec<_>>(), ["casing", "fetcher", "greeter"]);

        let review = host.lifecycle.review(&source, &acme()).await.expect("reviewed");
        let outbound = review.permissions.iter().find(|p| p.permission == Permission::HttpOutbound).expect("asked");
        assert_eq!(outbound.paths, ["dep-user>fetcher"], "the operator sees who gets it");
        assert_eq!(paths(&review.components), paths(&expected_tree()));
        assert_eq!(review.component_hash, hex::encode(source.content_hash()));

        let outcome = host.lifecycle.install(request(source.clone())).await.expect("installs");
        assert_eq!(paths(&outcome.components), paths(&expected_tree()));
        assert_eq!(outcome.components[0].path, "dep-user", "the main component first");
        let query = AuditQuery { tenant: Some("acme".into()), module: Some("dep-user".into()), limit: Some(1) };
        let audited = host.lifecycle.audit_log(&query).await.expect("audit log");
        let fetcher = audited[0].detail["components"]
            .as_array()
            .expect("the install's audit entry holds the tree")
            .iter()
            .find(|c| c["path"] == "dep-user>fetcher")
            .cloned();
        assert_eq!(fetcher, Some(serde_json::json!({ "path": "dep-user>fetcher", "granted": ["http:outbound"] })));

        let rows = host
            .storage
            .connection()
            .query_all_raw(Statement::from_string(
                host.storage.connection().get_database_backend(),
                "SELECT name FROM modgate_version_dependencies ORDER BY name",
            ))
            .await
            .unwrap();
        let stored: Vec<String> = rows.iter().map(|row| row.try_get("", "name").unwrap()).collect();
        assert_eq!(stored, ["casing", "fetcher", "greeter"], "every dependency component is kept with the version");

        // A settings change re-installs the stored version: the same tree.
        host.lifecycle
            .change_settings(&acme(), "dep-user", serde_json::json!({}))
            .await
            .unwrap_or_else(|e| panic!("settings change: [{}] {e}", e.code()));
        let shown = host.lifecycle.show(&acme(), "dep-user").await.expect("installed");
        assert_eq!(shown.component_hash, hex::encode(source.content_hash()));
    }
}

#[test]
fn a_restarted_host_loads_the_whole_tree_from_its_artifacts_and_it_runs() {
    run(async {
        let upstream = UpstreamServer::start().await;
        let (data, folder) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        write_folder(folder.path());
        let source = folder_source(folder.path());
        start(data.path()).await.install(request(source.clone())).await.expect("installs");

        let restarted = start(data.path()).await;
        let hashes = std::iter::once(&source.component).chain(source.dependencies.values()).map(|bytes| {
            use sha2::Digest;
            <[u8; 32]>::from(sha2::Sha256::digest(bytes))
        });
        for hash in hashes {
            assert_eq!(restarted.adopt_stored_artifact(hash).await, ArtifactUse::Adopted, "each component's artifact was stored");
        }
        assert_eq!(restarted.load_all_installed().await.expect("loads").len(), 1);
        let module = restarted.module(&acme(), "dep-user").expect("the tree is loaded");
        assert_eq!(module.content_hash(), source.content_hash());

        let texts = render_fetching(&module, &upstream).await;
        assert_eq!(texts, ["Hello, ADA!|ok"]);
    });
}

#[test]
fn a_folder_missing_a_dependency_component_is_refused_naming_its_path() {
    run(async {
        let dir = tempfile::tempdir().unwrap();
        write_folder(dir.path());
        std::fs::remove_file(dir.path().join("deps/fetcher.wasm")).unwrap();

        let refused = ModuleSource::from_dir(dir.path(), EngineConfig::default().max_component_bytes).unwrap_err();
        assert_eq!(refused.code(), "component-not-found");
        let message = refused.to_string();
        assert!(message.starts_with("dep-user>fetcher: deps/fetcher.wasm:"), "{message}");
        assert!(message.contains("place it at deps/fetcher.wasm"), "{message}");

        let engine = modgate_host::engine::Engine::new(
            modgate_tests::cached(EngineConfig::default()),
            modgate_host::capabilities::builtin(Default::default()),
        )
        .expect("engine");
        let report = verify_module_dir(dir.path(), &engine);
        let problems: Vec<_> = report.all_problems().iter().map(|p| (p.code, p.path.clone())).collect();
        assert_eq!(problems, [(ProblemCode::ComponentNotFound, Some("dep-user>fetcher".to_owned()))]);

        // Complete again, verify checks the whole tree.
        write_folder(dir.path());
        let report = verify_module_dir(dir.path(), &engine);
        assert!(!report.is_refused(), "{report}");
        let dependencies = &report.component.as_ref().expect("checked").dependencies;
        let checked: Vec<&str> = dependencies.iter().map(|d| d.path.as_str()).collect();
        assert_eq!(checked.len(), 3, "{checked:?}");
        assert!(checked.contains(&"dep-user>greeter>casing"), "{checked:?}");
    });
}
