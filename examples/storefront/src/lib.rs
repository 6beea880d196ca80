//! The modgate demo: a storefront application embedding `modgate-host`.
//!
//! It keeps its catalogue, customers, orders and reviews in its own tables,
//! offers them to modules through the commerce providers and the data hooks
//! (reviews checked before they are written, ratings filled in on the
//! products it lists), serves modules under `/modules/<name>/`, renders
//! their slot widgets on its product cards, and serves a stand-in external
//! price API that a module may call through its operator's allowlist.

#![deny(missing_docs)]

pub mod admin;
pub mod app;
pub mod auth;
pub mod catalog;
pub mod changes;
pub mod contacts;
pub mod front;
pub mod hookable;
pub mod mailbox;
pub mod page;
pub mod prices;
pub mod review_form;
pub mod reviews;
pub mod shutdown;
pub mod telemetry;

pub use app::{Options, ReadModules, Stopped, Storefront, bundled_modules, read_modules};
