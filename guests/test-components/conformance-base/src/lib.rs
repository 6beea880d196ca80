//! Conformance for world `modgate:host/base`: logging works at every level,
//! an oversized line is truncated by the host rather than trapping, and
//! settings arrive unchanged.

use conformance_kit::{check, param};
use modgate_sdk::{Error, log};

struct Base;

impl modgate_sdk::Module for Base {
    fn activate(settings: &str) -> Result<(), Error> {
        check(param(settings, "echo")? == "hello", "settings arrive unchanged")?;
        check(modgate_sdk::settings::get() == settings, "settings::get answers the same document in every context")?;
        for level in [log::Level::Trace, log::Level::Debug, log::Level::Info, log::Level::Warn, log::Level::Error] {
            log::at(level, "conformance-base: level check");
        }
        log::info(&"x".repeat(100_000));
        log::info("conformance-base: done");
        Ok(())
    }
}

modgate_sdk::export_module!(Base);
