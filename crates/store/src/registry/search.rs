//! Finding people: every kind of search is an index range or a trigram lookup, never a scan, and
//! always inside the searcher's part of the org tree.

use quanke_domain::OrgPath;
use quanke_domain::registry::{CareTag, Lookup, Query};
use sqlx::{AssertSqlSafe, FromRow};

use crate::db::with_pool;
use crate::limits;
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
    #[sqlx(try_from = "String")]
    pub org_path: OrgPath,
    pub household_number: Option<String>,
    pub relation: String,
    pub status: String,
}

/// A page of people and the id the next page starts after (None on the last page). Every
/// search orders by (a column, id); the next page starts right after the last person shown, by
/// index, found from their id alone, so no ID number or phone travels in a page's links.
#[derive(Debug, Clone, Default)]
pub struct Found {
    pub people: Vec<Summary>,
    pub next: Option<i64>,
}

/// `limit` people of `rows` (which holds one more when there is a next page).
pub(super) fn paged(mut rows: Vec<Summary>, limit: i64) -> Found {
    let limit = usize::try_from(limit).unwrap_or(0);
    let next = if rows.len() > limit && limit > 0 {
        Some(rows[limit - 1].id)
    } else {
        None
    };
    rows.truncate(limit);
    Found { people: rows, next }
}

pub(crate) const SUMMARY_COLUMNS: &str = "r.id, r.name, r.id_number, r.sex, r.birth_date, \
     r.phone, r.actual_address, r.org_path, h.number AS household_number, r.relation, r.status";

/// The shortest address fragment the trigram indexes can look up.
pub const MIN_ADDRESS_CHARS: usize = 3;

/// Above every character, so that `x >= p AND x < p || TOP` is "starts with p" in byte order
/// (SQLite's default and the "C" collation of the indexed PostgreSQL columns).
pub(super) const TOP: char = '\u{10FFFF}';

/// People matching `query` within `within`, at most `limit`.
pub async fn search(db: &Db, query: &Query, within: &OrgPath, limit: i64) -> Result<Vec<Summary>> {
    Ok(search_tagged(db, query, &[], within, None, limit)
        .await?
        .people)
}

/// People carrying every tag of `lookup` and matching its query (when it has one) within
/// `within`: the page of at most `limit` that starts after `after` (the first page for None).
pub async fn find(
    db: &Db,
    lookup: &Lookup,
    within: &OrgPath,
    after: Option<i64>,
    limit: i64,
) -> Result<Found> {
    let tags = &lookup.tags;
    match &lookup.query {
        // A tag list, or a tag list by name: the tag rows know both place and name.
        None => super::tagged::by_tags(db, tags, None, within, after, limit).await,
        Some(Query::Name(n)) if !tags.is_empty() => {
            super::tagged::by_tags(db, tags, Some(n), within, after, limit).await
        }
        Some(q) => search_tagged(db, q, tags, within, after, limit).await,
    }
}

/// Rows after person $6 in (`key`, id) order, written so that the index range of `key` starts
/// at that person's value. Only a person inside the scope ($2, $3) places the page: an id from
/// elsewhere starts at the beginning, telling nothing about that person.
///
/// The first page has no such condition (only a no-op use of $6): with a second lower bound on
/// `key` that is '' on a first page, SQLite may start the range there and read every name
/// before the one searched for (20–90 ms a search at 1,000,000 people instead of 1 ms).
fn after_condition(key: &str, after: Option<i64>) -> String {
    if after.is_none() {
        return " AND $6 = 0".to_string();
    }
    let theirs = format!(
        "COALESCE((SELECT {} FROM registry_residents x WHERE x.id = $6 \
         AND x.org_path >= $2 AND x.org_path < $3), '')",
        key.replacen("r.", "x.", 1)
    );
    format!(" AND {key} >= {theirs} AND ({key} > {theirs} OR r.id > $6)")
}

/// `AND` one condition per tag. The codes are the enum's fixed ASCII words, never input, so
/// they are written into the SQL rather than numbered among each query's placeholders.
///
/// Each is checked per person found by the search's own index (`LIMIT 1 OFFSET 0` keeps
/// PostgreSQL from turning it into a join that reads every holder of the tag in the district
/// first: "低保 张" took 250 ms that way at 1,000,000 people, 17 ms this way).
fn tag_conditions(tags: &[CareTag]) -> String {
    tags.iter()
        .map(|t| {
            format!(
                " AND EXISTS (SELECT 1 FROM registry_tags t WHERE t.resident_id = r.id \
                 AND t.tag = '{}' LIMIT 1 OFFSET 0)",
                t.code()
            )
        })
        .collect()
}

