//! The work queues (mine, my team, unassigned, due soon, overdue), the desk's duplicate check,
//! the load that routing balances and the overdue sweep. Lists and pages are in `search`.

use super::Case;
use crate::db::{with_pool, with_write_turn};
use crate::{Db, Result};
use quanke_domain::OrgPath;

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
