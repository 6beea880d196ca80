//! Every world in `wit/` must have a conformance suite here, or be listed in
//! `PENDING.toml` with the issue that brings its host side; and every suite
//! runs in Rust, Python and JavaScript (`in_every_language!`), or is listed
//! in `PENDING-LANGUAGES.toml` while its Python and JavaScript components
//! are written.

use std::collections::BTreeSet;
use std::path::Path;

/// All worlds of the modgate packages, as `package/world` without version.
pub fn modgate_worlds() -> BTreeSet<String> {
    let resolve = crate::contracts::load_contracts();
    resolve
        .worlds
        .iter()
        .filter_map(|(_, world)| {
            let package = &resolve.packages[world.package?].name;
            (package.namespace == "modgate").then(|| format!("{}:{}/{}", package.namespace, package.name, world.name))
        })
        .collect()
}

fn suite_dir(world: &str) -> String {
    world.rsplit('/').next().unwrap_or(world).replace('-', "_")
}

#[test]
fn every_world_has_a_conformance_suite_or_a_pending_entry() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("conformance");
    let pending_text = std::fs::read_to_string(here.join("PENDING.toml")).expect("PENDING.toml");
    let pending: toml_lite::Pending = toml_lite::parse(&pending_text);
    let mut missing = Vec::new();
    for world in modgate_worlds() {
        let has_suite = here.join(suite_dir(&world)).join("mod.rs").is_file();
        let is_pending = pending.contains(&world);
        match (has_suite, is_pending) {
            (true, true) => panic!("{world} has a suite: remove it from PENDING.toml"),
            (false, false) => missing.push(world),
            _ => {}
        }
    }
    assert!(missing.is_empty(), "worlds without a conformance suite: {missing:?}");
    for listed in pending.worlds() {
        assert!(modgate_worlds().contains(listed), "PENDING.toml lists unknown world {listed}");
    }
}

#[test]
fn every_suite_runs_in_every_language() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("conformance");
    let pending_text = std::fs::read_to_string(here.join("PENDING-LANGUAGES.toml")).expect("PENDING-LANGUAGES.toml");
    let pending = toml_lite::parse(&pending_text);
    let mut missing = Vec::new();
    for world in modgate_worlds() {
        let Ok(suite) = std::fs::read_to_string(here.join(suite_dir(&world)).join("mod.rs")) else { continue };
        let in_every_language = suite.contains("in_every_language!");
        match (in_every_language, pending.contains(&world)) {
            (true, true) => panic!("{world} runs in every language: remove it from PENDING-LANGUAGES.toml"),
            (false, false) => missing.push(world),
            _ => {}
        }
    }
    assert!(missing.is_empty(), "suites that do not run in every language (use in_every_language!): {missing:?}");
    for listed in pending.worlds() {
        assert!(modgate_worlds().contains(listed), "PENDING-LANGUAGES.toml lists unknown world {listed}");
    }
}

#[test]
fn the_contracts_define_one_world_per_permission_and_export() {
    let worlds = modgate_worlds();
    for expected in [
        "modgate:host/base",
        "modgate:host/write-own-tables",
        "modgate:host/emit-events",
        "modgate:host/subscribe-events",
        "modgate:host/email-send",
        "modgate:host/http-outbound",
        "modgate:host/serve",
        "modgate:host/slots",
        "modgate:host/hooks",
        "modgate:commerce/read-products",
        "modgate:commerce/read-categories",
        "modgate:commerce/read-orders",
        "modgate:commerce/read-customers",
    ] {
        assert!(worlds.contains(expected), "missing world {expected}");
    }
}

/// `PENDING.toml` and `PENDING-LANGUAGES.toml` are `world = "why"` lines; parsed by hand to keep the
/// suite's dependencies small.
mod toml_lite {
    pub struct Pending(Vec<String>);

    pub fn parse(text: &str) -> Pending {
        Pending(
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .filter_map(|l| l.split_once('='))
                .map(|(k, _)| k.trim().trim_matches('"').to_owned())
                .collect(),
        )
    }

    impl Pending {
        pub fn contains(&self, world: &str) -> bool {
            self.0.iter().any(|w| w == world)
        }

        pub fn worlds(&self) -> impl Iterator<Item = &String> {
            self.0.iter()
        }
    }
}
