//! Runs a CPU-bound loop whose length is the settings string (a decimal
//! number, or `{"rounds": N}` when installed with a settings schema).

use modgate_sdk::{Error, json};

struct Spin;

impl modgate_sdk::Module for Spin {
    fn activate(settings: &str) -> Result<(), Error> {
        let rounds = number(settings, "rounds").ok_or_else(|| Error::invalid("settings must be a number of rounds"))?;
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for i in 0..rounds {
            // xorshift: cheap, not foldable by the optimiser.
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x = x.wrapping_add(i);
        }
        if x == 0 { Err(Error::handler("unreachable state")) } else { Ok(()) }
    }
}

/// `settings` as a number, or its `key` when it is a JSON object.
fn number(settings: &str, key: &str) -> Option<u64> {
    if settings.trim_start().starts_with('{') {
        return json::parse(settings).ok()?.get_i64(key).and_then(|n| u64::try_from(n).ok());
    }
    settings.trim().parse().ok()
}

modgate_sdk::export_module!(Spin);
