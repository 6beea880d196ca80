//! Per-dependency grants, end to end with built guest components: a main
//! component without `http:outbound` reaches a loopback server through a
//! dependency that holds it, across a tree of three (`dep-user` →
//! `greeter` → `casing`, and `fetcher`), with the capability call
//! attributed to the dependency's path; the main component importing
//! `outgoing-handler` itself, and a dependency importing the module's
//! tables without a grant, are refused at load naming the path. The wiring
//! rules on names and types alone are `host/src/engine/tree/tests.rs`;
//! installing such a module from its folder, `installs.rs`.

mod installs;

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use modgate_host::bindings::exports::modgate::host::slot_provider::{SlotRequest, Widget};
use modgate_host::capabilities::outbound::{Allowlist, AllowlistEntry};
use modgate_host::capabilities::{BuiltinServices, builtin};
use modgate_host::engine::{
    DependencyComponents, Engine, EngineConfig, Extensions, InstallSettings, InvocationObserver, InvocationRecord,
    LoadError, LoadedModule,
};
use modgate_host::verify::ProblemCode;
use modgate_manifest::Permission;
use modgate_tests::{acme, manifest_from};

use crate::conformance::http_outbound::UpstreamServer;

/// Every (path, operation, calls) the engine reported.
#[derive(Default)]
struct PathCalls(Mutex<Vec<(String, &'static str, u32)>>);

impl InvocationObserver for PathCalls {
    fn finished(&self, record: &InvocationRecord<'_>) {
        let mut seen = self.0.lock().unwrap();
        for call in record.path_calls {
            seen.push((call.path.to_string(), call.operation, call.calls));
        }
    }
}

fn engine_observed_by(calls: Arc<PathCalls>) -> Engine {
    let mut config = modgate_tests::cached(EngineConfig::default());
    config.observers = config.observers.with(calls);
    Engine::new(config, builtin(BuiltinServices::default())).expect("engine starts")
}

fn components(names: &[(&str, &str)]) -> DependencyComponents {
    names.iter().map(|(name, path)| ((*name).to_owned(), modgate_artifacts::read(path))).collect()
}

fn load_tree(engine: &Engine, manifest_toml: &str, main: &str, dependencies: &[(&str, &str)]) -> Result<LoadedModule, LoadError> {
    let manifest = manifest_from(manifest_toml);
    let grants: BTreeSet<Permission> = manifest.permissions.clone();
    engine.load_tree(manifest, &modgate_artifacts::read(main), &components(dependencies), grants)
}

const USER_MANIFEST: &str = r#"
name = "dep-user"
version = "1.0.0"
compatible-core = "^1.0"
permissions = ["http:outbound"]
slots = ["product-card.badges"]

[dependencies.greeter]
component = "deps/greeter.wasm"

[dependencies.casing]
component = "deps/casing.wasm"

[dependencies.fetcher]
component = "deps/fetcher.wasm"
permissions = ["http:outbound"]
"#;

/// The dep-user manifest (what an upload sends).
pub fn user_manifest() -> String {
    USER_MANIFEST.to_owned()
}

fn user_tree() -> [(&'static str, &'static str); 3] {
    [
        ("greeter", modgate_artifacts::DEP_GREETER),
        ("casing", modgate_artifacts::DEP_CASING),
        ("fetcher", modgate_artifacts::DEP_FETCHER),
    ]
}

/// The codes and paths of a refused load.
fn refusal(result: Result<LoadedModule, LoadError>) -> Vec<(ProblemCode, Option<String>, String)> {
    match result {
        Err(LoadError::Refused { report, .. }) => {
            report.problems.iter().map(|p| (p.code, p.path.clone(), p.subject.clone())).collect()
        }
        Err(other) => panic!("expected a refusal, got {other}"),
        Ok(_) => panic!("expected a refusal, the tree loaded"),
    }
}

/// Whether `refused` has a problem with `code` at `path` about an import
/// starting with `import`.
fn names(refused: &[(ProblemCode, Option<String>, String)], code: ProblemCode, path: &str, import: &str) -> bool {
    refused
        .iter()
        .any(|(c, p, subject)| *c == code && p.as_deref() == Some(path) && subject.starts_with(import))
}

/// dep-user's slot rendered with `fetch` set to `upstream`'s `/ok`, which
/// the allowlist allows: its text widgets.
async fn render_fetching(module: &LoadedModule, upstream: &UpstreamServer) -> Vec<String> {
    let url = format!("http://127.0.0.1:{}/ok", upstream.port);
    let settings = serde_json::json!({ "fetch": url }).to_string();
    let entry = format!("127.0.0.1:{}", upstream.port)
        .parse::<AllowlistEntry>()
        .and_then(|e| e.with_addresses(["127.0.0.1/32".parse().expect("a range")]))
        .expect("an entry");
    let extensions = Extensions::new().with(InstallSettings::new(settings.as_str())).with(Allowlist::new([entry]));
    let request = SlotRequest { slot: "product-card.badges".into(), product_id: None, customer_id: None };
    let rendered = module.render_slot(&acme(), &request, &extensions).await.expect("renders");
    rendered
        .value
        .into_iter()
        .map(|widget| match widget {
            Widget::Text(text) => text,
            other => panic!("a text widget, not {other:?}"),
        })
        .collect()
}

#[test]
pub fn dep_user() {
    modgate_tests::run(async {
        let upstream = UpstreamServer::start().await;
        let calls = Arc::new(PathCalls::default());
        let engine = engine_observed_by(calls.clone());
        let module = load_tree(&engine, USER_MANIFEST, modgate_artifacts::DEP_USER, &user_tree())
            .unwrap_or_else(|e| panic!("the tree loads: {e}"));
        let texts = render_fetching(&module, &upstream).await;
        assert_eq!(texts, ["Hello, ADA!|ok"], "greeter>casing and fetcher answered");
        assert_eq!(upstream.seen().len(), 1, "the fetcher's request reached the server");

        let seen = calls.0.lock().unwrap().clone();
        assert!(
            seen.contains(&("dep-user>fetcher".to_owned(), "http.outbound", 1)),
            "the outbound call is the fetcher's: {seen:?}"
        );
        assert!(
            !seen.iter().any(|(path, operation, _)| path == "dep-user" && *operation == "http.outbound"),
            "never the main component's: {seen:?}"
        );
    });
}

#[test]
pub fn dep_greeter() {
    // A tree of three: without `casing` the greeter's import is unsatisfied,
    // named along the path the main component reaches it by.
    let engine = engine_observed_by(Arc::default());
    let without_casing = USER_MANIFEST.replace("[dependencies.casing]\ncomponent = \"deps/casing.wasm\"\n", "");
    let refused = refusal(load_tree(
        &engine,
        &without_casing,
        modgate_artifacts::DEP_USER,
        &[("greeter", modgate_artifacts::DEP_GREETER), ("fetcher", modgate_artifacts::DEP_FETCHER)],
    ));
    assert_eq!(
        refused,
        [(ProblemCode::UnsatisfiedImport, Some("dep-user>greeter".to_owned()), "modgate-example:deps/casing@0.1.0".to_owned())]
    );
}

#[test]
pub fn dep_casing() {
    // The same tree, its components given to the host in another order,
    // is the same module: the code identity depends on names and bytes.
    let engine = engine_observed_by(Arc::default());
    let one = load_tree(&engine, USER_MANIFEST, modgate_artifacts::DEP_USER, &user_tree()).expect("loads");
    let mut reversed = user_tree();
    reversed.reverse();
    let two = load_tree(&engine, USER_MANIFEST, modgate_artifacts::DEP_USER, &reversed).expect("loads");
    assert_eq!(one.content_hash(), two.content_hash());
    assert_ne!(one.content_hash(), one.component_hashes()[0], "a tree's identity is not its main component's hash");
    assert_eq!(one.component_hashes().len(), 4);
}

#[test]
pub fn dep_fetcher() {
    // The main component importing outgoing-handler itself is refused, naming
    // it: http:outbound is the fetcher's alone.
    let engine = engine_observed_by(Arc::default());
    let manifest = r#"
name = "conformance"
version = "1.0.0"
compatible-core = "^1.0"
permissions = ["http:outbound"]

[dependencies.fetcher]
component = "deps/fetcher.wasm"
permissions = ["http:outbound"]
"#;
    let refused = refusal(load_tree(
        &engine,
        manifest,
        modgate_artifacts::CONFORMANCE_HTTP_OUTBOUND,
        &[("fetcher", modgate_artifacts::DEP_FETCHER)],
    ));
    assert!(names(&refused, ProblemCode::UngrantedImport, "conformance", "wasi:http/outgoing-handler"), "{refused:?}");

    // And the fetcher without the permission is refused naming its path.
    // (http:outbound is then the main component's.)
    let no_grant = USER_MANIFEST.replace(
        "component = \"deps/fetcher.wasm\"\npermissions = [\"http:outbound\"]",
        "component = \"deps/fetcher.wasm\"",
    );
    let refused = refusal(load_tree(&engine, &no_grant, modgate_artifacts::DEP_USER, &user_tree()));
    assert!(names(&refused, ProblemCode::UngrantedImport, "dep-user>fetcher", "wasi:http/outgoing-handler"), "{refused:?}");
}

#[test]
pub fn dep_notes() {
    // A dependency using the module's tables without a grant of its own is
    // refused naming its path, though the main component holds the permission.
    let engine = engine_observed_by(Arc::default());
    let manifest = r#"
name = "dep-user-notes"
version = "1.0.0"
compatible-core = "^1.0"
permissions = ["write:own-tables"]
slots = ["product-card.badges"]

[[tables]]
name = "mod_dep_user_notes_notes"
columns = [{ name = "body", type = "text" }]

[dependencies.notes]
component = "deps/notes.wasm"
"#;
    let refused = refusal(load_tree(&engine, manifest, modgate_artifacts::DEP_USER_NOTES, &[("notes", modgate_artifacts::DEP_NOTES)]));
    assert!(names(&refused, ProblemCode::UngrantedImport, "dep-user-notes>notes", "modgate:host/tables"), "{refused:?}");
}

#[test]
pub fn dep_user_notes() {
    // A component given for a dependency module.toml does not declare, and a
    // declared one missing, are refused before anything is linked.
    let engine = engine_observed_by(Arc::default());
    let manifest = r#"
name = "dep-user-notes"
version = "1.0.0"
compatible-core = "^1.0"
slots = ["product-card.badges"]

[dependencies.notes]
component = "deps/notes.wasm"
"#;
    let refused = refusal(load_tree(&engine, manifest, modgate_artifacts::DEP_USER_NOTES, &[("extra", modgate_artifacts::DEP_CASING)]));
    let codes: Vec<(ProblemCode, Option<String>)> = refused.into_iter().map(|(code, path, _)| (code, path)).collect();
    assert_eq!(
        codes,
        [
            (ProblemCode::ComponentNotFound, Some("dep-user-notes>notes".to_owned())),
            (ProblemCode::InvalidComponent, Some("dep-user-notes".to_owned())),
        ]
    );

    // Loaded without its dependency components, it is refused naming the
    // path and the file to build.
    let single = engine.load(manifest_from(manifest), &modgate_artifacts::read(modgate_artifacts::DEP_USER_NOTES), BTreeSet::new());
    let Err(LoadError::Refused { report, .. }) = single else { panic!("refused") };
    assert_eq!(report.problems[0].code, ProblemCode::ComponentNotFound);
    assert_eq!(report.problems[0].path.as_deref(), Some("dep-user-notes>notes"));
    assert!(report.problems[0].fix.contains("deps/notes.wasm"), "{}", report.problems[0]);
}
