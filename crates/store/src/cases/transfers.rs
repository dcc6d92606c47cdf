//! Transfers: a case sent to another community of the street (通办) or handed to a line
//! department. The receiver accepts or refuses, with a reason either way.

use sqlx::FromRow;

use super::Actor;
use crate::db::with_pool;
use crate::notifications::receivers_stmt;
use crate::statement::Run;
use crate::{Db, Result, StoreError};
use quanke_domain::OrgPath;
use quanke_domain::notice::Kind;

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct Transfer {
    pub id: i64,
    pub case_id: i64,
    /// The case's number (办件编号).
    pub case_number: String,
    /// community / department
    pub kind: String,
    #[sqlx(try_from = "String")]
    pub from_path: OrgPath,
    /// The receiving community's path, or the department's name.
    pub to_target: String,
    pub reason: String,
    pub requested_by: Option<i64>,
    pub requested_at: i64,
    /// pending / accepted / refused
    pub status: String,
    pub answer: String,
    pub answered_by: Option<i64>,
    pub answered_at: Option<i64>,
}

const COLUMNS: &str = "SELECT t.id, t.case_id, c.number AS case_number, t.kind, t.from_path, \
                       t.to_target, t.reason, t.requested_by, t.requested_at, t.status, t.answer, \
                       t.answered_by, t.answered_at \
                       FROM case_transfers t JOIN cases c ON c.id = t.case_id ";

/// Asks for a transfer, telling the receiving community's desk and head when it goes to a
/// community; refused with Conflict while another one of the case is pending.
pub async fn request_transfer(
    db: &Db,
    case_id: i64,
    kind: &str,
    from_path: &str,
    to_target: &str,
    reason: &str,
    by: &Actor<'_>,
) -> Result<i64> {
    if transfers(db, case_id)
        .await?
        .iter()
        .any(|t| t.status == "pending")
    {
        return Err(StoreError::Conflict("a transfer is already pending".into()));
    }
    let sql = "INSERT INTO case_transfers (case_id, kind, from_path, to_target, reason, \
               requested_by, requested_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";
    let id = with_pool!(db, |pool| {
        let mut tx = pool.begin().await?;
        let (id,): (i64,) = sqlx::query_as(sql)
            .bind(case_id)
            .bind(kind)
            .bind(from_path)
            .bind(to_target)
            .bind(reason)
            .bind(by.id)
            .bind(by.now)
            .fetch_one(&mut *tx)
            .await?;
        if kind == "community" {
            let text = format!("{}转来：{reason}", by.name);
            let tell = receivers_stmt(to_target, Kind::TransferIn, case_id, &text, by);
            Run::execute(&mut *tx, &tell).await?;
        }
        tx.commit().await?;
        id
    });
    Ok(id)
}

/// Records the receiver's answer; Conflict when it was already answered.
pub async fn answer_transfer(
    db: &Db,
    transfer_id: i64,
    accepted: bool,
    answer: &str,
    by: &Actor<'_>,
) -> Result<()> {
    let sql = "UPDATE case_transfers SET status = $1, answer = $2, answered_by = $3, \
               answered_at = $4 WHERE id = $5 AND status = 'pending'";
    let status = if accepted { "accepted" } else { "refused" };
    let done = with_pool!(db, |p| sqlx::query(sql)
        .bind(status)
        .bind(answer)
        .bind(by.id)
        .bind(by.now)
        .bind(transfer_id)
        .execute(p)
        .await?
        .rows_affected());
    if done == 0 {
        return Err(StoreError::Conflict("transfer already answered".into()));
    }
    Ok(())
}

/// The transfers of a case, oldest first.
pub async fn transfers(db: &Db, case_id: i64) -> Result<Vec<Transfer>> {
    let sql = format!("{COLUMNS}WHERE t.case_id = $1 ORDER BY t.id");
    Ok(with_pool!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
        sql.clone()
    ))
    .bind(case_id)
    .fetch_all(p)
    .await?))
}

/// Community transfers waiting for an answer from inside `within` (a community path).
pub async fn pending_transfers_to(db: &Db, within: &str) -> Result<Vec<Transfer>> {
    let sql = format!(
        "{COLUMNS}WHERE t.status = 'pending' AND t.kind = 'community' \
         AND t.to_target >= $1 AND t.to_target < $2 ORDER BY t.id"
    );
    Ok(with_pool!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
        sql.clone()
    ))
    .bind(within)
    .bind(super::queue::subtree_end(within))
    .fetch_all(p)
    .await?))
}
