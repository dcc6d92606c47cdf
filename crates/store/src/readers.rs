//! SQLite connections outside sqlx for the point reads every request makes (its API token, the
//! applicant by ID number, see `grouped`; the applicant's open cases of the item).
//!
//! sqlx runs each SQLite connection on a thread of its own: a statement is a hand-off to that
//! thread and a wake-up back, and the grouped reads added a hand-off to their reading task and
//! one back to the request. A point read is a few microseconds of SQLite's work, less than the
//! hand-offs, so these connections are plain SQLite handles used on the caller's thread. The
//! statement runs to its end without yielding, so each runtime thread holds at most one of
//! them at a time and the set stays as small as the runtime. In WAL mode a reader neither
//! waits for the writer nor holds it up, and each statement sees every commit made before it
//! began.

use crate::db::{BUSY_TIMEOUT, stale_statistics};
use crate::{Result, StoreError};
use std::ops::{Deref, DerefMut};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Instant;

/// Prepared statements kept per connection: the reads by one to `grouped::MAX_KEYS` keys.
const STATEMENTS: usize = 32;

#[derive(Debug)]
pub(crate) struct Readers {
    path: PathBuf,
    /// Connections not in use; None once the database is closed.
    idle: Mutex<Option<Vec<Idle>>>,
}

#[derive(Debug)]
struct Idle {
    conn: rusqlite::Connection,
    /// A connection keeps the planner's statistics it was opened with.
    opened: Instant,
}

/// A connection taken from `Readers`, given back when dropped.
pub(crate) struct Reader<'a> {
    readers: &'a Readers,
    held: Option<Idle>,
}

impl Readers {
    /// Readers of the database file at `path` (opened when first needed).
    pub(crate) fn new(path: PathBuf) -> Readers {
        Readers {
            path,
            idle: Mutex::new(Some(Vec::new())),
        }
    }

    /// An idle connection opened since the statistics were last refreshed, or a new one.
    pub(crate) fn take(&self) -> Result<Reader<'_>> {
        let fresh = {
            let mut idle = self.lock();
            let idle = idle
                .as_mut()
                .ok_or(StoreError::Db(sqlx::Error::PoolClosed))?;
            idle.retain(|c| !stale_statistics(c.opened.elapsed()));
            idle.pop()
        };
        let held = match fresh {
            Some(c) => c,
            None => self.open()?,
        };
        Ok(Reader {
            readers: self,
            held: Some(held),
        })
    }

    fn open(&self) -> Result<Idle> {
        let conn = rusqlite::Connection::open(&self.path)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // These connections only read; a mistake that writes fails instead.
        conn.execute_batch("PRAGMA query_only = ON")?;
        conn.set_prepared_statement_cache_capacity(STATEMENTS);
        Ok(Idle {
            conn,
            opened: Instant::now(),
        })
    }

    /// Closes the idle connections; those in use close when given back, and no more are given.
    pub(crate) fn close(&self) {
        self.lock().take();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Vec<Idle>>> {
        self.idle.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Drop for Reader<'_> {
    fn drop(&mut self) {
        if let (Some(held), Some(idle)) = (self.held.take(), self.readers.lock().as_mut()) {
            idle.push(held);
        }
    }
}

impl Deref for Reader<'_> {
    type Target = rusqlite::Connection;

    fn deref(&self) -> &rusqlite::Connection {
        &self.held.as_ref().expect("held until dropped").conn
    }
}

impl DerefMut for Reader<'_> {
    fn deref_mut(&mut self) -> &mut rusqlite::Connection {
        &mut self.held.as_mut().expect("held until dropped").conn
    }
}
