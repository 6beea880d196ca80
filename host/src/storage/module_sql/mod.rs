//! Running a module's SQL: guard, rewrite, bind, execute under limits, and
//! decode the rows. Behind the `tables` capability.

mod error;
mod group_commit;
mod value;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::StreamExt;
use modgate_manifest::TableDecl;
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbBackend, Statement, StreamTrait, TransactionTrait};

pub use error::{SqlError, SqlErrorCode};
pub use value::SqlValue;

use super::module_tables::{module_role, scope_for};
use super::sql_guard::{Bind, GuardedStatement, NEW_ID_PREFIX_CHARS, SqlGuard, StatementKind, TableScope, Verb};
use super::clock::new_id_prefix;
use super::{Backend, Storage, new_id, now_rfc3339};
use crate::tenant::TenantId;
use group_commit::GroupCommit;
use value::decode_row;
use crate::sync::lock;

/// Limits on one statement of a module.
#[derive(Debug, Clone, Copy)]
pub struct SqlLimits {
    /// Most rows a query may return (default 1000); more is an error that
    /// tells the guest to add a LIMIT.
    pub max_rows: usize,
    /// Most bytes of values a query may return (default 1 MiB).
    pub max_result_bytes: usize,
    /// Host-side wait for the database (default 2 s); `timeout` after it.
    pub timeout: Duration,
    /// Guarded statements kept parsed (default 1024).
    pub cached_statements: usize,
}

impl Default for SqlLimits {
    fn default() -> Self {
        SqlLimits {
            max_rows: 1000,
            max_result_bytes: 1 << 20,
            timeout: Duration::from_secs(2),
            cached_statements: 1024,
        }
    }
}

/// The rows a query returned.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SqlRows {
    /// Column names (empty when no row came back).
    pub columns: Vec<String>,
    /// Rows, each in column order.
    pub rows: Vec<Vec<SqlValue>>,
}

/// What a statement produced.
#[derive(Debug, Clone, PartialEq)]
pub enum SqlOutcome {
    /// A SELECT or a DML with RETURNING.
    Rows(SqlRows),
    /// An INSERT, UPDATE or DELETE: affected rows.
    Affected(u64),
}

impl SqlOutcome {
    /// The rows the statement affected (or returned, with RETURNING).
    pub fn rows_affected(self) -> u64 {
        match self {
            SqlOutcome::Affected(n) => n,
            SqlOutcome::Rows(rows) => rows.rows.len() as u64,
        }
    }
}

/// Who is asking: the module, the tenant it runs for, its declared tables,
/// and the install's transaction when called during `activate`.
#[derive(Clone, Copy)]
pub struct TableCaller<'a> {
    /// The module's name.
    pub module: &'a str,
    /// The tenant of the invocation.
    pub tenant: &'a TenantId,
    /// The module's declared tables.
    pub tables: &'a [TableDecl],
    /// The install transaction, during install-time activation.
    pub session: Option<&'a DatabaseTransaction>,
}

#[derive(Hash, PartialEq, Eq)]
struct CacheKey {
    tenant: TenantId,
    tables: String,
    kind: u8,
    sql: String,
    nulls: Vec<bool>,
}

/// The modules' table service (one per host, shared by all invocations).
pub struct ModuleTables {
    storage: Storage,
    guard: SqlGuard,
    limits: SqlLimits,
    cache: Mutex<HashMap<CacheKey, Arc<GuardedStatement>>>,
    group: GroupCommit,
}

