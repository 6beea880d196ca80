//! Data hooks: modules' code on the integrator's own writes and reads.
//!
//! The integrator registers its hookable entities
//! ([`crate::hookable::HookableEntities`]) and starts [`DataHooks`], which
//! publishes them (installs hooking anything else are refused). It then
//! calls, from its own paths:
//! - [`DataHooks::before_create`], `before_update`, `before_delete` and
//!   `on_action` inside its transaction, before writing: each approved hook
//!   (module-name order) may allow, reject with messages, or adjust the
//!   fields it may adjust; the [`Decision`] says what to write, or why not.
//!   These hooks run in the `hook-before` context: no data operations.
//! - [`DataHooks::after_read`] on the rows it read: hooks may fill fields
//!   (e.g. a virtual `average_rating`), `hook-after` budget, in batches.
//! - [`DataHooks::after_create`], `after_update`, `after_delete` after the
//!   commit: nothing they do changes the write.
//!
//! Unapproved hooks are skipped. A before-hook that fails (trap, timeout,
//! busy, invalid answer) refuses the write by default
//! ([`FailurePolicy`]); an after-hook failure is logged. Each hook (module
//! × moment × entity) has a latching breaker: after
//! [`HookConfig::breaker_failures`] consecutive failures it is skipped until
//! a new version or an operator reset — independent of the HTTP breaker.
//! Files: `dispatch` (the calls), `chain` (which installs), `run` (one
//! hook's call and outcome), `records` (views and changes), `moment` (what
//! each moment allows), `breakers`, `report`, `config`, `error`.

mod breakers;
mod chain;
mod config;
mod dispatch;
mod error;
mod moment;
mod records;
mod report;
mod run;
#[cfg(test)]
mod tests;

pub use config::{FailurePolicy, HookConfig};
pub use dispatch::{DataHooks, HookTarget};
pub use error::HookError;
pub use report::{AfterRead, Decision, DroppedChange, HookReport, HookRun, Rejection, RunResult};
