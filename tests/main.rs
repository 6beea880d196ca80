//! The whole-system suite: conformance per WIT world, budgets, install-time
//! refusals, and the contracts themselves. One test binary (faster to link).

mod admin;
pub mod big_runtimes;
pub mod budgets;
mod cluster;
pub mod conformance;
pub mod email;
mod contracts;
mod coverage;
pub mod dependencies;
pub mod events;
pub mod http;
pub mod limits;
pub mod outbound;
mod refusals;
pub mod reload;
pub mod storage;
