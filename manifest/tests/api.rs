//! The public API as host code and guest authors use it.

use modgate_manifest::{ManifestErrorCode, Permission, Risk, Slot, verify_manifest};
use semver::Version;

const HOST: Version = Version::new(1, 2, 0);

#[test]
fn unused_permissions_are_warnings_not_errors() {
    let verified = verify_manifest(
        "name = \"lonely\"\nversion = \"1.0.0\"\ncompatible-core = \"^1.0\"\npermissions = [\"subscribe:events\", \"write:own-tables\"]",
        &HOST,
    )
    .expect("warnings do not refuse a manifest");
    let warnings: Vec<String> = verified.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        [
            "permissions[1]: \"write:own-tables\" is requested but no tables are declared; remove it unless you add tables",
            "permissions[0]: \"subscribe:events\" is requested but no subscriptions are declared; remove it unless you add subscriptions",
        ]
    );
    assert!(verified.manifest.requests(Permission::SubscribeEvents));
}

#[test]
fn errors_and_manifests_serialize_for_the_admin_api() {
    let errors = verify_manifest("name = 1", &HOST).unwrap_err();
    let json = serde_json::to_value(&errors).expect("serializable");
    assert_eq!(json[0]["path"], "name");
    assert_eq!(json[0]["code"], "wrong-type");

    let verified = verify_manifest(
        "name = \"a\"\nversion = \"1.0.0\"\ncompatible-core = \"^1.0\"\npermissions = [\"read:products\"]\nslots = [\"header.links\"]",
        &HOST,
    )
    .unwrap();
    let json = serde_json::to_value(&verified.manifest).expect("serializable");
    assert_eq!(json["permissions"][0], "read:products");
    assert_eq!(json["slots"][0], "header.links");
    assert_eq!(json["compatible_core"], "^1.0");
    assert_eq!(json["dependencies"], serde_json::json!([]));
}

#[test]
fn dependencies_serialize_and_take_their_permissions_from_the_main_component() {
    let verified = verify_manifest(
        r#"
name = "price-watch"
version = "1.0.0"
compatible-core = "^1.0"
permissions = ["http:outbound", "read:products"]

[dependencies.fetcher]
component = "deps/fetcher.wasm"
permissions = ["http:outbound"]

[dependencies.casing]
component = "deps/casing.wasm"
"#,
        &HOST,
    )
    .expect("valid");
    let manifest = verified.manifest;
    assert_eq!(
        manifest.main_permissions().into_iter().collect::<Vec<_>>(),
        [Permission::ReadProducts]
    );
    assert!(manifest.requests(Permission::HttpOutbound));
    assert_eq!(
        serde_json::to_value(&manifest.dependencies).expect("serializable"),
        serde_json::json!([
            { "name": "casing", "component": "deps/casing.wasm", "permissions": [] },
            { "name": "fetcher", "component": "deps/fetcher.wasm", "permissions": ["http:outbound"] },
        ])
    );
    let name: modgate_manifest::DependencyName = "fetcher".parse().unwrap();
    assert_eq!(manifest.dependencies[1].name, name);
}

#[test]
fn catalogs_are_exposed_for_tooling() {
    assert_eq!(Permission::ALL.len(), 9);
    assert_eq!(Slot::ALL.len(), 6);
    assert_eq!(
        "product-page.details".parse::<Slot>(),
        Ok(Slot::ProductPageDetails)
    );
    let high: Vec<_> = Permission::ALL
        .into_iter()
        .filter(|p| p.risk() == Risk::High)
        .collect();
    assert_eq!(high, [Permission::HttpOutbound, Permission::EmailSend]);
    assert_eq!(
        ManifestErrorCode::PermissionRequired.as_str(),
        "permission-required"
    );
    assert_eq!(
        ManifestErrorCode::InvalidDependency.as_str(),
        "invalid-dependency"
    );
    assert_eq!(
        ManifestErrorCode::DependencyPermissionNotRequested.as_str(),
        "dependency-permission-not-requested"
    );
}

#[test]
fn module_names_parse_like_the_verifier_checks_them() {
    let name: modgate_manifest::ModuleName = "gift-wrap".parse().unwrap();
    assert_eq!(name.table_prefix(), "mod_gift_wrap_");
    let error = "Gift".parse::<modgate_manifest::ModuleName>().unwrap_err();
    assert_eq!(error.code, ManifestErrorCode::InvalidName);
}
