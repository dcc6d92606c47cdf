//! Overdue cases and events escalate to the community head: once each, as a step on its
//! timeline; the head's home page lists them. Checked at start and then every few minutes.

use super::worker::Worker;
use crate::clock;
use quanke_domain::OrgPath;
use quanke_store::Db;
use quanke_store::{cases, leader};
use std::time::Duration;

const EVERY: Duration = Duration::from_secs(600);

/// Cases escalated per transaction: a backlog of thousands (a long holiday) takes seconds, and
/// SQLite's writer is never held long enough for an intake to notice.
const BATCH: usize = 200;

/// Escalates every overdue case and event not yet escalated; returns how many. With several
/// server processes on one database only one runs at a time (`leader`); the others return 0.
pub async fn run_once(db: &Db) -> anyhow::Result<usize> {
    let Some(_lead) = leader::try_lead(db, leader::Job::Escalation).await? else {
        return Ok(0);
    };
    let today = clock::today();
    let overdue = cases::overdue_unescalated(db, &today).await?;
    let by = Worker::system("系统", OrgPath::from_stored(String::new()));
    let mut n = 0;
    for batch in overdue.chunks(BATCH) {
        let notes: Vec<(i64, String)> = batch
            .iter()
            .map(|case| {
                let due = case.due_on.map(|d| d.to_string()).unwrap_or_default();
                (
                    case.id,
                    format!("已逾期（应于 {due} 办结），已提醒社区负责人督办"),
                )
            })
            .collect();
        n += cases::mark_escalated(db, &notes, &by.actor()).await?.len();
    }
    let now = clock::now();
    n += crate::grid::events::escalate_overdue(db, clock::day(now), now).await?;
    Ok(n)
}

/// The background loop the server starts.
pub fn spawn(db: Db) {
    tokio::spawn(async move {
        loop {
            match run_once(&db).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(count = n, "overdue cases and events escalated"),
                Err(e) => tracing::warn!(error = %e, "overdue escalation failed"),
            }
            // The planner's statistics follow the case base as it grows (see `Db::optimize`).
            // A server shutting down closes the database under this task: nothing failed.
            if let Err(e) = db.optimize().await
                && !db.is_closed()
            {
                tracing::warn!(error = %e, "database optimize failed");
            }
            tokio::time::sleep(EVERY).await;
        }
    });
}
