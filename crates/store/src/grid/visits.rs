//! Visits (走访): recorded once whatever how often a phone sends them, each with the subjects it
//! reached, and each subject's last visit per purpose kept beside them.

use super::purpose_sets;
use super::tasks::{self, FollowUp};
use crate::db::{with_pool, with_write_turn};
use crate::{Backend, Db, Result};
use quanke_domain::OrgPath;
use quanke_domain::calendar::Day;
use quanke_domain::grid::{ANY_PURPOSE, Subject, SubjectKind};
use sqlx::AssertSqlSafe;
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
    /// What must be done after it, by a day: concerns the first subject, done by the worker.
    pub follow_up: Option<FollowUp>,
}

/// What recording did: the visit's id, and whether it is new or was sent before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recorded {
    pub id: i64,
    pub fresh: bool,
}

/// Records `visit` unless a visit with its key exists, in which case that one is returned. The
/// visit, its subjects, their last visits and its follow-up are written together or not at all.
pub async fn record(db: &Db, visit: &NewVisit) -> Result<Recorded> {
    let recorded = record_batch(db, std::slice::from_ref(visit)).await?;
    Ok(recorded[0])
}

/// Records several visits in one transaction (a phone's queue sent at once): each as `record`
/// does, all or none.
pub async fn record_batch(db: &Db, batch: &[NewVisit]) -> Result<Vec<Recorded>> {
    let backend = db.backend();
    let out = with_write_turn!(db, |tx| {
        let sets: Vec<(String, String)> = sqlx::query_as(purpose_sets::KEPT)
            .fetch_all(&mut *tx)
            .await?;
        let mut out = Vec::with_capacity(batch.len());
        for visit in batch {
            let id: Option<i64> = sqlx::query_scalar(INSERT_VISIT)
                .bind(&visit.key)
                .bind(visit.community_path.as_str())
                .bind(visit.day.to_string())
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
                out.push(Recorded { id, fresh: false });
                continue;
            };
            if let (Some(task), Some(first)) = (&visit.follow_up, visit.reached.first()) {
                sqlx::query(tasks::INSERT)
                    .bind(id)
                    .bind(visit.community_path.as_str())
                    .bind(first.org_path.as_str())
                    .bind(first.subject.kind.code())
                    .bind(first.subject.id)
                    .bind(&task.title)
                    .bind(task.due.to_string())
                    .bind(visit.worker_id)
                    .bind(visit.recorded_at)
                    .execute(&mut *tx)
                    .await?;
            }
            if visit.reached.is_empty() {
                out.push(Recorded { id, fresh: true });
                continue;
            }
            let keys = last_visit_keys(visit, &sets);
            let (subjects, last) = reached_sql(backend, visit, keys.len());
            let mut q = sqlx::query(AssertSqlSafe(subjects));
            for r in &visit.reached {
                q = q
                    .bind(id)
                    .bind(r.subject.kind.code())
                    .bind(r.subject.id)
                    .bind(r.org_path.as_str())
                    .bind(visit.day.to_string())
                    .bind(r.named);
            }
            q.execute(&mut *tx).await?;
            let mut q = sqlx::query(AssertSqlSafe(last));
            for r in &visit.reached {
                for key in &keys {
                    q = q
                        .bind(r.subject.kind.code())
                        .bind(r.subject.id)
                        .bind(*key)
                        .bind(visit.day.to_string())
                        .bind(r.org_path.as_str());
                }
            }
            q.execute(&mut *tx).await?;
            out.push(Recorded { id, fresh: true });
        }
        tx.commit().await?;
        out
    });
    Ok(out)
}

const INSERT_VISIT: &str = "INSERT INTO grid_visits (visit_key, community_path, day, minutes, \
     worker_id, purposes, findings, sensitive, recorded_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (visit_key) DO NOTHING RETURNING id";

/// The keys of the last-visit rows a visit updates for each subject it reached: each of its
/// purposes, any purpose (migration 0028), and each kept purpose set holding one of them (0031).
fn last_visit_keys<'a>(visit: &'a NewVisit, sets: &'a [(String, String)]) -> Vec<&'a str> {
    let mut keys: Vec<&str> = visit.purposes.iter().map(String::as_str).collect();
    keys.push(ANY_PURPOSE);
    keys.extend(purpose_sets::keys_for(sets, &visit.purposes));
    keys
}

/// The statements writing a visit's subjects and their last visits: one row per subject, and
/// per subject one for each of `keys` last-visit keys. A visit sent late (offline for days)
/// never moves a last visit back; the place is always the subject's place now.
fn reached_sql(backend: Backend, visit: &NewVisit, keys: usize) -> (String, String) {
    let n = visit.reached.len();
    let subjects = format!(
        "INSERT INTO grid_visit_subjects (visit_id, kind, subject_id, org_path, day, named) \
         VALUES {} ON CONFLICT DO NOTHING",
        backend.placeholders(0, n, 6)
    );
    let last = format!(
        "INSERT INTO grid_last_visits (kind, subject_id, purpose, day, org_path) VALUES {} \
         ON CONFLICT (kind, subject_id, purpose) DO UPDATE \
         SET day = CASE WHEN excluded.day > grid_last_visits.day THEN excluded.day \
         ELSE grid_last_visits.day END, org_path = excluded.org_path",
        backend.placeholders(0, n * keys, 5)
    );
    (subjects, last)
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

/// The other active members of a person's household, with their names and places, in id order:
/// whom the visit form offers to record as met at the same visit.
pub async fn housemates(db: &Db, resident_id: i64) -> Result<Vec<(i64, String, OrgPath)>> {
    let sql = "SELECT o.id, o.name, o.org_path FROM registry_residents r \
               JOIN registry_residents o ON o.household_id = r.household_id \
               WHERE r.id = $1 AND o.id <> r.id AND o.status = 'active' ORDER BY o.id";
    let rows: Vec<(i64, String, String)> = with_pool!(db, |p| sqlx::query_as(sql)
        .bind(resident_id)
        .fetch_all(p)
        .await?);
    Ok(rows
        .into_iter()
        .map(|(id, name, path)| (id, name, OrgPath::from_stored(path)))
        .collect())
}

/// A household with its place and its active members with theirs: whom a visit to it reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HouseholdMembers {
    pub id: i64,
    pub org_path: OrgPath,
    pub members: Vec<(i64, OrgPath)>,
}

/// Every household within `within` with its active members, in id order (a campaign's or a
/// round's households, read at once rather than one household at a time).
pub async fn households_within(db: &Db, within: &OrgPath) -> Result<Vec<HouseholdMembers>> {
    let sql = "SELECT h.id, h.org_path, r.id, r.org_path FROM registry_households h \
               LEFT JOIN registry_residents r ON r.household_id = h.id AND r.status = 'active' \
               WHERE h.org_path >= $1 AND h.org_path < $2 ORDER BY h.id, r.id";
    let rows: Vec<(i64, String, Option<i64>, Option<String>)> = with_pool!(db, |p| {
        sqlx::query_as(sql)
            .bind(within.as_str())
            .bind(within.subtree_end())
            .fetch_all(p)
            .await?
    });
    let mut out: Vec<HouseholdMembers> = Vec::new();
    for (id, path, member, member_path) in rows {
        if out.last().is_none_or(|h| h.id != id) {
            out.push(HouseholdMembers {
                id,
                org_path: OrgPath::from_stored(path),
                members: Vec::new(),
            });
        }
        if let (Some(m), Some(p), Some(h)) = (member, member_path, out.last_mut()) {
            h.members.push((m, OrgPath::from_stored(p)));
        }
    }
    Ok(out)
}
