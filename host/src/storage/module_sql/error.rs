//! Errors of module SQL, in the guest's terms.

use crate::storage::module_tables::{physical_table, tenant_schema};
use crate::storage::sql_guard::{RefusalKind, SqlRefusal};
use crate::storage::Backend;

use super::TableCaller;

/// The stable part of a [`SqlError`]; maps onto the WIT `error-code`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SqlErrorCode {
    /// The statement reaches beyond the module's own tables, or is not DML.
    Forbidden,
    /// The statement is malformed, or the database refused it (constraint,
    /// type), or the result is too large.
    Invalid,
    /// The database did not answer in time.
    Timeout,
}

/// Why a module statement failed. Messages name only the module's logical
/// tables, never where they physically live.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SqlError {
    /// Stable code.
    pub code: SqlErrorCode,
    /// Explanation for the module author.
    pub message: String,
}

impl SqlError {
    pub(super) fn new(code: SqlErrorCode, message: impl Into<String>) -> Self {
        SqlError {
            code,
            message: message.into(),
        }
    }

    pub(super) fn database(error: sea_orm::DbErr) -> Self {
        let message = match &error {
            sea_orm::DbErr::Exec(e) | sea_orm::DbErr::Query(e) => e.to_string(),
            other => other.to_string(),
        };
        let code = if message.contains("statement timeout") || message.contains("canceling statement") {
            SqlErrorCode::Timeout
        } else {
            SqlErrorCode::Invalid
        };
        SqlError::new(code, format!("the database refused the statement: {message}"))
    }

    /// Rewrites physical names in the message back to the caller's logical ones.
    pub(super) fn in_terms_of(mut self, backend: Backend, caller: TableCaller<'_>) -> Self {
        for table in caller.tables {
            let physical = physical_table(backend, caller.tenant, &table.name);
            self.message = self.message.replace(&physical.table, &table.name);
        }
        let schema = tenant_schema(caller.tenant);
        self.message = self
            .message
            .replace(&format!("\"{schema}\"."), "")
            .replace(&format!("{schema}."), "")
            .replace(&schema, "<tenant>");
        self
    }
}

impl From<SqlRefusal> for SqlError {
    fn from(refusal: SqlRefusal) -> Self {
        let code = match refusal.kind {
            RefusalKind::Forbidden => SqlErrorCode::Forbidden,
            RefusalKind::Invalid => SqlErrorCode::Invalid,
        };
        SqlError::new(code, refusal.message)
    }
}
