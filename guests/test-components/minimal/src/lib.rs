//! The smallest module: activates and returns.

struct Minimal;

impl modgate_sdk::Module for Minimal {
    fn activate(_settings: &str) -> Result<(), modgate_sdk::Error> {
        Ok(())
    }
}

modgate_sdk::export_module!(Minimal);
