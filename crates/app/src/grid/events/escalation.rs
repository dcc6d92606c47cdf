//! Overdue events escalate to the community head, once each, beside the cases (the sweep in
//! `cases::escalation`).

use crate::grid::GridResult;
use quanke_domain::calendar::Day;
use quanke_domain::event::EventState;
use quanke_store::Db;
use quanke_store::grid::events;

/// Events escalated per transaction, as cases are.
const ESCALATION_BATCH: i64 = 200;

/// Escalates every overdue event not yet escalated to the community head (once per event, as a
/// step on its timeline); returns how many. Run by the escalation sweep beside the cases.
pub async fn escalate_overdue(db: &Db, today: Day, now: i64) -> GridResult<usize> {
    let mut total = 0;
    loop {
        let batch = events::overdue_unescalated(db, today, ESCALATION_BATCH).await?;
        let notes: Vec<(i64, EventState, String)> = batch
            .iter()
            .map(|e| {
                let due = e.due_day.clone().unwrap_or_default();
                let note = format!("已超期（应于 {due} 前处置反馈），已提醒社区负责人督办");
                (e.id, e.state, note)
            })
            .collect();
        let marked = events::mark_escalated(db, &notes, today, now).await?;
        total += marked;
        if batch.len() < ESCALATION_BATCH as usize || marked == 0 {
            return Ok(total);
        }
    }
}
