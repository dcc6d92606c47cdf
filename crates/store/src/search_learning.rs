//! What the search learns from its users: the items workers picked after searching in their own
//! words, the aliases proposed from them and their decisions, and what residents asked the
//! portal with whether they opened a result.

use crate::catalogue::{Draft, NewVersion, insert_version, upsert_draft};
use crate::db::{with_pool, with_write_turn};
use crate::{Db, Result, StoreError};
use sqlx::FromRow;

/// Notes that `user_id` picked `item_code` after searching `query` (once per worker: a second
/// pick only moves the time).
pub async fn picked(db: &Db, query: &str, item_code: &str, user_id: i64, now: i64) -> Result<()> {
    let sql = "INSERT INTO search_picks (query, item_code, user_id, picked_at) \
               VALUES ($1, $2, $3, $4) ON CONFLICT (query, item_code, user_id) \
               DO UPDATE SET picked_at = excluded.picked_at";
    with_pool!(db, |p| sqlx::query(sql)
        .bind(query)
        .bind(item_code)
        .bind(user_id)
        .bind(now)
        .execute(p)
        .await
        .map(drop)?);
    Ok(())
}

/// Words picked for one item by at least a number of different workers, not yet decided.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct Proposal {
    pub query: String,
    pub item_code: String,
    pub workers: i64,
    pub last_picked: i64,
}

/// Undecided (words, item) pairs picked by at least `workers` different workers, the most
/// confirmed first.
pub async fn proposals(db: &Db, workers: i64, limit: i64) -> Result<Vec<Proposal>> {
    let sql = "SELECT p.query, p.item_code, COUNT(*) AS workers, MAX(p.picked_at) AS last_picked \
               FROM search_picks p WHERE NOT EXISTS (SELECT 1 FROM alias_decisions d \
               WHERE d.query = p.query AND d.item_code = p.item_code) \
               GROUP BY p.query, p.item_code HAVING COUNT(*) >= $1 \
               ORDER BY workers DESC, last_picked DESC, p.query, p.item_code LIMIT $2";
    Ok(with_pool!(db, |p| sqlx::query_as(sql)
        .bind(workers)
        .bind(limit)
        .fetch_all(p)
        .await?))
}

/// One proposal, when it is still undecided and confirmed by at least `workers` workers.
pub async fn proposal(
    db: &Db,
    query: &str,
    item_code: &str,
    workers: i64,
) -> Result<Option<Proposal>> {
    let sql = "SELECT p.query, p.item_code, COUNT(*) AS workers, MAX(p.picked_at) AS last_picked \
               FROM search_picks p WHERE p.query = $1 AND p.item_code = $2 AND NOT EXISTS \
               (SELECT 1 FROM alias_decisions d WHERE d.query = p.query AND d.item_code = p.item_code) \
               GROUP BY p.query, p.item_code HAVING COUNT(*) >= $3";
    Ok(with_pool!(db, |p| sqlx::query_as(sql)
        .bind(query)
        .bind(item_code)
        .bind(workers)
        .fetch_optional(p)
        .await?))
}

/// Writes a decision inside the open transaction `$tx`; a second decision on the same pair
/// fails on the primary key (a Conflict).
macro_rules! record {
    ($tx:expr, $d:expr, $accepted:expr) => {
        sqlx::query(
            "INSERT INTO alias_decisions (query, item_code, accepted, decided_by, decided_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind($d.query)
        .bind($d.item_code)
        .bind($accepted)
        .bind($d.decided_by)
        .bind($d.decided_at)
        .execute(&mut *$tx)
        .await?
    };
}

/// A head's or the street administrator's answer to a proposal.
pub struct Decision<'a> {
    pub query: &'a str,
    pub item_code: &'a str,
    pub decided_by: &'a str,
    pub decided_at: i64,
}

