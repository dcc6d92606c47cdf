//! Visits (走访): recorded once whatever how often a phone sends them, each with the subjects it
//! reached, and each subject's last visit per purpose kept beside them.

use crate::db::{with_pool, with_write_turn};
use crate::{Db, Result};
use quanke_domain::OrgPath;
use quanke_domain::calendar::Day;
use quanke_domain::grid::{Subject, SubjectKind};
use sqlx::FromRow;

/// A subject as the visit reached it: where it is, and whether the worker named it or it was
/// reached as a member of a named household.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reached {
    pub subject: Subject,
    pub org_path: OrgPath,
    pub named: bool,
}

/// A visit to record, checked by the caller (scope, purposes, subjects).
#[derive(Debug, Clone)]
pub struct NewVisit {
    /// The sender's idempotency key, already scoped to the sender.
    pub key: String,
    pub community_path: OrgPath,
    pub day: Day,
    pub minutes: i64,
    pub worker_id: i64,
    pub purposes: Vec<String>,
    pub findings: String,
    pub sensitive: bool,
    pub recorded_at: i64,
    pub reached: Vec<Reached>,
}

/// What recording did: the visit's id, and whether it is new or was sent before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recorded {
    pub id: i64,
    pub fresh: bool,
}

/// Records `visit` unless a visit with its key exists, in which case that one is returned. The
/// visit, its subjects and their last visits are written together or not at all.
pub async fn record(db: &Db, visit: &NewVisit) -> Result<Recorded> {
    let insert = "INSERT INTO grid_visits (visit_key, community_path, day, minutes, worker_id, \
                  purposes, findings, sensitive, recorded_at) \
                  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                  ON CONFLICT (visit_key) DO NOTHING RETURNING id";
    let subject = "INSERT INTO grid_visit_subjects (visit_id, kind, subject_id, org_path, day, named) \
                   VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING";
    // A visit sent late (offline for days) never moves a last visit back; the place is always
    // the subject's place now.
    let last = "INSERT INTO grid_last_visits (kind, subject_id, purpose, day, org_path) \
                VALUES ($1, $2, $3, $4, $5) ON CONFLICT (kind, subject_id, purpose) DO UPDATE \
                SET day = CASE WHEN excluded.day > grid_last_visits.day THEN excluded.day \
                ELSE grid_last_visits.day END, org_path = excluded.org_path";
    let day = visit.day.to_string();
    let recorded = with_write_turn!(db, |tx| {
        let id: Option<i64> = sqlx::query_scalar(insert)
            .bind(&visit.key)
            .bind(visit.community_path.as_str())
            .bind(&day)
            .bind(visit.minutes)
            .bind(visit.worker_id)
            .bind(visit.purposes.join(" "))
            .bind(&visit.findings)
            .bind(visit.sensitive)
            .bind(visit.recorded_at)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(id) = id else {
            let id = sqlx::query_scalar("SELECT id FROM grid_visits WHERE visit_key = $1")
                .bind(&visit.key)
                .fetch_one(&mut *tx)
                .await?;
            tx.rollback().await?;
            return Ok(Recorded { id, fresh: false });
        };
        for r in &visit.reached {
            sqlx::query(subject)
                .bind(id)
                .bind(r.subject.kind.code())
                .bind(r.subject.id)
                .bind(r.org_path.as_str())
                .bind(&day)
                .bind(r.named)
                .execute(&mut *tx)
                .await?;
            for purpose in &visit.purposes {
                sqlx::query(last)
                    .bind(r.subject.kind.code())
                    .bind(r.subject.id)
                    .bind(purpose)
                    .bind(&day)
                    .bind(r.org_path.as_str())
                    .execute(&mut *tx)
                    .await?;
            }
        }
        tx.commit().await?;
        Recorded { id, fresh: true }
    });
    Ok(recorded)
}

/// One visit as a subject's timeline and the worker's list show it.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct VisitRow {
    pub id: i64,
    #[sqlx(try_from = "String")]
    pub day: Day,
    pub minutes: i64,
    pub worker_id: i64,
    pub worker_name: String,
    pub purposes: String,
    pub findings: String,
    pub sensitive: bool,
    #[sqlx(try_from = "String")]
    pub community_path: OrgPath,
    /// Whether the subject was named (false: reached as a member of a visited household).
    pub named: bool,
}

impl VisitRow {
    pub fn purpose_codes(&self) -> impl Iterator<Item = &str> {
        self.purposes.split_whitespace()
    }
}

