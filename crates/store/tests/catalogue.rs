//! The catalogue store on both databases: versions, effective dates, drafts, acknowledgements,
//! policies and review flags, and an import that writes all or nothing.

use quanke_domain::OrgPath;
use quanke_store::both;
use quanke_store::catalogue::{self as cat, Draft, ImportPlan, NewVersion, PolicyRow, PolicyWrite};
use quanke_store::{Db, orgs, users};

fn v<'a>(code: &'a str, name: &'a str, from: &'a str, body: &'a str) -> NewVersion<'a> {
    NewVersion {
        item_code: code,
        name,
        line: "民政",
        effective_from: from,
        change_note: "说明",
        body,
        published_by: "admin",
    }
}

async fn versions_number_and_take_effect(db: &Db) {
    let v1 = cat::publish(db, &v("A", "高龄津贴", "2025-01-01", "{1}"), 10)
        .await
        .unwrap();
    let v2 = cat::publish(db, &v("A", "高龄津贴申领", "2026-12-01", "{2}"), 20)
        .await
        .unwrap();
    cat::publish(db, &v("B", "低保", "2025-06-01", "{b}"), 30)
        .await
        .unwrap();
    assert_eq!((v1.version, v2.version), (1, 2));
    // On 2026-11-28 version 2 is published but not yet in force.
    let now: Vec<(String, i64)> = cat::current_versions(db, "2026-11-28")
        .await
        .unwrap()
        .into_iter()
        .map(|v| (v.item_code, v.version))
        .collect();
    assert_eq!(now, vec![("A".into(), 1), ("B".into(), 1)]);
    let later = cat::current_version(db, "A", "2026-12-01")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(later.body, "{2}");
    assert_eq!(
        cat::current_version(db, "B", "2025-05-31").await.unwrap(),
        None
    );
    let latest: Vec<i64> = cat::latest_versions(db)
        .await
        .unwrap()
        .iter()
        .map(|v| v.version)
        .collect();
    assert_eq!(latest, vec![2, 1]);
    let hist: Vec<i64> = cat::history(db, "A")
        .await
        .unwrap()
        .iter()
        .map(|v| v.version)
        .collect();
    assert_eq!(hist, vec![2, 1]);
    assert_eq!(cat::version(db, "A", 1).await.unwrap(), v1);
}
both!(versions, versions_number_and_take_effect);

async fn drafts_are_replaced_and_dropped_on_publish(db: &Db) {
    let mut d = Draft {
        item_code: "A".into(),
        name: "草稿".into(),
        line: "民政".into(),
        effective_from: "2026-01-01".into(),
        change_note: "n".into(),
        body: "{d1}".into(),
        updated_by: "shequ".into(),
        updated_at: 1,
    };
    let (mine, theirs) = (OrgPath::root(1).child(2), OrgPath::root(1).child(3));
    cat::save_draft(db, &d, &mine).await.unwrap();
    d.body = "{d2}".into();
    cat::save_draft(db, &d, &theirs).await.unwrap();
    assert_eq!(
        cat::owner(db, "A").await.unwrap(),
        Some(mine.clone()),
        "the first editor of a new item owns it"
    );
    assert_eq!(cat::draft(db, "A").await.unwrap().unwrap().body, "{d2}");
    assert_eq!(cat::drafts(db).await.unwrap().len(), 1);
    assert!(
        cat::current_versions(db, "2030-01-01")
            .await
            .unwrap()
            .is_empty(),
        "drafts are not published"
    );
    cat::publish(db, &v("A", "草稿", "2026-01-01", "{d2}"), 5)
        .await
        .unwrap();
    assert_eq!(cat::draft(db, "A").await.unwrap(), None);
    assert!(cat::discard_draft(db, "A").await.is_err());
    // A published item stays owned when its next draft is discarded; an item drafted after
    // publication by nobody's editor (imported) is not claimed.
    cat::save_draft(db, &d, &theirs).await.unwrap();
    cat::discard_draft(db, "A").await.unwrap();
    assert_eq!(cat::owner(db, "A").await.unwrap(), Some(mine.clone()));
    cat::publish(db, &v("B", "导入", "2026-01-01", "{b}"), 6)
        .await
        .unwrap();
    d.item_code = "B".into();
    cat::save_draft(db, &d, &theirs).await.unwrap();
    assert_eq!(cat::owner(db, "B").await.unwrap(), None);
    // A new item discarded before publication is forgotten, owner and all.
    d.item_code = "C".into();
    cat::save_draft(db, &d, &theirs).await.unwrap();
    cat::discard_draft(db, "C").await.unwrap();
    assert_eq!(cat::owner(db, "C").await.unwrap(), None);
    let owners = cat::owners(db).await.unwrap();
    assert_eq!(owners.len(), 1);
    assert_eq!(owners["A"], mine);
}
both!(drafts, drafts_are_replaced_and_dropped_on_publish);

