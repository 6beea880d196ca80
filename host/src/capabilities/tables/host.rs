//! Host side of `modgate:host/tables`: op budget first, then the guarded
//! statement on the host's
//! [`ModuleTables`](crate::storage::module_sql::ModuleTables) service.

use crate::bindings::modgate::host::tables::{Host, Rows, Statement, Value};
use crate::bindings::{WitError, WitErrorCode};
use crate::engine::CapabilityView;
use crate::storage::module_sql::{SqlError, SqlErrorCode, SqlOutcome, SqlValue, TableCaller};
use crate::storage::sql_guard::StatementKind;

use super::Tables;

impl Host for CapabilityView<'_, Tables> {
    async fn query(&mut self, sql: String, params: Vec<Value>) -> Result<Rows, WitError> {
        self.core.take_op("tables.query")?;
        match run(self, "tables.query", StatementKind::Query, &sql, params).await? {
            SqlOutcome::Rows(rows) => Ok(Rows {
                columns: rows.columns,
                rows: rows.rows.into_iter().map(|r| r.into_iter().map(to_wit).collect()).collect(),
            }),
            SqlOutcome::Affected(_) => Ok(Rows { columns: Vec::new(), rows: Vec::new() }),
        }
    }

    async fn exec(&mut self, sql: String, params: Vec<Value>) -> Result<u64, WitError> {
        self.core.take_op("tables.exec")?;
        Ok(run(self, "tables.exec", StatementKind::Exec, &sql, params).await?.rows_affected())
    }

    async fn exec_batch(&mut self, statements: Vec<Statement>) -> Result<Vec<u64>, WitError> {
        if statements.len() > MAX_BATCH_STATEMENTS {
            self.core.take_op("tables.exec-batch")?;
            return Err(WitError::new(
                WitErrorCode::Invalid,
                format!(
                    "tables.exec-batch: {} statements, more than the limit of {MAX_BATCH_STATEMENTS}; split the work",
                    statements.len()
                ),
            ));
        }
        for _ in 0..statements.len().max(1) {
            self.core.take_op("tables.exec-batch")?;
        }
        let not_available = || WitError::new(WitErrorCode::NotAvailable, "tables: this host has no provider for it");
        let module = self.module.ok_or_else(not_available)?;
        let service = module.service.as_deref().ok_or_else(not_available)?;
        let batch: Vec<(String, Vec<SqlValue>)> = statements
            .into_iter()
            .map(|s| (s.sql, s.params.into_iter().map(from_wit).collect()))
            .collect();
        let caller = TableCaller {
            module: &module.module,
            tenant: self.core.tenant(),
            tables: &module.declared,
            session: self.state.session.as_ref().map(|s| s.transaction()),
        };
        service.run_batch(caller, &batch).await.map_err(|e| into_wit("tables.exec-batch", e))
    }
}

/// Most statements in one `exec-batch`.
pub const MAX_BATCH_STATEMENTS: usize = 16;

/// Runs one statement as the invoking module, for its tenant, in the
/// install's transaction when there is one.
async fn run(
    view: &mut CapabilityView<'_, Tables>,
    operation: &str,
    kind: StatementKind,
    sql: &str,
    params: Vec<Value>,
) -> Result<SqlOutcome, WitError> {
    let not_available = || WitError::new(WitErrorCode::NotAvailable, "tables: this host has no provider for it");
    let module = view.module.ok_or_else(not_available)?;
    let service = module.service.as_deref().ok_or_else(not_available)?;
    let params: Vec<SqlValue> = params.into_iter().map(from_wit).collect();
    let caller = TableCaller {
        module: &module.module,
        tenant: view.core.tenant(),
        tables: &module.declared,
        session: view.state.session.as_ref().map(|s| s.transaction()),
    };
    service.run(caller, kind, sql, &params).await.map_err(|e| into_wit(operation, e))
}

fn into_wit(operation: &str, error: SqlError) -> WitError {
    let code = match error.code {
        SqlErrorCode::Forbidden => WitErrorCode::Forbidden,
        SqlErrorCode::Invalid => WitErrorCode::Invalid,
        SqlErrorCode::Timeout => WitErrorCode::Timeout,
    };
    WitError::new(code, format!("{operation}: {}", error.message))
}

fn from_wit(value: Value) -> SqlValue {
    match value {
        Value::Null => SqlValue::Null,
        Value::Integer(i) => SqlValue::Integer(i),
        Value::Real(r) => SqlValue::Real(r),
        Value::Text(s) => SqlValue::Text(s),
        Value::Blob(b) => SqlValue::Blob(b),
    }
}

fn to_wit(value: SqlValue) -> Value {
    match value {
        SqlValue::Null => Value::Null,
        SqlValue::Integer(i) => Value::Integer(i),
        SqlValue::Real(r) => Value::Real(r),
        SqlValue::Text(s) => Value::Text(s),
        SqlValue::Blob(b) => Value::Blob(b),
    }
}
