//! Password hashing with argon2id. Hashing is deliberately slow, so it runs off the async threads.

use anyhow::{Context, anyhow};
use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use std::sync::LazyLock;

pub async fn hash(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| anyhow!("hash password: {e}"))
    })
    .await
    .context("hashing task")?
}

/// True when `password` matches `stored`. With no stored hash (unknown user) a dummy hash is
/// checked anyway so that the response time does not reveal which usernames exist.
pub async fn verify(password: String, stored: Option<String>) -> anyhow::Result<bool> {
    tokio::task::spawn_blocking(move || {
        let stored = stored.unwrap_or_else(|| DUMMY.clone());
        let parsed = PasswordHash::new(&stored).map_err(|e| anyhow!("stored hash: {e}"))?;
        Ok(Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await
    .context("verify task")?
}

/// argon2id hash of a random string nobody knows; only used to spend the same time.
static DUMMY: LazyLock<String> = LazyLock::new(|| {
    let salt = SaltString::generate(&mut OsRng);
    let secret = rand::random::<[u8; 16]>();
    Argon2::default()
        .hash_password(&secret, &salt)
        .map(|h| h.to_string())
        .unwrap_or_default()
});

/// A temporary password given to a new account or on reset: 10 characters, no look-alikes.
pub fn temporary() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut rng = rand::thread_rng();
    loop {
        let p: String = (0..10)
            .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
            .collect();
        // Keep it acceptable to our own rules (letters and digits).
        if quanke_domain::password::check_new(&p, "").is_ok() {
            return p;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_differ() {
        let h1 = hash("社区服务2026".into()).await.unwrap();
        let h2 = hash("社区服务2026".into()).await.unwrap();
        assert!(h1.starts_with("$argon2id$"));
        assert_ne!(h1, h2, "salts differ");
        assert!(
            verify("社区服务2026".into(), Some(h1.clone()))
                .await
                .unwrap()
        );
        assert!(!verify("wrong".into(), Some(h1)).await.unwrap());
        assert!(!verify("x".into(), None).await.unwrap());
    }

    #[test]
    fn temporary_passwords_pass_the_rules() {
        for _ in 0..20 {
            assert!(quanke_domain::password::check_new(&temporary(), "").is_ok());
        }
    }
}
