//! The engine core knows no specific capability and nothing of storage,
//! HTTP, lifecycle or the event outbox; storage does not reach back into the engine. Read from
//! the source: a `use` (or path) that crosses the seam fails this test,
//! naming the file and the line.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

/// Every line of `folder` (under `host/src`) naming one of `forbidden`.
fn crossings(folder: &str, forbidden: &[&str]) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(folder);
    let mut found = Vec::new();
    for file in rust_files(&root) {
        let text = std::fs::read_to_string(&file).unwrap();
        for (number, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for module in forbidden {
                if code.contains(&format!("crate::{module}")) {
                    found.push(format!("{}:{}: {}", file.display(), number + 1, line.trim()));
                }
            }
        }
    }
    found
}

#[test]
fn the_engine_imports_no_capability_storage_http_or_lifecycle() {
    let found = crossings(
        "engine",
        &["capabilities", "storage", "http", "lifecycle", "events", "default_host", "testing", "metrics", "usage", "admin"],
    );
    assert!(found.is_empty(), "the engine crosses its seam:\n{}", found.join("\n"));
}

#[test]
fn storage_does_not_reach_back_into_the_engine() {
    let found = crossings("storage", &["engine", "capabilities", "http", "lifecycle", "events"]);
    assert!(found.is_empty(), "storage depends on the layers above it:\n{}", found.join("\n"));
}

#[test]
fn the_breaker_knows_nothing_of_http() {
    let found = crossings("breaker", &["http", "engine", "capabilities", "storage", "lifecycle"]);
    assert!(found.is_empty(), "the breaker depends on a caller:\n{}", found.join("\n"));
}

#[test]
fn metrics_and_usage_only_observe_and_the_lifecycle_knows_no_admin_api() {
    for observer in ["metrics", "usage"] {
        let found = crossings(observer, &["admin", "lifecycle", "http", "capabilities", "hooks"]);
        assert!(found.is_empty(), "{observer} reaches past the invocations it observes:\n{}", found.join("\n"));
    }
    let found = crossings("lifecycle", &["admin", "metrics", "http"]);
    assert!(found.is_empty(), "the lifecycle depends on its callers:\n{}", found.join("\n"));
}

#[test]
fn the_seam_test_sees_the_engine_sources() {
    let files = rust_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src/engine"));
    assert!(files.iter().any(|f| f.ends_with("capability.rs")), "{files:?}");
}

#[test]
fn the_author_tools_sit_on_top_and_nothing_depends_on_them() {
    for folder in ["engine", "capabilities", "storage", "http", "lifecycle", "events", "hooks", "usage", "metrics", "admin", "verify"] {
        let found = crossings(folder, &["authoring"]);
        assert!(found.is_empty(), "{folder} depends on the author tools:\n{}", found.join("\n"));
    }
}
