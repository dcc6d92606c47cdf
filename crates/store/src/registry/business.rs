//! Businesses and organisations in the grids (门店、企业、社会组织), keyed by credit code.

use quanke_domain::OrgPath;
use sqlx::{AssertSqlSafe, FromRow};

use crate::db::with_pool;
use crate::limits;
use crate::{Db, Result};

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct Business {
    pub id: i64,
    pub credit_code: String,
    pub name: String,
    pub kind: String,
    pub address: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub fire_category: String,
    #[sqlx(try_from = "String")]
    pub org_path: OrgPath,
}

pub struct NewBusiness<'a> {
    /// Already checked per GB 32100.
    pub credit_code: &'a str,
    pub name: &'a str,
    pub kind: &'a str,
    pub address: &'a str,
    pub contact_name: &'a str,
    pub contact_phone: &'a str,
    pub fire_category: &'a str,
    pub org_path: &'a str,
}

/// Registers a business, or updates the one with the same credit code when it lies within
/// `within` (the registrar's part of the org tree). `None` when the code belongs to a business
/// outside it: that record is not touched, and the caller must not say that it exists. The check
/// is the upsert's own condition, so no registration between a check and a write can slip by.
pub async fn register_business(
    db: &Db,
    b: &NewBusiness<'_>,
    within: &OrgPath,
    now: i64,
) -> Result<Option<i64>> {
    let sql = "INSERT INTO registry_businesses (credit_code, name, kind, address, contact_name, \
               contact_phone, fire_category, org_path, created_at, updated_at) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) ON CONFLICT (credit_code) DO UPDATE \
               SET name = $2, kind = $3, address = $4, contact_name = $5, contact_phone = $6, \
               fire_category = $7, org_path = $8, updated_at = $9 \
               WHERE registry_businesses.org_path >= $10 AND registry_businesses.org_path < $11 \
               RETURNING id";
    let row: Option<(i64,)> = with_pool!(db, |p| sqlx::query_as(sql)
        .bind(b.credit_code)
        .bind(b.name)
        .bind(b.kind)
        .bind(b.address)
        .bind(b.contact_name)
        .bind(b.contact_phone)
        .bind(b.fire_category)
        .bind(b.org_path)
        .bind(now)
        .bind(within.as_str())
        .bind(within.subtree_end())
        .fetch_optional(p)
        .await?);
    Ok(row.map(|r| r.0))
}

/// Businesses within `within` by name, at most `limit`, after the business `after` (from the
/// first for None; a business outside `within` places nothing and the list starts over).
pub async fn businesses(
    db: &Db,
    within: &OrgPath,
    after: Option<i64>,
    limit: i64,
) -> Result<Vec<Business>> {
    let theirs = "COALESCE((SELECT x.name FROM registry_businesses x WHERE x.id = $4 \
                  AND x.org_path >= $1 AND x.org_path < $2), '')";
    let sql = format!(
        "SELECT id, credit_code, name, kind, address, contact_name, contact_phone, \
         fire_category, org_path FROM registry_businesses \
         WHERE org_path >= $1 AND org_path < $2 \
         AND name >= {theirs} AND (name > {theirs} OR id > $4) \
         ORDER BY name, id LIMIT {}",
        limits::count(db.backend(), "$3", limit),
    );
    Ok(with_pool!(db, |p| sqlx::query_as(AssertSqlSafe(
        sql.clone()
    ))
    .bind(within.as_str())
    .bind(within.subtree_end())
    .bind(limit)
    .bind(after.unwrap_or(0))
    .fetch_all(p)
    .await?))
}
