//! Misbehaves in a hook on purpose, for the host's refusal tests: what it
//! does is chosen by the `probe` string field of the call's first record
//! (for `after-read` too), whatever the entity or moment.
//!
//! | `probe` | the hook |
//! |---|---|
//! | `allow` | allows |
//! | `reject` | rejects with `["probe says no"]` |
//! | `adjust-unknown` | adjusts record 0's `no_such_field` to `"x"` (a field the integrator does not have: dropped and logged) |
//! | `adjust-read-only` | adjusts record 0's `id` to `"changed"` (readable, not adjustable: dropped and logged) |
//! | `adjust-wrong-type` | adjusts record 0's `title` to the number `42` (the wrong JSON type: `invalid`) |
//! | `adjust-bad-index` | adjusts `title` to `"x"` in the record at index 99 (there is none) |
//! | `data-call` | inserts a row into `mod_probe_rows`, then rejects with one message: the error code it got back (e.g. `budget-exhausted`), or `data-call-succeeded` |
//! | `loop` | never returns (fuel or the deadline must stop it) |
//! | `trap` | panics (the instance traps) |
//! | `error` | returns the error `handler-error` "probe failed" |
//! | `many-messages` | rejects with 11 messages (one more than the host accepts) |
//! | `control-chars` | rejects with `["bad\u{7}bell"]` (a control character) |
//! | `echo-title` | adjusts record 0's `note` to `"saw <title>"`: what the hooks before it left |
//!
//! It also serves `GET /ok` (200) and `GET /fail` (500), so that tests can
//! fail its HTTP side and its hooks independently.
//!
//! A record without a `probe`, or with another value, fails the hook with
//! `invalid`. The invalid outcomes are built by hand: the SDK's
//! `Outcome::reject` would have made them valid.
//!
//! The manifest the tests install it with (the integrator registers `item`
//! with `id` (string, readable), `title` (string, adjustable) and `probe`
//! (string, readable); declare the moments a test needs, e.g.):
//!
//! ```toml
//! name = "probe"
//! version = "0.1.0"
//! compatible-core = "^1.0"
//! permissions = ["write:own-tables"]
//!
//! [[tables]]
//! name = "mod_probe_rows"
//! columns = [{ name = "value", type = "text" }]
//!
//! [[hooks]]
//! entity = "item"
//! when = "before-create"
//!
//! [[hooks]]
//! entity = "item"
//! when = "after-create"
//!
//! [[hooks]]
//! entity = "item"
//! when = "after-read"
//! ```

use modgate_sdk::json;
use modgate_sdk::tables::{self, Value};
use modgate_sdk::{Error, FieldChange, HookCall, Hooks, Module, Outcome, RecordChange, Request, Response, Serve};

struct Probe;

impl Module for Probe {
    fn activate(_settings: &str) -> Result<(), Error> {
        Ok(())
    }
}

impl Hooks for Probe {
    fn handle(call: HookCall) -> Result<Outcome, Error> {
        let record = call.record(0)?;
        let probe = record.get_str("probe").unwrap_or_default();
        Ok(match probe {
            "allow" => Outcome::Allow,
            "reject" => Outcome::Reject(vec!["probe says no".to_owned()]),
            "adjust-unknown" => Outcome::adjust_one("no_such_field", "\"x\""),
            "adjust-read-only" => Outcome::adjust_one("id", "\"changed\""),
            "adjust-wrong-type" => Outcome::adjust_one("title", "42"),
            "adjust-bad-index" => Outcome::Adjust(vec![RecordChange {
                index: 99,
                changes: vec![FieldChange::new("title", "\"x\"")],
            }]),
            "data-call" => Outcome::Reject(vec![data_call()]),
            "loop" => spin_forever(probe.len()),
            "trap" => panic!("hook-probe: deliberate panic"),
            "error" => return Err(Error::handler("probe failed")),
            "many-messages" => Outcome::Reject((1..=11).map(|n| format!("message {n}")).collect()),
            "control-chars" => Outcome::Reject(vec!["bad\u{7}bell".to_owned()]),
            "echo-title" => {
                let title = record.get_str("title").unwrap_or_default();
                Outcome::adjust_one("note", json::string(&format!("saw {title}")))
            }
            other => {
                return Err(Error::invalid(format!(
                    "hook-probe: unknown probe {other:?}"
                )));
            }
        })
    }
}

impl Serve for Probe {
    fn handle(request: Request) -> Response {
        match request.path.as_str() {
            "/ok" => Response::text(200, "ok"),
            _ => Response::text(500, "failing on purpose"),
        }
    }
}

/// One write into the module's own table: the stable code of the error it
/// got back, or `data-call-succeeded`.
fn data_call() -> String {
    match tables::exec(
        "INSERT INTO mod_probe_rows (value) VALUES (?)",
        &[Value::Text("written by a hook".to_owned())],
    ) {
        Ok(_) => "data-call-succeeded".to_owned(),
        Err(error) => error.code.name().to_owned(),
    }
}

/// Never returns. The loop does work the optimiser cannot remove, so only
/// fuel or the deadline stops it.
fn spin_forever(seed: usize) -> ! {
    let mut x = seed as u64 | 1;
    loop {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        std::hint::black_box(x);
    }
}

modgate_sdk::export_module!(Probe);
