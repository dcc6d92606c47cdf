//! The work queues (mine, my team, unassigned, due soon, overdue), the desk's duplicate check,
//! the load that routing balances and the overdue sweep. Lists and pages are in `search`.

use super::Case;
use crate::db::{with_point_reader, with_pool, with_write_turn};
use crate::statement::{Col, Run, Stmt, row_of};
use crate::{Backend, Db, Result};
use quanke_domain::OrgPath;
use quanke_domain::case::State;

/// States in which a case still needs work from the office (`State::is_open`). Written out, not
/// built, because the partial indexes of migration 0012 repeat these very lists and a query
/// uses them only when its list is the same text; a test holds both to the domain's rule.
pub(super) const OPEN: &str = "('received', 'awaiting_materials', 'accepted', 'in_progress', \
                    'awaiting_department', 'completed')";

/// States in which the deadline clock runs (`State::clock_runs`), written out like `OPEN`.
pub(super) const RUNNING: &str = "('received', 'accepted', 'in_progress', 'awaiting_department')";

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

/// Cases that came in since `since` (Unix seconds) inside `within`, per channel: a range on
/// the (community, created) index.
pub async fn intake_by_channel(db: &Db, within: &str, since: i64) -> Result<Vec<(String, i64)>> {
    let mut per_channel: std::collections::BTreeMap<String, i64> = Default::default();
    for (_, channel, n) in intake_by_community(db, within, since).await? {
        *per_channel.entry(channel).or_default() += n;
    }
    Ok(per_channel.into_iter().collect())
}

/// The same per community and channel (community path, channel, count), in one query.
pub async fn intake_by_community(
    db: &Db,
    within: &str,
    since: i64,
) -> Result<Vec<(String, String, i64)>> {
    let sql = "SELECT community_path, channel, COUNT(*) FROM cases \
               WHERE community_path >= $1 AND community_path < $2 AND created_at >= $3 \
               GROUP BY community_path, channel ORDER BY community_path, channel";
    Ok(with_pool!(db, |p| sqlx::query_as(sql)
        .bind(within)
        .bind(subtree_end(within))
        .bind(since)
        .fetch_all(p)
        .await?))
}

/// A case named in the desk's duplicate warning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenCase {
    pub id: i64,
    pub number: String,
    pub state: State,
}

/// The first `limit` of the resident's cases of `item_code` that are still open, in
/// communities of the subtree `within`, oldest first: the desk warns before a second. Asked
/// by every intake that names a registry person, so it is a point read (on SQLite on the
/// request's thread) and bounded; the scope is part of the read, so the cases a caller may not
/// see never take the places of those they may.
pub async fn open_for_resident(
    db: &Db,
    resident_id: i64,
    item_code: &str,
    within: &OrgPath,
    limit: i64,
) -> Result<Vec<OpenCase>> {
    // Answered from `cases_resident` alone (migration 0023). SQLite, whose statistics knew
    // the cases without a registry person as one value of `resident_id`, walked a busy desk's
    // open cases instead (4 ms an intake in bench/cases/compare.sh): it is told.
    let index = match db.backend() {
        Backend::Sqlite => " INDEXED BY cases_resident",
        Backend::Postgres => "",
    };
    // The limit is written in on both databases: SQLite prepares a statement with a bound
    // LIMIT afresh on every run (`limits`), and here it is the caller's constant.
    let sql = format!(
        "SELECT id, number, state FROM cases{index} WHERE resident_id = $1 AND item_code = $2 \
         AND state IN {OPEN} AND community_path >= $3 AND community_path < $4 \
         ORDER BY id LIMIT {limit}"
    );
    let end = within.subtree_end();
    let s = Stmt::new(sql)
        .bind(resident_id)
        .bind(item_code)
        .bind(within.as_str())
        .bind(&end);
    let rows = with_point_reader!(db, |run| run
        .fetch(&s, &[Col::Int, Col::Text, Col::Text])
        .await?);
    rows.into_iter()
        .map(|mut row| {
            let [id, number, state] = row_of::<3>(&mut row, "an open case")?;
            Ok(OpenCase {
                id: id.int()?,
                number: number.text()?,
                state: super::stored_state(state.text()?)?,
            })
        })
        .collect()
}

/// The upper bound of a subtree's paths, for a range on the indexed column instead of a
/// prefix test that scans (see `OrgPath::subtree_end`).
pub(crate) fn subtree_end(within: &str) -> String {
    OrgPath::from_stored(within.to_string()).subtree_end()
}

/// Cases past their due day (before `today`) with a running clock, not yet escalated.
pub async fn overdue_unescalated(db: &Db, today: &str) -> Result<Vec<Case>> {
    let sql = format!(
        "{} WHERE due_sort < $1 AND escalated_at IS NULL AND state IN {RUNNING} ORDER BY id",
        super::select_cases!()
    );
    Ok(with_pool!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
        sql.clone()
    ))
    .bind(today)
    .fetch_all(p)
    .await?))
}

/// Marks overdue cases escalated, each with its note on the timeline, in one transaction;
/// returns the ids marked. A case already escalated (by another run) is left as it is.
pub async fn mark_escalated(
    db: &Db,
    overdue: &[(i64, String)],
    by: &super::Actor<'_>,
) -> Result<Vec<i64>> {
    let marked = with_write_turn!(db, |tx| {
        let mut marked = Vec::new();
        for (case_id, note) in overdue {
            let state: Option<(String,)> = sqlx::query_as(
                "UPDATE cases SET escalated_at = $1 WHERE id = $2 AND escalated_at IS NULL \
                 RETURNING state",
            )
            .bind(by.now)
            .bind(case_id)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some((state,)) = state {
                super::insert_event!(tx, *case_id, by, &state, &state, "escalate", note);
                marked.push(*case_id);
            }
        }
        tx.commit().await?;
        marked
    });
    Ok(marked)
}

#[cfg(test)]
mod tests {
    use super::*;
    use quanke_domain::case::State;

    /// The SQL list of the states a rule of the domain picks, in `State::ALL`'s order.
    fn sql_list(rule: fn(State) -> bool) -> String {
        let codes: Vec<String> = State::ALL
            .into_iter()
            .filter(|s| rule(*s))
            .map(|s| format!("'{}'", s.code()))
            .collect();
        format!("({})", codes.join(", "))
    }

    fn squeezed(sql: &str) -> String {
        sql.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn the_state_lists_are_the_domains_rules() {
        assert_eq!(squeezed(OPEN), sql_list(State::is_open));
        assert_eq!(squeezed(RUNNING), sql_list(State::clock_runs));
    }
}
