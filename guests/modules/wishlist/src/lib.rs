//! The wishlist reference module.
//!
//! On activation it checks its settings, counts the tenant's saved items in
//! its own table (`mod_wishlist_items`, created by the host from
//! `module.toml`) and checks the catalogue is reachable. Its endpoints and
//! storefront slot arrive with the HTTP capability.

use modgate_sdk::commerce::{Page, products};
use modgate_sdk::tables::{self, Value};
use modgate_sdk::{Error, ErrorCode, Module, log};

struct Wishlist;

impl Module for Wishlist {
    fn activate(settings: &str) -> Result<(), Error> {
        if !settings.trim_start().starts_with('{') {
            return Err(Error::invalid("settings must be a JSON object"));
        }
        let saved = tables::query("SELECT count(*) FROM mod_wishlist_items", &[])?;
        let count = match saved.rows.first().and_then(|row| row.first()) {
            Some(Value::Integer(n)) => *n,
            _ => 0,
        };
        match products::list(Page { offset: 0, limit: 1 }) {
            Ok(sample) => log::info(&format!(
                "wishlist activated: {count} saved item(s); catalogue reachable ({} product(s) in the first page)",
                sample.len()
            )),
            // A host without a catalogue (the bare `modgate` CLI) can still
            // install the module; the storefront provides one.
            Err(e) if e.code == ErrorCode::NotAvailable => {
                log::warn(&format!("wishlist activated: {count} saved item(s); no catalogue on this host yet"))
            }
            Err(e) => return Err(e),
        }
        Ok(())
    }
}

modgate_sdk::export_module!(Wishlist);
