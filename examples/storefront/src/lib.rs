//! The modgate demo: a storefront application embedding `modgate-host`.
//!
//! It keeps its catalogue, customers and orders in its own tables, offers
//! them to modules through the commerce providers, serves modules under
//! `/modules/<name>/` and renders their slot widgets on its product cards.

#![deny(missing_docs)]

pub mod admin;
pub mod app;
pub mod auth;
pub mod catalog;
pub mod changes;
pub mod contacts;
pub mod mailbox;
pub mod page;

pub use app::{Options, Storefront, bundled_modules, read_modules};
