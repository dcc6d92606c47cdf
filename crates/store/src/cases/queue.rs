//! Lists of cases: the work queues (mine, my team, unassigned, due soon, overdue), the API's
//! filtered list, the desk's duplicate check and the load that routing balances.

use super::Case;
use crate::db::with_pool;
use crate::{Db, Result};
use quanke_domain::OrgPath;

/// States in which a case still needs work from the office (the resident has not got the
/// result yet).
const OPEN: &str = "('received', 'awaiting_materials', 'accepted', 'in_progress', \
                    'awaiting_department', 'completed')";

/// States in which the deadline clock runs.
const RUNNING: &str = "('received', 'accepted', 'in_progress', 'awaiting_department')";

/// Which cases to list; every list stays inside `within` (an org path prefix).
#[derive(Debug, Clone, Default)]
pub struct Filter<'a> {
    pub within: &'a str,
    pub state: Option<&'a str>,
    pub open_only: bool,
    pub assignee: Option<i64>,
    pub unassigned: bool,
    pub item_code: Option<&'a str>,
    pub resident_id: Option<i64>,
    /// Cases with a running clock due on or before this day.
    pub due_by: Option<&'a str>,
    /// Cases with a running clock due on or after this day (with `due_by`: due soon).
    pub due_from: Option<&'a str>,
    /// Cases created at or after this time (Unix seconds).
    pub created_from: Option<i64>,
    /// Newest first instead of the soonest due first.
    pub newest_first: bool,
    pub limit: i64,
    pub offset: i64,
}

/// The queues a worker sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Queue {
    Mine,
    Team,
    Unassigned,
    DueSoon,
    Overdue,
}

impl Queue {
    pub const ALL: [Queue; 5] = [
        Queue::Mine,
        Queue::Team,
        Queue::Unassigned,
        Queue::DueSoon,
        Queue::Overdue,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Queue::Mine => "mine",
            Queue::Team => "team",
            Queue::Unassigned => "unassigned",
            Queue::DueSoon => "due_soon",
            Queue::Overdue => "overdue",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Queue::Mine => "我的办件",
            Queue::Team => "本团队",
            Queue::Unassigned => "待分派",
            Queue::DueSoon => "即将到期",
            Queue::Overdue => "已逾期",
        }
    }

    pub fn parse(code: &str) -> Option<Queue> {
        Queue::ALL.into_iter().find(|q| q.code() == code)
    }
}

/// The conditions of a `Filter`, on the indexed community range ($1, $12) first.
fn filtered() -> String {
    format!(
        "WHERE community_path >= $1 AND community_path < $12 \
         AND ($2 IS NULL OR state = $2) \
         AND ($3 = 0 OR state IN {OPEN}) \
         AND ($4 IS NULL OR assignee_id = $4) \
         AND ($5 = 0 OR assignee_id IS NULL) \
         AND ($6 IS NULL OR item_code = $6) \
         AND ($7 IS NULL OR resident_id = $7) \
         AND ($8 IS NULL OR (due_on <= $8 AND state IN {RUNNING})) \
         AND ($9 IS NULL OR (due_on >= $9 AND state IN {RUNNING})) \
         AND ($10 IS NULL OR created_at >= $10) "
    )
}

/// Binds a `Filter` to a query built on `filtered()`.
macro_rules! bind_filter {
    ($q:expr, $f:expr) => {
        $q.bind($f.within)
            .bind($f.state)
            .bind(i64::from($f.open_only))
            .bind($f.assignee)
            .bind(i64::from($f.unassigned))
            .bind($f.item_code)
            .bind($f.resident_id)
            .bind($f.due_by)
            .bind($f.due_from)
            .bind($f.created_from)
            .bind($f.limit)
            .bind(subtree_end($f.within))
            .bind($f.offset)
    };
}

