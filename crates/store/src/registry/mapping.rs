//! Saved column mappings for ledgers with headers Quanke does not recognise on its own.
//!
//! A mapping belongs to the org it was saved at: a community head's to their community, a street
//! administrator's to the street. An org uses its own mappings and those of the orgs above it
//! (the street's are shared with its communities); it sees nothing of its neighbours' and
//! overwrites only its own. Where one name exists at several levels, the nearest wins.

use crate::db::with_pool;
use crate::{Db, Result};
use quanke_domain::OrgPath;

/// Saves (or replaces) the mapping `name` of the org at `home` as JSON `body`.
pub async fn save(
    db: &Db,
    home: &OrgPath,
    name: &str,
    body: &str,
    by: &str,
    now: i64,
) -> Result<()> {
    let sql = "INSERT INTO registry_mappings (org_path, name, body, updated_by, updated_at) \
               VALUES ($1, $2, $3, $4, $5) ON CONFLICT (org_path, name) DO UPDATE SET \
               body = $3, updated_by = $4, updated_at = $5";
    with_pool!(db, |p| sqlx::query(sql)
        .bind(home.as_str())
        .bind(name)
        .bind(body)
        .bind(by)
        .bind(now)
        .execute(p)
        .await?
        .rows_affected());
    Ok(())
}

// "Own or above": a row whose org path is the start of the user's path ($1); '/' for mappings
// kept from before mappings were scoped, whose saver is unknown. Mappings are few, so reading
// them all is cheaper than listing the user's ancestors.

/// The mapping `name` as the org at `user` sees it: its own, else the nearest above it.
pub async fn get(db: &Db, user: &OrgPath, name: &str) -> Result<Option<String>> {
    let sql = "SELECT body FROM registry_mappings \
               WHERE substr($1, 1, length(org_path)) = org_path AND name = $2 \
               ORDER BY length(org_path) DESC LIMIT 1";
    let row: Option<(String,)> = with_pool!(db, |p| sqlx::query_as(sql)
        .bind(user.as_str())
        .bind(name)
        .fetch_optional(p)
        .await?);
    Ok(row.map(|r| r.0))
}

/// Names of every mapping the org at `user` may use, alphabetically, each once.
pub async fn names(db: &Db, user: &OrgPath) -> Result<Vec<String>> {
    let sql = "SELECT DISTINCT name FROM registry_mappings \
               WHERE substr($1, 1, length(org_path)) = org_path ORDER BY name";
    let rows: Vec<(String,)> = with_pool!(db, |p| sqlx::query_as(sql)
        .bind(user.as_str())
        .fetch_all(p)
        .await?);
    Ok(rows.into_iter().map(|r| r.0).collect())
}
