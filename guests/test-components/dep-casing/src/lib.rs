//! Per-dependency grants: the leaf of a dependency tree. Exports
//! `modgate-example:deps/casing@0.1.0` (`shout` upper-cases its text) and
//! imports nothing — not even the log — and exports no `lifecycle`: it is a
//! dependency, never a module of its own. It needs no permission.
//!
//! The lead's tests ship it under `dep-greeter` (which imports `casing`) in
//! a tree rooted at `dep-user`: `dep-user`'s slot then renders
//! `Hello, ADA!|...`; without it linked, `dep-greeter`'s import is unmet.

wit_bindgen::generate!({
    path: ["../../../wit/host", "../dep-wit/wit"],
    world: "modgate-example:deps/casing-provider",
    generate_all,
});

use exports::modgate_example::deps::casing::Guest;

struct Casing;

impl Guest for Casing {
    fn shout(text: String) -> String {
        text.to_uppercase()
    }
}

export!(Casing);
