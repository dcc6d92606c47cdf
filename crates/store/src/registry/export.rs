//! Pages of people for export, by org subtree and optionally by tag, in id order so that an
//! export of a million people streams in bounded memory.

use quanke_domain::OrgPath;
use sqlx::FromRow;

use crate::db::with_pool;
use crate::limits;
use crate::{Db, Result};

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct ExportRow {
    pub id: i64,
    pub name: String,
    pub id_number: String,
    pub sex: String,
    pub birth_date: String,
    pub phone: String,
    pub registered_address: String,
    pub actual_address: String,
    pub ethnicity: String,
    pub political_status: String,
    pub marital_status: String,
    pub employment: String,
    #[sqlx(try_from = "String")]
    pub org_path: OrgPath,
    pub household_number: Option<String>,
    pub relation: String,
    /// Tag codes with dates, "oldest,low_income(2023-05-01)".
    pub tags: String,
}

/// Active people after `after_id` within `within` (and carrying `tag`, when given), at most `limit`.
pub async fn page(
    db: &Db,
    within: &OrgPath,
    tag: Option<&str>,
    after_id: i64,
    limit: i64,
) -> Result<Vec<ExportRow>> {
    let tags = match db {
        Db::Sqlite(_) => {
            "group_concat(t.tag || CASE WHEN t.since = '' THEN '' ELSE '(' || t.since || ')' END, ',')"
        }
        Db::Pg(_) => {
            "string_agg(t.tag || CASE WHEN t.since = '' THEN '' ELSE '(' || t.since || ')' END, ',' ORDER BY t.tag)"
        }
    };
    let sql = format!(
        "SELECT r.id, r.name, r.id_number, r.sex, r.birth_date, r.phone, r.registered_address, \
         r.actual_address, r.ethnicity, r.political_status, r.marital_status, r.employment, \
         r.org_path, h.number AS household_number, r.relation, \
         COALESCE((SELECT {tags} FROM registry_tags t WHERE t.resident_id = r.id), '') AS tags \
         FROM registry_residents r LEFT JOIN registry_households h ON h.id = r.household_id \
         WHERE r.id > $1 AND r.org_path >= $2 AND r.org_path < $3 AND r.status = 'active' \
         AND ($4 = '' OR EXISTS (SELECT 1 FROM registry_tags x WHERE x.resident_id = r.id \
         AND x.tag = $4)) ORDER BY r.id LIMIT {}",
        limits::count(db.backend(), "$5", limit),
    );
    Ok(with_pool!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
        sql.clone()
    ))
    .bind(after_id)
    .bind(within.as_str())
    .bind(within.subtree_end())
    .bind(tag.unwrap_or(""))
    .bind(limit)
    .fetch_all(p)
    .await?))
}
