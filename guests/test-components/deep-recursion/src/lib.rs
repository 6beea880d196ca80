//! Recurses without bound until the engine's stack limit stops it.

#[inline(never)]
fn descend(depth: u64, salt: u64) -> u64 {
    if depth == 0 {
        return salt;
    }
    // Work after the call keeps this from becoming a loop.
    let below = descend(depth - 1, salt.rotate_left(5) ^ depth);
    below.rotate_left(3) ^ depth
}

struct DeepRecursion;

impl modgate_sdk::Module for DeepRecursion {
    fn activate(settings: &str) -> Result<(), modgate_sdk::Error> {
        let seed = settings.len() as u64;
        if descend(u64::MAX - seed, seed) == 42 {
            modgate_sdk::log::info("reached the bottom");
        }
        Ok(())
    }
}

modgate_sdk::export_module!(DeepRecursion);
