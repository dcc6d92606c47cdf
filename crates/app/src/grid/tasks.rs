//! Follow-ups (跟进事项): asked for on a visit (any channel), listed for the worker who does them
//! and on the subject's page, marked done by that worker or the community head.

use super::visits::described_within;
use super::{GridError, GridResult};
use crate::cases::Worker;
use quanke_domain::calendar::{BadDay, Day};
use quanke_domain::grid::Subject;
use quanke_domain::{Role, limits};
use quanke_store::Db;
use quanke_store::grid::tasks::{self, FollowUp, TaskRow};
use time::Duration;

/// Follow-ups shown on one list; a worker with more finishes some first.
const SHOWN: i64 = 50;
/// How far after the visit a follow-up may be due.
pub const LATEST_DUE_DAYS: i64 = 366;

/// A visit form's follow-up checked: none when no title is given; a title needs a due day
/// between the visit's day and a year after it.
pub fn checked_follow_up(title: &str, due: &str, visited: Day) -> GridResult<Option<FollowUp>> {
    let (title, due) = (title.trim(), due.trim());
    if title.is_empty() {
        return match due.is_empty() {
            true => Ok(None),
            false => Err(refused("填写了完成期限，请同时填写跟进事项")),
        };
    }
    limits::FOLLOW_UP
        .check(title)
        .map_err(|e| GridError::Refused(e.to_string()))?;
    if due.is_empty() {
        return Err(refused("请填写跟进事项的完成期限"));
    }
    let due: Day = due
        .parse()
        .map_err(|e: BadDay| GridError::Refused(format!("完成期限{e}")))?;
    if due < visited {
        return Err(refused("完成期限不能早于走访日期"));
    }
    if due.date() > visited.date() + Duration::days(LATEST_DUE_DAYS) {
        return Err(refused("完成期限应在走访后一年之内"));
    }
    Ok(Some(FollowUp {
        title: title.to_string(),
        due,
    }))
}

fn refused(message: &str) -> GridError {
    GridError::Refused(message.to_string())
}

/// A follow-up with the name or address of what it concerns.
#[derive(Debug, Clone)]
pub struct Listed {
    pub row: TaskRow,
    pub label: String,
}

/// The open follow-ups of `worker` within their part of the org tree (one left behind in a
/// community they no longer serve is its head's to reassign, not theirs to read).
pub async fn mine(db: &Db, worker: &Worker) -> GridResult<Vec<Listed>> {
    let mut out = Vec::new();
    for row in open_in_scope(db, worker).await? {
        let label = match row.subject() {
            Some(subject) => described_within(db, &worker.org, subject)
                .await
                .map_or_else(|_| "（已不在本辖区）".to_string(), |(label, _)| label),
            None => String::new(),
        };
        out.push(Listed { row, label });
    }
    Ok(out)
}

/// How many open follow-ups `worker` has within their scope (up to a list's length), and how
/// many of them are past their day: the home page's figures.
pub async fn mine_counted(db: &Db, worker: &Worker) -> GridResult<(usize, usize)> {
    let open = open_in_scope(db, worker).await?;
    let late = open.iter().filter(|t| t.due_day < worker.today).count();
    Ok((open.len(), late))
}

/// The open follow-ups assigned to `worker` that lie within their scope, the earliest due
/// first (up to a list's length).
async fn open_in_scope(db: &Db, worker: &Worker) -> GridResult<Vec<TaskRow>> {
    let Some(id) = worker.id else {
        return Ok(Vec::new());
    };
    let mut rows = tasks::open_for(db, id, SHOWN).await?;
    rows.retain(|t| worker.org.contains(&t.org_path));
    Ok(rows)
}

/// Whether `worker` may close `task` (while it is open): it is theirs, or they head the
/// community.
pub fn may_close(worker: &Worker, task: &TaskRow) -> bool {
    worker.id == Some(task.assignee_id) || worker.role == Some(Role::CommunityHead)
}

/// The follow-ups of `subject`; outside the reader's scope it is "not found".
pub async fn of_subject(db: &Db, reader: &Worker, subject: Subject) -> GridResult<Vec<TaskRow>> {
    described_within(db, &reader.org, subject).await?;
    Ok(tasks::of_subject(db, subject, SHOWN).await?)
}

/// Marks a follow-up done with what was done. Outside the worker's scope it is "not found";
/// only the worker it is assigned to or the community head may close it, once.
pub async fn complete(db: &Db, worker: &Worker, id: i64, note: &str) -> GridResult<()> {
    let task = tasks::within(db, id, &worker.org)
        .await?
        .ok_or(GridError::NotFound("跟进事项"))?;
    let by = worker
        .id
        .ok_or(GridError::Forbidden("跟进事项须由工作人员办结"))?;
    if !may_close(worker, &task) {
        return Err(GridError::Forbidden(
            "只有负责的工作人员或社区负责人可以办结跟进事项",
        ));
    }
    limits::NOTE
        .named("办理情况")
        .check(note)
        .map_err(|e| GridError::Refused(e.to_string()))?;
    if !tasks::complete(db, id, by, note.trim(), worker.now).await? {
        return Err(refused("这项跟进事项已经办结"));
    }
    Ok(())
}
