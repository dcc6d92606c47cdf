//! The working-day calendar as admins edited it: each save is a new row, the newest in force.

use crate::db::with_pool;
use crate::{Db, Result};

/// A saved calendar text and who saved it when.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CalendarVersion {
    pub id: i64,
    pub body: String,
    pub saved_by: Option<i64>,
    pub saved_at: i64,
}

/// The calendar in force, or None when admins never edited the shipped one.
pub async fn current(db: &Db) -> Result<Option<CalendarVersion>> {
    let sql = "SELECT id, body, saved_by, saved_at FROM calendar_versions ORDER BY id DESC LIMIT 1";
    Ok(with_pool!(db, |p| sqlx::query_as(sql)
        .fetch_optional(p)
        .await?))
}

pub async fn save(db: &Db, body: &str, saved_by: Option<i64>, now: i64) -> Result<i64> {
    let sql = "INSERT INTO calendar_versions (body, saved_by, saved_at) VALUES ($1, $2, $3) \
               RETURNING id";
    let (id,): (i64,) = with_pool!(db, |p| sqlx::query_as(sql)
        .bind(body)
        .bind(saved_by)
        .bind(now)
        .fetch_one(p)
        .await?);
    Ok(id)
}
