//! Calls `products.get` as many times as the settings say (a decimal number),
//! stopping cleanly when the host reports the op budget is used up.

use modgate_sdk::{Error, commerce::products, log};

struct HostCalls;

impl modgate_sdk::Module for HostCalls {
    fn activate(settings: &str) -> Result<(), Error> {
        let calls: u64 = settings.trim().parse().map_err(|_| Error::invalid("settings must be a number of calls"))?;
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

modgate_sdk::export_module!(HostCalls);
