//! The coverage rules' versions, per street: each save is a new version; the newest is in force.

use crate::db::{with_pool, with_write_turn};
use crate::{Db, Result};
use quanke_domain::OrgPath;
use sqlx::FromRow;

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct RulesVersion {
    pub version: i64,
    pub body: String,
    pub note: String,
    pub saved_by: String,
    pub saved_at: i64,
}

/// The version in force for `street`, if the street ever saved its rules.
pub async fn current(db: &Db, street: &OrgPath) -> Result<Option<RulesVersion>> {
    let sql = "SELECT version, body, note, saved_by, saved_at FROM grid_coverage_rules \
               WHERE street_path = $1 ORDER BY version DESC LIMIT 1";
    Ok(with_pool!(db, |p| sqlx::query_as(sql)
        .bind(street.as_str())
        .fetch_optional(p)
        .await?))
}

/// Every version of `street`'s rules, the newest first.
pub async fn history(db: &Db, street: &OrgPath) -> Result<Vec<RulesVersion>> {
    let sql = "SELECT version, body, note, saved_by, saved_at FROM grid_coverage_rules \
               WHERE street_path = $1 ORDER BY version DESC";
    Ok(with_pool!(db, |p| sqlx::query_as(sql)
        .bind(street.as_str())
        .fetch_all(p)
        .await?))
}

/// Saves `body` (already checked) as `street`'s next version and returns its number. Two saves
/// at once cannot take the same number: the second fails on the primary key (a Conflict).
pub async fn save(
    db: &Db,
    street: &OrgPath,
    body: &str,
    note: &str,
    saved_by: &str,
    now: i64,
) -> Result<i64> {
    let sql = "INSERT INTO grid_coverage_rules (street_path, version, body, note, saved_by, saved_at) \
               VALUES ($1, (SELECT COALESCE(MAX(version), 0) + 1 FROM grid_coverage_rules \
               WHERE street_path = $1), $2, $3, $4, $5) RETURNING version";
    let version = with_write_turn!(db, |tx| {
        let version: i64 = sqlx::query_scalar(sql)
            .bind(street.as_str())
            .bind(body)
            .bind(note)
            .bind(saved_by)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        version
    });
    Ok(version)
}
