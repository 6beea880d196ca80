//! The budget report's figures against guests whose use is known: the
//! `host-calls` component calls `products.get` exactly as often as its
//! settings say, and the `spin` component runs a loop of as many rounds,
//! each round the same instructions.

use crate::support::{call, module_folder, only_run, run};

const HOST_CALLS_MANIFEST: &str = r#"name = "host-calls"
version = "0.1.0"
compatible-core = "^1.0"
permissions = ["read:products", "write:own-tables"]

[settings]
type = "object"
[settings.properties.calls]
type = "integer"
minimum = 0
"#;

const SPIN_MANIFEST: &str = r#"name = "spin"
version = "0.1.0"
compatible-core = "^1.0"

[settings]
type = "object"
[settings.properties.rounds]
type = "integer"
minimum = 0
"#;

/// The component asks for product `p-1`: a shop that has it.
const SHOP_WITH_P_1: &str = "tenant = \"shop\"\n[[products]]\nid = \"p-1\"\nname = \"Cup\"\nprice = 1250\ncurrency = \"EUR\"\n";

fn host_calls() -> tempfile::TempDir {
    let module = module_folder(modgate_artifacts::HOST_CALLS, HOST_CALLS_MANIFEST);
    std::fs::write(module.path().join("fixtures.toml"), SHOP_WITH_P_1).unwrap();
    module
}

fn activate(dir: &std::path::Path, settings: &str) -> crate::support::Ran {
    activate_with(dir, settings, &[])
}

/// [`activate`] with more of `modgate run`'s flags.
fn activate_with(dir: &std::path::Path, settings: &str, flags: &[&str]) -> crate::support::Ran {
    let mut args = vec!["run", dir.to_str().unwrap(), "--json", "--settings", settings];
    args.extend_from_slice(flags);
    run(&args)
}

#[test]
fn the_ops_figure_is_the_number_of_capability_calls_made() {
    let module = host_calls();
    let ran = activate(module.path(), r#"{"calls": 7}"#);
    assert_eq!(ran.code, Some(0), "{ran}");
    let report = ran.report();
    let spent = only_run(&report, "install: activate");
    assert_eq!(spent["ops"], 7, "{spent}");
    assert_eq!(spent["op_calls"], serde_json::json!({ "products.get": 7 }));
    assert_eq!(
        call(&report, "install: activate")["limits"]["ops"],
        1000,
        "the activate context's budget"
    );
    let permissions = &report["permissions"];
    assert_eq!(permissions["used"][0]["permission"], "read:products");
    assert_eq!(permissions["used"][0]["calls"], 7);
    assert_eq!(
        permissions["unused"],
        serde_json::json!(["write:own-tables"])
    );
    assert_eq!(
        permissions["minimal_manifest_line"],
        r#"permissions = ["read:products"]"#
    );
}

/// Winch compiles the module for a fast edit-and-run loop: the calls and
/// the ops figure are the same as under Cranelift.
#[test]
fn the_winch_compiler_runs_the_same_calls_to_the_same_ops_figure() {
    let module = host_calls();
    let ran = activate_with(module.path(), r#"{"calls": 7}"#, &["--compiler", "winch"]);
    assert_eq!(ran.code, Some(0), "{ran}");
    let report = ran.report();
    let spent = only_run(&report, "install: activate");
    assert_eq!(spent["ops"], 7, "{spent}");
    assert_eq!(spent["op_calls"], serde_json::json!({ "products.get": 7 }));
}

#[test]
fn going_over_the_ops_budget_is_reported_and_exits_1() {
    let module = host_calls();
    let ran = run(&[
        "run",
        module.path().to_str().unwrap(),
        "--settings",
        r#"{"calls": 1500}"#,
    ]);
    assert_eq!(ran.code, Some(1), "{ran}");
    assert!(
        ran.stdout
            .contains("install: activate  [activate] OVER BUDGET"),
        "{ran}"
    );
    assert!(
        ran.stdout
            .contains("ops      1 000 of 1000   (products.get 1001)"),
        "{ran}"
    );
    assert!(
        ran.stdout.contains("budget exhausted after 1000 calls"),
        "the module's log: {ran}"
    );
    assert!(
        ran.stdout
            .contains("verdict: an invocation went over its budget"),
        "{ran}"
    );
}

#[test]
fn the_fuel_figure_grows_by_the_same_amount_for_each_thousand_rounds() {
    let module = module_folder(modgate_artifacts::SPIN, SPIN_MANIFEST);
    let fuel = |rounds: u64| {
        let ran = activate(module.path(), &format!(r#"{{"rounds": {rounds}}}"#));
        assert_eq!(ran.code, Some(0), "{ran}");
        only_run(&ran.report(), "install: activate")["fuel"]
            .as_u64()
            .unwrap()
    };
    let (one, two, three) = (fuel(1000), fuel(2000), fuel(3000));
    assert_eq!(
        two - one,
        three - two,
        "each round costs the same: {one} {two} {three}"
    );
    assert!(
        two - one >= 5 * 1000,
        "a round of the loop is several instructions: {one} {two}"
    );
}

#[test]
fn going_over_the_fuel_budget_is_reported_with_the_failure() {
    let module = module_folder(modgate_artifacts::SPIN, SPIN_MANIFEST);
    let ran = run(&[
        "run",
        module.path().to_str().unwrap(),
        "--settings",
        r#"{"rounds": 1000000000}"#,
    ]);
    assert_eq!(ran.code, Some(1), "{ran}");
    assert!(
        ran.stderr.contains("refused [budget-exhausted]") || ran.stdout.contains("OVER BUDGET"),
        "{ran}"
    );
}

#[test]
fn repeated_calls_report_medians_over_every_run() {
    let module = module_folder(
        modgate_artifacts::WISHLIST,
        &std::fs::read_to_string(wishlist_manifest()).unwrap(),
    );
    let dir = module.path().to_str().unwrap();
    let ran = run(&[
        "run",
        dir,
        "--json",
        "--repeat",
        "5",
        "--as",
        "cust_123",
        "--route",
        "POST /items/p1",
        "--route",
        "GET /items",
    ]);
    assert_eq!(ran.code, Some(0), "{ran}");
    let report = ran.report();
    assert_eq!(report["repeat"], 5);
    for name in ["route POST /items/p1", "route GET /items"] {
        let runs = call(&report, name)["runs"].as_array().unwrap();
        assert_eq!(runs.len(), 5, "{name}");
        assert!(
            runs.iter()
                .all(|r| r["context"] == "http" && r["failure"].is_null()),
            "{name}: {runs:?}"
        );
    }
    let text = run(&[
        "run",
        dir,
        "--repeat",
        "3",
        "--as",
        "cust_123",
        "--route",
        "GET /items",
    ]);
    assert!(text.stdout.contains("median of 3 runs (most)"), "{text}");
}

fn wishlist_manifest() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../guests/modules/wishlist/module.toml")
}
