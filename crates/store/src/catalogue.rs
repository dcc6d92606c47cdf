//! The service catalogue: published versions, drafts, acknowledgements of changes, policy
//! documents and review flags.

use crate::db::with_pool;
use crate::{Db, Result, StoreError};
use quanke_domain::OrgPath;
use sqlx::FromRow;
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct Version {
    pub id: i64,
    pub item_code: String,
    pub version: i64,
    pub name: String,
    pub line: String,
    pub effective_from: String,
    pub change_note: String,
    /// Canonical item JSON.
    pub body: String,
    pub published_by: String,
    pub published_at: i64,
}

/// What a publication writes; the version number is the item's next.
pub struct NewVersion<'a> {
    pub item_code: &'a str,
    pub name: &'a str,
    pub line: &'a str,
    pub effective_from: &'a str,
    pub change_note: &'a str,
    pub body: &'a str,
    pub published_by: &'a str,
}

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct Draft {
    pub item_code: String,
    pub name: String,
    pub line: String,
    pub effective_from: String,
    pub change_note: String,
    pub body: String,
    pub updated_by: String,
    pub updated_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct PolicyRow {
    pub number: String,
    pub title: String,
    pub issuer: String,
    pub issued_on: String,
    pub effective_from: String,
    pub text: String,
    pub updated_at: i64,
}

macro_rules! select_versions {
    () => {
        "SELECT id, item_code, version, name, line, effective_from, change_note, body, \
         published_by, published_at FROM catalogue_versions "
    };
}

/// The newest published version of every item, whatever its effective date (for staff and export).
pub async fn latest_versions(db: &Db) -> Result<Vec<Version>> {
    let sql = concat!(
        select_versions!(),
        "v WHERE version = (SELECT MAX(version) FROM catalogue_versions w \
         WHERE w.item_code = v.item_code) ORDER BY item_code"
    );
    Ok(with_pool!(db, |p| sqlx::query_as(sql).fetch_all(p).await?))
}

/// The version in force on `today` (YYYY-MM-DD) of every item that has one (for residents,
/// search, Open311 and intake).
pub async fn current_versions(db: &Db, today: &str) -> Result<Vec<Version>> {
    let sql = concat!(
        select_versions!(),
        "v WHERE version = (SELECT MAX(version) FROM catalogue_versions w \
         WHERE w.item_code = v.item_code AND w.effective_from <= $1) ORDER BY item_code"
    );
    Ok(with_pool!(db, |p| sqlx::query_as(sql)
        .bind(today)
        .fetch_all(p)
        .await?))
}

/// The version of one item in force on `today`.
pub async fn current_version(db: &Db, code: &str, today: &str) -> Result<Option<Version>> {
    let sql = concat!(
        select_versions!(),
        "WHERE item_code = $1 AND effective_from <= $2 ORDER BY version DESC LIMIT 1"
    );
    Ok(with_pool!(db, |p| sqlx::query_as(sql)
        .bind(code)
        .bind(today)
        .fetch_optional(p)
        .await?))
}

/// Every published version of an item, newest first.
pub async fn history(db: &Db, code: &str) -> Result<Vec<Version>> {
    let sql = concat!(
        select_versions!(),
        "WHERE item_code = $1 ORDER BY version DESC"
    );
    Ok(with_pool!(db, |p| sqlx::query_as(sql)
        .bind(code)
        .fetch_all(p)
        .await?))
}

pub async fn version(db: &Db, code: &str, version: i64) -> Result<Version> {
    let sql = concat!(select_versions!(), "WHERE item_code = $1 AND version = $2");
    Ok(with_pool!(db, |p| sqlx::query_as(sql)
        .bind(code)
        .bind(version)
        .fetch_one(p)
        .await?))
}

pub async fn version_by_id(db: &Db, id: i64) -> Result<Version> {
    let sql = concat!(select_versions!(), "WHERE id = $1");
    Ok(with_pool!(db, |p| sqlx::query_as(sql)
        .bind(id)
        .fetch_one(p)
        .await?))
}

/// Inserts the next version of an item inside the open transaction `$tx`; yields its id.
/// A macro rather than a function so that one text serves both backends' transaction types.
macro_rules! insert_version {
    ($tx:expr, $v:expr, $now:expr) => {{
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO catalogue_versions (item_code, version, name, line, effective_from, \
             change_note, body, published_by, published_at) \
             VALUES ($1, (SELECT COALESCE(MAX(version), 0) + 1 FROM catalogue_versions \
             WHERE item_code = $1), $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind($v.item_code)
        .bind($v.name)
        .bind($v.line)
        .bind($v.effective_from)
        .bind($v.change_note)
        .bind($v.body)
        .bind($v.published_by)
        .bind($now)
        .fetch_one(&mut *$tx)
        .await?;
        sqlx::query("DELETE FROM catalogue_drafts WHERE item_code = $1")
            .bind($v.item_code)
            .execute(&mut *$tx)
            .await?;
        id
    }};
}

pub(crate) use insert_version;

/// Publishes the next version of an item and drops its draft, in one transaction.
pub async fn publish(db: &Db, v: &NewVersion<'_>, now: i64) -> Result<Version> {
    let id = with_pool!(db, |pool| {
        let mut tx = pool.begin().await?;
        let id = insert_version!(tx, v, now);
        tx.commit().await?;
        id
    });
    version_by_id(db, id).await
}

/// A policy to create or replace, and the items to flag for review when it changed.
pub struct PolicyWrite<'a> {
    pub policy: &'a PolicyRow,
    pub flag_items: &'a [String],
}

/// Everything an import writes, applied in one transaction: all of it or nothing.
pub struct ImportPlan<'a> {
    pub policies: Vec<PolicyWrite<'a>>,
    pub versions: Vec<NewVersion<'a>>,
}

