//! Server-side sessions keyed by the SHA-256 of the cookie token.

use crate::db::with_pool;
use crate::users::{User, UserRow, user_columns, users_from};
use crate::{Db, Result};
use sqlx::FromRow;

pub struct NewSession<'a> {
    pub token_hash: &'a str,
    pub user_id: i64,
    pub now: i64,
    pub expires_at: i64,
}

pub async fn create(db: &Db, s: &NewSession<'_>) -> Result<()> {
    let sql = "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at) \
               VALUES ($1, $2, $3, $3, $4)";
    with_pool!(db, |p| sqlx::query(sql)
        .bind(s.token_hash)
        .bind(s.user_id)
        .bind(s.now)
        .bind(s.expires_at)
        .execute(p)
        .await?
        .rows_affected());
    Ok(())
}

/// A session that has not expired, with its account (disabled or not).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Live {
    pub user: User,
    pub created_at: i64,
    pub last_seen_at: i64,
}

#[derive(FromRow)]
struct LiveRow {
    #[sqlx(flatten)]
    user: UserRow,
    created_at: i64,
    last_seen_at: i64,
}

/// The live session with this hash, or None when absent or expired: read with its account in
/// one statement, as every signed-in page asks it.
pub async fn find_live(db: &Db, token_hash: &str, now: i64) -> Result<Option<Live>> {
    let sql = concat!(
        "SELECT ",
        user_columns!(),
        ", s.created_at, s.last_seen_at",
        users_from!(),
        "JOIN sessions s ON s.user_id = u.id WHERE s.token_hash = $1 AND s.expires_at > $2"
    );
    let row: Option<LiveRow> = with_pool!(db, |p| sqlx::query_as(sql)
        .bind(token_hash)
        .bind(now)
        .fetch_optional(p)
        .await?);
    row.map(|r| {
        Ok(Live {
            user: User::try_from(r.user)?,
            created_at: r.created_at,
            last_seen_at: r.last_seen_at,
        })
    })
    .transpose()
}

/// Slides the idle expiry forward.
pub async fn touch(db: &Db, token_hash: &str, now: i64, expires_at: i64) -> Result<()> {
    let sql = "UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE token_hash = $3";
    with_pool!(db, |p| sqlx::query(sql)
        .bind(now)
        .bind(expires_at)
        .bind(token_hash)
        .execute(p)
        .await?
        .rows_affected());
    Ok(())
}

pub async fn delete(db: &Db, token_hash: &str) -> Result<()> {
    with_pool!(db, |p| sqlx::query(
        "DELETE FROM sessions WHERE token_hash = $1"
    )
    .bind(token_hash)
    .execute(p)
    .await?
    .rows_affected());
    Ok(())
}

/// Ends every session of a user (on disable, password reset or role change).
pub async fn delete_for_user(db: &Db, user_id: i64) -> Result<u64> {
    let n = with_pool!(db, |p| sqlx::query(
        "DELETE FROM sessions WHERE user_id = $1"
    )
    .bind(user_id)
    .execute(p)
    .await?
    .rows_affected());
    Ok(n)
}

pub async fn purge_expired(db: &Db, now: i64) -> Result<u64> {
    let n = with_pool!(db, |p| sqlx::query(
        "DELETE FROM sessions WHERE expires_at <= $1"
    )
    .bind(now)
    .execute(p)
    .await?
    .rows_affected());
    Ok(n)
}
