//! Per-dependency grants: a main module whose dependency asks for more than
//! it was granted. A normal module (the SDK's `lifecycle` and
//! `slot-provider` exports) that asks for no permission and imports only
//! `modgate-example:deps/notes@0.1.0`, which `dep-notes` provides by
//! writing the module's tables (`modgate:host/tables`). This component
//! itself imports no tables.
//!
//! - `activate` succeeds for any settings.
//! - Any slot (declare `product-card.badges`) calls `add("x")` and renders
//!   one text widget: `added`, or `error:<message>` when `add` failed.
//!
//! The lead's tests: the host refuses the tree at install, because
//! `dep-notes` imports `modgate:host/tables` without `write:own-tables` on
//! its own path — so the render is never meant to run.

use modgate_sdk::{Error, Module, SlotRequest, Slots, Widget};

mod deps {
    wit_bindgen::generate!({
        path: ["../../../wit/host", "../dep-wit/wit"],
        world: "modgate-example:deps/notes-user",
        generate_all,
    });
}

use deps::modgate_example::deps::notes;

struct UserNotes;

impl Module for UserNotes {
    fn activate(_settings: &str) -> Result<(), Error> {
        Ok(())
    }
}

impl Slots for UserNotes {
    fn render(_request: SlotRequest) -> Result<Vec<Widget>, Error> {
        let outcome = match notes::add("x") {
            Ok(()) => "added".to_owned(),
            Err(message) => format!("error:{message}"),
        };
        Ok(vec![Widget::Text(outcome)])
    }
}

modgate_sdk::export_module!(UserNotes);