pub async fn apply_import(db: &Db, plan: &ImportPlan<'_>, now: i64) -> Result<()> {
    with_pool!(db, |pool| {
        let mut tx = pool.begin().await?;
        for w in &plan.policies {
            let p = w.policy;
            sqlx::query(
                "INSERT INTO policies (number, title, issuer, issued_on, effective_from, text, \
                 updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                 ON CONFLICT (number) DO UPDATE SET title = $2, issuer = $3, issued_on = $4, \
                 effective_from = $5, text = $6, updated_at = $7",
            )
            .bind(&p.number)
            .bind(&p.title)
            .bind(&p.issuer)
            .bind(&p.issued_on)
            .bind(&p.effective_from)
            .bind(&p.text)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            for code in w.flag_items {
                sqlx::query(
                    "INSERT INTO catalogue_reviews (item_code, policy_number, flagged_at) \
                     VALUES ($1, $2, $3)",
                )
                .bind(code)
                .bind(&p.number)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
        }
        for v in &plan.versions {
            insert_version!(tx, v, now);
        }
        tx.commit().await?;
    });
    Ok(())
}

/// Creates or replaces an item's draft inside the open transaction `$tx`.
macro_rules! upsert_draft {
    ($tx:expr, $d:expr) => {
        sqlx::query(
            "INSERT INTO catalogue_drafts (item_code, name, line, effective_from, change_note, \
             body, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (item_code) DO UPDATE SET name = $2, line = $3, effective_from = $4, \
             change_note = $5, body = $6, updated_by = $7, updated_at = $8",
        )
        .bind(&$d.item_code)
        .bind(&$d.name)
        .bind(&$d.line)
        .bind(&$d.effective_from)
        .bind(&$d.change_note)
        .bind(&$d.body)
        .bind(&$d.updated_by)
        .bind($d.updated_at)
        .execute(&mut *$tx)
        .await?
    };
}
pub(crate) use upsert_draft;

/// Saves an item's draft. A new item (nothing published yet) is claimed by `owner`, the org of
/// the editor who started it, unless someone already claimed it; both rows or neither.
pub async fn save_draft(db: &Db, d: &Draft, owner: &OrgPath) -> Result<()> {
    let claim = "INSERT INTO catalogue_owners (item_code, org_path) SELECT $1, $2 \
                 WHERE NOT EXISTS (SELECT 1 FROM catalogue_versions WHERE item_code = $1) \
                 ON CONFLICT (item_code) DO NOTHING";
    with_pool!(db, |p| {
        let mut tx = p.begin().await?;
        upsert_draft!(tx, d);
        sqlx::query(claim)
            .bind(&d.item_code)
            .bind(owner.as_str())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
    });
    Ok(())
}

/// The org that owns an item; `None` when it belongs to the whole deployment.
pub async fn owner(db: &Db, code: &str) -> Result<Option<OrgPath>> {
    let sql = "SELECT org_path FROM catalogue_owners WHERE item_code = $1";
    let path: Option<String> = with_pool!(db, |p| sqlx::query_scalar(sql)
        .bind(code)
        .fetch_optional(p)
        .await?);
    Ok(path.map(OrgPath::from_stored))
}

/// Every owned item and its owner (items not listed belong to the whole deployment).
pub async fn owners(db: &Db) -> Result<HashMap<String, OrgPath>> {
    let sql = "SELECT item_code, org_path FROM catalogue_owners";
    let rows: Vec<(String, String)> = with_pool!(db, |p| sqlx::query_as(sql).fetch_all(p).await?);
    Ok(rows
        .into_iter()
        .map(|(code, path)| (code, OrgPath::from_stored(path)))
        .collect())
}

macro_rules! select_drafts {
    () => {
        "SELECT item_code, name, line, effective_from, change_note, body, updated_by, updated_at \
         FROM catalogue_drafts "
    };
}

pub async fn draft(db: &Db, code: &str) -> Result<Option<Draft>> {
    let sql = concat!(select_drafts!(), "WHERE item_code = $1");
    Ok(with_pool!(db, |p| sqlx::query_as(sql)
        .bind(code)
        .fetch_optional(p)
        .await?))
}

pub async fn drafts(db: &Db) -> Result<Vec<Draft>> {
    let sql = concat!(select_drafts!(), "ORDER BY item_code");
    Ok(with_pool!(db, |p| sqlx::query_as(sql).fetch_all(p).await?))
}

/// Drops an item's draft; an item never published is forgotten with it, owner and all.
pub async fn discard_draft(db: &Db, code: &str) -> Result<()> {
    let unclaim = "DELETE FROM catalogue_owners WHERE item_code = $1 \
                   AND NOT EXISTS (SELECT 1 FROM catalogue_versions WHERE item_code = $1)";
    let n = with_pool!(db, |p| {
        let mut tx = p.begin().await?;
        let n = sqlx::query("DELETE FROM catalogue_drafts WHERE item_code = $1")
            .bind(code)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        sqlx::query(unclaim).bind(code).execute(&mut *tx).await?;
        tx.commit().await?;
        n
    });
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Records that a worker has read a changed version; reading twice is harmless.
pub async fn acknowledge(db: &Db, version_id: i64, user_id: i64, now: i64) -> Result<()> {
    let sql = "INSERT INTO catalogue_acks (version_id, user_id, acked_at) VALUES ($1, $2, $3) \
               ON CONFLICT (version_id, user_id) DO NOTHING";
    with_pool!(db, |p| sqlx::query(sql)
        .bind(version_id)
        .bind(user_id)
        .bind(now)
        .execute(p)
        .await?
        .rows_affected());
    Ok(())
}

/// Changed items (current version above 1) this worker has not acknowledged yet, newest first.
pub async fn unacknowledged(db: &Db, user_id: i64, today: &str) -> Result<Vec<Version>> {
    let sql = concat!(
        select_versions!(),
        "v WHERE v.version > 1 AND v.version = (SELECT MAX(version) FROM catalogue_versions w \
         WHERE w.item_code = v.item_code AND w.effective_from <= $1) \
         AND NOT EXISTS (SELECT 1 FROM catalogue_acks a WHERE a.version_id = v.id \
         AND a.user_id = $2) ORDER BY v.published_at DESC, v.item_code"
    );
    Ok(with_pool!(db, |p| sqlx::query_as(sql)
        .bind(today)
        .bind(user_id)
        .fetch_all(p)
        .await?))
}

/// Every acknowledgement as (version id, user id): one read for a head's overview page.
pub async fn acknowledgements(db: &Db) -> Result<Vec<(i64, i64)>> {
    let sql = "SELECT version_id, user_id FROM catalogue_acks ORDER BY version_id, user_id";
    Ok(with_pool!(db, |p| sqlx::query_as(sql).fetch_all(p).await?))
}

macro_rules! select_policies {
    () => {
        "SELECT number, title, issuer, issued_on, effective_from, text, updated_at FROM policies "
    };
}

pub async fn policies(db: &Db) -> Result<Vec<PolicyRow>> {
    let sql = concat!(select_policies!(), "ORDER BY number");
    Ok(with_pool!(db, |p| sqlx::query_as(sql).fetch_all(p).await?))
}

pub async fn policy(db: &Db, number: &str) -> Result<PolicyRow> {
    let sql = concat!(select_policies!(), "WHERE number = $1");
    Ok(with_pool!(db, |p| sqlx::query_as(sql)
        .bind(number)
        .fetch_one(p)
        .await?))
}

/// Items flagged for review because a governing policy changed: (item code, policy, flagged at).
pub async fn open_reviews(db: &Db) -> Result<Vec<(String, String, i64)>> {
    let sql = "SELECT item_code, policy_number, flagged_at FROM catalogue_reviews \
               WHERE resolved_at IS NULL ORDER BY flagged_at DESC, item_code";
    Ok(with_pool!(db, |p| sqlx::query_as(sql).fetch_all(p).await?))
}

/// Closes an item's review flags (it was reviewed, or a new version was published).
pub async fn resolve_reviews(db: &Db, code: &str, now: i64) -> Result<u64> {
    let sql = "UPDATE catalogue_reviews SET resolved_at = $1 \
               WHERE item_code = $2 AND resolved_at IS NULL";
    Ok(with_pool!(db, |p| sqlx::query(sql)
        .bind(now)
        .bind(code)
        .execute(p)
        .await?
        .rows_affected()))
}
