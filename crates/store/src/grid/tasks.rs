//! Follow-ups (跟进事项): what a visit found that must be done by a day. Written with their visit
//! (`visits::record_batch`); read as a worker's open list and a subject's history; marked done
//! once.

use crate::db::{with_pool, with_write_turn};
use crate::{Db, Result};
use quanke_domain::OrgPath;
use quanke_domain::calendar::Day;
use quanke_domain::grid::{Subject, SubjectKind};
use sqlx::FromRow;

/// A follow-up asked for on a visit form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUp {
    pub title: String,
    pub due: Day,
}

/// Inserts the follow-up of the visit just written (`$1` its id); the subject is the visit's
/// first, and the visiting worker does it.
pub(crate) const INSERT: &str = "INSERT INTO grid_tasks (visit_id, community_path, org_path, \
     subject_kind, subject_id, title, due_day, assignee_id, created_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";

/// One follow-up as lists show it.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct TaskRow {
    pub id: i64,
    pub visit_id: i64,
    #[sqlx(try_from = "String")]
    pub org_path: OrgPath,
    pub subject_kind: String,
    pub subject_id: i64,
    pub title: String,
    #[sqlx(try_from = "String")]
    pub due_day: Day,
    pub assignee_id: i64,
    pub assignee_name: String,
    pub done_at: Option<i64>,
    pub done_note: String,
}

impl TaskRow {
    /// The subject the follow-up concerns (a kind the table does not know is never written).
    pub fn subject(&self) -> Option<Subject> {
        let kind: SubjectKind = self.subject_kind.parse().ok()?;
        Some(Subject {
            kind,
            id: self.subject_id,
        })
    }
}

const COLUMNS: &str = "t.id, t.visit_id, t.org_path, t.subject_kind, t.subject_id, t.title, \
     t.due_day, t.assignee_id, u.display_name AS assignee_name, t.done_at, t.done_note \
     FROM grid_tasks t JOIN users u ON u.id = t.assignee_id";

/// The open follow-ups assigned to `worker`, the earliest due first.
pub async fn open_for(db: &Db, worker: i64, limit: i64) -> Result<Vec<TaskRow>> {
    let sql = format!(
        "SELECT {COLUMNS} WHERE t.assignee_id = $1 AND t.done_at IS NULL \
         ORDER BY t.due_day, t.id LIMIT $2"
    );
    Ok(with_pool!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
        sql.as_str()
    ))
    .bind(worker)
    .bind(limit)
    .fetch_all(p)
    .await?))
}

/// The follow-ups of `subject`, the open ones first, then the newest.
pub async fn of_subject(db: &Db, subject: Subject, limit: i64) -> Result<Vec<TaskRow>> {
    let sql = format!(
        "SELECT {COLUMNS} WHERE t.subject_kind = $1 AND t.subject_id = $2 \
         ORDER BY t.done_at IS NOT NULL, t.due_day DESC, t.id DESC LIMIT $3"
    );
    Ok(with_pool!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
        sql.as_str()
    ))
    .bind(subject.kind.code())
    .bind(subject.id)
    .bind(limit)
    .fetch_all(p)
    .await?))
}

/// One follow-up by id, when its place lies within `within`.
pub async fn within(db: &Db, id: i64, within: &OrgPath) -> Result<Option<TaskRow>> {
    let sql = format!("SELECT {COLUMNS} WHERE t.id = $1 AND t.org_path >= $2 AND t.org_path < $3");
    Ok(with_pool!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
        sql.as_str()
    ))
    .bind(id)
    .bind(within.as_str())
    .bind(within.subtree_end())
    .fetch_optional(p)
    .await?))
}

/// Marks a follow-up done by `by` with `note`; false when it was done already (the first
/// completion stands).
pub async fn complete(db: &Db, id: i64, by: i64, note: &str, now: i64) -> Result<bool> {
    let sql = "UPDATE grid_tasks SET done_at = $1, done_by = $2, done_note = $3 \
               WHERE id = $4 AND done_at IS NULL";
    let done = with_write_turn!(db, |tx| {
        let done = sqlx::query(sql)
            .bind(now)
            .bind(by)
            .bind(note)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        tx.commit().await?;
        done
    });
    Ok(done == 1)
}
