//! Allocates (and touches) memory until the host refuses to grow it.

struct MemoryBomb;

impl modgate_sdk::Module for MemoryBomb {
    fn activate(_settings: &str) -> Result<(), modgate_sdk::Error> {
        let mut hoard: Vec<Vec<u8>> = Vec::new();
        loop {
            hoard.push(vec![0xA5; 1 << 20]);
            if hoard.len() == usize::MAX {
                return Ok(());
            }
        }
    }
}

modgate_sdk::export_module!(MemoryBomb);
