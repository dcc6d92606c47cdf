//! 代办 mandates: who authorised a grid worker to apply for them, for what, and until when.

use sqlx::FromRow;

use crate::db::with_pool;
use crate::statement::{Run, Stmt};
use crate::{Db, Result};

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct Mandate {
    pub grantor: String,
    pub agent_id: Option<i64>,
    pub scope: String,
    pub valid_until: String,
    pub recorded_at: i64,
}

/// The statement that records a mandate for a case.
pub(super) fn mandate_stmt(case_id: i64, m: &Mandate) -> Stmt<'_> {
    Stmt::new(
        "INSERT INTO case_mandates (case_id, grantor, agent_id, scope, valid_until, \
         recorded_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(case_id)
    .bind(&m.grantor)
    .bind(m.agent_id)
    .bind(&m.scope)
    .bind(&m.valid_until)
    .bind(m.recorded_at)
}

/// Records a mandate for a case already written (a new 代办 case carries its mandate in
/// `NewCase::mandate`, written in the case's own transaction).
pub async fn record_mandate(db: &Db, case_id: i64, m: &Mandate) -> Result<()> {
    with_pool!(db, |p| p
        .acquire()
        .await?
        .execute(&mandate_stmt(case_id, m))
        .await)
}

pub async fn mandate(db: &Db, case_id: i64) -> Result<Option<Mandate>> {
    let sql = "SELECT grantor, agent_id, scope, valid_until, recorded_at FROM case_mandates \
               WHERE case_id = $1";
    Ok(with_pool!(db, |p| sqlx::query_as(sql)
        .bind(case_id)
        .fetch_optional(p)
        .await?))
}
