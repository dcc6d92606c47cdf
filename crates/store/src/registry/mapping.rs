//! Saved column mappings for ledgers with headers Quanke does not recognise on its own.

use crate::db::with_pool;
use crate::{Db, Result};

/// Saves (or replaces) the mapping `name` as JSON `body`.
pub async fn save(db: &Db, name: &str, body: &str, by: &str, now: i64) -> Result<()> {
    let sql = "INSERT INTO registry_mappings (name, body, updated_by, updated_at) \
               VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO UPDATE SET body = $2, \
               updated_by = $3, updated_at = $4";
    with_pool!(db, |p| sqlx::query(sql)
        .bind(name)
        .bind(body)
        .bind(by)
        .bind(now)
        .execute(p)
        .await?
        .rows_affected());
    Ok(())
}

pub async fn get(db: &Db, name: &str) -> Result<Option<String>> {
    let sql = "SELECT body FROM registry_mappings WHERE name = $1";
    let row: Option<(String,)> = with_pool!(db, |p| sqlx::query_as(sql)
        .bind(name)
        .fetch_optional(p)
        .await?);
    Ok(row.map(|r| r.0))
}

/// Names of every saved mapping, alphabetically.
pub async fn names(db: &Db) -> Result<Vec<String>> {
    let sql = "SELECT name FROM registry_mappings ORDER BY name";
    let rows: Vec<(String,)> = with_pool!(db, |p| sqlx::query_as(sql).fetch_all(p).await?);
    Ok(rows.into_iter().map(|r| r.0).collect())
}
