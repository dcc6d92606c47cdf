//! Failed sign-ins, per username and per client address.

use crate::db::with_pool;
use crate::{Db, Result};

pub async fn record_failure(db: &Db, username: &str, ip: &str, at: i64) -> Result<()> {
    let sql = "INSERT INTO login_failures (username, ip, at) VALUES ($1, $2, $3)";
    with_pool!(db, |p| sqlx::query(sql)
        .bind(username)
        .bind(ip)
        .bind(at)
        .execute(p)
        .await?
        .rows_affected());
    Ok(())
}

/// (count, newest) of failures for `username` since `since`.
pub async fn for_user(db: &Db, username: &str, since: i64) -> Result<(i64, Option<i64>)> {
    let sql = "SELECT COUNT(*), MAX(at) FROM login_failures WHERE username = $1 AND at >= $2";
    let row = with_pool!(db, |p| sqlx::query_as(sql)
        .bind(username)
        .bind(since)
        .fetch_one(p)
        .await?);
    Ok(row)
}

/// (count, newest) of failures from `ip` since `since`, whatever the username.
pub async fn for_ip(db: &Db, ip: &str, since: i64) -> Result<(i64, Option<i64>)> {
    let sql = "SELECT COUNT(*), MAX(at) FROM login_failures WHERE ip = $1 AND at >= $2";
    let row = with_pool!(db, |p| sqlx::query_as(sql)
        .bind(ip)
        .bind(since)
        .fetch_one(p)
        .await?);
    Ok(row)
}

/// A successful sign-in clears the account's failures.
pub async fn clear_user(db: &Db, username: &str) -> Result<()> {
    with_pool!(db, |p| sqlx::query(
        "DELETE FROM login_failures WHERE username = $1"
    )
    .bind(username)
    .execute(p)
    .await?
    .rows_affected());
    Ok(())
}
