//! Field work per worker (走访工作量): how many visits each worker of a place recorded in a
//! period, on how many days, for how long. Read from the visits by (worker, day); every grid
//! worker of the place is listed, the ones who recorded nothing too.

use crate::db::with_pool;
use crate::{Db, Result};
use quanke_domain::OrgPath;
use quanke_domain::calendar::Day;
use sqlx::FromRow;

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct WorkerLoad {
    pub worker_id: i64,
    pub name: String,
    /// The grid or community the worker belongs to.
    pub org_name: String,
    pub visits: i64,
    pub days: i64,
    pub minutes: i64,
}

/// The workers of `within` (grid workers always; others who recorded visits) with their visits
/// from `from` to `to` inclusive, the busiest first.
pub async fn by_worker(db: &Db, within: &OrgPath, from: Day, to: Day) -> Result<Vec<WorkerLoad>> {
    let sql = "SELECT u.id AS worker_id, u.display_name AS name, o.name AS org_name, \
               COUNT(v.id) AS visits, COUNT(DISTINCT v.day) AS days, \
               CAST(COALESCE(SUM(v.minutes), 0) AS BIGINT) AS minutes \
               FROM users u JOIN orgs o ON o.id = u.org_id \
               LEFT JOIN grid_visits v ON v.worker_id = u.id AND v.day >= $3 AND v.day <= $4 \
               WHERE o.path >= $1 AND o.path < $2 AND NOT u.disabled \
               GROUP BY u.id, u.display_name, o.name, u.role \
               HAVING COUNT(v.id) > 0 OR u.role = 'grid_worker' \
               ORDER BY visits DESC, u.display_name, u.id";
    Ok(with_pool!(db, |p| sqlx::query_as(sql)
        .bind(within.as_str())
        .bind(within.subtree_end())
        .bind(from.to_string())
        .bind(to.to_string())
        .fetch_all(p)
        .await?))
}
