//! Opening the database and migrating the core tables.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use sea_orm::{
    AccessMode, ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr,
    IsolationLevel, SqliteTransactionMode, TransactionOptions, TransactionTrait,
};
use sea_orm_migration::MigratorTrait;

use super::migrations::Migrator;
use super::changes::Changes;
use super::{Backend, StorageError};

/// The SQLite file inside a data directory.
pub const DATABASE_FILE: &str = "modgate.db";

/// This process's turn to write, held until it drops; `None` on PostgreSQL
/// (see [`Storage::write_turn`]).
pub type WriteTurn<'a> = Option<tokio::sync::MutexGuard<'a, ()>>;

/// The host's database: cheap to clone (a pool handle).
#[derive(Clone, Debug)]
pub struct Storage {
    db: DatabaseConnection,
    backend: Backend,
    /// This process's turn to write, on SQLite (see [`Storage::write_turn`]).
    writes: Arc<tokio::sync::Mutex<()>>,
    /// Distinguishes this database among others on the same PostgreSQL
    /// server (roles are server-wide); empty on SQLite.
    database_name: String,
    /// Other processes' changes, announced through the database.
    changes: Changes,
}

impl Storage {
    /// Opens (creating on first start) the embedded SQLite database in
    /// `data_dir`, in WAL mode, and migrates it.
    pub async fn open_data_dir(data_dir: &Path) -> Result<Self, StorageError> {
        std::fs::create_dir_all(data_dir).map_err(|source| StorageError::DataDir {
            path: data_dir.to_owned(),
            source,
        })?;
        let file = data_dir.join(DATABASE_FILE);
        Self::connect(&format!("sqlite://{}?mode=rwc", file.display())).await
    }

    /// Connects to `sqlite://…` or `postgres://…` and migrates the core tables.
    pub async fn connect(url: &str) -> Result<Self, StorageError> {
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(StorageError::UnsupportedUrl {
                url: redact_password(url),
            });
        };
        let mut options = ConnectOptions::new(url.to_owned());
        options
            .sqlx_logging(false)
            .connect_timeout(Duration::from_secs(10))
            .acquire_timeout(Duration::from_secs(10));
        if backend == Backend::Sqlite {
            // One writer at a time anyway; WAL lets readers run beside it.
            // `synchronous = NORMAL` (SQLite's advice for WAL): a commit is
            // in the WAL before it returns, so it survives the process
            // dying at any point; only an OS crash or power loss may lose
            // the last commits (never corrupt the file). FULL would fsync
            // every commit and cap the outbox at a few hundred writes/s.
            options.max_connections(16).map_sqlx_sqlite_opts(|o| {
                o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                    .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                    .busy_timeout(Duration::from_secs(5))
                    .foreign_keys(true)
            });
        } else {
            options.max_connections(16);
        }
        let db = Database::connect(options)
            .await
            .map_err(StorageError::db(format!("connecting to {}", redact_password(url))))?;
        let database_name = match backend {
            Backend::Sqlite => String::new(),
            Backend::Postgres => {
                let row = db
                    .query_one_raw(sea_orm::Statement::from_string(
                        DbBackend::Postgres,
                        "SELECT current_database()",
                    ))
                    .await
                    .map_err(StorageError::db("reading the database name"))?;
                row.and_then(|r| r.try_get_by_index::<String>(0).ok()).unwrap_or_default()
            }
        };
        migrate(&db, backend).await?;
        let changes = Changes::new((backend == Backend::Postgres).then(|| db.get_postgres_connection_pool().clone()));
        Ok(Storage {
            db,
            backend,
            writes: Arc::new(tokio::sync::Mutex::new(())),
            database_name,
            changes,
        })
    }

    /// The connection pool.
    pub fn connection(&self) -> &DatabaseConnection {
        &self.db
    }

    /// On SQLite, waits for this process's turn to write and holds it until
    /// the guard drops; on PostgreSQL, `None` at once. SQLite has one writer
    /// at a time: writers that meet in the database wait in its busy
    /// handler, which sleeps in steps of milliseconds; queueing them here
    /// first costs microseconds. For the host's own short writes (module
    /// statements, event deliveries) and its transactions that read before
    /// they write ([`Storage::begin_write`]), never around code that waits
    /// for another write of this process.
    pub async fn write_turn(&self) -> WriteTurn<'_> {
        match self.backend {
            Backend::Sqlite => Some(self.writes.lock().await),
            Backend::Postgres => None,
        }
    }

    /// Takes this process's write turn, then starts a transaction that
    /// holds SQLite's write lock from its `BEGIN` (`BEGIN IMMEDIATE`; a
    /// plain `BEGIN` on PostgreSQL). For a transaction that reads before it
    /// writes (read the install, then change it); keep the turn until the
    /// transaction ends.
    ///
    /// A plain (deferred) SQLite transaction starts as a reader and becomes
    /// a writer at its first write. In WAL mode that upgrade does not wait
    /// in the busy handler: it fails at once with "database is locked" when
    /// another connection is writing (`SQLITE_BUSY`) or has committed since
    /// the transaction's first read (`SQLITE_BUSY_SNAPSHOT`) — which, under
    /// any write load, is most of the time. Taking the write lock at
    /// `BEGIN` does wait (in the busy handler, for writers of other
    /// processes and the host's single statements), and the turn queues it
    /// behind this process's other writers first, as they queue behind it.
    ///
    /// Held across an install's `activate`: its writes join the install's
    /// transaction and take no turn, and the install holds SQLite's write
    /// lock throughout anyway, so the turn only moves other writers' wait
    /// from the busy handler's timeout to this queue.
    pub async fn begin_write(&self) -> Result<(WriteTurn<'_>, DatabaseTransaction), DbErr> {
        let turn = self.write_turn().await;
        let options = TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..TransactionOptions::default()
        };
        let tx = self.db.begin_with_options(options).await?;
        Ok((turn, tx))
    }

    /// Starts a read-only transaction whose reads all see one snapshot of
    /// the database: for reading rows that must agree with each other (an
    /// install and its approvals) while other transactions change them.
    /// SQLite in WAL mode gives a deferred transaction its snapshot at its
    /// first read; PostgreSQL needs `REPEATABLE READ` (its default, `READ
    /// COMMITTED`, snapshots each statement alone).
    pub async fn begin_snapshot(&self) -> Result<DatabaseTransaction, DbErr> {
        match self.backend {
            Backend::Sqlite => self.db.begin().await,
            Backend::Postgres => {
                self.db
                    .begin_with_config(Some(IsolationLevel::RepeatableRead), Some(AccessMode::ReadOnly))
                    .await
            }
        }
    }

    /// Which backend this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The PostgreSQL database name (empty on SQLite).
    pub fn database_name(&self) -> &str {
        &self.database_name
    }

    /// Other processes' changes to this database, as they are announced.
    pub fn changes(&self) -> &Changes {
        &self.changes
    }
}

