//! What guest authors use: a new module folder in their language
//! ([`scaffold`], `modgate new`), and a throwaway host that installs a
//! module beside fixtures, calls it as asked and reports what each call
//! cost against its context's budgets ([`local_host`], [`budget_report`],
//! `modgate run`).
//!
//! Both work from the modgate checkout this host was built from: its
//! `guests/templates/` is what `new` writes, its SDKs and pinned
//! toolchains build the module, as they do for `modgate verify`.

pub mod budget_report;
pub mod fixtures;
pub mod local_host;
pub mod request;
pub mod scaffold;
