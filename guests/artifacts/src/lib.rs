#![deny(missing_docs)]
//! Paths of the guest components built for the test suites and benchmarks.
//!
//! `build.rs` builds every crate of the guest workspace (`guests/`) for
//! `wasm32-unknown-unknown`, wraps each into a component, and writes one
//! constant per component (`WISHLIST`, `MINIMAL`, ...) with its path, plus
//! `<NAME>_DIR` with the crate's folder. The Python and JavaScript guests
//! (`guests/python`, `guests/javascript`) get the same constants in
//! [`python`] and [`javascript`], and a `BY_NAME` table each.
//!
//! [`for_each_test_component!`] lists the test components; the test crate
//! requires a test named after each one, so an unused test component fails
//! the build.

include!(concat!(env!("OUT_DIR"), "/components.rs"));

/// Reads a component built by this crate.
pub fn read(path: &str) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("component {path} was built but cannot be read: {e}"))
}

/// A folder inside the build's target directory for the test engines'
/// on-disk compile cache: each big Python or JavaScript component is compiled
/// once per build of this crate, whichever test loads it first.
pub const COMPILE_CACHE: &str = concat!(env!("OUT_DIR"), "/compile-cache");
