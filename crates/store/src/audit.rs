//! The append-only security audit log (logins, failures, role changes, unmasking...).

use crate::db::with_pool;
use crate::limits::{self, push_limit};
use crate::{Db, Result};
use quanke_domain::OrgPath;
use sqlx::{FromRow, QueryBuilder};

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
    #[sqlx(try_from = "String")]
    pub org_path: OrgPath,
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
    pub org_path: &'a OrgPath,
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
        .bind(e.org_path.as_str())
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

/// Newest first, inside the subtree. Only the conditions asked for are written, so that each
/// shape of the list has its own plan (a catch-all `$n IS NULL OR ...` has one plan for all).
pub async fn list(db: &Db, f: &Filter<'_>) -> Result<Vec<Entry>> {
    let end = f.within.subtree_end();
    let rows = with_pool!(db, |p| {
        let mut q = QueryBuilder::new(
            "SELECT id, at, actor_id, actor_name, action, target, detail, ip, org_path \
             FROM audit_log WHERE org_path >= ",
        );
        q.push_bind(f.within.as_str())
            .push(" AND org_path < ")
            .push_bind(&end);
        if let Some(action) = f.action {
            q.push(" AND action = ").push_bind(action);
        }
        if let Some(before) = f.before_id {
            q.push(" AND id < ").push_bind(before);
        }
        q.push(" ORDER BY id DESC");
        push_limit!(q, limits::bound(db.backend()), f.limit);
        q.build_query_as().fetch_all(p).await?
    });
    Ok(rows)
}