/// The scope test is written `org_path || ''` so that neither database intersects the search
/// index with the org-path index, which for a street-wide scope holds every row.
async fn search_tagged(
    db: &Db,
    query: &Query,
    tags: &[CareTag],
    within: &OrgPath,
    after: Option<i64>,
    limit: i64,
) -> Result<Found> {
    let tagged = tag_conditions(tags);
    let (condition, order, value) = match query {
        Query::IdNumber(n) => ("r.id_rev = $1", "r.id_rev", reversed(n)),
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
        Query::Address(a) => return search_address(db, a, &tagged, within, after, limit).await,
    };
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS} FROM registry_residents r \
         LEFT JOIN registry_households h ON h.id = r.household_id \
         WHERE {condition}{tagged}{} AND r.org_path || '' >= $2 AND r.org_path || '' < $3 \
         AND r.status <> 'anonymised' ORDER BY {order}, r.id LIMIT {}",
        after_condition(order, after),
        page_limit(db, limit),
    );
    let rows = in_index_order(db, &sql, &value, within, after, limit).await?;
    Ok(paged(rows, limit))
}

/// Runs a page query of this module (parameters: the looked-up value, the scope's bounds, the
/// page size plus one, the string past every text, the keyset id) reading its index in order.
async fn in_index_order(
    db: &Db,
    sql: &str,
    value: &str,
    within: &OrgPath,
    after: Option<i64>,
    limit: i64,
) -> Result<Vec<Summary>> {
    macro_rules! run {
        ($executor:expr) => {
            sqlx::query_as(AssertSqlSafe(sql.to_string()))
                .bind(value)
                .bind(within.as_str())
                .bind(within.subtree_end())
                .bind(limit + 1)
                .bind(TOP.to_string())
                .bind(after.unwrap_or(0))
                .fetch_all($executor)
                .await?
        };
    }
    Ok(match db {
        Db::Sqlite(crate::SqliteDb { pool: p, .. }) => run!(p),
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

/// The LIMIT of `in_index_order`'s statements, which bind the page size plus one as `$4`.
fn page_limit(db: &Db, limit: i64) -> std::borrow::Cow<'static, str> {
    limits::count(db.backend(), "$4", limit + 1)
}

pub(super) const ORDERED_INDEX_ONLY: &str = "SELECT set_config('enable_bitmapscan', 'off', true)";

/// People whose address holds `fragment`, in id order (a substring match has no useful order
/// of its own).
async fn search_address(
    db: &Db,
    fragment: &str,
    tagged: &str,
    within: &OrgPath,
    after: Option<i64>,
    limit: i64,
) -> Result<Found> {
    if fragment.chars().count() < MIN_ADDRESS_CHARS {
        return Ok(Found::default());
    }
    let scope = format!(
        "r.org_path || '' >= $2 AND r.org_path || '' < $3 AND r.status <> 'anonymised'{tagged} \
         AND r.id > $5 ORDER BY r.id LIMIT {}",
        page_limit(db, limit),
    );
    let columns = SUMMARY_COLUMNS;
    let (value, sql) = match db {
        // A quoted FTS5 string is matched as a substring by the trigram tokenizer.
        Db::Sqlite(_) => (
            format!("\"{}\"", fragment.replace('"', "\"\"")),
            format!(
                "SELECT {columns} FROM registry_address_fts f \
                 JOIN registry_residents r ON r.id = f.rowid \
                 LEFT JOIN registry_households h ON h.id = r.household_id \
                 WHERE f.actual_address MATCH $1 AND {scope}"
            ),
        ),
        Db::Pg(_) => (
            format!("%{}%", like_escape(fragment)),
            format!(
                "SELECT {columns} FROM registry_residents r \
                 LEFT JOIN registry_households h ON h.id = r.household_id \
                 WHERE r.actual_address LIKE $1 AND {scope}"
            ),
        ),
    };
    let rows = with_pool!(db, |p| sqlx::query_as(AssertSqlSafe(sql.clone()))
        .bind(&value)
        .bind(within.as_str())
        .bind(within.subtree_end())
        .bind(limit + 1)
        .bind(after.unwrap_or(0))
        .fetch_all(p)
        .await?);
    Ok(paged(rows, limit))
}

fn like_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}
