//! Panics, which aborts (traps) the instance.

struct Panicking;

impl modgate_sdk::Module for Panicking {
    fn activate(settings: &str) -> Result<(), modgate_sdk::Error> {
        panic!("deliberate panic (settings: {settings})");
    }
}

modgate_sdk::export_module!(Panicking);
