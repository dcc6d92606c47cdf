//! Open311 partners' api keys. Only the SHA-256 of a key is kept, so a leaked database gives no
//! usable key; the key itself is shown once, when issued. A revoked key stays listed because
//! the cases it brought in still point at it.

use crate::db::with_pool;
use crate::{Db, Result};
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::FromRow;

/// Every key starts with this, so a leaked one is easy to recognise (and to tell from an API
/// token) in logs and code.
pub const PREFIX: &str = "qk311_";

/// The longest partner name, in characters.
pub const NAME_MAX: usize = quanke_domain::limits::PARTNER_NAME.max_chars;

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct Key {
    pub id: i64,
    /// The partner, as the administrator named it ("杭州城市大脑").
    pub name: String,
    pub created_by: Option<i64>,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

/// A key just issued: its id and the secret, which is not stored.
pub struct Issued {
    pub id: i64,
    pub key: String,
}

/// The partner name as stored: trimmed, or None when empty or longer than `NAME_MAX`.
pub fn clean_name(name: &str) -> Option<&str> {
    let name = name.trim();
    (!name.is_empty() && name.chars().count() <= NAME_MAX).then_some(name)
}

/// The stored form of a key: lowercase hex SHA-256.
pub fn hash(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

/// A new random key: the prefix and 32 random bytes in hex.
fn new_key() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("{PREFIX}{}", hex::encode(bytes))
}

/// The SELECT every key query starts with, as a literal so `concat!` can extend it.
macro_rules! select_keys {
    () => {
        "SELECT id, name, created_by, created_at, revoked_at FROM open311_keys "
    };
}

/// Issues a key for the partner `name` (see `clean_name`); `created_by` is the administrator,
/// None from the command line.
pub async fn issue(db: &Db, name: &str, created_by: Option<i64>, now: i64) -> Result<Issued> {
    let key = new_key();
    let sql = "INSERT INTO open311_keys (name, key_hash, created_by, created_at) \
               VALUES ($1, $2, $3, $4) RETURNING id";
    let (id,): (i64,) = with_pool!(db, |p| sqlx::query_as(sql)
        .bind(name)
        .bind(hash(&key))
        .bind(created_by)
        .bind(now)
        .fetch_one(p)
        .await?);
    Ok(Issued { id, key })
}

/// Every key, the newest first.
pub async fn list(db: &Db) -> Result<Vec<Key>> {
    let sql = concat!(select_keys!(), "ORDER BY id DESC");
    Ok(with_pool!(db, |p| sqlx::query_as(sql).fetch_all(p).await?))
}

pub async fn get(db: &Db, id: i64) -> Result<Key> {
    let sql = concat!(select_keys!(), "WHERE id = $1");
    Ok(with_pool!(db, |p| sqlx::query_as(sql)
        .bind(id)
        .fetch_one(p)
        .await?))
}

/// Revokes a key; false when it was already revoked (the first revocation's time stays).
pub async fn revoke(db: &Db, id: i64, now: i64) -> Result<bool> {
    let done = with_pool!(db, |p| sqlx::query(
        "UPDATE open311_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL"
    )
    .bind(now)
    .bind(id)
    .execute(p)
    .await?
    .rows_affected());
    if done == 0 {
        // Tell an unknown key from one revoked before.
        get(db, id).await?;
        return Ok(false);
    }
    Ok(true)
}

/// The key with this hash, unless it is unknown or revoked.
pub async fn find_active_by_hash(db: &Db, key_hash: &str) -> Result<Option<Key>> {
    let sql = concat!(select_keys!(), "WHERE key_hash = $1 AND revoked_at IS NULL");
    Ok(with_pool!(db, |p| sqlx::query_as(sql)
        .bind(key_hash)
        .fetch_optional(p)
        .await?))
}
