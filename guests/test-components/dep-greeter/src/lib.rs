//! Per-dependency grants: the middle of a dependency tree. Exports
//! `modgate-example:deps/greeter@0.1.0` — `greet(name)` is
//! `Hello, <shout(name)>!` — through `modgate-example:deps/casing@0.1.0`,
//! which it imports and `dep-casing` provides, so `dep-user` →
//! `dep-greeter` → `dep-casing` is a tree of three. Each greeting writes one
//! `info` line through `modgate:host/log` (always available, no
//! permission). No `lifecycle` export: it is a dependency, not a module.
//!
//! The lead's tests: with the tree wired, `dep-user`'s slot starts with
//! `Hello, ADA!|`; without `dep-casing`, the `casing` import is unmet.

wit_bindgen::generate!({
    path: ["../../../wit/host", "../dep-wit/wit"],
    world: "modgate-example:deps/greeter-provider",
    generate_all,
});

use exports::modgate_example::deps::greeter::Guest;
use modgate::host::log::{Level, log};
use modgate_example::deps::casing::shout;

struct Greeter;

impl Guest for Greeter {
    fn greet(name: String) -> String {
        let greeting = format!("Hello, {}!", shout(&name));
        log(Level::Info, &format!("dep-greeter: {greeting}"));
        greeting
    }
}

export!(Greeter);
