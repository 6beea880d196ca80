//! Whatever text comes in, the verifier answers `Ok` or `Err` — it never panics, never returns
//! an empty error list, and every error stays on one line.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use modgate_manifest::{MAX_MANIFEST_BYTES, verify_manifest};
use semver::Version;

/// Deterministic xorshift generator, so a failing variant can be reproduced.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound.max(1) as u64) as usize
    }
}

/// Fragments that tend to break parsers and verifiers.
const NASTY: &[&str] = &[
    "[",
    "]",
    "{",
    "}",
    "\"",
    "'",
    "=",
    ".",
    ",",
    "\n",
    "\0",
    "\u{1b}[31m",
    "€",
    "é",
    "{*",
    "..",
    "/",
    "?",
    "#",
    "-",
    "_",
    "[[tables]]",
    "[[routes]]",
    "[settings]",
    "nan",
    "inf",
    "-0",
    "1979-05-27T07:32:00Z",
    "9999999999999999999999",
    "\"\"\"",
    "'''",
    "\\u0000",
    "mod.",
    "--",
    "$ref = \"#/x\"",
    "type = 1",
    "columns = []",
    "pattern = \"(\"",
];

fn base() -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/valid/03-every-section.toml"),
    )
    .expect("the full example exists")
}

/// Truncations, line deletions and duplications, byte-level splices of nasty fragments and
/// value swaps of the full example.
fn variants() -> Vec<String> {
    let base = base();
    let boundaries: Vec<usize> = (0..=base.len())
        .filter(|&i| base.is_char_boundary(i))
        .collect();
    let lines: Vec<&str> = base.lines().collect();
    let mut out = Vec::new();
    for step in boundaries.iter().step_by(base.len() / 150) {
        out.push(base[..*step].to_owned());
    }
    for skip in 0..lines.len() {
        out.push(
            lines
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != skip)
                .map(|(_, l)| *l)
                .collect::<Vec<_>>()
                .join("\n"),
        );
    }
    for twice in (0..lines.len()).step_by(3) {
        let mut copy = lines.clone();
        copy.insert(twice, lines[twice]);
        out.push(copy.join("\n"));
    }
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..400 {
        let mut text = base.clone();
        for _ in 0..1 + rng.below(4) {
            let at = boundaries[rng.below(boundaries.len())].min(text.len());
            let at = (0..=at)
                .rev()
                .find(|&i| text.is_char_boundary(i))
                .unwrap_or(0);
            let fragment = NASTY[rng.below(NASTY.len())];
            if rng.below(2) == 0 {
                text.insert_str(at, fragment);
            } else {
                let end = (at + 1 + rng.below(8)).min(text.len());
                let end = (end..=text.len())
                    .find(|&i| text.is_char_boundary(i))
                    .unwrap_or(text.len());
                text.replace_range(at..end, fragment);
            }
        }
        out.push(text);
    }
    for (from, to) in [
        ("\"text\"", "[\"text\"]"),
        ("\"wishlist\"", "{ a = 1 }"),
        ("true", "\"true\""),
        ("\"GET\"", "1.5"),
        ("\"product\"", "1979-05-27"),
        ("[[tables]]", "[tables]"),
        ("[[hooks]]", "[hooks]"),
        ("type = \"object\"", "type = [\"object\", \"null\"]"),
        ("minimum = 1", "minimum = nan"),
    ] {
        out.push(base.replace(from, to));
    }
    out.push(String::new());
    out.push("\u{feff}".to_owned());
    out.push("a = ".repeat(10_000));
    out.push("[".repeat(10_000));
    out.push("x = ".to_owned() + &"[".repeat(5_000));
    out.push(format!("name = \"{}\"", "a".repeat(MAX_MANIFEST_BYTES)));
    out.push(format!("description = \"{}\"", "é".repeat(20_000)));
    out
}

#[test]
fn no_input_makes_the_verifier_panic() {
    let hosts = [
        Version::new(1, 2, 0),
        Version::new(0, 3, 1),
        Version::new(u64::MAX, u64::MAX, u64::MAX),
    ];
    let variants = variants();
    assert!(variants.len() >= 300, "only {} variants", variants.len());
    for (index, text) in variants.iter().enumerate() {
        for host in &hosts {
            let outcome = catch_unwind(AssertUnwindSafe(|| verify_manifest(text, host)));
            let Ok(result) = outcome else {
                panic!("variant {index} panicked (host {host}):\n{text}");
            };
            if let Err(errors) = result {
                assert!(!errors.0.is_empty(), "variant {index}: empty error list");
                assert_eq!(
                    errors.to_string().lines().count(),
                    errors.0.len(),
                    "variant {index}: an error spans several lines:\n{errors}"
                );
            }
        }
    }
}
