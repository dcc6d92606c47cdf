//! 好差评 and the 最多跑一次 / ratings reports: one rating per case, and the figures heads read
//! per item, per community and per worker. Every report is scoped to an org path prefix and to
//! the cases created in a time range, so a case counts in the period it came in.

use sqlx::FromRow;

use crate::db::with_pool;
use crate::{Db, Result};

/// Scores at or below this are 差评.
pub const BAD_AT_MOST: i64 = 2;

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct Rating {
    pub case_id: i64,
    pub score: i64,
    pub comment: String,
    /// Where it was given: portal, desk, grid.
    pub channel: String,
    /// The worker who handled the case when it was rated.
    pub worker_id: Option<i64>,
    pub at: i64,
}

/// Records the rating of a case; a second rating of the same case is a `Conflict` (the
/// caller has checked the score and the case's state).
pub async fn rate(
    db: &Db,
    case_id: i64,
    score: i64,
    comment: &str,
    channel: &str,
    worker_id: Option<i64>,
    at: i64,
) -> Result<()> {
    let sql = "INSERT INTO case_ratings (case_id, score, comment, channel, worker_id, at) \
               VALUES ($1, $2, $3, $4, $5, $6)";
    with_pool!(db, |p| sqlx::query(sql)
        .bind(case_id)
        .bind(score)
        .bind(comment)
        .bind(channel)
        .bind(worker_id)
        .bind(at)
        .execute(p)
        .await?
        .rows_affected());
    Ok(())
}

pub async fn rating(db: &Db, case_id: i64) -> Result<Option<Rating>> {
    let sql = "SELECT case_id, score, comment, channel, worker_id, at FROM case_ratings \
               WHERE case_id = $1";
    Ok(with_pool!(db, |p| sqlx::query_as(sql)
        .bind(case_id)
        .fetch_optional(p)
        .await?))
}

/// Which cases a report covers: those inside `within` (an org path) created at or after
/// `from` and before `until` (Unix seconds).
#[derive(Debug, Clone, Copy)]
pub struct Range<'a> {
    pub within: &'a str,
    pub from: i64,
    pub until: i64,
}

impl Range<'_> {
    /// The upper bound of the subtree's paths: a report reads a range of the community index,
    /// not every case of the period tested path by path.
    fn end(&self) -> String {
        quanke_domain::OrgPath::from_stored(self.within.to_string()).subtree_end()
    }
}

/// 最多跑一次 for one group of cases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitRow {
    /// The item code or the community path.
    pub key: String,
    pub cases: i64,
    pub visits: i64,
    /// Cases the resident came in for at most once.
    pub at_most_one: i64,
    /// Cases the resident never came in for (零跑动).
    pub zero: i64,
}

impl VisitRow {
    /// 人均跑动: visits per case.
    pub fn average(&self) -> f64 {
        ratio(self.visits, self.cases)
    }

    /// The share of cases with at most one visit, 0–1.
    pub fn share_at_most_one(&self) -> f64 {
        ratio(self.at_most_one, self.cases)
    }
}

/// 好差评 for one group of ratings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RatingRow {
    /// The item code, the community path, or the worker's id as text ("" for none).
    pub key: String,
    /// The worker's name (empty for items and communities).
    pub name: String,
    pub count: i64,
    pub total: i64,
    /// Ratings of 1–2 (差评).
    pub bad: i64,
}

impl RatingRow {
    /// A row of a query grouped by `key`: (key, count, sum of scores, 差评).
    fn grouped((key, count, total, bad): (String, i64, i64, i64)) -> RatingRow {
        RatingRow {
            key,
            name: String::new(),
            count,
            total,
            bad,
        }
    }

    pub fn average(&self) -> f64 {
        ratio(self.total, self.count)
    }
}

fn ratio(a: i64, b: i64) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// The visit figures grouped by `column` of the case (one of a fixed set, never user input).
/// Matters refused (不予受理) or withdrawn were not handled, so they are left out. Each case
/// counts its own visits through their index; grouping every visit ever made first would read
/// the whole table for a month's report.
async fn visits_by(db: &Db, column: &'static str, r: &Range<'_>) -> Result<Vec<VisitRow>> {
    let sql = format!(
        "SELECT k, COUNT(*), CAST(SUM(n) AS BIGINT), \
         CAST(SUM(CASE WHEN n <= 1 THEN 1 ELSE 0 END) AS BIGINT), \
         CAST(SUM(CASE WHEN n = 0 THEN 1 ELSE 0 END) AS BIGINT) \
         FROM (SELECT c.{column} AS k, \
               (SELECT COUNT(*) FROM case_visits v WHERE v.case_id = c.id) AS n \
               FROM cases c \
               WHERE c.community_path >= $1 AND c.community_path < $4 \
               AND c.created_at >= $2 AND c.created_at < $3 \
               AND c.state NOT IN ('rejected', 'withdrawn')) AS per_case \
         GROUP BY k ORDER BY k"
    );
    let rows: Vec<(String, i64, i64, i64, i64)> =
        with_pool!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
            .bind(r.within)
            .bind(r.from)
            .bind(r.until)
            .bind(r.end())
            .fetch_all(p)
            .await?);
    Ok(rows
        .into_iter()
        .map(|(key, cases, visits, at_most_one, zero)| VisitRow {
            key,
            cases,
            visits,
            at_most_one,
            zero,
        })
        .collect())
}