async fn changes_wait_for_acknowledgement(db: &Db) {
    let street = orgs::create_street(db, "S", "街道", 0).await.unwrap();
    let new = users::NewUser {
        username: "w",
        display_name: "w",
        password_hash: "x",
        role: quanke_domain::Role::SystemAdmin,
        org_id: street.id,
        community_id: None,
        must_change_password: false,
    };
    let uid = users::create(db, &new, 0).await.unwrap();
    cat::publish(db, &v("A", "a", "2025-01-01", "{1}"), 1)
        .await
        .unwrap();
    assert!(
        cat::unacknowledged(db, uid, "2026-01-01")
            .await
            .unwrap()
            .is_empty(),
        "first versions are no change"
    );
    let changed = cat::publish(db, &v("A", "a", "2025-06-01", "{2}"), 2)
        .await
        .unwrap();
    let pending = cat::unacknowledged(db, uid, "2026-01-01").await.unwrap();
    assert_eq!(
        pending.iter().map(|v| v.id).collect::<Vec<_>>(),
        vec![changed.id]
    );
    cat::acknowledge(db, changed.id, uid, 3).await.unwrap();
    cat::acknowledge(db, changed.id, uid, 4).await.unwrap();
    assert!(
        cat::unacknowledged(db, uid, "2026-01-01")
            .await
            .unwrap()
            .is_empty()
    );
    // Acknowledging twice is recorded once.
    assert_eq!(
        cat::acknowledgements(db).await.unwrap(),
        vec![(changed.id, uid)]
    );
}
both!(acknowledgements, changes_wait_for_acknowledgement);

fn policy(number: &str, text: &str) -> PolicyRow {
    PolicyRow {
        number: number.into(),
        title: "通知".into(),
        issuer: "区民政局".into(),
        issued_on: "2025-01-01".into(),
        effective_from: "2025-02-01".into(),
        text: text.into(),
        updated_at: 0,
    }
}

async fn import_writes_policies_flags_and_versions(db: &Db) {
    let p = policy("拱民〔2025〕1号", "原文");
    let flag = vec!["A".to_string()];
    let plan = ImportPlan {
        policies: vec![PolicyWrite {
            policy: &p,
            flag_items: &[],
        }],
        versions: vec![
            v("A", "a", "2025-01-01", "{1}"),
            v("B", "b", "2025-01-01", "{b}"),
        ],
    };
    cat::apply_import(db, &plan, 100).await.unwrap();
    let changed = policy("拱民〔2025〕1号", "修订后");
    let plan = ImportPlan {
        policies: vec![PolicyWrite {
            policy: &changed,
            flag_items: &flag,
        }],
        versions: vec![],
    };
    cat::apply_import(db, &plan, 200).await.unwrap();
    let stored = cat::policy(db, "拱民〔2025〕1号").await.unwrap();
    assert_eq!((stored.text.as_str(), stored.updated_at), ("修订后", 200));
    assert_eq!(cat::policies(db).await.unwrap().len(), 1);
    assert_eq!(
        cat::open_reviews(db).await.unwrap(),
        vec![("A".into(), "拱民〔2025〕1号".into(), 200)]
    );
    assert_eq!(cat::resolve_reviews(db, "A", 300).await.unwrap(), 1);
    assert!(cat::open_reviews(db).await.unwrap().is_empty());
    assert_eq!(cat::latest_versions(db).await.unwrap().len(), 2);
}
both!(import, import_writes_policies_flags_and_versions);

/// Makes the database refuse versions of item "BOOM", to fail an import part-way through.
async fn refuse_boom(db: &Db) {
    match db {
        Db::Sqlite(quanke_store::SqliteDb { pool: p, .. }) => {
            sqlx::query(
                "CREATE TRIGGER boom BEFORE INSERT ON catalogue_versions WHEN NEW.item_code = 'BOOM' \
                 BEGIN SELECT RAISE(ABORT, 'boom'); END",
            )
            .execute(p)
            .await
            .unwrap();
        }
        Db::Pg(p) => {
            sqlx::query(
                "CREATE FUNCTION boom() RETURNS trigger AS $$ BEGIN \
                 IF NEW.item_code = 'BOOM' THEN RAISE EXCEPTION 'boom'; END IF; RETURN NEW; END; \
                 $$ LANGUAGE plpgsql",
            )
            .execute(p)
            .await
            .unwrap();
            sqlx::query("CREATE TRIGGER boom BEFORE INSERT ON catalogue_versions FOR EACH ROW EXECUTE FUNCTION boom()")
                .execute(p)
                .await
                .unwrap();
        }
    }
}

async fn a_failing_import_writes_nothing(db: &Db) {
    refuse_boom(db).await;
    let p = policy("拱民〔2025〕9号", "x");
    let flag = ["A".to_string()];
    let plan = ImportPlan {
        policies: vec![PolicyWrite {
            policy: &p,
            flag_items: &flag,
        }],
        versions: vec![
            v("A", "a", "2025-01-01", "{1}"),
            v("BOOM", "b", "2025-01-01", "{b}"),
        ],
    };
    assert!(cat::apply_import(db, &plan, 1).await.is_err());
    assert!(cat::policies(db).await.unwrap().is_empty());
    assert!(cat::open_reviews(db).await.unwrap().is_empty());
    assert!(cat::latest_versions(db).await.unwrap().is_empty());
}
both!(atomic_import, a_failing_import_writes_nothing);
