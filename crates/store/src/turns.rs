//! The SQLite connection of its own that the busy writes take turns on (see `SqliteDb`).
//!
//! It is held behind a fair lock rather than in a one-connection sqlx pool: the pool tests a
//! connection each time it is given back (a round trip to the connection's thread, in a task
//! spawned for it) and wakes the next waiter only after that, so every intake batch paid for
//! two more hand-offs between threads than its statements need, and every pooled read one.
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

use crate::db::{BUSY_TIMEOUT, SQLITE_SETTINGS, stale_statistics};
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

/// Turns between two checkpoints beside the writer: a turn writes some 30 to 60 pages to the
/// log, so each copies a few hundred pages, and the writer's own checkpoint finds about that
/// much left (every 32 turns it found four times as much, and the tail was longer).
pub(crate) const TURNS_PER_CHECKPOINT: u32 = 8;

/// Pages of log past which the writer checkpoints in its own turn (64 MB; SQLite's default is
/// 1,000 pages). Each such checkpoint holds every intake behind two fsyncs; at 4,000 pages
/// intake met several a second at 1,000,000 cases. The log's index is searched one
/// 4,096-frame segment after another, so a log of hundreds of thousands of pages slows every
/// read (400,000 pages gave a p99 of 150-220 ms).
pub(crate) const WRITER_CHECKPOINT_PAGES: i64 = 16000;

#[derive(Debug)]
pub(crate) struct Turns {
    options: SqliteConnectOptions,
    slot: Mutex<Slot>,
    /// The turns checkpoint the log beside them.
    checkpoints: Checkpoints,
}

#[derive(Debug)]
struct Checkpoints {
    /// The readers' pool, where the checkpoints run.
    pool: SqlitePool,
    since: AtomicU32,
    running: Arc<AtomicBool>,
}

/// Statements prepared on the connection outside sqlx kept between turns (the case writer's
/// batches of each size, a few statements each).
const DIRECT_STATEMENTS: usize = 256;

#[derive(Debug)]
enum Slot {
    Open(Open),
    /// Closed to be opened again with fresh statistics (by the next turn, if opening failed).
    Idle,
    /// The database was closed: no more turns.
    Closed,
}

#[derive(Debug)]
struct Open {
    /// A connection of its own for the statements run outside sqlx (see `Turn::direct`),
    /// opened at first use; the turn serializes its writes with `conn`'s. It was `conn`'s own
    /// handle, taken from sqlx's thread for each turn: that hand-off cost the case writer
    /// 15 µs a case (bench/cases/compare.sh), a sixth of its turn.
    direct: Option<rusqlite::Connection>,
    path: std::path::PathBuf,
    conn: SqliteConnection,
    /// When it was opened: a connection keeps the planner statistics it was opened with.
    opened: Instant,
}

impl Open {
    fn new(conn: SqliteConnection, path: &std::path::Path) -> Open {
        Open {
            conn,
            path: path.to_path_buf(),
            direct: None,
            opened: Instant::now(),
        }
    }

    /// Closes both connections.
    async fn close(mut self) {
        drop(self.direct.take());
        // Its errors on closing change nothing: the connection is not used again.
        let _ = self.conn.close().await;
    }
}

/// A writer's turn: the connection, its own until the turn is dropped.
pub(crate) struct Turn<'a>(MutexGuard<'a, Slot>);

/// The turn's connection outside sqlx: statements run on it here, on the caller's thread,
/// without a hand-off each.
pub(crate) struct Direct<'a> {
    conn: &'a mut rusqlite::Connection,
}
impl Turns {
    /// The writers' connection, opened now so that a bad file fails at start rather than at the
    /// first write; `pool` is the database's other connections, where checkpoints run.
    pub(crate) async fn for_writes(
        options: SqliteConnectOptions,
        pool: SqlitePool,
    ) -> Result<Turns> {
        let pages = WRITER_CHECKPOINT_PAGES.to_string();
        let options = options.pragma("wal_autocheckpoint", pages);
        let checkpoints = Checkpoints {
            pool,
            since: AtomicU32::new(0),
            running: Arc::new(AtomicBool::new(false)),
        };
        let conn = options.connect().await?;
        let open = Open::new(conn, options.get_filename());
        Ok(Turns {
            options,
            slot: Mutex::new(Slot::Open(open)),
            checkpoints,
        })
    }

