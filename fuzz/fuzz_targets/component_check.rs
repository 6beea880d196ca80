//! The install-time component check on arbitrary bytes (seeded with real
//! modules): it never panics, and a component it passes has a classified
//! import for every import, each allowed for what was granted.
#![no_main]

use std::collections::BTreeSet;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use modgate_fuzz::component::{Setup, assert_classified};
use modgate_host::verify::check_component;

static SETUP: OnceLock<Setup> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let setup = SETUP.get_or_init(Setup::new);
    let report = check_component(&setup.manifest, data, &setup.grants, &setup.registry, 8 << 20);
    assert_classified(&report, &setup.grants);
    let _: BTreeSet<_> = report.unused_permissions.iter().collect();
});
