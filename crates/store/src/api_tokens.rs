//! Tokens for the JSON API (`Authorization: Bearer ...`), each acting as one user. Only the
//! SHA-256 of a token is kept; the token itself is shown once, when issued.

use crate::db::{with_point_reader, with_pool};
use crate::grouped::ReadMany;
use crate::statement::{Col, Run, Stmt};
use crate::users::{User, UserRow, user_columns, users_from};
use crate::{Db, Result};
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::FromRow;
use std::collections::HashMap;
use std::future::Future;

/// Every token starts with this, so a leaked one is easy to recognise in logs and code.
pub const PREFIX: &str = "qk_";

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct ApiToken {
    pub id: i64,
    pub user_id: i64,
    pub username: String,
    pub name: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

/// A token just issued: its id and the secret, which is not stored.
pub struct Issued {
    pub id: i64,
    pub token: String,
}

/// The stored form of a token: lowercase hex SHA-256.
pub fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A new random token: the prefix and 32 random bytes in hex.
fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("{PREFIX}{}", hex::encode(bytes))
}

/// Issues a token acting as `user_id`; `name` says what it is for ("自助终端", "区平台对接").
pub async fn issue(db: &Db, user_id: i64, name: &str, now: i64) -> Result<Issued> {
    let token = new_token();
    let sql = "INSERT INTO api_tokens (user_id, name, token_hash, created_at) \
               VALUES ($1, $2, $3, $4) RETURNING id";
    let (id,): (i64,) = with_pool!(db, |p| sqlx::query_as(sql)
        .bind(user_id)
        .bind(name)
        .bind(hash(&token))
        .bind(now)
        .fetch_one(p)
        .await?);
    Ok(Issued { id, token })
}

/// The accounts active (not revoked) tokens with these hashes act as, disabled or not, read
/// with the tokens in one statement; one answer per hash, in order. Every API request asks one
/// (`ActiveTokens`).
pub async fn find_active_many(db: &Db, hashes: &[String]) -> Result<Vec<Option<User>>> {
    let sql = format!(
        "{} WHERE t.token_hash IN {} AND t.revoked_at IS NULL",
        concat!(
            "SELECT t.token_hash, ",
            user_columns!(),
            users_from!(),
            "JOIN api_tokens t ON t.user_id = u.id"
        ),
        db.backend().placeholders(0, 1, hashes.len())
    );
    let mut s = Stmt::new(sql);
    for h in hashes {
        s.push(h);
    }
    let mut cols = vec![Col::Text];
    cols.extend(UserRow::COLS);
    let rows = with_point_reader!(db, |run| run.fetch(&s, &cols).await?);
    let mut found: HashMap<String, User> = HashMap::with_capacity(rows.len());
    for mut row in rows {
        let (hash, user) = row.split_at_mut(1);
        found.insert(hash[0].text()?, User::try_from(UserRow::from_cells(user)?)?);
    }
    Ok(hashes.iter().map(|h| found.remove(h)).collect())
}

/// Active tokens by hash, read together (`crate::grouped`): every API request asks one.
pub struct ActiveTokens;

impl ReadMany for ActiveTokens {
    type Key = String;
    type Value = User;

    fn read_many<'a>(
        db: &'a Db,
        hashes: &'a [String],
    ) -> impl Future<Output = Result<Vec<Option<User>>>> + Send + 'a {
        find_active_many(db, hashes)
    }
}

/// Revokes a token; true when it was active, false when it was already revoked. `NotFound` when
/// there is no such token.
pub async fn revoke(db: &Db, id: i64, now: i64) -> Result<bool> {
    let sql = "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL";
    let n = with_pool!(db, |p| sqlx::query(sql)
        .bind(now)
        .bind(id)
        .execute(p)
        .await?
        .rows_affected());
    if n == 0 {
        get(db, id).await?;
    }
    Ok(n > 0)
}

/// Revokes every active token of a user (a password reset); how many were active.
pub async fn revoke_for_user(db: &Db, user_id: i64, now: i64) -> Result<u64> {
    let sql = "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL";
    Ok(with_pool!(db, |p| sqlx::query(sql)
        .bind(now)
        .bind(user_id)
        .execute(p)
        .await?
        .rows_affected()))
}

macro_rules! select_tokens {
    () => {
        "SELECT t.id, t.user_id, u.username, t.name, t.created_at, t.revoked_at \
         FROM api_tokens t JOIN users u ON u.id = t.user_id "
    };
}

