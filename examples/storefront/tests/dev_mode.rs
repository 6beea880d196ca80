//! Dev mode grants every module every permission it asks for, so the
//! storefront refuses to start it on any address but loopback — before it
//! builds, opens or serves anything.

use std::process::Command;

fn storefront(args: &[&str]) -> (Option<i32>, String) {
    let data = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_storefront"))
        .args(args)
        .arg("--data-dir")
        .arg(data.path())
        .output()
        .expect("the storefront binary runs");
    assert!(std::fs::read_dir(data.path()).unwrap().next().is_none(), "nothing was written before the refusal");
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn dev_mode_refuses_a_public_address() {
    for bind in ["0.0.0.0", "::", "192.0.2.7"] {
        let (code, stderr) = storefront(&["--dev", "--bind", bind]);
        assert_eq!(code, Some(2), "{bind}: {stderr}");
        assert!(stderr.contains("refused [dev-mode-public-address]"), "{bind}: {stderr}");
        assert!(stderr.contains("listen on 127.0.0.1"), "the fix is named: {stderr}");
    }
}
