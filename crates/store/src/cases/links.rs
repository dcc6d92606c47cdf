//! Linked cases: several matters of one household, seen together.

use crate::db::with_pool;
use crate::{Db, Result};

/// Links two cases both ways; linking again changes nothing.
pub async fn link(db: &Db, a: i64, b: i64) -> Result<()> {
    with_pool!(db, |pool| {
        let mut tx = pool.begin().await?;
        for (x, y) in [(a, b), (b, a)] {
            sqlx::query(
                "INSERT INTO case_links (case_id, other_id) VALUES ($1, $2) \
                 ON CONFLICT DO NOTHING",
            )
            .bind(x)
            .bind(y)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
    });
    Ok(())
}

/// The ids of the cases linked to `case_id`.
pub async fn linked(db: &Db, case_id: i64) -> Result<Vec<i64>> {
    let sql = "SELECT other_id FROM case_links WHERE case_id = $1 ORDER BY other_id";
    let rows: Vec<(i64,)> = with_pool!(db, |p| sqlx::query_as(sql)
        .bind(case_id)
        .fetch_all(p)
        .await?);
    Ok(rows.into_iter().map(|(id,)| id).collect())
}
