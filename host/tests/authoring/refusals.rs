//! Every refusal of `modgate new` and `modgate run`: its code, its message
//! and its exit status, with nothing written or run.

use crate::support::{module_folder, new_module, run};

const MINIMAL_MANIFEST: &str =
    "name = \"minimal\"\nversion = \"0.1.0\"\ncompatible-core = \"^1.0\"\n";

#[test]
fn new_refuses_a_name_the_manifest_refuses_with_the_same_message() {
    let parent = tempfile::tempdir().unwrap();
    let ran = run(&["new", "Gift_Wrap", "--dir", parent.path().to_str().unwrap()]);
    assert_eq!(ran.code, Some(1), "{ran}");
    let manifest_error = "Gift_Wrap"
        .parse::<modgate_host::manifest::ModuleName>()
        .unwrap_err();
    assert_eq!(
        ran.stderr.trim(),
        format!("modgate new: refused [invalid-name]: {manifest_error}")
    );
    assert_eq!(std::fs::read_dir(parent.path()).unwrap().count(), 0);
}

#[test]
fn new_refuses_an_unknown_feature_or_language_before_writing() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().to_str().unwrap();
    let ran = run(&[
        "new",
        "shop-tools",
        "--with",
        "serve,webhooks",
        "--dir",
        dir,
    ]);
    assert_eq!(ran.code, Some(2), "{ran}");
    assert!(
        ran.stderr.contains(
            "unknown feature \"webhooks\": use any of serve, slots, events, hooks, tables"
        ),
        "{ran}"
    );
    let ran = run(&["new", "shop-tools", "--lang", "go", "--dir", dir]);
    assert_eq!(ran.code, Some(2), "{ran}");
    assert!(ran.stderr.contains("unknown language \"go\""), "{ran}");
    assert_eq!(std::fs::read_dir(parent.path()).unwrap().count(), 0);
}

#[test]
fn run_refuses_an_unknown_compiler_naming_the_two() {
    let module = tempfile::tempdir().unwrap();
    let ran = run(&["run", module.path().to_str().unwrap(), "--compiler", "gcc"]);
    assert_eq!(ran.code, Some(2), "{ran}");
    assert!(ran.stderr.contains("invalid value 'gcc' for '--compiler <COMPILER>'"), "{ran}");
    assert!(ran.stderr.contains("[possible values: cranelift, winch]"), "{ran}");
}

#[test]
fn new_never_overwrites_a_folder() {
    let parent = tempfile::tempdir().unwrap();
    new_module(parent.path(), "twice", "rust", "");
    let ran = run(&["new", "twice", "--dir", parent.path().to_str().unwrap()]);
    assert_eq!(ran.code, Some(1), "{ran}");
    assert!(ran.stderr.contains("refused [folder-exists]"), "{ran}");
}

#[test]
fn run_refuses_a_folder_without_a_manifest() {
    let empty = tempfile::tempdir().unwrap();
    let ran = run(&["run", empty.path().to_str().unwrap()]);
    assert_eq!(ran.code, Some(2), "{ran}");
    assert!(ran.stderr.contains("refused [no-manifest]"), "{ran}");
}

#[test]
fn run_refuses_malformed_calls_with_the_form_they_take() {
    let module = module_folder(modgate_artifacts::MINIMAL, MINIMAL_MANIFEST);
    let dir = module.path().to_str().unwrap();
    let cases: [(&[&str], &str); 5] = [
        (
            &["--route", "/items"],
            "--route \"/items\": give METHOD and a path",
        ),
        (&["--slot", "sidebar"], "--slot \"sidebar\""),
        (&["--event", "order.exploded"], "docs/events.md"),
        (
            &["--hook", "before-create:review"],
            "give the record with --record",
        ),
        (
            &["--event", "product.price-changed", "--payload", "[1]"],
            "give a JSON object of the event's fields",
        ),
    ];
    for (args, expected) in cases {
        let mut all = vec!["run", dir];
        all.extend_from_slice(args);
        let ran = run(&all);
        assert_eq!(ran.code, Some(2), "{args:?}: {ran}");
        assert!(
            ran.stderr.contains("refused [invalid-call]") && ran.stderr.contains(expected),
            "{args:?}: {ran}"
        );
    }
}

#[test]
fn run_refuses_a_call_the_module_does_not_offer() {
    let module = module_folder(modgate_artifacts::MINIMAL, MINIMAL_MANIFEST);
    let dir = module.path().to_str().unwrap();
    let cases: [(&[&str], &str); 3] = [
        (&["--slot", "product-card.badges"], "[slot-not-declared]"),
        (
            &[
                "--event",
                "customer.created",
                "--payload",
                r#"{"customer_id":"cust_123"}"#,
            ],
            "[not-subscribed]",
        ),
        (
            &["--hook", "before-create:review", "--record", "{}"],
            "[hook-not-declared]",
        ),
    ];
    for (args, code) in cases {
        let mut all = vec!["run", dir, "--settings", "{}"];
        all.extend_from_slice(args);
        let ran = run(&all);
        assert_eq!(ran.code, Some(2), "{args:?}: {ran}");
        assert!(ran.stderr.contains(code), "{args:?}: {ran}");
    }
}

#[test]
fn run_refuses_broken_fixtures_naming_the_file() {
    let module = module_folder(modgate_artifacts::MINIMAL, MINIMAL_MANIFEST);
    let fixtures = module.path().join("fixtures.toml");
    std::fs::write(&fixtures, "tenant = \"shop\"\n[[orders]]\nid = \"o\"\ncustomer = \"nobody\"\nstatus = \"paid\"\nlines = []\n").unwrap();
    let ran = run(&["run", module.path().to_str().unwrap()]);
    assert_eq!(ran.code, Some(2), "{ran}");
    assert!(ran.stderr.contains("refused [invalid-fixtures]"), "{ran}");
    assert!(
        ran.stderr
            .contains("order o: customer \"nobody\" is not among [[customers]]"),
        "{ran}"
    );
}

#[test]
fn run_refuses_a_module_the_install_refuses_and_exits_1() {
    let module = module_folder(modgate_artifacts::MINIMAL, MINIMAL_MANIFEST);
    let ran = run(&[
        "run",
        module.path().to_str().unwrap(),
        "--settings",
        r#"{"rounds": 3}"#,
    ]);
    assert_eq!(ran.code, Some(1), "{ran}");
    assert!(
        ran.stderr.contains("this module declares no settings"),
        "{ran}"
    );
}

#[test]
fn run_notes_a_customer_or_product_the_fixtures_do_not_have() {
    let module = module_folder(modgate_artifacts::MINIMAL, MINIMAL_MANIFEST);
    let ran = run(&[
        "run",
        module.path().to_str().unwrap(),
        "--as",
        "cust_12",
        "--product",
        "p9",
    ]);
    assert_eq!(ran.code, Some(0), "a note, not a refusal: {ran}");
    assert!(
        ran.stderr
            .contains("--as cust_12: no such customer in the fixtures"),
        "{ran}"
    );
    assert!(
        ran.stderr
            .contains("--product p9: no such product in the fixtures"),
        "{ran}"
    );
}
