//! The registry's figures for a part of the org tree: people by status and active people by tag
//! of care. Read from the counts the database keeps per grid as people are written (migration
//! 0014's triggers), so a street's figures sum a few hundred rows however many people it has.

use quanke_domain::OrgPath;

use crate::db::with_pool;
use crate::{Db, Result};

/// How many people are registered within `within`, by status (status, count; none at zero).
pub async fn by_status(db: &Db, within: &OrgPath) -> Result<Vec<(String, i64)>> {
    let sql = "SELECT status, CAST(SUM(n) AS BIGINT) FROM registry_counts \
               WHERE org_path >= $1 AND org_path < $2 \
               GROUP BY status HAVING SUM(n) > 0 ORDER BY status";
    Ok(with_pool!(db, |p| sqlx::query_as(sql)
        .bind(within.as_str())
        .bind(within.subtree_end())
        .fetch_all(p)
        .await?))
}

/// Active people within `within` per tag of care (tag code, count; none at zero).
pub async fn by_tag(db: &Db, within: &OrgPath) -> Result<Vec<(String, i64)>> {
    let sql = "SELECT tag, CAST(SUM(n) AS BIGINT) FROM registry_tag_counts \
               WHERE org_path >= $1 AND org_path < $2 \
               GROUP BY tag HAVING SUM(n) > 0 ORDER BY tag";
    Ok(with_pool!(db, |p| sqlx::query_as(sql)
        .bind(within.as_str())
        .bind(within.subtree_end())
        .fetch_all(p)
        .await?))
}
