//! The wishlist reference module.
//!
//! Today it checks, on activation, that the settings are sane and the
//! catalogue is reachable; its tables, endpoints and slot arrive with the
//! storage and HTTP capabilities.

use modgate_sdk::commerce::{Page, products};
use modgate_sdk::{Error, Module, log};

struct Wishlist;

impl Module for Wishlist {
    fn activate(settings: &str) -> Result<(), Error> {
        if !settings.trim_start().starts_with('{') {
            return Err(Error::invalid("settings must be a JSON object"));
        }
        let sample = products::list(Page { offset: 0, limit: 1 })?;
        log::info(&format!(
            "wishlist activated; catalogue reachable ({} product(s) in the first page)",
            sample.len()
        ));
        Ok(())
    }
}

modgate_sdk::export_module!(Wishlist);
