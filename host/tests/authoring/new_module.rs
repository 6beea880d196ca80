//! `modgate new` in each language with every example, then `modgate
//! verify` (which builds it) and `modgate run` making every example's call:
//! what a new author does in the first minutes.

use std::path::Path;
use std::process::Command;

use crate::support::{Ran, call, new_module, only_run, run};

const PRICE_DROP: &str = r#"{"product_id":"p1","previous":{"amount_minor":1250,"currency":"EUR"},"current":{"amount_minor":990,"currency":"EUR"}}"#;
const REVIEW: &str =
    r#"{"id":"r1","product_id":"p1","rating":5,"author":"cust_123","body":"  Lovely cup  "}"#;
const SPAM: &str =
    r#"{"id":"r2","product_id":"p1","rating":1,"author":"cust_123","body":"Buy SPAM here"}"#;

/// The test the README tells the author to run, in the module's folder.
fn authors_test(lang: &str, dir: &Path) -> Command {
    let mut command = match lang {
        "rust" => {
            let mut cargo =
                Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()));
            // Shared by runs of this test, inside the clone.
            let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/authoring-tests");
            cargo.arg("test").env("CARGO_TARGET_DIR", target);
            cargo
        }
        "python" => {
            let mut python = Command::new("python3");
            python.args(["-m", "unittest"]);
            python
        }
        _ => {
            let mut node = Command::new("node");
            node.arg("--test");
            node
        }
    };
    command.current_dir(dir);
    command
}

/// Makes the module, runs its own test, verifies it, runs every example
/// and checks each answer and the report.
fn every_example_works(lang: &str) {
    let parent = tempfile::tempdir().unwrap();
    let name = format!("hello-{lang}");
    let dir = new_module(
        parent.path(),
        &name,
        lang,
        "serve,slots,events,hooks,tables",
    );
    let tested = Ran::of(
        authors_test(lang, &dir)
            .output()
            .expect("the language's test runner starts"),
    );
    assert_eq!(tested.code, Some(0), "the module's own test: {tested}");
    let dir = dir.to_str().unwrap();

    let verified = run(&["verify", dir]);
    assert_eq!(verified.code, Some(0), "{verified}");
    assert!(
        verified.stdout.contains("verdict    ACCEPTED"),
        "{verified}"
    );

    let ran = run(&[
        "run",
        dir,
        "--json",
        "--as",
        "cust_123",
        "--route",
        "GET /hello",
        "--route",
        "POST /notes",
        "--body",
        "Lovely shop",
        "--route",
        "GET /notes",
        "--slot",
        "product-card.badges",
        "--product",
        "p1",
        "--event",
        "product.price-changed",
        "--payload",
        PRICE_DROP,
        "--hook",
        "before-create:review",
        "--record",
        REVIEW,
    ]);
    assert_eq!(ran.code, Some(0), "{ran}");
    let answers = &ran.stderr;
    for expected in [
        format!(r#"{{"hello":"cust_123","module":"{name}"}}"#),
        "HTTP 201".to_owned(),
        r#"{"notes":[{"author":"cust_123","text":"Lovely shop"}]}"#.to_owned(),
        format!("Hello from {name}"),
        "price of p1 changed: €12.50 -> €9.90".to_owned(),
        format!("{name}: adjusted body"),
        r#""body": "Lovely cup""#.to_owned(),
    ] {
        assert!(answers.contains(&expected), "{expected} missing:\n{ran}");
    }
    let report = ran.report();
    let contexts = [
        ("install: activate", "activate"),
        ("route GET /hello", "http"),
        ("route POST /notes", "http"),
        ("route GET /notes", "http"),
        ("slot product-card.badges (product p1)", "slot"),
        ("event product.price-changed", "event"),
        ("hook before-create:review", "hook-before"),
    ];
    for (name, context) in contexts {
        let spent = only_run(&report, name);
        assert_eq!(spent["context"], context, "{name}");
        assert!(spent["failure"].is_null(), "{name}: {spent}");
        assert!(
            spent["fuel"].as_u64().unwrap() > 0,
            "{name}: fuel is measured"
        );
        assert!(
            call(&report, name)["limits"]["fuel"].as_u64().unwrap() > 0,
            "{name}"
        );
    }
    assert_eq!(
        only_run(&report, "route POST /notes")["op_calls"]["tables.exec"],
        1
    );
    assert_eq!(
        only_run(&report, "route GET /notes")["op_calls"]["tables.query"],
        1
    );
    assert_eq!(
        only_run(&report, "event product.price-changed")["op_calls"]["tables.exec"],
        1
    );
    let used: Vec<&str> = report["permissions"]["used"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["permission"].as_str().unwrap())
        .collect();
    assert_eq!(used, ["write:own-tables", "subscribe:events"], "{report:#}");
    assert_eq!(report["permissions"]["unused"], serde_json::json!([]));

    // Nobody signed in: the hook still refuses spam, the notes need a customer.
    let refused = run(&[
        "run",
        dir,
        "--hook",
        "before-create:review",
        "--record",
        SPAM,
        "--route",
        "POST /notes",
        "--body",
        "hi",
    ]);
    assert_eq!(
        refused.code,
        Some(0),
        "a rejection is the module's answer, not a failure: {refused}"
    );
    assert!(
        refused
            .stdout
            .contains(&format!("rejected by {name}: Reviews may not advertise.")),
        "{refused}"
    );
    assert!(refused.stdout.contains("HTTP 401"), "{refused}");
    assert!(
        refused
            .stdout
            .contains("verdict: every invocation stayed within its budget"),
        "{refused}"
    );
}

#[test]
fn a_new_rust_module_with_every_example_builds_verifies_and_runs() {
    every_example_works("rust");
}

#[test]
fn a_new_python_module_with_every_example_builds_verifies_and_runs() {
    every_example_works("python");
}

#[test]
fn a_new_javascript_module_with_every_example_builds_verifies_and_runs() {
    every_example_works("js");
}

#[test]
fn a_new_module_without_examples_asks_for_nothing_and_runs_its_activate() {
    let parent = tempfile::tempdir().unwrap();
    let dir = new_module(parent.path(), "bare", "rust", "");
    let manifest = std::fs::read_to_string(dir.join("module.toml")).unwrap();
    assert!(
        !manifest.lines().any(|line| line.starts_with("permissions")),
        "{manifest}"
    );
    let ran: Ran = run(&["run", dir.to_str().unwrap()]);
    assert_eq!(ran.code, Some(0), "{ran}");
    assert!(ran.stdout.contains("info bare activated"), "{ran}");
    assert!(
        ran.stdout.contains("install: activate  [activate] ok"),
        "{ran}"
    );
    assert!(ran.stdout.contains("declared  none"), "{ran}");
}
