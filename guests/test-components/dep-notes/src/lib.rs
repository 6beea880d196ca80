//! Per-dependency grants: a dependency that tries to write its module's
//! tables. Exports `modgate-example:deps/notes@0.1.0`: `add(text)` inserts
//! `text` into the `notes` table of the module `dep-user-notes`
//! (`mod_dep_user_notes_notes`, column `body`) with the SDK's tables API,
//! so its component imports `modgate:host/tables@1.0.0`. No `lifecycle`
//! export: it is a dependency, not a module.
//!
//! The lead's tests: shipped under `dep-user-notes` with no
//! `write:own-tables` granted on its own path, the host refuses the whole
//! tree at install — the dependency imports tables it was not granted,
//! whatever the main component was granted. `add` is never meant to run;
//! if it does, it answers the host's error as `<code>: <message>`.

wit_bindgen::generate!({
    path: ["../../../wit/host", "../dep-wit/wit"],
    world: "modgate-example:deps/notes-provider",
    generate_all,
});

use exports::modgate_example::deps::notes::Guest;
use modgate_sdk::tables::{self, Value};

/// The `notes` table of the module `dep-user-notes`, as the host names it
/// (`modgate_sdk::namespaced_table("dep-user-notes", "notes")`).
const TABLE: &str = "mod_dep_user_notes_notes";

struct Notes;

impl Guest for Notes {
    fn add(text: String) -> Result<(), String> {
        tables::exec(
            &format!("INSERT INTO {TABLE} (body) VALUES (?1)"),
            &[Value::Text(text)],
        )
        .map(|_| ())
        .map_err(|error| format!("{}: {}", error.code.name(), error.message))
    }
}

export!(Notes);
