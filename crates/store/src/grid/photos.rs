//! Photos of visits: added to a visit after it is stored (from the phone once it has signal),
//! listed without their bytes, read one at a time by id.

use crate::db::{with_pool, with_write_turn};
use crate::{Db, Result};
use sqlx::FromRow;

/// A photo as prepared by the application (upright, scaled, JPEG without metadata).
#[derive(Debug, Clone, PartialEq)]
pub struct NewPhoto {
    pub jpeg: Vec<u8>,
    pub width: u32,
    pub height: u32,
    /// Where it was taken, when the worker kept it.
    pub lat: Option<f64>,
    pub lon: Option<f64>,
}

/// A stored photo without its bytes.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct PhotoRow {
    pub id: i64,
    pub visit_id: i64,
    pub width: i64,
    pub height: i64,
    pub size: i64,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
}

/// Adds `photos` to a visit, all or none; false (and nothing added) when the visit would then
/// hold more than `most`.
pub async fn add(
    db: &Db,
    visit_id: i64,
    photos: &[NewPhoto],
    most: i64,
    by: i64,
    now: i64,
) -> Result<bool> {
    let count = "SELECT COUNT(*) FROM grid_visit_photos WHERE visit_id = $1";
    let insert = "INSERT INTO grid_visit_photos (visit_id, width, height, size, data, lat, lon, \
                  added_by, added_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
    let added = with_write_turn!(db, |tx| {
        let held: i64 = sqlx::query_scalar(count)
            .bind(visit_id)
            .fetch_one(&mut *tx)
            .await?;
        if held + photos.len() as i64 > most {
            false
        } else {
            for p in photos {
                sqlx::query(insert)
                    .bind(visit_id)
                    .bind(i64::from(p.width))
                    .bind(i64::from(p.height))
                    .bind(p.jpeg.len() as i64)
                    .bind(&p.jpeg)
                    .bind(p.lat)
                    .bind(p.lon)
                    .bind(by)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            true
        }
    });
    Ok(added)
}

const COLUMNS: &str = "id, visit_id, width, height, size, lat, lon";

/// The photos of the given visits, in the order added.
pub async fn of_visits(db: &Db, visits: &[i64]) -> Result<Vec<PhotoRow>> {
    if visits.is_empty() {
        return Ok(Vec::new());
    }
    let marks: Vec<String> = (1..=visits.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT {COLUMNS} FROM grid_visit_photos WHERE visit_id IN ({}) ORDER BY id",
        marks.join(", ")
    );
    Ok(with_pool!(db, |p| {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()));
        for v in visits {
            q = q.bind(v);
        }
        q.fetch_all(p).await?
    }))
}

/// One photo's JPEG bytes, when it belongs to `visit_id`.
pub async fn photo(db: &Db, visit_id: i64, id: i64) -> Result<Option<Vec<u8>>> {
    let sql = "SELECT data FROM grid_visit_photos WHERE visit_id = $1 AND id = $2";
    Ok(with_pool!(db, |p| sqlx::query_scalar(sql)
        .bind(visit_id)
        .bind(id)
        .fetch_optional(p)
        .await?))
}
