//! Cases as Open311 GeoReport service requests and their updates. These lists are public, so
//! they select only what a request may show: never the applicant, the resident or the worker.

use crate::cases::Origin;
use crate::db::with_pool;
use crate::limits::{self, push_limit};
use crate::{Db, Result};
use quanke_domain::calendar::Day;
use quanke_domain::case::State;
use sqlx::{FromRow, QueryBuilder};

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct ServiceRequest {
    /// The case number, Open311's service_request_id.
    pub number: String,
    pub item_code: String,
    #[sqlx(try_from = "String")]
    pub state: State,
    pub channel: String,
    pub community_name: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub due_on: Option<Day>,
    /// The note the case was opened with (an Open311 partner's description and location).
    pub opening_note: String,
    /// The note of the latest change of state after opening, if there was one.
    pub last_move_note: Option<String>,
}

/// Which requests to list.
#[derive(Debug, Clone, Default)]
pub struct Filter<'a> {
    /// Opened at or after this Unix time.
    pub from: i64,
    /// Opened at or before this Unix time.
    pub to: i64,
    pub item_code: Option<&'a str>,
    /// Only closed (true) or only open (false) requests, when set.
    pub closed: Option<bool>,
    pub limit: i64,
}

macro_rules! select_requests {
    () => {
        "SELECT c.number, c.item_code, c.state, c.channel, o.name AS community_name, \
         c.created_at, c.updated_at, c.due_on, \
         COALESCE((SELECT e.note FROM case_events e WHERE e.case_id = c.id \
                   ORDER BY e.id LIMIT 1), '') AS opening_note, \
         (SELECT e.note FROM case_events e WHERE e.case_id = c.id AND e.from_state <> '' \
          AND e.from_state <> e.to_state ORDER BY e.id DESC LIMIT 1) AS last_move_note \
         FROM cases c LEFT JOIN orgs o ON o.path = c.community_path "
    };
}

/// The requests matching `f`, the newest first. Only the filters given are in the SQL (a
/// catch-all `$n IS NULL OR …` would keep the planner from the index that answers it).
pub async fn list(db: &Db, f: &Filter<'_>) -> Result<Vec<ServiceRequest>> {
    // GeoReport's "closed" is a decided matter (`State::is_decided`).
    let closed = State::ALL
        .into_iter()
        .filter(|s| s.is_decided())
        .map(|s| format!("'{}'", s.code()))
        .collect::<Vec<_>>()
        .join(", ");
    Ok(with_pool!(db, |p| {
        let mut q = QueryBuilder::new(select_requests!());
        q.push(" WHERE c.created_at >= ")
            .push_bind(f.from)
            .push(" AND c.created_at <= ")
            .push_bind(f.to);
        if let Some(item) = f.item_code {
            q.push(" AND c.item_code = ").push_bind(item.to_string());
        }
        match f.closed {
            Some(true) => q.push(format!(" AND c.state IN ({closed})")),
            Some(false) => q.push(format!(" AND c.state NOT IN ({closed})")),
            None => &mut q,
        };
        q.push(" ORDER BY c.created_at DESC, c.id DESC");
        push_limit!(q, limits::bound(db.backend()), f.limit);
        q.build_query_as().fetch_all(p).await?
    }))
}

/// The request with this case number, if there is one.
pub async fn by_number(db: &Db, number: &str) -> Result<Option<ServiceRequest>> {
    let sql = concat!(select_requests!(), "WHERE c.number = $1");
    Ok(with_pool!(db, |p| sqlx::query_as(sql)
        .bind(number)
        .fetch_optional(p)
        .await?))
}

/// One event of a case, as an update of its request.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct Update {
    pub id: i64,
    pub number: String,
    pub at: i64,
    #[sqlx(try_from = "String")]
    pub from_state: Origin,
    #[sqlx(try_from = "String")]
    pub to_state: State,
    pub action: String,
    pub note: String,
}

impl Update {
    /// Whether this update changed the request's state.
    pub fn moved(&self) -> bool {
        self.from_state.moved_to(self.to_state)
    }
}

/// The events between two Unix times (inclusive), the oldest first, so that a client polling
/// with a limit can go on from the last one it got.
pub async fn updates(db: &Db, from: i64, to: i64, limit: i64) -> Result<Vec<Update>> {
    let sql = format!(
        "SELECT e.id, c.number, e.at, e.from_state, e.to_state, e.action, e.note \
         FROM case_events e JOIN cases c ON c.id = e.case_id \
         WHERE e.at >= $1 AND e.at <= $2 ORDER BY e.id LIMIT {}",
        limits::count(db.backend(), "$3", limit),
    );
    Ok(with_pool!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
        sql.clone()
    ))
    .bind(from)
    .bind(to)
    .bind(limit)
    .fetch_all(p)
    .await?))
}
