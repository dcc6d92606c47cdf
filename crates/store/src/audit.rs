//! The append-only security audit log (logins, failures, role changes, unmasking...).

use crate::db::with_pool;
use crate::{Db, Result};
use quanke_domain::OrgPath;
use sqlx::FromRow;

#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct Entry {
    pub id: i64,
    pub at: i64,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub action: String,
    pub target: String,
    pub detail: String,
    pub ip: String,
    pub org_path: String,
}

pub struct NewEntry<'a> {
    pub at: i64,
    pub actor_id: Option<i64>,
    pub actor_name: &'a str,
    pub action: &'a str,
    pub target: &'a str,
    pub detail: &'a str,
    pub ip: &'a str,
    /// Where in the org tree the event belongs, so heads read only their subtree's events.
    pub org_path: &'a str,
}

pub async fn append(db: &Db, e: &NewEntry<'_>) -> Result<i64> {
    let sql = "INSERT INTO audit_log (at, actor_id, actor_name, action, target, detail, ip, \
               org_path) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id";
    let (id,): (i64,) = with_pool!(db, |p| sqlx::query_as(sql)
        .bind(e.at)
        .bind(e.actor_id)
        .bind(e.actor_name)
        .bind(e.action)
        .bind(e.target)
        .bind(e.detail)
        .bind(e.ip)
        .bind(e.org_path)
        .fetch_one(p)
        .await?);
    Ok(id)
}

pub struct Filter<'a> {
    pub within: &'a OrgPath,
    /// Only this action, when set.
    pub action: Option<&'a str>,
    /// Entries with an id below this (for paging backwards), when set.
    pub before_id: Option<i64>,
    pub limit: i64,
}

/// Newest first, inside the subtree.
pub async fn list(db: &Db, f: &Filter<'_>) -> Result<Vec<Entry>> {
    let sql = "SELECT id, at, actor_id, actor_name, action, target, detail, ip, org_path \
               FROM audit_log WHERE org_path >= $1 AND org_path < $2 \
               AND ($3 IS NULL OR action = $3) AND ($4 IS NULL OR id < $4) \
               ORDER BY id DESC LIMIT $5";
    let end = f.within.subtree_end();
    let rows = with_pool!(db, |p| sqlx::query_as(sql)
        .bind(f.within.as_str())
        .bind(&end)
        .bind(f.action)
        .bind(f.before_id)
        .bind(f.limit)
        .fetch_all(p)
        .await?);
    Ok(rows)
}
