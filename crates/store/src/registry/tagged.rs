//! Lists of the people carrying tags of care (低保, 独居老人 …), optionally narrowed to a name
//! prefix ("独居老人 张"), in (name, id) order. They are read from the tag rows alone: each keeps
//! its person's place and name (migration 0015), so a page reads only holders inside the scope,
//! in page order, and joins the residents table for the people shown and no others.
//!
//! Two ways, chosen from the kept counts (`registry::counts`) by how many tag rows each reads:
//! - **by place**: for each place (grid, or community for people with no grid) inside the scope,
//!   the first page of its holders from (tag, org_path, name, id), merged. About `limit` × the
//!   places, so right for a grid or a community.
//! - **by name**: every holder of the tag in name order from (tag, name, id, org_path), keeping
//!   those inside the scope, until the page is full. About `limit` × every holder ÷ the holders
//!   inside, so right for a scope that holds a large share of them (a street).

use quanke_domain::OrgPath;
use quanke_domain::registry::CareTag;
use sqlx::AssertSqlSafe;

use super::search::{Found, SUMMARY_COLUMNS, Summary, TOP, paged};
use crate::db::with_pool;
use crate::limits;
use crate::{Db, Result};

/// The most places merged in one statement (SQLite allows 500 terms in a compound SELECT);
/// a scope with more is read by name.
const MAX_PLACES: usize = 100;

/// How a tag list is read (see the module's comment).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Way {
    ByPlace,
    ByName,
}

/// People carrying every one of `tags` (and, with `prefix`, whose name starts with it) within
/// `within`: the page of at most `limit` after person `after` (the first page for None, or for
/// a person outside the scope, which places nothing), read the cheaper way.
pub(super) async fn by_tags(
    db: &Db,
    tags: &[CareTag],
    prefix: Option<&str>,
    within: &OrgPath,
    after: Option<i64>,
    limit: i64,
) -> Result<Found> {
    if tags.is_empty() || limit <= 0 {
        return Ok(Found::default());
    }
    let everywhere = OrgPath::from_stored("/".into());
    let all_tags = super::counts::by_tag(db, &everywhere).await?;
    let here_tags = super::counts::by_tag(db, within).await?;
    let count = |list: &[(String, i64)], t: &CareTag| {
        list.iter()
            .find(|(code, _)| code == t.code())
            .map_or(0, |(_, n)| *n)
    };
    let rarest = rarest(tags, |t| count(&all_tags, t));
    let holders = count(&all_tags, &rarest);
    let here = count(&here_tags, &rarest);
    let by_name_reads = if here == 0 {
        holders
    } else {
        holders.min((limit + 1) * holders / here)
    };
    let places = places(db, within).await?;
    let by_place_reads = (limit + 1) * places.len() as i64;
    let way = if places.len() <= MAX_PLACES && by_place_reads < by_name_reads {
        Way::ByPlace
    } else {
        Way::ByName
    };
    read(db, way, rarest, tags, prefix, within, &places, after, limit).await
}

/// The tag that is read; the others are checked per holder. The rarest in the whole database,
/// by the kept counts.
fn rarest(tags: &[CareTag], holders: impl Fn(&CareTag) -> i64) -> CareTag {
    tags.iter()
        .copied()
        .min_by_key(|t| holders(t))
        .unwrap_or(tags[0])
}

/// A tag list read `way`, whatever it costs: for tests and benchmarks, which must reach both.
pub async fn tag_list(
    db: &Db,
    way: Way,
    tags: &[CareTag],
    prefix: Option<&str>,
    within: &OrgPath,
    after: Option<i64>,
    limit: i64,
) -> Result<Found> {
    if tags.is_empty() || limit <= 0 {
        return Ok(Found::default());
    }
    let places = match way {
        Way::ByPlace => places(db, within).await?,
        Way::ByName => Vec::new(),
    };
    let rarest = rarest(tags, |_| 0);
    read(db, way, rarest, tags, prefix, within, &places, after, limit).await
}

#[allow(clippy::too_many_arguments)]
async fn read(
    db: &Db,
    way: Way,
    rarest: CareTag,
    tags: &[CareTag],
    prefix: Option<&str>,
    within: &OrgPath,
    places: &[String],
    after: Option<i64>,
    limit: i64,
) -> Result<Found> {
    let places = match way {
        // Nobody is registered inside the scope.
        Way::ByPlace if places.is_empty() => return Ok(Found::default()),
        Way::ByPlace => Some(places),
        Way::ByName => None,
    };
    let start = match after {
        Some(id) => name_of(db, id, within).await?.map(|name| (name, id)),
        None => None,
    };
    let prefix = prefix.unwrap_or("");
    // One lower bound on the name (the later of the prefix and the last person shown), so that
    // each index range starts where the page does.
    let lower = match &start {
        Some((name, _)) if name.as_str() > prefix => name.clone(),
        _ => prefix.to_string(),
    };
    let upper = format!("{prefix}{TOP}");
    let limit_sql = limits::count(db.backend(), "$4", limit + 1);
    let sql = page_sql(rarest, tags, start.is_some(), places, &limit_sql);
    let rows = run(
        db,
        &sql,
        &Binds {
            tag: rarest.code(),
            lower: &lower,
            upper: &upper,
            limit: limit + 1,
            within,
            start: start.as_ref(),
            places: places.unwrap_or(&[]),
        },
    )
    .await?;
    Ok(paged(rows, limit))
}

