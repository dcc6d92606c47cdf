//! Background jobs that must run once per deployment, not once per server process (the
//! escalation of overdue cases): before each run a process asks for the job's lead, and only
//! the one that gets it runs. On PostgreSQL the lead is a session advisory lock held on a
//! connection of its own, so it ends when the run ends or the process dies. SQLite is served by
//! one process, which always leads.

use crate::{Db, Result};
use sqlx::pool::PoolConnection;
use sqlx::{Connection, Postgres};

/// The jobs that take a lead; the number is the advisory lock's key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    Escalation = 0x5155_0001,
}

/// The lead of one run; dropping it lets another process lead the next run.
pub struct Lead {
    held: Option<PoolConnection<Postgres>>,
}

impl Drop for Lead {
    fn drop(&mut self) {
        // Closing the session releases its advisory locks; a connection handed back to the pool
        // would keep holding them.
        if let Some(conn) = self.held.take() {
            let conn = conn.detach();
            tokio::spawn(async move {
                let _ = conn.close().await;
            });
        }
    }
}

/// The lead of `job` when no other process holds it.
pub async fn try_lead(db: &Db, job: Job) -> Result<Option<Lead>> {
    let Db::Pg(p) = db else {
        return Ok(Some(Lead { held: None }));
    };
    let mut conn = p.acquire().await?;
    let (got,): (bool,) = sqlx::query_as("SELECT pg_try_advisory_lock($1)")
        .bind(job as i64)
        .fetch_one(&mut *conn)
        .await?;
    if got {
        Ok(Some(Lead { held: Some(conn) }))
    } else {
        Ok(None)
    }
}
