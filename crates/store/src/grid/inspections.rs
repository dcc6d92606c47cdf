//! Inspections (检查): a checklist answered point by point for a business or a dwelling, stored
//! once per key with its answers; the 整改 event a failed one opened, and the re-inspections of it.

use crate::db::{with_pool, with_write_turn};
use crate::{Db, Result};
use quanke_domain::OrgPath;
use quanke_domain::calendar::Day;
use quanke_domain::grid::{Answer, Subject, SubjectKind};
use sqlx::FromRow;

/// An inspection checked by the application.
#[derive(Debug, Clone)]
pub struct NewInspection {
    pub key: String,
    pub community_path: OrgPath,
    pub org_path: OrgPath,
    pub checklist: String,
    pub subject: Subject,
    pub inspector_id: i64,
    pub day: Day,
    /// (point code, answer, note), every point of the checklist once.
    pub answers: Vec<(String, Answer, String)>,
    pub note: String,
    /// The open 整改 event of the same subject and checklist this inspection re-checks.
    pub rechecked_event: Option<i64>,
    pub at: i64,
}

impl NewInspection {
    pub fn failed(&self) -> usize {
        self.answers
            .iter()
            .filter(|(_, a, _)| *a == Answer::Fail)
            .count()
    }
}

/// What recording did: the inspection's id, and whether it is new or was sent before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Inspected {
    pub id: i64,
    pub fresh: bool,
}

const INSERT: &str = "INSERT INTO grid_inspections (idem_key, community_path, org_path, \
     checklist, subject_kind, subject_id, inspector_id, day, failed, note, rechecked_event, \
     recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
     ON CONFLICT (idem_key) DO NOTHING RETURNING id";
const ANSWER: &str = "INSERT INTO grid_inspection_answers (inspection_id, point, answer, note) \
     VALUES ($1, $2, $3, $4)";

/// Stores `inspection` with its answers, or returns the one stored under its key before.
pub async fn record(db: &Db, inspection: &NewInspection) -> Result<Inspected> {
    let failed = i64::try_from(inspection.failed()).unwrap_or(i64::MAX);
    let done = with_write_turn!(db, |tx| {
        let id: Option<i64> = sqlx::query_scalar(INSERT)
            .bind(&inspection.key)
            .bind(inspection.community_path.as_str())
            .bind(inspection.org_path.as_str())
            .bind(&inspection.checklist)
            .bind(inspection.subject.kind.code())
            .bind(inspection.subject.id)
            .bind(inspection.inspector_id)
            .bind(inspection.day.to_string())
            .bind(failed)
            .bind(&inspection.note)
            .bind(inspection.rechecked_event)
            .bind(inspection.at)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(id) = id else {
            let id = sqlx::query_scalar("SELECT id FROM grid_inspections WHERE idem_key = $1")
                .bind(&inspection.key)
                .fetch_one(&mut *tx)
                .await?;
            return Ok(Inspected { id, fresh: false });
        };
        for (point, answer, note) in &inspection.answers {
            sqlx::query(ANSWER)
                .bind(id)
                .bind(point)
                .bind(answer.code())
                .bind(note)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Inspected { id, fresh: true }
    });
    Ok(done)
}

/// Records that inspection `id` opened the 整改 event `event`.
pub async fn set_opened(db: &Db, id: i64, event: i64) -> Result<()> {
    let sql = "UPDATE grid_inspections SET opened_event = $1 WHERE id = $2";
    with_write_turn!(db, |tx| {
        sqlx::query(sql)
            .bind(event)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
    });
    Ok(())
}

/// The open 整改 event an earlier inspection of `subject` under `checklist` opened, if any.
pub async fn open_rectification(db: &Db, subject: Subject, checklist: &str) -> Result<Option<i64>> {
    let sql = "SELECT i.opened_event FROM grid_inspections i \
               JOIN grid_events e ON e.id = i.opened_event \
               WHERE i.subject_kind = $1 AND i.subject_id = $2 AND i.checklist = $3 \
               AND e.closed_at IS NULL ORDER BY i.id DESC LIMIT 1";
    Ok(with_pool!(db, |p| sqlx::query_scalar(sql)
        .bind(subject.kind.code())
        .bind(subject.id)
        .bind(checklist)
        .fetch_optional(p)
        .await?))
}

/// Whether a re-inspection of the 整改 event `event` found nothing failed.
pub async fn recheck_passed(db: &Db, event: i64) -> Result<bool> {
    let sql = "SELECT COUNT(*) FROM grid_inspections WHERE rechecked_event = $1 AND failed = 0";
    let n: i64 = with_pool!(db, |p| sqlx::query_scalar(sql)
        .bind(event)
        .fetch_one(p)
        .await?);
    Ok(n > 0)
}

/// One inspection as lists show it.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct InspectionRow {
    pub id: i64,
    #[sqlx(try_from = "String")]
    pub org_path: OrgPath,
    pub checklist: String,
    pub subject_kind: String,
    pub subject_id: i64,
    pub inspector_name: String,
    #[sqlx(try_from = "String")]
    pub day: Day,
    pub failed: i64,
    pub note: String,
    pub opened_event: Option<i64>,
    pub rechecked_event: Option<i64>,
}

impl InspectionRow {
    pub fn subject(&self) -> Option<Subject> {
        let kind: SubjectKind = self.subject_kind.parse().ok()?;
        Some(Subject {
            kind,
            id: self.subject_id,
        })
    }
}

const COLUMNS: &str = "i.id, i.org_path, i.checklist, i.subject_kind, i.subject_id, \
     u.display_name AS inspector_name, i.day, i.failed, i.note, i.opened_event, \
     i.rechecked_event FROM grid_inspections i JOIN users u ON u.id = i.inspector_id";

/// The inspections of `subject`, the newest first.
pub async fn of_subject(db: &Db, subject: Subject, limit: i64) -> Result<Vec<InspectionRow>> {
    let sql = format!(
        "SELECT {COLUMNS} WHERE i.subject_kind = $1 AND i.subject_id = $2 \
         ORDER BY i.id DESC LIMIT $3"
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

/// One inspection by id, when its place lies within `within`.
pub async fn within(db: &Db, id: i64, within: &OrgPath) -> Result<Option<InspectionRow>> {
    let sql = format!("SELECT {COLUMNS} WHERE i.id = $1 AND i.org_path >= $2 AND i.org_path < $3");
    Ok(with_pool!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
        sql.as_str()
    ))
    .bind(id)
    .bind(within.as_str())
    .bind(within.subtree_end())
    .fetch_optional(p)
    .await?))
}

/// The inspections that opened or re-checked the 整改 event `event`, the first first.
pub async fn of_event(db: &Db, event: i64) -> Result<Vec<InspectionRow>> {
    let sql = format!(
        "SELECT {COLUMNS} WHERE i.opened_event = $1 OR i.rechecked_event = $1 ORDER BY i.id"
    );
    Ok(with_pool!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
        sql.as_str()
    ))
    .bind(event)
    .fetch_all(p)
    .await?))
}

/// The answers of inspection `id`: (point, answer code, note); the checklist gives their order.
pub async fn answers(db: &Db, id: i64) -> Result<Vec<(String, String, String)>> {
    let sql = "SELECT point, answer, note FROM grid_inspection_answers WHERE inspection_id = $1";
    Ok(with_pool!(db, |p| sqlx::query_as(sql)
        .bind(id)
        .fetch_all(p)
        .await?))
}