/// The places people are registered at inside `within` (from the kept counts, any status:
/// people who moved out or died keep their tags and are listed).
async fn places(db: &Db, within: &OrgPath) -> Result<Vec<String>> {
    let sql = "SELECT org_path FROM registry_counts WHERE org_path >= $1 AND org_path < $2 \
               GROUP BY org_path HAVING SUM(n) > 0 ORDER BY org_path";
    let rows: Vec<(String,)> = with_pool!(db, |p| sqlx::query_as(sql)
        .bind(within.as_str())
        .bind(within.subtree_end())
        .fetch_all(p)
        .await?);
    Ok(rows.into_iter().map(|(path,)| path).collect())
}

/// The name of person `id` when they are inside `within`.
async fn name_of(db: &Db, id: i64, within: &OrgPath) -> Result<Option<String>> {
    let sql = "SELECT name FROM registry_residents WHERE id = $1 \
               AND org_path >= $2 AND org_path < $3";
    let row: Option<(String,)> = with_pool!(db, |p| sqlx::query_as(sql)
        .bind(id)
        .bind(within.as_str())
        .bind(within.subtree_end())
        .fetch_optional(p)
        .await?);
    Ok(row.map(|(name,)| name))
}

/// The statement's parameters, in their numbered order: $1 the tag read, $2 and $3 the name
/// range, $4 the page size plus one, $5 and $6 the scope, then (after a person) $7 their name
/// and $8 their id, then one per place.
struct Binds<'a> {
    tag: &'a str,
    lower: &'a str,
    upper: &'a str,
    limit: i64,
    within: &'a OrgPath,
    start: Option<&'a (String, i64)>,
    places: &'a [String],
}

/// The page's statement, with `limit` its LIMIT (`limits::count` of `$4`). The tag codes of
/// the other tags are the enum's fixed ASCII words, never input, so they are written into the
/// SQL.
fn page_sql(
    rarest: CareTag,
    tags: &[CareTag],
    after: bool,
    places: Option<&[String]>,
    limit: &str,
) -> String {
    let others: String = tags
        .iter()
        .filter(|t| **t != rarest)
        .map(|t| {
            // `LIMIT 1 OFFSET 0` keeps PostgreSQL from turning the test into a join that reads
            // every holder of the other tag first.
            format!(
                " AND EXISTS (SELECT 1 FROM registry_tags o WHERE o.resident_id = t.resident_id \
                 AND o.tag = '{}' LIMIT 1 OFFSET 0)",
                t.code()
            )
        })
        .collect();
    let keyset = if after {
        " AND (t.name > $7 OR t.resident_id > $8)"
    } else {
        ""
    };
    let holders = "SELECT t.resident_id, t.name FROM registry_tags t \
                   WHERE t.tag = $1 AND t.name >= $2 AND t.name < $3";
    let order = format!("ORDER BY t.name, t.resident_id LIMIT {limit}");
    let page = match places {
        // `org_path || ''`: the place is tested on each holder, never used to enter the index.
        None => format!(
            "{holders} AND t.org_path || '' >= $5 AND t.org_path || '' < $6{keyset}{others} {order}"
        ),
        Some(places) => {
            let first = if after { 9 } else { 7 };
            let each: Vec<String> = (0..places.len())
                .map(|i| {
                    format!(
                        "SELECT resident_id, name FROM ({holders} AND t.org_path = ${}\
                         {keyset}{others} {order}) AS p{i}",
                        first + i
                    )
                })
                .collect();
            format!(
                "SELECT resident_id, name FROM ({}) AS t {order}",
                each.join(" UNION ALL ")
            )
        }
    };
    // The scope is tested again on the people shown, so that a list can never hold anyone
    // outside it, whatever the tag rows say.
    format!(
        "SELECT {SUMMARY_COLUMNS} FROM ({page}) AS f \
         JOIN registry_residents r ON r.id = f.resident_id \
         LEFT JOIN registry_households h ON h.id = r.household_id \
         WHERE r.org_path || '' >= $5 AND r.org_path || '' < $6 AND r.status <> 'anonymised' \
         ORDER BY r.name, r.id"
    )
}

async fn run(db: &Db, sql: &str, b: &Binds<'_>) -> Result<Vec<Summary>> {
    macro_rules! run {
        ($executor:expr) => {{
            let mut q = sqlx::query_as(AssertSqlSafe(sql.to_string()))
                .bind(b.tag)
                .bind(b.lower)
                .bind(b.upper)
                .bind(b.limit)
                .bind(b.within.as_str())
                .bind(b.within.subtree_end());
            if let Some((name, id)) = b.start {
                q = q.bind(name.as_str()).bind(*id);
            }
            for place in b.places {
                q = q.bind(place.as_str());
            }
            q.fetch_all($executor).await?
        }};
    }
    Ok(match db {
        Db::Sqlite(crate::SqliteDb { pool: p, .. }) => run!(p),
        Db::Pg(p) => {
            // As for every search (`search::in_index_order`): read the index in order and stop
            // at the page, rather than collect a bitmap of a badly estimated name range.
            let mut tx = p.begin().await?;
            sqlx::query(super::search::ORDERED_INDEX_ONLY)
                .execute(&mut *tx)
                .await?;
            let rows = run!(&mut *tx);
            tx.commit().await?;
            rows
        }
    })
}