/// What an accepted alias changes in the catalogue.
pub enum Change<'a> {
    /// The next version of the item, published now; refused (Conflict) if the item has a
    /// draft meanwhile, which publishing would drop.
    Publish(NewVersion<'a>),
    /// The item's draft (created or replaced), published later with whatever else it holds.
    Draft(&'a Draft),
}

/// Records an accepted proposal and the catalogue change it makes, in one transaction. A
/// proposal decided meanwhile (by someone else) is a Conflict and changes nothing.
pub async fn accept(db: &Db, d: &Decision<'_>, change: &Change<'_>) -> Result<()> {
    with_write_turn!(db, |tx| {
        record!(tx, d, true);
        match change {
            Change::Publish(v) => {
                let drafts: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM catalogue_drafts WHERE item_code = $1",
                )
                .bind(v.item_code)
                .fetch_one(&mut *tx)
                .await?;
                if drafts > 0 {
                    return Err(StoreError::Conflict("catalogue_drafts".into()));
                }
                insert_version!(tx, v, d.decided_at);
            }
            Change::Draft(draft) => {
                upsert_draft!(tx, draft);
            }
        }
        tx.commit().await?;
    });
    Ok(())
}

/// Records a rejected proposal: it is not proposed again.
pub async fn reject(db: &Db, d: &Decision<'_>) -> Result<()> {
    with_write_turn!(db, |tx| {
        record!(tx, d, false);
        tx.commit().await?;
    });
    Ok(())
}

/// The portal's searches for one question since the last flush, counted in memory.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub searches: i64,
    pub clicks: i64,
    /// Whether the last search of it found an item it was sure of.
    pub answered: bool,
    pub first_at: i64,
    pub last_at: i64,
}

/// Adds counted portal questions to the stored ones, in one transaction.
pub async fn add_portal_questions(db: &Db, counted: &[(String, Tally)]) -> Result<()> {
    if counted.is_empty() {
        return Ok(());
    }
    let sql = "INSERT INTO portal_questions (query, searches, clicks, answered, first_at, last_at) \
               VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (query) DO UPDATE SET \
               searches = portal_questions.searches + excluded.searches, \
               clicks = portal_questions.clicks + excluded.clicks, \
               answered = CASE WHEN excluded.searches > 0 THEN excluded.answered \
               ELSE portal_questions.answered END, \
               last_at = excluded.last_at";
    with_write_turn!(db, |tx| {
        for (query, t) in counted {
            sqlx::query(sql)
                .bind(query)
                .bind(t.searches)
                .bind(t.clicks)
                .bind(t.answered)
                .bind(t.first_at)
                .bind(t.last_at)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
    });
    Ok(())
}

/// Forgets the portal questions last asked before `before`, and all but the `keep` most
/// recently asked: what the public can write is bounded in time and in number.
pub async fn prune_portal_questions(db: &Db, before: i64, keep: i64) -> Result<u64> {
    let oldest_kept = "SELECT last_at FROM portal_questions ORDER BY last_at DESC \
                       LIMIT 1 OFFSET $1";
    let cutoff: Option<i64> = with_pool!(db, |p| sqlx::query_scalar(oldest_kept)
        .bind(keep.max(1) - 1)
        .fetch_optional(p)
        .await?);
    let before = cutoff.map_or(before, |c| c.max(before));
    let sql = "DELETE FROM portal_questions WHERE last_at < $1";
    let done = with_pool!(db, |p| sqlx::query(sql)
        .bind(before)
        .execute(p)
        .await?
        .rows_affected());
    Ok(done)
}

/// A question residents asked the portal and never followed to an item.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct Unanswered {
    pub query: String,
    pub searches: i64,
    pub answered: bool,
    pub first_at: i64,
    pub last_at: i64,
}

/// Questions asked since `since` that no search result was opened for, the most asked first.
pub async fn unanswered(db: &Db, since: i64, limit: i64) -> Result<Vec<Unanswered>> {
    let sql = "SELECT query, searches, answered, first_at, last_at FROM portal_questions \
               WHERE last_at >= $1 AND clicks = 0 AND searches > 0 \
               ORDER BY searches DESC, last_at DESC, query LIMIT $2";
    Ok(with_pool!(db, |p| sqlx::query_as(sql)
        .bind(since)
        .bind(limit)
        .fetch_all(p)
        .await?))
}
