//! Calls `products.get` as many times as the settings say (a decimal number,
//! or `{"calls": N}` when installed with a settings schema), stopping
//! cleanly when the host reports the op budget is used up.

use modgate_sdk::{Error, commerce::products, json, log};

struct HostCalls;

impl modgate_sdk::Module for HostCalls {
    fn activate(settings: &str) -> Result<(), Error> {
        let calls = number(settings, "calls").ok_or_else(|| Error::invalid("settings must be a number of calls"))?;
        for done in 0..calls {
            match products::get("p-1") {
                Ok(_) => {}
                Err(e) if e.is_budget_exhausted() => {
                    log::info(&format!("budget exhausted after {done} calls; stopping early"));
                    return Ok(());
                }
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }
}

/// `settings` as a number, or its `key` when it is a JSON object.
fn number(settings: &str, key: &str) -> Option<u64> {
    if settings.trim_start().starts_with('{') {
        return json::parse(settings).ok()?.get_i64(key).and_then(|n| u64::try_from(n).ok());
    }
    settings.trim().parse().ok()
}

modgate_sdk::export_module!(HostCalls);
