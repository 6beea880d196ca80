//! Group commit of statement batches (`tables.exec-batch`) on SQLite.
//!
//! SQLite has one writer; a batch is a transaction of a few statements, and
//! each statement, `BEGIN` and `COMMIT` is a round trip to the connection's
//! thread. Batches submitted while one is being written are written
//! together, in one transaction, by one task holding the write turn: the
//! `BEGIN`/`COMMIT` round trips are paid once per group instead of once per
//! batch (the event worker's deliveries, one ledger batch each, are the
//! case this is for). Each batch still takes effect whole or not at all:
//! when any statement of a group fails, the group is rolled back and every
//! batch of it is written again alone, so that only the failing one fails,
//! with its own error.

use std::sync::{Arc, Mutex};

use sea_orm::{Statement, TransactionTrait};
use tokio::sync::{mpsc, oneshot};

use super::{SqlError, SqlErrorCode, SqlLimits, execute_on};
use crate::storage::Storage;
use crate::storage::sql_guard::GuardedStatement;
use crate::sync::lock;

/// Most batches written in one transaction.
const MAX_GROUP: usize = 64;

/// A batch's statements, guarded and bound.
pub(super) type Bound = Vec<(Arc<GuardedStatement>, Statement)>;

/// What a batch came to: each statement's affected rows, or the position
/// and error of the statement that failed.
pub(super) type Outcome = Result<Vec<u64>, (usize, SqlError)>;

struct Job {
    statements: Bound,
    reply: oneshot::Sender<Outcome>,
}

/// The group committer of one database.
pub(super) struct GroupCommit {
    storage: Storage,
    limits: SqlLimits,
    jobs: Mutex<Option<mpsc::UnboundedSender<Job>>>,
}

impl GroupCommit {
    pub fn new(storage: Storage, limits: SqlLimits) -> Self {
        GroupCommit {
            storage,
            limits,
            jobs: Mutex::new(None),
        }
    }

    /// Writes `statements` atomically, in a transaction shared with the
    /// batches submitted meanwhile.
    pub async fn run(&self, statements: Bound) -> Outcome {
        let (reply, answer) = oneshot::channel();
        let job = Job { statements, reply };
        // The committer is started on first use; should it be gone (its
        // thread could not start), a new one is started.
        let rejected = {
            let mut jobs = lock(&self.jobs);
            let sender = jobs.get_or_insert_with(|| self.start());
            match sender.send(job) {
                Ok(()) => None,
                Err(mpsc::error::SendError(job)) => {
                    let sender = jobs.insert(self.start());
                    sender.send(job).err().map(|e| e.0)
                }
            }
        };
        if let Some(job) = rejected {
            return write_alone(&self.storage, &self.limits, job.statements).await;
        }
        answer.await.unwrap_or_else(|_| {
            // The committer stopped with this batch in hand: whether it was
            // written is unknown.
            Err((0, SqlError::new(SqlErrorCode::Timeout, "the batch's outcome is unknown: the host was shutting down; retry")))
        })
    }

    /// Starts the committer on a thread of its own (with a one-thread
    /// runtime): its round trips to the database are the single writer's
    /// critical path, and on the shared runtime each one would wait for a
    /// worker thread busy running guests. It ends when this `GroupCommit`
    /// (the only sender) is dropped.
    fn start(&self) -> mpsc::UnboundedSender<Job> {
        let (sender, receiver) = mpsc::unbounded_channel();
        let (storage, limits) = (self.storage.clone(), self.limits);
        let started = std::thread::Builder::new().name("modgate-group-commit".into()).spawn(move || {
            match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                Ok(runtime) => runtime.block_on(commit_groups(storage, limits, receiver)),
                Err(e) => tracing::error!("the group committer could not start: {e}"),
            }
        });
        if let Err(e) = started {
            tracing::error!("the group committer could not start: {e}");
        }
        sender
    }
}

async fn commit_groups(storage: Storage, limits: SqlLimits, mut jobs: mpsc::UnboundedReceiver<Job>) {
    let mut group = Vec::with_capacity(MAX_GROUP);
    while jobs.recv_many(&mut group, MAX_GROUP).await > 0 {
        let _turn = storage.write_turn().await;
        // What arrived while this task waited for its turn joins the group.
        if group.len() < MAX_GROUP {
            while let Ok(job) = jobs.try_recv() {
                group.push(job);
                if group.len() == MAX_GROUP {
                    break;
                }
            }
        }
        if group.len() > 1
            && let Ok(Ok(outcomes)) = tokio::time::timeout(limits.timeout, write_group(&storage, &limits, &group)).await
        {
            for (job, outcome) in group.drain(..).zip(outcomes) {
                let _ = job.reply.send(Ok(outcome));
            }
            continue;
        }
        for job in group.drain(..) {
            let outcome = write_alone(&storage, &limits, job.statements).await;
            let _ = job.reply.send(outcome);
        }
    }
}

/// Every batch of `group` in one transaction; the first failure fails it all.
async fn write_group(storage: &Storage, limits: &SqlLimits, group: &[Job]) -> Result<Vec<Vec<u64>>, SqlError> {
    let tx = storage.connection().begin().await.map_err(SqlError::database)?;
    let mut outcomes = Vec::with_capacity(group.len());
    for job in group {
        let mut affected = Vec::with_capacity(job.statements.len());
        for (guarded, statement) in &job.statements {
            affected.push(execute_on(&tx, limits, guarded, statement.clone()).await?.rows_affected());
        }
        outcomes.push(affected);
    }
    tx.commit().await.map_err(SqlError::database)?;
    Ok(outcomes)
}

/// One batch in its own transaction, within the time limit.
async fn write_alone(storage: &Storage, limits: &SqlLimits, statements: Bound) -> Outcome {
    let work = async {
        let tx = storage.connection().begin().await.map_err(|e| (0, SqlError::database(e)))?;
        let mut affected = Vec::with_capacity(statements.len());
        for (i, (guarded, statement)) in statements.into_iter().enumerate() {
            let outcome = execute_on(&tx, limits, &guarded, statement).await.map_err(|e| (i, e))?;
            affected.push(outcome.rows_affected());
        }
        tx.commit().await.map_err(|e| (0, SqlError::database(e)))?;
        Ok(affected)
    };
    match tokio::time::timeout(limits.timeout, work).await {
        Ok(outcome) => outcome,
        Err(_) => Err((
            0,
            SqlError::new(
                SqlErrorCode::Timeout,
                format!("the batch did not finish within {} ms", limits.timeout.as_millis()),
            ),
        )),
    }
}