    /// Waits for the turn (first come, first served). A connection opened before the planner's
    /// statistics were last refreshed is opened again, as the pools do with theirs.
    pub(crate) async fn take(&self) -> Result<Turn<'_>> {
        let mut slot = tokio::time::timeout(TURN_WAIT, self.slot.lock())
            .await
            .map_err(|_| StoreError::Db(sqlx::Error::PoolTimedOut))?;
        let stale = matches!(&*slot, Slot::Open(open) if stale_statistics(open.opened.elapsed()));
        if stale && let Slot::Open(open) = std::mem::replace(&mut *slot, Slot::Idle) {
            open.close().await;
        }
        match &*slot {
            Slot::Open(..) => {}
            Slot::Idle => {
                let conn = self.options.connect().await?;
                *slot = Slot::Open(Open::new(conn, self.options.get_filename()));
            }
            Slot::Closed => return Err(StoreError::Db(sqlx::Error::PoolClosed)),
        }
        self.checkpoints.count_turn();
        Ok(Turn(slot))
    }

    /// Waits for the turn in progress, then closes the connection for good.
    pub(crate) async fn close(&self) {
        let mut slot = self.slot.lock().await;
        if let Slot::Open(open) = std::mem::replace(&mut *slot, Slot::Closed) {
            open.close().await;
        }
    }
}

impl Checkpoints {
    /// Starts a checkpoint beside the writer when enough turns were taken since the last one
    /// and none is running.
    fn count_turn(&self) {
        let turns = self.since.fetch_add(1, Ordering::Relaxed) + 1;
        if turns < TURNS_PER_CHECKPOINT || self.running.swap(true, Ordering::AcqRel) {
            return;
        }
        self.since.store(0, Ordering::Relaxed);
        let (pool, running) = (self.pool.clone(), self.running.clone());
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
}

impl Turn<'_> {
    /// The connection for statements run here (see `statement::Run`).
    pub(crate) fn direct(&mut self) -> Result<Direct<'_>> {
        let Slot::Open(Open { direct, path, .. }) = &mut *self.0 else {
            unreachable!("a turn is only given with an open connection")
        };
        if direct.is_none() {
            *direct = Some(open_direct(path)?);
        }
        let conn = direct.as_mut().expect("made above");
        // A turn dropped between its BEGIN and its end (its task cancelled) left the
        // transaction open: it ends here, unwritten, before anything else runs on it.
        if !conn.is_autocommit() {
            conn.execute_batch("ROLLBACK")?;
        }
        Ok(Direct { conn })
    }
}

impl Direct<'_> {
    /// Begins a transaction that holds SQLite's write lock. While another connection holds
    /// it (a pooled write, another server in the tests), this waits without blocking the
    /// thread: SQLite's own busy handler would sleep on the caller's thread, which is one of
    /// the runtime's few and may be the one the other writer needs to finish.
    pub(crate) async fn begin(&mut self) -> Result<()> {
        let started = Instant::now();
        loop {
            self.conn.busy_timeout(Duration::ZERO)?;
            let begun = self.conn.execute_batch("BEGIN IMMEDIATE");
            self.conn.busy_timeout(BUSY_TIMEOUT)?;
            match begun {
                Err(e)
                    if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy)
                        && started.elapsed() < BUSY_TIMEOUT =>
                {
                    tokio::time::sleep(Duration::from_millis(1)).await;
                }
                done => return Ok(done?),
            }
        }
    }
}

impl Deref for Direct<'_> {
    type Target = rusqlite::Connection;

    fn deref(&self) -> &rusqlite::Connection {
        self.conn
    }
}

impl DerefMut for Direct<'_> {
    fn deref_mut(&mut self) -> &mut rusqlite::Connection {
        self.conn
    }
}

impl Deref for Turn<'_> {
    type Target = SqliteConnection;

    fn deref(&self) -> &SqliteConnection {
        match &*self.0 {
            Slot::Open(open) => &open.conn,
            _ => unreachable!("a turn is only given with an open connection"),
        }
    }
}

impl DerefMut for Turn<'_> {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        match &mut *self.0 {
            Slot::Open(open) => &mut open.conn,
            _ => unreachable!("a turn is only given with an open connection"),
        }
    }
}

/// The direct connection, set as sqlx's are (`SQLITE_SETTINGS`, and the writer's checkpoint).
fn open_direct(path: &std::path::Path) -> Result<rusqlite::Connection> {
    // Its log appends are written once per commit (`wal_append`).
    let flags = rusqlite::OpenFlags::default();
    let conn = match crate::wal_append::name() {
        Some(vfs) => rusqlite::Connection::open_with_flags_and_vfs(path, flags, vfs)?,
        None => rusqlite::Connection::open_with_flags(path, flags)?,
    };
    conn.busy_timeout(BUSY_TIMEOUT)?;
    for (name, value) in SQLITE_SETTINGS {
        conn.pragma_update(None, name, value)?;
    }
    conn.pragma_update(None, "wal_autocheckpoint", WRITER_CHECKPOINT_PAGES)?;
    conn.set_prepared_statement_cache_capacity(DIRECT_STATEMENTS);
    Ok(conn)
}
