//! A transaction that module statements join while the host is installing
//! the module, so activation's writes commit or roll back with the install.

use std::sync::Arc;

use sea_orm::DatabaseTransaction;

/// A shared handle on an open install transaction.
#[derive(Clone, Debug)]
pub struct DataSession(Arc<DatabaseTransaction>);

impl DataSession {
    /// Shares `transaction` with the invocations of one install.
    pub fn new(transaction: DatabaseTransaction) -> Self {
        DataSession(Arc::new(transaction))
    }

    /// The transaction.
    pub fn transaction(&self) -> &DatabaseTransaction {
        &self.0
    }

    /// Takes the transaction back once no invocation holds it; `None` if one
    /// still does (the caller then drops it, which rolls back).
    pub fn into_transaction(self) -> Option<DatabaseTransaction> {
        Arc::into_inner(self.0)
    }
}
