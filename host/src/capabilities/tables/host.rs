//! Host side of `modgate:host/tables`: op budget first, then the guarded
//! statement on the host's [`ModuleTables`] service.

use crate::bindings::modgate::host::tables::{Host, Rows, Value};
use crate::bindings::{WitError, WitErrorCode};
use crate::engine::InvocationState;
use crate::storage::module_sql::{ModuleTables, SqlError, SqlErrorCode, SqlOutcome, SqlValue};
use crate::storage::sql_guard::StatementKind;

impl Host for InvocationState {
    async fn query(&mut self, sql: String, params: Vec<Value>) -> Result<Rows, WitError> {
        self.take_op("tables.query")?;
        match run(self, "tables.query", StatementKind::Query, &sql, params).await? {
            SqlOutcome::Rows(rows) => Ok(Rows {
                columns: rows.columns,
                rows: rows.rows.into_iter().map(|r| r.into_iter().map(to_wit).collect()).collect(),
            }),
            SqlOutcome::Affected(_) => Ok(Rows { columns: Vec::new(), rows: Vec::new() }),
        }
    }

    async fn exec(&mut self, sql: String, params: Vec<Value>) -> Result<u64, WitError> {
        self.take_op("tables.exec")?;
        match run(self, "tables.exec", StatementKind::Exec, &sql, params).await? {
            SqlOutcome::Affected(n) => Ok(n),
            SqlOutcome::Rows(rows) => Ok(rows.rows.len() as u64),
        }
    }
}

async fn run(
    state: &mut InvocationState,
    operation: &str,
    kind: StatementKind,
    sql: &str,
    params: Vec<Value>,
) -> Result<SqlOutcome, WitError> {
    let service = state.provider::<ModuleTables>("tables")?;
    let params: Vec<SqlValue> = params.into_iter().map(from_wit).collect();
    service
        .run(state.table_caller(), kind, sql, &params)
        .await
        .map_err(|e| into_wit(operation, e))
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
