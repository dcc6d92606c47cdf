//! The retention rule: people who moved out long ago are anonymised, keeping counts and history
//! shape but nothing that identifies them.

use quanke_domain::OrgPath;

use crate::db::with_pool;
use crate::{Db, Result};

/// Anonymises everyone within `within` who moved out before `cutoff` (YYYY-MM-DD): name, ID
/// number, phone, addresses, tags and the values in their change history. Returns how many.
pub async fn anonymise_moved_out(db: &Db, within: &OrgPath, cutoff: &str, now: i64) -> Result<u64> {
    let n = with_pool!(db, |pool| {
        let mut tx = pool.begin().await?;
        let ids: Vec<(i64,)> = sqlx::query_as(
            "SELECT id FROM registry_residents WHERE status = 'moved_out' AND left_on < $1 \
             AND org_path >= $2 AND org_path < $3",
        )
        .bind(cutoff)
        .bind(within.as_str())
        .bind(within.subtree_end())
        .fetch_all(&mut *tx)
        .await?;
        for (id,) in &ids {
            // The ID number column is unique, so each anonymised row gets its own placeholder.
            let placeholder = format!("ANON-{id}");
            sqlx::query(
                "UPDATE registry_residents SET name = '（已匿名）', id_number = $1, id_rev = $1, \
                 name_initials = '', phone = '', registered_address = '', actual_address = '', \
                 employment = '', political_status = '', marital_status = '', \
                 status = 'anonymised', updated_at = $2 WHERE id = $3",
            )
            .bind(&placeholder)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM registry_tags WHERE resident_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "UPDATE registry_changes SET old_value = '', new_value = '' WHERE resident_id = $1",
            )
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        ids.len() as u64
    });
    Ok(n)
}
