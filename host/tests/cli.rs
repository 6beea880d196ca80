//! `modgate verify` from the command line: exit codes and what it prints.

use std::path::Path;
use std::process::Command;

fn modgate() -> Command {
    Command::new(env!("CARGO_BIN_EXE_modgate"))
}

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("host/ is in the repository")
}

#[test]
fn verify_accepts_the_wishlist_module_and_exits_zero() {
    let out = modgate().arg("verify").arg(repo().join("guests/modules/wishlist")).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("verdict    ACCEPTED"), "{stdout}");
    assert!(stdout.contains("modgate:commerce/products@1.0.0"), "{stdout}");
    assert!(stdout.contains("read:products"), "{stdout}");
}

#[test]
fn verify_refuses_an_ungranted_import_naming_the_permission() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(modgate_artifacts::WISHLIST, dir.path().join("wishlist.wasm")).unwrap();
    std::fs::write(
        dir.path().join("module.toml"),
        "name = \"wishlist\"\nversion = \"0.1.0\"\ncompatible-core = \"^1.0\"\npermissions = []\n",
    )
    .unwrap();
    let out = modgate().arg("verify").arg(dir.path()).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("[ungranted-import] modgate:commerce/products@1.0.0"), "{stdout}");
    assert!(stdout.contains("add \"read:products\" to `permissions`"), "{stdout}");
    assert!(stdout.contains("verdict    REFUSED"), "{stdout}");
}

#[test]
fn verify_reports_every_manifest_error_and_exits_one() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("module.toml"),
        "name = \"Bad Name\"\nversion = \"one\"\ncompatible-core = \"^1.0\"\npermission = []\n",
    )
    .unwrap();
    let out = modgate().arg("verify").arg(dir.path()).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("[invalid-manifest] module.toml: name"), "{stdout}");
    assert!(stdout.contains("[invalid-manifest] module.toml: version"), "{stdout}");
    assert!(stdout.contains("permissions"), "did-you-mean fix expected: {stdout}");
}

#[test]
fn verify_without_a_manifest_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = modgate().arg("verify").arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("has no module.toml"));
}