/// The advisory lock processes starting together on one PostgreSQL
/// database take around migrating it (any fixed number; advisory locks are
/// per database).
const MIGRATION_LOCK: i64 = 0x6d67_6d69_6772_6174; // "mgmigrat"

/// Applies pending migrations. On PostgreSQL under an advisory lock held by
/// one pooled connection, so that hosts started at once (a rolling upgrade,
/// a cluster booting) migrate one after the other: the others then find
/// nothing pending. The lock ends with the session if the process dies.
async fn migrate(db: &DatabaseConnection, backend: Backend) -> Result<(), StorageError> {
    if backend == Backend::Sqlite {
        // SQLite's own write lock already serializes migrating processes.
        return Migrator::up(db, None).await.map_err(StorageError::db("migrating the core tables"));
    }
    let locking = |e: sea_orm::sqlx::Error| StorageError::db("taking the migration lock")(DbErr::Custom(e.to_string()));
    let mut holder = db.get_postgres_connection_pool().acquire().await.map_err(locking)?;
    sea_orm::sqlx::query("SELECT pg_advisory_lock($1)")
        .bind(MIGRATION_LOCK)
        .execute(&mut *holder)
        .await
        .map_err(locking)?;
    let migrated = Migrator::up(db, None).await.map_err(StorageError::db("migrating the core tables"));
    let unlocked = sea_orm::sqlx::query("SELECT pg_advisory_unlock($1)").bind(MIGRATION_LOCK).execute(&mut *holder).await;
    if unlocked.is_err() {
        // Closing the session releases it.
        holder.close_on_drop();
    }
    migrated
}

fn redact_password(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(redact_password("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact_password("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact_password("sqlite://x.db"), "sqlite://x.db");
    }
}
