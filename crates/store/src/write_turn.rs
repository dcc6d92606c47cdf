//! The one SQLite connection that the busy writes take turns on (see `SqliteDb`).
//!
//! It is held behind a fair lock rather than in a one-connection sqlx pool: the pool tests a
//! connection each time it is given back (a round trip to the connection's thread, in a task
//! spawned for it) and wakes the next waiter only after that, so every intake batch paid for
//! two more hand-offs between threads than its statements need.
//!
//! The log is copied back into the database mostly beside the writer. SQLite's automatic
//! checkpoint runs in the transaction that commits past 1,000 pages, so every twentieth or so
//! intake batch also copied the log and waited for two fsyncs while every other writer queued
//! behind it. Every `TURNS_PER_CHECKPOINT` turns a passive checkpoint now runs on a pooled
//! connection (a passive checkpoint never blocks the writer). The writer still checkpoints in
//! its own turn past `WRITER_CHECKPOINT_PAGES`, finding little left to copy: only a checkpoint
//! that catches up with the writer lets the log start again from its beginning, and one beside
//! a writer that never pauses never catches up (without it the log grew to 52 GB in ten
//! minutes of intake).

use crate::db::stale_statistics;
use crate::{Result, StoreError};
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection, SqlitePool};
use sqlx::{ConnectOptions, Connection};
use std::ops::{Deref, DerefMut};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::{Mutex, MutexGuard};

/// How long a writer waits for its turn: a long queue of intake batches drains well within it.
const TURN_WAIT: Duration = Duration::from_secs(60);

/// Turns between two checkpoints: a turn writes some 30 to 60 pages to the log, so the log
/// is copied back at about the size SQLite's own automatic checkpoint keeps it to.
pub(crate) const TURNS_PER_CHECKPOINT: u32 = 32;

/// Pages of log past which the writer checkpoints in its own turn (16 MB; SQLite's default is
/// 1,000 pages).
pub(crate) const WRITER_CHECKPOINT_PAGES: i64 = 4000;

#[derive(Debug)]
pub(crate) struct WriteTurns {
    options: SqliteConnectOptions,
    slot: Mutex<Slot>,
    /// The readers' pool, where the checkpoints run.
    pool: SqlitePool,
    since_checkpoint: AtomicU32,
    checkpointing: Arc<AtomicBool>,
}

#[derive(Debug)]
enum Slot {
    /// Opened at the instant given (a connection keeps the planner statistics it was opened with).
    Open(SqliteConnection, Instant),
    /// Closed to be opened again with fresh statistics (by the next turn, if opening failed).
    Idle,
    /// The database was closed: no more turns.
    Closed,
}

/// A writer's turn: the connection, its own until the turn is dropped.
pub(crate) struct Turn<'a>(MutexGuard<'a, Slot>);

impl WriteTurns {
    /// Opens the connection, so that a bad file fails at start rather than at the first write;
    /// `pool` is the database's other connections.
    pub(crate) async fn open(
        options: SqliteConnectOptions,
        pool: SqlitePool,
    ) -> Result<WriteTurns> {
        let pages = WRITER_CHECKPOINT_PAGES.to_string();
        let options = options.pragma("wal_autocheckpoint", pages);
        let conn = options.connect().await?;
        Ok(WriteTurns {
            options,
            slot: Mutex::new(Slot::Open(conn, Instant::now())),
            pool,
            since_checkpoint: AtomicU32::new(0),
            checkpointing: Arc::new(AtomicBool::new(false)),
        })
    }

    /// Waits for the turn (first come, first served). A connection opened before the planner's
    /// statistics were last refreshed is opened again, as the pools do with theirs.
    pub(crate) async fn take(&self) -> Result<Turn<'_>> {
        let mut slot = tokio::time::timeout(TURN_WAIT, self.slot.lock())
            .await
            .map_err(|_| StoreError::Db(sqlx::Error::PoolTimedOut))?;
        let stale = matches!(&*slot, Slot::Open(_, opened) if stale_statistics(opened.elapsed()));
        if stale && let Slot::Open(conn, _) = std::mem::replace(&mut *slot, Slot::Idle) {
            // The old connection's errors on closing change nothing: a new one is opened.
            let _ = conn.close().await;
        }
        match &*slot {
            Slot::Open(..) => {}
            Slot::Idle => *slot = Slot::Open(self.options.connect().await?, Instant::now()),
            Slot::Closed => return Err(StoreError::Db(sqlx::Error::PoolClosed)),
        }
        self.count_turn();
        Ok(Turn(slot))
    }

    /// Starts a checkpoint beside the writer when enough turns were taken since the last one
    /// and none is running.
    fn count_turn(&self) {
        let turns = self.since_checkpoint.fetch_add(1, Ordering::Relaxed) + 1;
        if turns < TURNS_PER_CHECKPOINT || self.checkpointing.swap(true, Ordering::AcqRel) {
            return;
        }
        self.since_checkpoint.store(0, Ordering::Relaxed);
        let (pool, running) = (self.pool.clone(), self.checkpointing.clone());
        tokio::spawn(async move {
            let done = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                .execute(&pool)
                .await;
            if let Err(e) = done
                && !pool.is_closed()
            {
                tracing::warn!(error = %e, "WAL checkpoint failed");
            }
            running.store(false, Ordering::Release);
        });
    }

    /// Waits for the turn in progress, then closes the connection for good.
    pub(crate) async fn close(&self) {
        let mut slot = self.slot.lock().await;
        if let Slot::Open(conn, _) = std::mem::replace(&mut *slot, Slot::Closed) {
            let _ = conn.close().await;
        }
    }
}

impl Deref for Turn<'_> {
    type Target = SqliteConnection;

    fn deref(&self) -> &SqliteConnection {
        match &*self.0 {
            Slot::Open(conn, _) => conn,
            _ => unreachable!("a turn is only given with an open connection"),
        }
    }
}

impl DerefMut for Turn<'_> {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        match &mut *self.0 {
            Slot::Open(conn, _) => conn,
            _ => unreachable!("a turn is only given with an open connection"),
        }
    }
}