pub async fn get(db: &Db, id: i64) -> Result<ApiToken> {
    let sql = concat!(select_tokens!(), "WHERE t.id = $1");
    Ok(with_pool!(db, |p| sqlx::query_as(sql)
        .bind(id)
        .fetch_one(p)
        .await?))
}

/// Every token, or one user's, the newest first (revoked ones too: they are the history).
pub async fn list(db: &Db, user_id: Option<i64>) -> Result<Vec<ApiToken>> {
    let sql = concat!(
        select_tokens!(),
        "WHERE ($1 IS NULL OR t.user_id = $1) ORDER BY t.id DESC"
    );
    Ok(with_pool!(db, |p| sqlx::query_as(sql)
        .bind(user_id)
        .fetch_all(p)
        .await?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grouped::Grouped;
    use crate::testing::TestDb;
    use crate::{Backend, orgs, users};

    async fn find_active(db: &Db, token_hash: &str) -> Result<Option<User>> {
        let found = find_active_many(db, &[token_hash.to_string()]).await?;
        Ok(found.into_iter().next().flatten())
    }
    use quanke_domain::Role;

    async fn user(db: &Db) -> i64 {
        let street = orgs::create_street(db, "HS", "湖墅街道", 1).await.unwrap();
        let u = users::NewUser {
            username: "kiosk",
            display_name: "自助终端",
            password_hash: "x",
            role: Role::FrontDesk,
            org_id: street.id,
            community_id: None,
            must_change_password: false,
        };
        users::create(db, &u, 1).await.unwrap()
    }

    async fn round_trip(db: &Db) {
        let uid = user(db).await;
        let a = issue(db, uid, "终端", 10).await.unwrap();
        let b = issue(db, uid, "对接", 11).await.unwrap();
        assert!(a.token.starts_with(PREFIX) && a.token.len() == PREFIX.len() + 64);
        assert_ne!(a.token, b.token);
        let acting = find_active(db, &hash(&a.token)).await.unwrap();
        assert_eq!(acting, Some(users::by_id(db, uid).await.unwrap()));
        assert_eq!(find_active(db, &hash("qk_nope")).await.unwrap(), None);
        read_together(db, &a.token, &b.token).await;
        assert!(revoke(db, a.id, 20).await.unwrap());
        assert!(!revoke(db, a.id, 21).await.unwrap());
        assert!(matches!(
            revoke(db, 999, 21).await,
            Err(crate::StoreError::NotFound)
        ));
        assert_eq!(find_active(db, &hash(&a.token)).await.unwrap(), None);
        let all = list(db, Some(uid)).await.unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].id, b.id);
        assert_eq!(all[1].revoked_at, Some(20));
        assert_eq!(all[1].username, "kiosk");
        assert_eq!(list(db, None).await.unwrap().len(), 2);
        let c = issue(db, uid, "备用", 12).await.unwrap();
        // b was revoked in `read_together`: c alone was still active.
        assert_eq!(revoke_for_user(db, uid, 30).await.unwrap(), 1);
        assert_eq!(find_active(db, &hash(&c.token)).await.unwrap(), None);
        assert_eq!(get(db, a.id).await.unwrap().revoked_at, Some(20), "kept");
    }

    /// Many requests' tokens at once through `Grouped`: each answered for its own hash, and a
    /// revoke committed before the next ask is seen by it.
    async fn read_together(db: &Db, a: &str, b: &str) {
        let grouped = std::sync::Arc::new(Grouped::<ActiveTokens>::new(db.clone()));
        let hashes = [hash(a), hash(b), hash("qk_nope")];
        let asks: Vec<_> = (0..30)
            .map(|i| {
                let (g, h) = (grouped.clone(), hashes[i % 3].clone());
                tokio::spawn(async move { g.get(h).await.unwrap().is_some() })
            })
            .collect();
        for (i, ask) in asks.into_iter().enumerate() {
            assert_eq!(ask.await.unwrap(), i % 3 != 2, "ask {i}");
        }
        let b_id = list(db, None).await.unwrap()[0].id;
        assert!(revoke(db, b_id, 15).await.unwrap());
        assert_eq!(grouped.get(hash(b)).await.unwrap(), None, "revoked");
        assert!(grouped.get(hash(a)).await.unwrap().is_some());
    }

    #[tokio::test]
    async fn tokens_sqlite() {
        let t = TestDb::new(Backend::Sqlite).await.unwrap();
        round_trip(&t.db).await;
        t.finish().await;
    }

    #[tokio::test]
    async fn tokens_postgres() {
        if let Some(t) = TestDb::new(Backend::Postgres).await {
            round_trip(&t.db).await;
            t.finish().await;
        }
    }
}
