//! Visits (跑动): every time the resident had to come in for a case, for 最多跑一次.

use sqlx::FromRow;

use super::Actor;
use crate::db::with_pool;
use crate::{Db, Result};
use quanke_domain::calendar::Day;

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct Visit {
    pub at: i64,
    pub on_day: Day,
    /// intake / materials / pickup / other
    pub purpose: String,
    pub recorded_by: Option<i64>,
}

pub async fn record_visit(db: &Db, case_id: i64, purpose: &str, by: &Actor<'_>) -> Result<()> {
    let sql = "INSERT INTO case_visits (case_id, at, on_day, purpose, recorded_by) \
               VALUES ($1, $2, $3, $4, $5)";
    with_pool!(db, |p| sqlx::query(sql)
        .bind(case_id)
        .bind(by.now)
        .bind(by.today)
        .bind(purpose)
        .bind(by.id)
        .execute(p)
        .await?
        .rows_affected());
    Ok(())
}

pub async fn visits(db: &Db, case_id: i64) -> Result<Vec<Visit>> {
    let sql = "SELECT at, on_day, purpose, recorded_by FROM case_visits WHERE case_id = $1 \
               ORDER BY id";
    Ok(with_pool!(db, |p| sqlx::query_as(sql)
        .bind(case_id)
        .fetch_all(p)
        .await?))
}