impl ModuleTables {
    /// The service over `storage`.
    pub fn new(storage: Storage, limits: SqlLimits) -> Self {
        ModuleTables {
            guard: SqlGuard::new(storage.backend()),
            group: GroupCommit::new(storage.clone(), limits),
            storage,
            limits,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// The storage it runs on.
    pub fn storage(&self) -> &Storage {
        &self.storage
    }

    /// Guards, rewrites and runs one statement of `caller`.
    pub async fn run(
        &self,
        caller: TableCaller<'_>,
        kind: StatementKind,
        sql: &str,
        params: &[SqlValue],
    ) -> Result<SqlOutcome, SqlError> {
        let guarded = self.guarded(caller, kind, sql, params)?;
        let statement = self.bind(&guarded, params);
        let work = async {
            match (self.storage.backend(), caller.session) {
                (Backend::Sqlite, Some(tx)) => self.execute(tx, &guarded, statement).await,
                (Backend::Sqlite, None) => {
                    let _turn = match guarded.verb {
                        Verb::Select => None,
                        Verb::Insert | Verb::Update | Verb::Delete => self.storage.write_turn().await,
                    };
                    self.execute(self.storage.connection(), &guarded, statement).await
                }
                (Backend::Postgres, session) => {
                    let mut outcomes = self
                        .in_transaction(caller, session, vec![(guarded.clone(), statement)])
                        .await
                        .map_err(|(_, e)| e)?;
                    Ok(outcomes.remove(0))
                }
            }
        };
        match tokio::time::timeout(self.limits.timeout, work).await {
            Ok(result) => result.map_err(|e| e.in_terms_of(self.storage.backend(), caller)),
            Err(_) => Err(SqlError::new(
                SqlErrorCode::Timeout,
                format!("the statement did not finish within {} ms", self.limits.timeout.as_millis()),
            )),
        }
    }

    /// Guards every statement of a batch (INSERT, UPDATE, DELETE) first, then
    /// runs them in order in one transaction (a savepoint of the install's
    /// when there is one): all take effect or none. An error names the
    /// position of the statement that caused it.
    pub async fn run_batch(
        &self,
        caller: TableCaller<'_>,
        statements: &[(String, Vec<SqlValue>)],
    ) -> Result<Vec<u64>, SqlError> {
        let at = |i: usize| move |e: SqlError| SqlError::new(e.code, format!("statement {}: {}", i + 1, e.message));
        let mut bound = Vec::with_capacity(statements.len());
        for (i, (sql, params)) in statements.iter().enumerate() {
            let guarded = self.guarded(caller, StatementKind::Exec, sql, params).map_err(at(i))?;
            let statement = self.bind(&guarded, params);
            bound.push((guarded, statement));
        }
        if self.storage.backend() == Backend::Sqlite && caller.session.is_none() {
            let backend = self.storage.backend();
            return self.group.run(bound).await.map_err(|(i, e)| at(i)(e.in_terms_of(backend, caller)));
        }
        let backend = self.storage.backend();
        let work = async {
            let outcomes = self
                .in_transaction(caller, caller.session, bound)
                .await
                .map_err(|(i, e)| at(i)(e.in_terms_of(backend, caller)))?;
            Ok(outcomes.into_iter().map(SqlOutcome::rows_affected).collect())
        };
        match tokio::time::timeout(self.limits.timeout, work).await {
            Ok(result) => result,
            Err(_) => Err(SqlError::new(
                SqlErrorCode::Timeout,
                format!("the batch did not finish within {} ms", self.limits.timeout.as_millis()),
            )),
        }
    }

    fn guarded(
        &self,
        caller: TableCaller<'_>,
        kind: StatementKind,
        sql: &str,
        params: &[SqlValue],
    ) -> Result<Arc<GuardedStatement>, SqlError> {
        let nulls: Vec<bool> = params.iter().map(|p| *p == SqlValue::Null).collect();
        let key = CacheKey {
            tenant: caller.tenant.clone(),
            tables: tables_key(caller.tables),
            kind: matches!(kind, StatementKind::Query) as u8,
            sql: sql.to_owned(),
            nulls,
        };
        let mut cache = lock(&self.cache);
        if let Some(found) = cache.get(&key) {
            return Ok(found.clone());
        }
        let scope: TableScope = scope_for(self.storage.backend(), caller.tenant, caller.tables);
        let guarded = Arc::new(self.guard.check(sql, kind, &scope, &key.nulls).map_err(SqlError::from)?);
        if cache.len() >= self.limits.cached_statements {
            cache.clear();
        }
        cache.insert(key, guarded.clone());
        Ok(guarded)
    }

    fn bind(&self, guarded: &GuardedStatement, params: &[SqlValue]) -> Statement {
        let now = now_rfc3339();
        let values = guarded.binds.iter().map(|bind| match bind {
            Bind::Param(i) => params[*i].to_bind().unwrap_or_else(|| Option::<String>::None.into()),
            Bind::NewId => new_id().into(),
            Bind::NewIdPrefix => new_id_prefix(NEW_ID_PREFIX_CHARS).into(),
            Bind::Now => now.clone().into(),
        });
        let backend = match self.storage.backend() {
            Backend::Sqlite => DbBackend::Sqlite,
            Backend::Postgres => DbBackend::Postgres,
        };
        Statement::from_sql_and_values(backend, guarded.sql.clone(), values)
    }

    /// Runs `statements` in order in one transaction (a savepoint of the
    /// install's `session` when there is one); on PostgreSQL under the
    /// module's role for this tenant, with the database enforcing the
    /// timeout. An error carries the position of the statement that failed.
    async fn in_transaction(
        &self,
        caller: TableCaller<'_>,
        session: Option<&DatabaseTransaction>,
        statements: Vec<(Arc<GuardedStatement>, Statement)>,
    ) -> Result<Vec<SqlOutcome>, (usize, SqlError)> {
        let database = |e| (0, SqlError::database(e));
        let tx = match session {
            Some(outer) => outer.begin().await,
            None => self.storage.connection().begin().await,
        }
        .map_err(database)?;
        let postgres = self.storage.backend() == Backend::Postgres;
        if postgres {
            let role = module_role(self.storage.database_name(), caller.module, caller.tenant);
            tx.execute_unprepared(&format!(
                "SET LOCAL ROLE \"{role}\"; SET LOCAL statement_timeout = {}",
                self.limits.timeout.as_millis()
            ))
            .await
            .map_err(database)?;
        }
        let mut outcomes = Vec::with_capacity(statements.len());
        for (i, (guarded, statement)) in statements.into_iter().enumerate() {
            outcomes.push(self.execute(&tx, &guarded, statement).await.map_err(|e| (i, e))?);
        }
        if postgres && session.is_some() {
            // SET LOCAL outlives a released savepoint: hand the install
            // transaction back as the host's own user.
            tx.execute_unprepared("RESET ROLE; RESET statement_timeout")
                .await
                .map_err(database)?;
        }
        tx.commit().await.map_err(database)?;
        Ok(outcomes)
    }

    async fn execute<C: ConnectionTrait + StreamTrait>(
        &self,
        conn: &C,
        guarded: &GuardedStatement,
        statement: Statement,
    ) -> Result<SqlOutcome, SqlError> {
        execute_on(conn, &self.limits, guarded, statement).await
    }
}

/// Runs one guarded statement on `conn` within the row and byte limits.
async fn execute_on<C: ConnectionTrait + StreamTrait>(
    conn: &C,
    limits: &SqlLimits,
    guarded: &GuardedStatement,
    statement: Statement,
) -> Result<SqlOutcome, SqlError> {
    if !guarded.returns_rows {
        let done = conn.execute_raw(statement).await.map_err(SqlError::database)?;
        return Ok(SqlOutcome::Affected(done.rows_affected()));
    }
    let stream = conn.stream_raw(statement).await.map_err(SqlError::database)?;
    let mut stream = std::pin::pin!(stream);
    let mut rows = SqlRows::default();
    let mut bytes = 0usize;
    while let Some(row) = stream.next().await {
        let row = row.map_err(SqlError::database)?;
        if rows.rows.len() == limits.max_rows {
            return Err(SqlError::new(
                SqlErrorCode::Invalid,
                format!("the query returns more than {} rows; add a LIMIT", limits.max_rows),
            ));
        }
        if rows.columns.is_empty() {
            rows.columns = row.column_names();
        }
        let values = decode_row(&row).map_err(|u| {
            SqlError::new(
                SqlErrorCode::Invalid,
                format!(
                    "column {} has type {}, which modules cannot receive; CAST it to INTEGER, REAL, TEXT or BLOB",
                    u.column, u.type_name
                ),
            )
        })?;
        bytes += values.iter().map(SqlValue::size).sum::<usize>();
        if bytes > limits.max_result_bytes {
            return Err(SqlError::new(
                SqlErrorCode::Invalid,
                format!(
                    "the query returns more than {} bytes; select fewer columns or rows",
                    limits.max_result_bytes
                ),
            ));
        }
        rows.rows.push(values);
    }
    Ok(SqlOutcome::Rows(rows))
}

/// The declared tables and their columns, for the cache key: the guard's
/// verdict depends on both (an upgrade that adds a column must not meet a
/// cached "unknown column").
fn tables_key(tables: &[TableDecl]) -> String {
    tables
        .iter()
        .map(|t| {
            let columns: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
            format!("{}({})", t.name, columns.join(","))
        })
        .collect::<Vec<_>>()
        .join(";")
}

impl std::fmt::Debug for ModuleTables {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModuleTables")
            .field("backend", &self.storage.backend())
            .field("limits", &self.limits)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use modgate_manifest::{ColumnDecl, ColumnType, TableDecl};

    use super::tables_key;

    fn table(name: &str, columns: &[&str]) -> TableDecl {
        TableDecl {
            name: name.to_owned(),
            suffix: name.to_owned(),
            columns: columns
                .iter()
                .map(|c| ColumnDecl { name: (*c).to_owned(), ty: ColumnType::Text, nullable: true, unique: false })
                .collect(),
            indexes: Vec::new(),
        }
    }

    #[test]
    fn the_cache_key_names_every_table_and_column_in_order() {
        let tables = [table("mod_w_items", &["id", "note"]), table("mod_w_tags", &["tag"])];
        assert_eq!(tables_key(&tables), "mod_w_items(id,note);mod_w_tags(tag)");
        assert_eq!(tables_key(&[table("mod_w_items", &[])]), "mod_w_items()");
        assert_eq!(tables_key(&[]), "");
        // An upgrade that adds a column changes the key.
        assert_ne!(tables_key(&tables[..1]), tables_key(&[table("mod_w_items", &["id", "note", "added"])]));
    }
}
