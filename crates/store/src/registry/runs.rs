//! Ledger import runs: each import of a file records its start, every committed step and its
//! end, so that one cut off midway (a killed process, a lost server) is seen with the rows it
//! committed, and is completed by importing the same file again (rows already written are found
//! unchanged). The run's row and its audit entries are written in the transaction whose rows
//! they describe, so they never claim more or less than the database holds.

use quanke_domain::OrgPath;
use sqlx::FromRow;

use super::import::ImportCounts;
use crate::db::with_pool;
use crate::{Db, Result};

/// What a ledger import records about itself besides the context's actor and time.
#[derive(Debug, Clone)]
pub struct RunLog {
    pub file_name: String,
    /// The community imported into; the run and its audit entries belong there.
    pub community_path: OrgPath,
    pub actor_id: Option<i64>,
    pub ip: String,
}

/// A run that has not finished: cut off, or still going.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct Run {
    pub id: i64,
    pub community_path: String,
    pub file_name: String,
    pub actor: String,
    /// All or nothing: nothing of it was kept.
    pub atomic: bool,
    pub started_at: i64,
    /// The last committed step (the start, when none).
    pub updated_at: i64,
    pub rows_written: i64,
    pub created: i64,
    pub updated: i64,
    pub unchanged: i64,
    pub outside: i64,
}

/// Runs into communities within `within` that neither finished nor were completed by a later
/// import of the same file, newest first.
pub async fn unfinished(db: &Db, within: &OrgPath) -> Result<Vec<Run>> {
    let sql = "SELECT id, community_path, file_name, actor, atomic, started_at, updated_at, \
               rows_written, created, updated, unchanged, outside FROM registry_import_runs \
               WHERE finished_at IS NULL AND completed_by IS NULL \
               AND community_path >= $1 AND community_path < $2 \
               ORDER BY started_at DESC, id DESC LIMIT 50";
    Ok(with_pool!(db, |p| sqlx::query_as(sql)
        .bind(within.as_str())
        .bind(within.subtree_end())
        .fetch_all(p)
        .await?))
}

pub(crate) fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

pub(crate) fn tally(c: &ImportCounts) -> String {
    format!(
        "新增 {}，更新 {}，未变 {}，不在本辖区 {}",
        c.created,
        c.updated,
        c.unchanged,
        c.outside.len()
    )
}

/// An audit entry in the import's transaction: (tx, run log, context, action, detail).
macro_rules! audit_in {
    ($tx:ident, $run:expr, $ctx:expr, $action:expr, $detail:expr) => {{
        sqlx::query(
            "INSERT INTO audit_log (at, actor_id, actor_name, action, target, detail, ip, \
             org_path) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind($crate::registry::runs::unix_now())
        .bind($run.actor_id)
        .bind(&$ctx.actor)
        .bind($action)
        .bind(&$run.file_name)
        .bind($detail)
        .bind(&$run.ip)
        .bind($run.community_path.as_str())
        .execute(&mut *$tx)
        .await?;
    }};
}
pub(crate) use audit_in;

/// Records the start of a run; evaluates to its id.
macro_rules! start_run {
    ($tx:ident, $run:expr, $ctx:expr) => {{
        let now = $crate::registry::runs::unix_now();
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO registry_import_runs (community_path, file_name, actor, atomic, \
             started_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
        )
        .bind($run.community_path.as_str())
        .bind(&$run.file_name)
        .bind(&$ctx.actor)
        .bind($ctx.atomic)
        .bind(now)
        .fetch_one(&mut *$tx)
        .await?;
        let detail = if $ctx.atomic {
            format!("第 {id} 次导入开始：全部导入（一次提交，全部成功或全部不写）")
        } else {
            format!("第 {id} 次导入开始：只导入无误的行（分步提交）")
        };
        $crate::registry::runs::audit_in!($tx, $run, $ctx, "registry_import_started", &detail);
        id
    }};
}
pub(crate) use start_run;

/// The run's counts as of the transaction about to commit.
macro_rules! save_counts {
    ($tx:ident, $id:expr, $counts:expr, $finished:expr) => {{
        let now = $crate::registry::runs::unix_now();
        sqlx::query(
            "UPDATE registry_import_runs SET updated_at = $1, rows_written = $2, created = $3, \
             updated = $4, unchanged = $5, outside = $6, \
             finished_at = CASE WHEN $7 THEN $1 ELSE NULL END WHERE id = $8",
        )
        .bind(now)
        .bind($counts.rows() as i64)
        .bind($counts.created as i64)
        .bind($counts.updated as i64)
        .bind($counts.unchanged as i64)
        .bind($counts.outside.len() as i64)
        .bind($finished)
        .bind($id)
        .execute(&mut *$tx)
        .await?;
    }};
}
pub(crate) use save_counts;

/// A committed step: the rows so far, in the step's transaction.
macro_rules! step_run {
    ($tx:ident, $run:expr, $id:expr, $ctx:expr, $counts:expr) => {{
        $crate::registry::runs::save_counts!($tx, $id, $counts, false);
        let detail = format!(
            "第 {} 次导入已提交 {} 行：{}",
            $id,
            $counts.rows(),
            $crate::registry::runs::tally(&$counts)
        );
        $crate::registry::runs::audit_in!($tx, $run, $ctx, "registry_import_step", &detail);
    }};
}
pub(crate) use step_run;

/// The end of a run, in its last transaction: earlier unfinished runs of the same file into the
/// same community are completed by this one.
macro_rules! finish_run {
    ($tx:ident, $run:expr, $id:expr, $ctx:expr, $counts:expr) => {{
        $crate::registry::runs::save_counts!($tx, $id, $counts, true);
        sqlx::query(
            "UPDATE registry_import_runs SET completed_by = $1 WHERE community_path = $2 \
             AND file_name = $3 AND finished_at IS NULL AND completed_by IS NULL AND id < $1",
        )
        .bind($id)
        .bind($run.community_path.as_str())
        .bind(&$run.file_name)
        .execute(&mut *$tx)
        .await?;
        let detail = format!(
            "第 {} 次导入完成，共 {} 行：{}",
            $id,
            $counts.rows(),
            $crate::registry::runs::tally(&$counts)
        );
        $crate::registry::runs::audit_in!($tx, $run, $ctx, "registry_imported", &detail);
    }};
}
pub(crate) use finish_run;
