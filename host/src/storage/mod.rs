//! Persistence: the core tables (sea-orm, migrated on start), the modules'
//! own tables (created per tenant from their manifests), and the guard and
//! executor every module statement passes through.
//!
//! SQLite is the embedded default (one WAL-mode file in a data directory);
//! PostgreSQL is reached through a URL. The same code and tests run on both.
//!
//! Tenant isolation is physical: each tenant gets its own copy of a module's
//! tables (SQLite: `<tenant>__mod_<module>_<suffix>`; PostgreSQL: schema
//! `mg_t_<tenant>`), and the host rewrites the guest's logical table names to
//! the invoking tenant's copy. A guest cannot name another tenant's copy (the
//! guard accepts only the declared logical names), so no query it can write
//! reaches another tenant's rows. On PostgreSQL each (module, tenant) pair
//! also has its own role holding privileges on exactly those tables.

mod backend;
pub mod changes;
mod clock;
mod connect;
pub mod entities;
mod error;
pub mod migrations;
pub mod module_sql;
pub mod module_tables;
mod session;
pub mod sql_guard;
mod statement;

pub use backend::Backend;
pub use clock::{new_id, now_millis, now_rfc3339};
pub use connect::{DATABASE_FILE, Storage, WriteTurn};
pub use error::StorageError;
pub use session::DataSession;
pub use statement::{placeholders, statement};
