//! Approvals: a transition that needs the community head (不予受理, early closure) waits here
//! until the head approves (the transition is then taken) or refuses (the case stays).

use sqlx::FromRow;

use super::Actor;
use crate::db::with_pool;
use crate::notifications::notify_user;
use crate::{Db, Result, StoreError};
use quanke_domain::OrgPath;
use quanke_domain::case::State;
use quanke_domain::notice::{Kind, approval_text};

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct Approval {
    pub id: i64,
    pub case_id: i64,
    /// The case's number (办件编号), what people know a case by.
    pub case_number: String,
    /// The community the case is in now.
    #[sqlx(try_from = "String")]
    pub community_path: OrgPath,
    #[sqlx(try_from = "String")]
    pub from_state: State,
    #[sqlx(try_from = "String")]
    pub to_state: State,
    pub action: String,
    pub note: String,
    pub requested_by: Option<i64>,
    pub requested_at: i64,
    /// pending / approved / refused
    pub status: String,
    pub answer: String,
    pub decided_by: Option<i64>,
    pub decided_at: Option<i64>,
}

const COLUMNS: &str = "SELECT a.id, a.case_id, c.number AS case_number, c.community_path, a.from_state, \
                       a.to_state, a.action, a.note, a.requested_by, a.requested_at, a.status, \
                       a.answer, a.decided_by, a.decided_at \
                       FROM case_approvals a JOIN cases c ON c.id = a.case_id ";

/// Files a request; Conflict while another request of the case is pending.
pub async fn request_approval(
    db: &Db,
    case_id: i64,
    from: State,
    to: State,
    action: &str,
    note: &str,
    by: &Actor<'_>,
) -> Result<i64> {
    if pending_approval(db, case_id).await?.is_some() {
        return Err(StoreError::Conflict(
            "an approval is already pending".into(),
        ));
    }
    let sql = "INSERT INTO case_approvals (case_id, from_state, to_state, action, note, \
               requested_by, requested_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";
    let (id,): (i64,) = with_pool!(db, |p| sqlx::query_as(sql)
        .bind(case_id)
        .bind(from.code())
        .bind(to.code())
        .bind(action)
        .bind(note)
        .bind(by.id)
        .bind(by.now)
        .fetch_one(p)
        .await?);
    Ok(id)
}

pub async fn pending_approval(db: &Db, case_id: i64) -> Result<Option<Approval>> {
    let sql = format!("{COLUMNS}WHERE a.case_id = $1 AND a.status = 'pending'");
    Ok(with_pool!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
        sql.clone()
    ))
    .bind(case_id)
    .fetch_optional(p)
    .await?))
}

/// Pending requests on cases inside `within` (an org path), oldest first.
pub async fn pending_approvals(db: &Db, within: &str) -> Result<Vec<Approval>> {
    let sql = format!(
        "{COLUMNS}WHERE a.status = 'pending' \
         AND c.community_path >= $1 AND c.community_path < $2 ORDER BY a.id"
    );
    Ok(with_pool!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
        sql.clone()
    ))
    .bind(within)
    .bind(super::queue::subtree_end(within))
    .fetch_all(p)
    .await?))
}

/// Records the head's decision and tells the worker who asked; Conflict when already decided.
pub async fn decide_approval(
    db: &Db,
    approval_id: i64,
    approved: bool,
    answer: &str,
    by: &Actor<'_>,
) -> Result<()> {
    let sql = "UPDATE case_approvals SET status = $1, answer = $2, decided_by = $3, \
               decided_at = $4 WHERE id = $5 AND status = 'pending' \
               RETURNING case_id, to_state, requested_by";
    let status = if approved { "approved" } else { "refused" };
    with_pool!(db, |pool| {
        let mut tx = pool.begin().await?;
        let decided: Option<(i64, String, Option<i64>)> = sqlx::query_as(sql)
            .bind(status)
            .bind(answer)
            .bind(by.id)
            .bind(by.now)
            .bind(approval_id)
            .fetch_optional(&mut *tx)
            .await?;
        let Some((case_id, to_state, requested_by)) = decided else {
            tx.rollback().await?;
            return Err(StoreError::Conflict("approval already decided".into()));
        };
        let text = approval_text(approved, super::stored_state(to_state)?, answer);
        notify_user!(tx, requested_by, Kind::ApprovalDecided, case_id, &text, by);
        tx.commit().await?;
    });
    Ok(())
}
