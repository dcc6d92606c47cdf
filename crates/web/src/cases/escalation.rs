//! Overdue cases escalate to the community head: once per case, as an event on its timeline;
//! the head's home page lists them. Checked at start and then every few minutes.

use super::worker::Worker;
use crate::clock;
use crate::server::Shared;
use quanke_domain::OrgPath;
use quanke_store::cases;
use std::time::Duration;

const EVERY: Duration = Duration::from_secs(600);

/// Escalates every overdue case not yet escalated; returns how many.
pub async fn run_once(st: &Shared) -> anyhow::Result<usize> {
    let today = clock::today();
    let overdue = cases::overdue_unescalated(&st.db, &today).await?;
    let mut n = 0;
    for case in overdue {
        let by = Worker::system("系统", OrgPath::from_stored(case.community_path.clone()));
        let note = format!(
            "已逾期（应于 {} 办结），已提醒社区负责人督办",
            case.due_on.as_deref().unwrap_or("")
        );
        if cases::mark_escalated(&st.db, case.id, &note, &by.actor()).await? {
            n += 1;
        }
    }
    Ok(n)
}

/// The background loop the server starts.
pub fn spawn(st: Shared) {
    tokio::spawn(async move {
        loop {
            match run_once(&st).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(cases = n, "overdue cases escalated"),
                Err(e) => tracing::warn!(error = %e, "overdue escalation failed"),
            }
            // The planner's statistics follow the case base as it grows (see `Db::optimize`).
            if let Err(e) = st.db.optimize().await {
                tracing::warn!(error = %e, "database optimize failed");
            }
            tokio::time::sleep(EVERY).await;
        }
    });
}