/// The visits that reached `subject`, the newest first.
pub async fn timeline(db: &Db, subject: Subject, limit: i64) -> Result<Vec<VisitRow>> {
    let sql = "SELECT v.id, v.day, v.minutes, v.worker_id, u.display_name AS worker_name, \
               v.purposes, v.findings, v.sensitive, v.community_path, s.named \
               FROM grid_visit_subjects s JOIN grid_visits v ON v.id = s.visit_id \
               JOIN users u ON u.id = v.worker_id \
               WHERE s.kind = $1 AND s.subject_id = $2 \
               ORDER BY s.day DESC, v.id DESC LIMIT $3";
    Ok(with_pool!(db, |p| sqlx::query_as(sql)
        .bind(subject.kind.code())
        .bind(subject.id)
        .bind(limit)
        .fetch_all(p)
        .await?))
}

/// One visit by id, when its community lies within `within`.
pub async fn visit_within(db: &Db, id: i64, within: &OrgPath) -> Result<Option<VisitRow>> {
    let sql = "SELECT v.id, v.day, v.minutes, v.worker_id, u.display_name AS worker_name, \
               v.purposes, v.findings, v.sensitive, v.community_path, TRUE AS named \
               FROM grid_visits v JOIN users u ON u.id = v.worker_id \
               WHERE v.id = $1 AND v.community_path >= $2 AND v.community_path < $3";
    Ok(with_pool!(db, |p| sqlx::query_as(sql)
        .bind(id)
        .bind(within.as_str())
        .bind(within.subtree_end())
        .fetch_optional(p)
        .await?))
}

/// The subjects a visit reached (named ones first).
pub async fn reached(db: &Db, visit_id: i64) -> Result<Vec<(SubjectKind, i64, bool)>> {
    let sql = "SELECT kind, subject_id, named FROM grid_visit_subjects WHERE visit_id = $1 \
               ORDER BY named DESC, kind, subject_id";
    let rows: Vec<(String, i64, bool)> = with_pool!(db, |p| sqlx::query_as(sql)
        .bind(visit_id)
        .fetch_all(p)
        .await?);
    Ok(rows
        .into_iter()
        .filter_map(|(kind, id, named)| Some((kind.parse().ok()?, id, named)))
        .collect())
}

/// Where `subject` is now, or `None` when the registry has no such subject (or, for a person,
/// no longer an active one: the moved-out and the dead are not visited).
pub async fn place_of(db: &Db, subject: Subject) -> Result<Option<OrgPath>> {
    Ok(described(db, subject).await?.map(|(_, path)| path))
}

/// What `subject` is called (a person's name, a household's address or number, a business's
/// name, a dwelling's address) and where it is; `None` as for `place_of`.
pub async fn described(db: &Db, subject: Subject) -> Result<Option<(String, OrgPath)>> {
    let sql = match subject.kind {
        SubjectKind::Resident => {
            "SELECT name, org_path FROM registry_residents WHERE id = $1 AND status = 'active'"
        }
        SubjectKind::Household => {
            "SELECT COALESCE(d.address, '户号 ' || h.number), h.org_path \
             FROM registry_households h LEFT JOIN registry_dwellings d ON d.id = h.dwelling_id \
             WHERE h.id = $1"
        }
        SubjectKind::Dwelling => "SELECT address, org_path FROM registry_dwellings WHERE id = $1",
        SubjectKind::Business => "SELECT name, org_path FROM registry_businesses WHERE id = $1",
    };
    let row: Option<(String, String)> = with_pool!(db, |p| sqlx::query_as(sql)
        .bind(subject.id)
        .fetch_optional(p)
        .await?);
    Ok(row.map(|(label, path)| (label, OrgPath::from_stored(path))))
}

/// The active members of a household with their places: whom a visit to it reaches.
pub async fn members(db: &Db, household_id: i64) -> Result<Vec<(i64, OrgPath)>> {
    let sql = "SELECT id, org_path FROM registry_residents \
               WHERE household_id = $1 AND status = 'active' ORDER BY id";
    let rows: Vec<(i64, String)> = with_pool!(db, |p| sqlx::query_as(sql)
        .bind(household_id)
        .fetch_all(p)
        .await?);
    Ok(rows
        .into_iter()
        .map(|(id, path)| (id, OrgPath::from_stored(path)))
        .collect())
}
