//! Finding people: every kind of search is an index range or a trigram lookup, never a scan, and
//! always inside the searcher's part of the org tree.

use quanke_domain::OrgPath;
use quanke_domain::registry::{CareTag, Lookup, Query};
use sqlx::{AssertSqlSafe, FromRow};

use crate::db::with_pool;
use crate::registry::import::reversed;
use crate::{Db, Result};

/// One line of a results list; the caller masks ID number and phone before showing them.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct Summary {
    pub id: i64,
    pub name: String,
    pub id_number: String,
    pub sex: String,
    pub birth_date: String,
    pub phone: String,
    pub actual_address: String,
    pub org_path: String,
    pub household_number: Option<String>,
    pub relation: String,
    pub status: String,
}

pub(crate) const SUMMARY_COLUMNS: &str = "r.id, r.name, r.id_number, r.sex, r.birth_date, \
     r.phone, r.actual_address, r.org_path, h.number AS household_number, r.relation, r.status";

/// The shortest address fragment the trigram indexes can look up.
pub const MIN_ADDRESS_CHARS: usize = 3;

/// Above every character, so that `x >= p AND x < p || TOP` is "starts with p" in byte order
/// (SQLite's default and the "C" collation of the indexed PostgreSQL columns).
const TOP: char = '\u{10FFFF}';

/// People matching `query` within `within`, at most `limit`.
pub async fn search(db: &Db, query: &Query, within: &OrgPath, limit: i64) -> Result<Vec<Summary>> {
    search_tagged(db, query, &[], within, limit).await
}

/// People carrying every tag of `lookup` and matching its query (when it has one) within
/// `within`, at most `limit`.
pub async fn find(db: &Db, lookup: &Lookup, within: &OrgPath, limit: i64) -> Result<Vec<Summary>> {
    match &lookup.query {
        Some(q) => search_tagged(db, q, &lookup.tags, within, limit).await,
        None => by_tags(db, &lookup.tags, within, limit).await,
    }
}

/// `AND` one condition per tag. The codes are the enum's fixed ASCII words, never input, so
/// they are written into the SQL rather than numbered among each query's placeholders.
fn tag_conditions(tags: &[CareTag]) -> String {
    tags.iter()
        .map(|t| {
            format!(
                " AND EXISTS (SELECT 1 FROM registry_tags t WHERE t.resident_id = r.id \
                 AND t.tag = '{}')",
                t.code()
            )
        })
        .collect()
}

/// Everyone with the tags, by name: the tag index finds the first tag's holders.
async fn by_tags(db: &Db, tags: &[CareTag], within: &OrgPath, limit: i64) -> Result<Vec<Summary>> {
    let Some((first, others)) = tags.split_first() else {
        return Ok(Vec::new());
    };
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS} FROM registry_tags f \
         JOIN registry_residents r ON r.id = f.resident_id \
         LEFT JOIN registry_households h ON h.id = r.household_id \
         WHERE f.tag = $1{} AND r.org_path >= $2 AND r.org_path < $3 \
         AND r.status <> 'anonymised' ORDER BY r.name, r.id LIMIT $4",
        tag_conditions(others)
    );
    Ok(with_pool!(db, |p| sqlx::query_as(AssertSqlSafe(
        sql.clone()
    ))
    .bind(first.code())
    .bind(within.as_str())
    .bind(within.subtree_end())
    .bind(limit)
    .fetch_all(p)
    .await?))
}

/// The scope test is written `org_path || ''` so that neither database intersects the search
/// index with the org-path index, which for a street-wide scope holds every row.
async fn search_tagged(
    db: &Db,
    query: &Query,
    tags: &[CareTag],
    within: &OrgPath,
    limit: i64,
) -> Result<Vec<Summary>> {
    let tagged = tag_conditions(tags);
    let (condition, order, value) = match query {
        Query::IdNumber(n) => ("r.id_rev = $1", "r.id", reversed(n)),
        Query::IdTail(t) => (
            "r.id_rev >= $1 AND r.id_rev < $1 || $5",
            "r.id_rev",
            reversed(t),
        ),
        Query::Name(n) => ("r.name >= $1 AND r.name < $1 || $5", "r.name", n.clone()),
        Query::Initials(i) => (
            "r.name_initials >= $1 AND r.name_initials < $1 || $5",
            "r.name_initials",
            i.clone(),
        ),
        Query::Phone(p) => ("r.phone >= $1 AND r.phone < $1 || $5", "r.phone", p.clone()),
        Query::Address(a) => return search_address(db, a, &tagged, within, limit).await,
    };
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS} FROM registry_residents r \
         LEFT JOIN registry_households h ON h.id = r.household_id \
         WHERE {condition}{tagged} AND r.org_path || '' >= $2 AND r.org_path || '' < $3 \
         AND r.status <> 'anonymised' ORDER BY {order} LIMIT $4"
    );
    macro_rules! run {
        ($executor:expr) => {
            sqlx::query_as(AssertSqlSafe(sql.clone()))
                .bind(&value)
                .bind(within.as_str())
                .bind(within.subtree_end())
                .bind(limit)
                .bind(TOP.to_string())
                .fetch_all($executor)
                .await?
        };
    }
    Ok(match db {
        Db::Sqlite(p) => run!(p),
        Db::Pg(p) => {
            // PostgreSQL estimates a prefix range of Chinese names badly (a common surname can
            // fall inside one histogram bucket) and then collects every match in a bitmap to
            // sort them; reading the index in order and stopping at `limit` is always right here.
            let mut tx = p.begin().await?;
            sqlx::query(ORDERED_INDEX_ONLY).execute(&mut *tx).await?;
            let rows = run!(&mut *tx);
            tx.commit().await?;
            rows
        }
    })
}

const ORDERED_INDEX_ONLY: &str = "SELECT set_config('enable_bitmapscan', 'off', true)";

async fn search_address(
    db: &Db,
    fragment: &str,
    tagged: &str,
    within: &OrgPath,
    limit: i64,
) -> Result<Vec<Summary>> {
    if fragment.chars().count() < MIN_ADDRESS_CHARS {
        return Ok(Vec::new());
    }
    let scope = format!(
        "r.org_path || '' >= $2 AND r.org_path || '' < $3 AND r.status <> 'anonymised'{tagged}"
    );
    Ok(match db {
        Db::Sqlite(p) => {
            // A quoted FTS5 string is matched as a substring by the trigram tokenizer.
            let phrase = format!("\"{}\"", fragment.replace('"', "\"\""));
            let sql = format!(
                "SELECT {SUMMARY_COLUMNS} FROM registry_address_fts f \
                 JOIN registry_residents r ON r.id = f.rowid \
                 LEFT JOIN registry_households h ON h.id = r.household_id \
                 WHERE f.actual_address MATCH $1 AND {scope} LIMIT $4"
            );
            sqlx::query_as(AssertSqlSafe(sql))
                .bind(phrase)
                .bind(within.as_str())
                .bind(within.subtree_end())
                .bind(limit)
                .fetch_all(p)
                .await?
        }
        Db::Pg(p) => {
            let pattern = format!("%{}%", like_escape(fragment));
            let sql = format!(
                "SELECT {SUMMARY_COLUMNS} FROM registry_residents r \
                 LEFT JOIN registry_households h ON h.id = r.household_id \
                 WHERE r.actual_address LIKE $1 AND {scope} LIMIT $4"
            );
            sqlx::query_as(AssertSqlSafe(sql))
                .bind(pattern)
                .bind(within.as_str())
                .bind(within.subtree_end())
                .bind(limit)
                .fetch_all(p)
                .await?
        }
    })
}

fn like_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}