/// The cases matching `f`, the soonest due first (the newest first with `newest_first`).
pub async fn list(db: &Db, f: &Filter<'_>) -> Result<Vec<Case>> {
    let order = if f.newest_first {
        "id DESC"
    } else {
        "due_on IS NULL, due_on, id"
    };
    let sql = format!(
        "{}{} ORDER BY {order} LIMIT $11 OFFSET $13",
        super::select_cases!(),
        filtered()
    );
    Ok(with_pool!(db, |p| bind_filter!(
        sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())),
        f
    )
    .fetch_all(p)
    .await?))
}

/// How many cases match `f` (its limit and offset aside), for "全部 N 件" beside a short list.
pub async fn count(db: &Db, f: &Filter<'_>) -> Result<i64> {
    // $11 and $13 (limit, offset) are bound for the shared conditions and compared to
    // themselves, so both dialects know their types.
    let sql = format!(
        "SELECT COUNT(*) FROM cases {} AND $11 = $11 AND $13 = $13",
        filtered()
    );
    let (n,): (i64,) = with_pool!(db, |p| bind_filter!(
        sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())),
        f
    )
    .fetch_one(p)
    .await?);
    Ok(n)
}

/// Cases that came in since `since` (Unix seconds) inside `within`, per channel: a range on
/// the (community, created) index.
pub async fn intake_by_channel(db: &Db, within: &str, since: i64) -> Result<Vec<(String, i64)>> {
    let sql = "SELECT channel, COUNT(*) FROM cases \
               WHERE community_path >= $1 AND community_path < $2 AND created_at >= $3 \
               GROUP BY channel ORDER BY channel";
    Ok(with_pool!(db, |p| sqlx::query_as(sql)
        .bind(within)
        .bind(subtree_end(within))
        .bind(since)
        .fetch_all(p)
        .await?))
}

/// The resident's cases of `item_code` that are still open (the desk warns before a second).
pub async fn open_for_resident(db: &Db, resident_id: i64, item_code: &str) -> Result<Vec<Case>> {
    let sql = format!(
        "{} WHERE resident_id = $1 AND item_code = $2 AND state IN {OPEN} ORDER BY id",
        super::select_cases!()
    );
    Ok(with_pool!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
        sql.clone()
    ))
    .bind(resident_id)
    .bind(item_code)
    .fetch_all(p)
    .await?))
}

/// Open cases per assignee inside `within`: the load routing balances.
pub async fn open_load(db: &Db, within: &str) -> Result<Vec<(i64, i64)>> {
    let sql = format!(
        "SELECT assignee_id, COUNT(*) FROM cases \
         WHERE community_path >= $1 AND community_path < $2 AND assignee_id IS NOT NULL \
         AND state IN {OPEN} GROUP BY assignee_id"
    );
    Ok(with_pool!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
        sql.clone()
    ))
    .bind(within)
    .bind(subtree_end(within))
    .fetch_all(p)
    .await?))
}

/// The upper bound of a subtree's paths, for a range on the indexed column instead of a
/// prefix test that scans (see `OrgPath::subtree_end`).
pub(crate) fn subtree_end(within: &str) -> String {
    OrgPath::from_stored(within.to_string()).subtree_end()
}

/// Cases past their due day (before `today`) with a running clock, not yet escalated.
pub async fn overdue_unescalated(db: &Db, today: &str) -> Result<Vec<Case>> {
    let sql = format!(
        "{} WHERE due_on < $1 AND escalated_at IS NULL AND state IN {RUNNING} ORDER BY id",
        super::select_cases!()
    );
    Ok(with_pool!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
        sql.clone()
    ))
    .bind(today)
    .fetch_all(p)
    .await?))
}

/// Marks an overdue case escalated to the community head, with an event on its timeline.
pub async fn mark_escalated(
    db: &Db,
    case_id: i64,
    note: &str,
    by: &super::Actor<'_>,
) -> Result<bool> {
    let marked = with_pool!(db, |p| sqlx::query(
        "UPDATE cases SET escalated_at = $1 WHERE id = $2 AND escalated_at IS NULL"
    )
    .bind(by.now)
    .bind(case_id)
    .execute(p)
    .await?
    .rows_affected());
    if marked == 1 {
        super::note(db, case_id, "escalate", note, by).await?;
    }
    Ok(marked == 1)
}
