//! Purpose sets (migration 0031): the sets of purposes the rules in force count together, each
//! kept per subject as a last-visit row of its own so that every rule reads one key.

use crate::db::{with_pool, with_write_turn};
use crate::{Backend, Db, Result};
use quanke_domain::grid::PurposeSet;
use sqlx::AssertSqlSafe;

/// Keeps every set in `sets`: a set not kept yet is added and each subject's last-visit row for
/// it back-filled from its rows for the set's purposes, so it counts visits made before the
/// set was first used. Cheap when every set is kept (one read of a small table).
pub async fn ensure(db: &Db, sets: &[PurposeSet]) -> Result<()> {
    let kept: Vec<String> = with_pool!(db, |p| sqlx::query_scalar(
        "SELECT DISTINCT set_key FROM grid_purpose_sets"
    )
    .fetch_all(p)
    .await?);
    let missing: Vec<&PurposeSet> = sets.iter().filter(|s| !kept.contains(&s.key)).collect();
    if missing.is_empty() {
        return Ok(());
    }
    let backend = db.backend();
    with_write_turn!(db, |tx| {
        if backend == Backend::Postgres {
            // Waits for visit writers that read the sets before this one is added (their read
            // holds a lock on the table until they commit), so the back-fill sees their rows;
            // later writers wait here, then see the new set.
            sqlx::query("LOCK TABLE grid_purpose_sets IN ACCESS EXCLUSIVE MODE")
                .execute(&mut *tx)
                .await?;
        }
        for set in &missing {
            let added: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM grid_purpose_sets WHERE set_key = $1")
                    .bind(&set.key)
                    .fetch_one(&mut *tx)
                    .await?;
            if added > 0 {
                continue;
            }
            for purpose in &set.members {
                sqlx::query("INSERT INTO grid_purpose_sets (set_key, purpose) VALUES ($1, $2)")
                    .bind(&set.key)
                    .bind(purpose)
                    .execute(&mut *tx)
                    .await?;
            }
            let mut q = sqlx::query(AssertSqlSafe(back_fill(set)));
            q = q.bind(&set.key);
            for purpose in &set.members {
                q = q.bind(purpose);
            }
            q.execute(&mut *tx).await?;
        }
        tx.commit().await?;
    });
    Ok(())
}

/// Each subject's last visit for any of the set's purposes, written under the set's key.
/// Binds the key, then the members.
fn back_fill(set: &PurposeSet) -> String {
    let members: Vec<String> = (0..set.members.len())
        .map(|i| format!("${}", i + 2))
        .collect();
    format!(
        "INSERT INTO grid_last_visits (kind, subject_id, purpose, day, org_path) \
         SELECT kind, subject_id, $1, MAX(day), MAX(org_path) FROM grid_last_visits \
         WHERE purpose IN ({}) GROUP BY kind, subject_id \
         ON CONFLICT (kind, subject_id, purpose) DO UPDATE \
         SET day = CASE WHEN excluded.day > grid_last_visits.day THEN excluded.day \
         ELSE grid_last_visits.day END",
        members.join(", ")
    )
}

/// The kept sets as (key, purpose) pairs, read by the visit writer inside its transaction: on
/// PostgreSQL the read holds a lock on the table until the writer commits, which `ensure` waits
/// for.
pub(crate) const KEPT: &str = "SELECT set_key, purpose FROM grid_purpose_sets";

/// The set keys among `kept` that a visit made for `purposes` counts for.
pub(crate) fn keys_for<'a>(kept: &'a [(String, String)], purposes: &[String]) -> Vec<&'a str> {
    let mut keys: Vec<&str> = kept
        .iter()
        .filter(|(_, member)| purposes.contains(member))
        .map(|(key, _)| key.as_str())
        .collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}
