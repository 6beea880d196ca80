//! Never returns: only fuel or the deadline can stop it.

struct InfiniteLoop;

impl modgate_sdk::Module for InfiniteLoop {
    fn activate(settings: &str) -> Result<(), modgate_sdk::Error> {
        let mut x = settings.len() as u64 | 1;
        loop {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            if x == 0 {
                return Ok(());
            }
        }
    }
}

modgate_sdk::export_module!(InfiniteLoop);
