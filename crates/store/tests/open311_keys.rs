//! Open311 api keys on SQLite and PostgreSQL: issued once with only the hash kept, listed
//! newest first, found while active, revoked for good.

use quanke_store::both;
use quanke_store::open311_keys::{self, NAME_MAX, PREFIX};
use quanke_store::{Db, StoreError};

async fn issued_keys_are_found_by_hash_until_revoked(db: &Db) {
    let a = open311_keys::issue(db, "城市大脑", None, 10).await.unwrap();
    let b = open311_keys::issue(db, "随手拍", None, 11).await.unwrap();
    assert!(a.key.starts_with(PREFIX) && a.key.len() == PREFIX.len() + 64);
    assert_ne!(a.key, b.key);

    let found = open311_keys::find_active_by_hash(db, &open311_keys::hash(&a.key))
        .await
        .unwrap()
        .expect("active key");
    assert_eq!((found.id, found.name.as_str()), (a.id, "城市大脑"));
    assert_eq!(found.created_at, 10);
    // The key itself is not what is stored.
    let by_key = open311_keys::find_active_by_hash(db, &a.key).await.unwrap();
    assert_eq!(by_key, None);

    assert!(open311_keys::revoke(db, a.id, 20).await.unwrap());
    assert!(!open311_keys::revoke(db, a.id, 21).await.unwrap());
    assert!(matches!(
        open311_keys::revoke(db, 999, 21).await,
        Err(StoreError::NotFound)
    ));
    let gone = open311_keys::find_active_by_hash(db, &open311_keys::hash(&a.key)).await;
    assert_eq!(gone.unwrap(), None);
    let still = open311_keys::find_active_by_hash(db, &open311_keys::hash(&b.key)).await;
    assert_eq!(still.unwrap().map(|k| k.id), Some(b.id));

    let all = open311_keys::list(db).await.unwrap();
    let listed: Vec<(i64, &str, Option<i64>)> = all
        .iter()
        .map(|k| (k.id, k.name.as_str(), k.revoked_at))
        .collect();
    assert_eq!(
        listed,
        [(b.id, "随手拍", None), (a.id, "城市大脑", Some(20))]
    );
}
both!(keys, issued_keys_are_found_by_hash_until_revoked);

#[test]
fn names_are_trimmed_and_bounded() {
    assert_eq!(open311_keys::clean_name("  随手拍 "), Some("随手拍"));
    assert_eq!(open311_keys::clean_name("   "), None);
    let long = "长".repeat(NAME_MAX + 1);
    assert_eq!(open311_keys::clean_name(&long), None);
    assert!(open311_keys::clean_name(&long[3..]).is_some());
}
