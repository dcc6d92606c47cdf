//! The result of a case (办结结果), recorded once with the completion that decides it (in the
//! same transaction as the state change and the 办结通知书) and never changed afterwards.

use sqlx::FromRow;

use crate::db::with_pool;
use crate::{Db, Result};

/// The decision to record with a completion; checked by the domain (`case::Decision`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewResult {
    /// granted or refused.
    pub verdict: String,
    pub reason: String,
    pub amount_fen: Option<i64>,
    /// YYYY-MM.
    pub start_month: Option<String>,
    pub certificate_no: Option<String>,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct CaseOutcome {
    pub case_id: i64,
    pub verdict: String,
    pub reason: String,
    pub amount_fen: Option<i64>,
    pub start_month: Option<String>,
    pub certificate_no: Option<String>,
    pub note: String,
    pub decided_by: Option<i64>,
    pub decider_name: String,
    pub decided_at: i64,
    pub decided_on: String,
}

/// The case's result, when it has been completed with one (cases completed before migration
/// 0007 have none).
pub async fn outcome(db: &Db, case_id: i64) -> Result<Option<CaseOutcome>> {
    let sql = "SELECT case_id, verdict, reason, amount_fen, start_month, certificate_no, note, \
               decided_by, decider_name, decided_at, decided_on FROM case_results \
               WHERE case_id = $1";
    Ok(with_pool!(db, |p| sqlx::query_as(sql)
        .bind(case_id)
        .fetch_optional(p)
        .await?))
}
