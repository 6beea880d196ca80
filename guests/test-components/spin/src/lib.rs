//! Runs a CPU-bound loop whose length is the settings string (a decimal number).

use modgate_sdk::Error;

struct Spin;

impl modgate_sdk::Module for Spin {
    fn activate(settings: &str) -> Result<(), Error> {
        let rounds: u64 = settings.trim().parse().map_err(|_| Error::invalid("settings must be a number of rounds"))?;
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

modgate_sdk::export_module!(Spin);