/// 最多跑一次 per item (key: the item code).
pub async fn visits_by_item(db: &Db, r: &Range<'_>) -> Result<Vec<VisitRow>> {
    visits_by(db, "item_code", r).await
}

/// 最多跑一次 per community (key: the community path).
pub async fn visits_by_community(db: &Db, r: &Range<'_>) -> Result<Vec<VisitRow>> {
    visits_by(db, "community_path", r).await
}

/// The rating figures grouped by `column` of the case (a fixed set, never user input).
async fn ratings_by(db: &Db, column: &'static str, r: &Range<'_>) -> Result<Vec<RatingRow>> {
    let sql = format!(
        "SELECT c.{column}, COUNT(*), CAST(SUM(g.score) AS BIGINT), \
         CAST(SUM(CASE WHEN g.score <= {BAD_AT_MOST} THEN 1 ELSE 0 END) AS BIGINT) \
         FROM case_ratings g JOIN cases c ON c.id = g.case_id \
         WHERE c.community_path >= $1 AND c.community_path < $4 \
         AND c.created_at >= $2 AND c.created_at < $3 \
         GROUP BY c.{column} ORDER BY c.{column}"
    );
    let rows: Vec<(String, i64, i64, i64)> =
        with_pool!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
            .bind(r.within)
            .bind(r.from)
            .bind(r.until)
            .bind(r.end())
            .fetch_all(p)
            .await?);
    Ok(rows.into_iter().map(RatingRow::grouped).collect())
}

/// 好差评 per item (key: the item code).
pub async fn ratings_by_item(db: &Db, r: &Range<'_>) -> Result<Vec<RatingRow>> {
    ratings_by(db, "item_code", r).await
}

/// 好差评 per community (key: the community path).
pub async fn ratings_by_community(db: &Db, r: &Range<'_>) -> Result<Vec<RatingRow>> {
    ratings_by(db, "community_path", r).await
}

/// 好差评 per worker who handled the case when it was rated (key: the user id as text, empty
/// for cases rated while nobody was assigned), most ratings first.
pub async fn ratings_by_worker(db: &Db, r: &Range<'_>) -> Result<Vec<RatingRow>> {
    let sql = format!(
        "SELECT g.worker_id, COALESCE(u.display_name, ''), COUNT(*), \
         CAST(SUM(g.score) AS BIGINT), \
         CAST(SUM(CASE WHEN g.score <= {BAD_AT_MOST} THEN 1 ELSE 0 END) AS BIGINT) \
         FROM case_ratings g JOIN cases c ON c.id = g.case_id \
         LEFT JOIN users u ON u.id = g.worker_id \
         WHERE c.community_path >= $1 AND c.community_path < $4 \
         AND c.created_at >= $2 AND c.created_at < $3 \
         GROUP BY g.worker_id, u.display_name \
         ORDER BY COUNT(*) DESC, g.worker_id"
    );
    let rows: Vec<(Option<i64>, String, i64, i64, i64)> =
        with_pool!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
            .bind(r.within)
            .bind(r.from)
            .bind(r.until)
            .bind(r.end())
            .fetch_all(p)
            .await?);
    Ok(rows
        .into_iter()
        .map(|(id, name, count, total, bad)| RatingRow {
            key: id.map(|i| i.to_string()).unwrap_or_default(),
            name,
            count,
            total,
            bad,
        })
        .collect())
}

/// Ratings given since `since` (Unix seconds) on cases inside `within`: (count, sum of
/// scores, 差评). Reads only the period's ratings (an index on their time).
pub async fn ratings_since(db: &Db, within: &str, since: i64) -> Result<RatingRow> {
    let rows = ratings_since_by_community(db, within, since).await?;
    Ok(RatingRow {
        key: within.to_string(),
        name: String::new(),
        count: rows.iter().map(|r| r.count).sum(),
        total: rows.iter().map(|r| r.total).sum(),
        bad: rows.iter().map(|r| r.bad).sum(),
    })
}

/// The same per community inside `within` (key: the community path), in one query: the
/// street's home rolls up its communities without a query each.
pub async fn ratings_since_by_community(
    db: &Db,
    within: &str,
    since: i64,
) -> Result<Vec<RatingRow>> {
    let sql = format!(
        "SELECT c.community_path, COUNT(*), CAST(COALESCE(SUM(g.score), 0) AS BIGINT), \
         CAST(COALESCE(SUM(CASE WHEN g.score <= {BAD_AT_MOST} THEN 1 ELSE 0 END), 0) AS BIGINT) \
         FROM case_ratings g JOIN cases c ON c.id = g.case_id \
         WHERE g.at >= $1 AND c.community_path >= $2 AND c.community_path < $3 \
         GROUP BY c.community_path"
    );
    let rows: Vec<(String, i64, i64, i64)> =
        with_pool!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
            .bind(since)
            .bind(within)
            .bind(quanke_domain::OrgPath::from_stored(within.to_string()).subtree_end())
            .fetch_all(p)
            .await?);
    Ok(rows.into_iter().map(RatingRow::grouped).collect())
}
