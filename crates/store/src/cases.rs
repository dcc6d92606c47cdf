//! Cases (办件): creation with a day-numbered case number and an idempotency key, state changes
//! that append events and refuse a stale state, and the event history.

use sqlx::FromRow;

use crate::db::with_pool;
use crate::{Db, Result, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct Case {
    pub id: i64,
    pub number: String,
    pub community_path: String,
    pub item_code: String,
    pub item_version: i64,
    pub resident_id: Option<i64>,
    pub applicant_name: String,
    pub applicant_phone: String,
    pub channel: String,
    pub state: String,
    pub promised_days: i64,
    pub assignee_id: Option<i64>,
    pub created_by: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct Event {
    pub at: i64,
    pub on_day: String,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub from_state: String,
    pub to_state: String,
    pub action: String,
    pub note: String,
}

/// Who acts, and when (Unix seconds and the Beijing day, YYYY-MM-DD).
pub struct Actor<'a> {
    pub id: Option<i64>,
    pub name: &'a str,
    pub now: i64,
    pub today: &'a str,
}

pub struct NewCase<'a> {
    pub community_path: &'a str,
    /// The community's code, the case number's prefix.
    pub community_code: &'a str,
    pub item_code: &'a str,
    pub item_version: i64,
    pub resident_id: Option<i64>,
    pub applicant_name: &'a str,
    pub applicant_phone: &'a str,
    /// desk, portal, grid, phone or open311.
    pub channel: &'a str,
    /// The state the case starts in (a state code) and the action that put it there.
    pub state: &'a str,
    pub action: &'a str,
    pub note: &'a str,
    pub promised_days: i64,
    pub idempotency_key: Option<&'a str>,
}

macro_rules! select_cases {
    () => {
        "SELECT id, number, community_path, item_code, item_version, resident_id, \
         applicant_name, applicant_phone, channel, state, promised_days, assignee_id, \
         created_by, created_at, updated_at FROM cases "
    };
}

/// Creates a case, or returns the one already created with the same idempotency key; the flag
/// says whether this call created it.
pub async fn create(db: &Db, c: &NewCase<'_>, by: &Actor<'_>) -> Result<(Case, bool)> {
    if let Some(key) = c.idempotency_key
        && let Some(existing) = by_key(db, key).await?
    {
        return Ok((existing, false));
    }
    match insert(db, c, by).await {
        Ok(id) => Ok((get(db, id).await?, true)),
        // A double submit racing this one won: its case is the answer.
        Err(StoreError::Conflict(_)) if c.idempotency_key.is_some() => {
            let key = c.idempotency_key.unwrap_or_default();
            let existing = by_key(db, key).await?.ok_or(StoreError::NotFound)?;
            Ok((existing, false))
        }
        Err(e) => Err(e),
    }
}

async fn insert(db: &Db, c: &NewCase<'_>, by: &Actor<'_>) -> Result<i64> {
    let id = with_pool!(db, |pool| {
        let mut tx = pool.begin().await?;
        let (seq,): (i64,) = sqlx::query_as(
            "INSERT INTO case_counters (community_path, day, last) VALUES ($1, $2, 1) \
             ON CONFLICT (community_path, day) DO UPDATE SET last = case_counters.last + 1 \
             RETURNING last",
        )
        .bind(c.community_path)
        .bind(by.today)
        .fetch_one(&mut *tx)
        .await?;
        let number = case_number(c.community_code, by.today, seq);
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO cases (number, community_path, item_code, item_version, resident_id, \
             applicant_name, applicant_phone, channel, state, promised_days, created_by, \
             created_at, updated_at, idempotency_key) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13) RETURNING id",
        )
        .bind(&number)
        .bind(c.community_path)
        .bind(c.item_code)
        .bind(c.item_version)
        .bind(c.resident_id)
        .bind(c.applicant_name)
        .bind(c.applicant_phone)
        .bind(c.channel)
        .bind(c.state)
        .bind(c.promised_days)
        .bind(by.id)
        .bind(by.now)
        .bind(c.idempotency_key)
        .fetch_one(&mut *tx)
        .await?;
        insert_event!(tx, id, by, "", c.state, c.action, c.note);
        tx.commit().await?;
        id
    });
    Ok(id)
}

macro_rules! insert_event {
    ($tx:ident, $case:expr, $by:expr, $from:expr, $to:expr, $action:expr, $note:expr) => {
        sqlx::query(
            "INSERT INTO case_events (case_id, at, on_day, actor_id, actor_name, from_state, \
             to_state, action, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind($case)
        .bind($by.now)
        .bind($by.today)
        .bind($by.id)
        .bind($by.name)
        .bind($from)
        .bind($to)
        .bind($action)
        .bind($note)
        .execute(&mut *$tx)
        .await?
    };
}
use insert_event;

/// "MYQ-20261128-0007".
fn case_number(community_code: &str, day: &str, seq: i64) -> String {
    format!("{community_code}-{}-{seq:04}", day.replace('-', ""))
}

pub async fn get(db: &Db, id: i64) -> Result<Case> {
    let sql = concat!(select_cases!(), "WHERE id = $1");
    Ok(with_pool!(db, |p| sqlx::query_as(sql)
        .bind(id)
        .fetch_one(p)
        .await?))
}

pub async fn by_number(db: &Db, number: &str) -> Result<Case> {
    let sql = concat!(select_cases!(), "WHERE number = $1");
    Ok(with_pool!(db, |p| sqlx::query_as(sql)
        .bind(number)
        .fetch_one(p)
        .await?))
}

async fn by_key(db: &Db, key: &str) -> Result<Option<Case>> {
    let sql = concat!(select_cases!(), "WHERE idempotency_key = $1");
    Ok(with_pool!(db, |p| sqlx::query_as(sql)
        .bind(key)
        .fetch_optional(p)
        .await?))
}

/// Moves a case from `from` to `to` (state codes; the caller has checked the lifecycle) and
/// appends the event. Refused with `Conflict` when the case is no longer in `from`: someone
/// else acted first, and the worker must see the case as it is now.
pub async fn transition(
    db: &Db,
    case_id: i64,
    from: &str,
    to: &str,
    action: &str,
    note: &str,
    by: &Actor<'_>,
) -> Result<()> {
    with_pool!(db, |pool| {
        let mut tx = pool.begin().await?;
        let moved = sqlx::query(
            "UPDATE cases SET state = $1, updated_at = $2 WHERE id = $3 AND state = $4",
        )
        .bind(to)
        .bind(by.now)
        .bind(case_id)
        .bind(from)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if moved == 0 {
            tx.rollback().await?;
            return Err(StoreError::Conflict(format!(
                "case {case_id} is not in {from}"
            )));
        }
        insert_event!(tx, case_id, by, from, to, action, note);
        tx.commit().await?;
    });
    Ok(())
}

/// The case's history, oldest first.
pub async fn events(db: &Db, case_id: i64) -> Result<Vec<Event>> {
    let sql = "SELECT at, on_day, actor_id, actor_name, from_state, to_state, action, note \
               FROM case_events WHERE case_id = $1 ORDER BY id";
    Ok(with_pool!(db, |p| sqlx::query_as(sql)
        .bind(case_id)
        .fetch_all(p)
        .await?))
}
