//! The counters behind the limits of `quanke_domain::throttle`, one per kind of attempt: failed
//! sign-ins (`login_failures`, counted per account and per address) and residents' portal
//! attempts (`portal_attempts`, counted per kind and address). They never share rows, so one
//! kind cannot lock out another.

use crate::db::with_pool;
use crate::{Db, Result};
use quanke_domain::throttle::PortalAttempt;

pub async fn record_sign_in_failure(db: &Db, username: &str, ip: &str, at: i64) -> Result<()> {
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

/// (count, newest) of failed sign-ins of `username` since `since`, from any address.
pub async fn sign_in_failures_of(
    db: &Db,
    username: &str,
    since: i64,
) -> Result<(i64, Option<i64>)> {
    let sql = "SELECT COUNT(*), MAX(at) FROM login_failures WHERE username = $1 AND at >= $2";
    let row = with_pool!(db, |p| sqlx::query_as(sql)
        .bind(username)
        .bind(since)
        .fetch_one(p)
        .await?);
    Ok(row)
}

/// (count, newest) of failed sign-ins from `ip` since `since`, whatever the username.
pub async fn sign_in_failures_from(db: &Db, ip: &str, since: i64) -> Result<(i64, Option<i64>)> {
    let sql = "SELECT COUNT(*), MAX(at) FROM login_failures WHERE ip = $1 AND at >= $2";
    let row = with_pool!(db, |p| sqlx::query_as(sql)
        .bind(ip)
        .bind(since)
        .fetch_one(p)
        .await?);
    Ok(row)
}

/// A successful sign-in clears the account's failures.
pub async fn clear_sign_in_failures(db: &Db, username: &str) -> Result<()> {
    with_pool!(db, |p| sqlx::query(
        "DELETE FROM login_failures WHERE username = $1"
    )
    .bind(username)
    .execute(p)
    .await?
    .rows_affected());
    Ok(())
}

pub async fn record_portal(db: &Db, kind: PortalAttempt, ip: &str, at: i64) -> Result<()> {
    let sql = "INSERT INTO portal_attempts (kind, ip, at) VALUES ($1, $2, $3)";
    with_pool!(db, |p| sqlx::query(sql)
        .bind(kind.code())
        .bind(ip)
        .bind(at)
        .execute(p)
        .await?
        .rows_affected());
    Ok(())
}

/// (count, newest) of portal attempts of this kind from `ip` since `since`.
pub async fn portal_attempts(
    db: &Db,
    kind: PortalAttempt,
    ip: &str,
    since: i64,
) -> Result<(i64, Option<i64>)> {
    let sql = "SELECT COUNT(*), MAX(at) FROM portal_attempts WHERE kind = $1 AND ip = $2 \
               AND at >= $3";
    let row = with_pool!(db, |p| sqlx::query_as(sql)
        .bind(kind.code())
        .bind(ip)
        .bind(since)
        .fetch_one(p)
        .await?);
    Ok(row)
}
