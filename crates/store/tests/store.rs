//! The store conformance suite: every test runs on SQLite, and on PostgreSQL when
//! QUANKE_TEST_PG names a server (required under CI).

use quanke_domain::{OrgPath, Role};
use quanke_store::both;
use quanke_store::testing::TestDb;
use quanke_store::{Backend, Db, StoreError, audit, orgs, sessions, throttle, users};

const NOW: i64 = 1_795_824_000;

/// street HS → communities A, B → grids A-1, B-1.
async fn tree(db: &Db) -> (orgs::Org, orgs::Org, orgs::Org, orgs::Org, orgs::Org) {
    let street = orgs::create_street(db, "HS", "湖墅街道", NOW)
        .await
        .unwrap();
    let a = orgs::create_child(db, &street, "A", "卖鱼桥社区", NOW)
        .await
        .unwrap();
    let b = orgs::create_child(db, &street, "B", "双荡弄社区", NOW)
        .await
        .unwrap();
    let a1 = orgs::create_child(db, &a, "A-1", "卖鱼桥第一网格", NOW)
        .await
        .unwrap();
    let b1 = orgs::create_child(db, &b, "B-1", "双荡弄第一网格", NOW)
        .await
        .unwrap();
    (street, a, b, a1, b1)
}

async fn user(db: &Db, name: &str, role: Role, org: &orgs::Org) -> i64 {
    let u = users::NewUser {
        username: name,
        display_name: name,
        password_hash: "x",
        role,
        org_id: org.id,
        community_id: org.community_id,
        must_change_password: false,
    };
    users::create(db, &u, NOW).await.unwrap()
}

/// Every migration's number, in order (there is no 10).
const MIGRATIONS: [i64; 35] = [
    1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27,
    28, 29, 30, 31, 32, 33, 34, 35, 36,
];

async fn migrations_apply_once(db: &Db) {
    assert_eq!(db.applied_migrations().await.unwrap(), MIGRATIONS);
    db.migrate().await.unwrap();
    assert_eq!(db.applied_migrations().await.unwrap(), MIGRATIONS);
    db.ping().await.unwrap();
}
both!(migrations, migrations_apply_once);

async fn org_tree_paths_and_subtrees(db: &Db) {
    let (street, a, b, a1, b1) = tree(db).await;
    assert_eq!(a1.path, street.path.child(a.id).child(a1.id));
    assert_eq!(a1.community_id, Some(a.id));
    assert_eq!(a.community_id, Some(a.id));
    assert_eq!(street.community_id, None);
    let under_a: Vec<String> = orgs::subtree(db, &a.path)
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.code)
        .collect();
    assert_eq!(under_a, vec!["A", "A-1"]);
    assert_eq!(orgs::subtree(db, &street.path).await.unwrap().len(), 5);
    assert!(
        !orgs::subtree(db, &b.path)
            .await
            .unwrap()
            .iter()
            .any(|o| o.id == a1.id)
    );
    assert_eq!(orgs::by_code(db, "B-1").await.unwrap(), b1);
    orgs::rename(db, b1.id, "双荡弄一格").await.unwrap();
    assert_eq!(orgs::get(db, b1.id).await.unwrap().name, "双荡弄一格");
    assert_eq!(orgs::streets(db).await.unwrap().len(), 1);
}
both!(org_tree, org_tree_paths_and_subtrees);

async fn org_codes_are_unique_and_grids_are_leaves(db: &Db) {
    let (street, _, _, a1, _) = tree(db).await;
    let dup = orgs::create_child(db, &street, "A", "重复", NOW).await;
    assert!(matches!(dup, Err(StoreError::Conflict(_))), "{dup:?}");
    assert!(orgs::create_child(db, &a1, "X", "楼栋", NOW).await.is_err());
    assert!(matches!(
        orgs::get(db, 9999).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        orgs::rename(db, 9999, "x").await,
        Err(StoreError::NotFound)
    ));
}
both!(org_rules, org_codes_are_unique_and_grids_are_leaves);

/// Ten siblings make "/1/2/" a prefix of "/1/2x/" style paths; the subtree must not leak.
async fn subtree_does_not_leak_into_similar_ids(db: &Db) {
    let street = orgs::create_street(db, "S", "街道", NOW).await.unwrap();
    let mut communities = Vec::new();
    for i in 0..12 {
        communities.push(
            orgs::create_child(db, &street, &format!("C{i}"), "社区", NOW)
                .await
                .unwrap(),
        );
    }
    for c in &communities {
        let inside = orgs::subtree(db, &c.path).await.unwrap();
        assert_eq!(
            inside.len(),
            1,
            "{} sees {:?}",
            c.code,
            inside.iter().map(|o| &o.code).collect::<Vec<_>>()
        );
    }
}
both!(subtree_prefixes, subtree_does_not_leak_into_similar_ids);

async fn users_are_scoped_and_unique(db: &Db) {
    let (street, a, b, a1, _) = tree(db).await;
    let head = user(db, "head", Role::CommunityHead, &a).await;
    user(db, "grid", Role::GridWorker, &a1).await;
    user(db, "other", Role::FrontDesk, &b).await;
    user(db, "admin", Role::SystemAdmin, &street).await;
    let names = |v: Vec<users::User>| v.into_iter().map(|u| u.username).collect::<Vec<_>>();
    assert_eq!(
        names(users::in_subtree(db, &a.path).await.unwrap()),
        vec!["head", "grid"]
    );
    assert_eq!(users::in_subtree(db, &street.path).await.unwrap().len(), 4);
    assert_eq!(
        names(users::in_subtree(db, &a1.path).await.unwrap()),
        vec!["grid"]
    );
    let again = users::NewUser {
        username: "head",
        display_name: "x",
        password_hash: "x",
        role: Role::FrontDesk,
        org_id: a.id,
        community_id: Some(a.id),
        must_change_password: true,
    };
    assert!(matches!(
        users::create(db, &again, NOW).await,
        Err(StoreError::Conflict(_))
    ));
    let u = users::by_username(db, "head").await.unwrap();
    assert_eq!(
        (u.id, u.role, u.org_path.clone()),
        (head, Role::CommunityHead, a.path.clone())
    );
    users::set_role(db, head, Role::FrontDesk, b.id, Some(b.id), NOW)
        .await
        .unwrap();
    users::set_disabled(db, head, true, NOW).await.unwrap();
    users::set_password(db, head, "y", true, NOW).await.unwrap();
    let u = users::by_id(db, head).await.unwrap();
    assert_eq!(
        (u.role, u.org_id, u.disabled, u.must_change_password),
        (Role::FrontDesk, b.id, true, true)
    );
    assert_eq!(u.password_hash, "y");
    assert_eq!(users::count(db).await.unwrap(), 4);
    assert!(matches!(
        users::set_disabled(db, 999, true, NOW).await,
        Err(StoreError::NotFound)
    ));
}
both!(users_scope, users_are_scoped_and_unique);

async fn sessions_expire_and_end(db: &Db) {
    let (_, a, ..) = tree(db).await;
    let uid = user(db, "u", Role::FrontDesk, &a).await;
    let s = sessions::NewSession {
        token_hash: "h1",
        user_id: uid,
        now: NOW,
        expires_at: NOW + 60,
    };
    sessions::create(db, &s).await.unwrap();
    let seen =
        |live: Option<sessions::Live>| live.map(|l| (l.user.id, l.created_at, l.last_seen_at));
    assert_eq!(
        seen(sessions::find_live(db, "h1", NOW + 59).await.unwrap()),
        Some((uid, NOW, NOW))
    );
    assert_eq!(
        sessions::find_live(db, "h1", NOW + 60).await.unwrap(),
        None,
        "expired at its edge"
    );
    sessions::touch(db, "h1", NOW + 30, NOW + 90).await.unwrap();
    assert_eq!(
        seen(sessions::find_live(db, "h1", NOW + 89).await.unwrap()),
        Some((uid, NOW, NOW + 30))
    );
    let s2 = sessions::NewSession {
        token_hash: "h2",
        user_id: uid,
        now: NOW,
        expires_at: NOW + 10,
    };
    sessions::create(db, &s2).await.unwrap();
    assert_eq!(sessions::purge_expired(db, NOW + 10).await.unwrap(), 1);
    assert_eq!(sessions::delete_for_user(db, uid).await.unwrap(), 1);
    assert_eq!(sessions::find_live(db, "h1", NOW).await.unwrap(), None);
}
both!(sessions_lifecycle, sessions_expire_and_end);

async fn failures_are_counted_per_user_and_ip(db: &Db) {
    for i in 0..3 {
        throttle::record_sign_in_failure(db, "u", "10.0.0.1", NOW + i)
            .await
            .unwrap();
    }
    throttle::record_sign_in_failure(db, "v", "10.0.0.1", NOW + 5)
        .await
        .unwrap();
    assert_eq!(
        throttle::sign_in_failures_of(db, "u", NOW).await.unwrap(),
        (3, Some(NOW + 2))
    );
    assert_eq!(
        throttle::sign_in_failures_of(db, "u", NOW + 2)
            .await
            .unwrap(),
        (1, Some(NOW + 2))
    );
    assert_eq!(
        throttle::sign_in_failures_from(db, "10.0.0.1", NOW)
            .await
            .unwrap(),
        (4, Some(NOW + 5))
    );
    throttle::clear_sign_in_failures(db, "u").await.unwrap();
    assert_eq!(
        throttle::sign_in_failures_of(db, "u", 0).await.unwrap(),
        (0, None)
    );
    assert_eq!(
        throttle::sign_in_failures_from(db, "10.0.0.1", 0)
            .await
            .unwrap()
            .0,
        1
    );
}
both!(login_failures, failures_are_counted_per_user_and_ip);

/// Residents' portal attempts are counted per kind and address, apart from sign-ins.
async fn portal_attempts_are_counted_alone(db: &Db) {
    use quanke_domain::throttle::PortalAttempt::{Application, TrackingMiss};
    for i in 0..3 {
        throttle::record_portal(db, Application, "10.0.0.1", NOW + i)
            .await
            .unwrap();
    }
    throttle::record_portal(db, TrackingMiss, "10.0.0.1", NOW + 7)
        .await
        .unwrap();
    throttle::record_portal(db, Application, "10.0.0.2", NOW)
        .await
        .unwrap();
    let count = |kind, ip, since| throttle::portal_attempts(db, kind, ip, since);
    assert_eq!(
        count(Application, "10.0.0.1", NOW).await.unwrap(),
        (3, Some(NOW + 2))
    );
    assert_eq!(count(Application, "10.0.0.1", NOW + 1).await.unwrap().0, 2);
    assert_eq!(
        count(TrackingMiss, "10.0.0.1", NOW).await.unwrap(),
        (1, Some(NOW + 7))
    );
    assert_eq!(
        throttle::sign_in_failures_from(db, "10.0.0.1", 0)
            .await
            .unwrap(),
        (0, None)
    );
}
both!(portal_attempts, portal_attempts_are_counted_alone);

fn entry<'a>(action: &'a str, org_path: &'a OrgPath, at: i64) -> audit::NewEntry<'a> {
    audit::NewEntry {
        at,
        actor_id: None,
        actor_name: "t",
        action,
        target: "x",
        detail: "",
        ip: "",
        org_path,
    }
}

async fn audit_is_scoped_filtered_and_append_only(db: &Db) {
    let (street, a, b, a1, _) = tree(db).await;
    audit::append(db, &entry("login", &street.path, NOW))
        .await
        .unwrap();
    audit::append(db, &entry("login", &a.path, NOW + 1))
        .await
        .unwrap();
    audit::append(db, &entry("login_failed", &a1.path, NOW + 2))
        .await
        .unwrap();
    let last = audit::append(db, &entry("login", &b.path, NOW + 3))
        .await
        .unwrap();
    let list = |within: &OrgPath, action: Option<&'static str>, before: Option<i64>| {
        let within = within.clone();
        async move {
            let f = audit::Filter {
                within: &within,
                action,
                before_id: before,
                limit: 10,
            };
            audit::list(db, &f)
                .await
                .unwrap()
                .into_iter()
                .map(|e| e.at - NOW)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        list(&street.path, None, None).await,
        vec![3, 2, 1, 0],
        "newest first"
    );
    assert_eq!(list(&a.path, None, None).await, vec![2, 1]);
    assert_eq!(list(&a.path, Some("login"), None).await, vec![1]);
    assert_eq!(list(&street.path, None, Some(last)).await, vec![2, 1, 0]);
    let root = OrgPath::from_stored("/".into());
    assert_eq!(list(&root, None, None).await.len(), 4);
    // The log refuses changes and deletions at the database itself.
    let upd = match db {
        Db::Sqlite(quanke_store::SqliteDb { pool: p, .. }) => {
            sqlx::query("UPDATE audit_log SET action = 'x'")
                .execute(p)
                .await
                .map(|_| ())
        }
        Db::Pg(p) => sqlx::query("UPDATE audit_log SET action = 'x'")
            .execute(p)
            .await
            .map(|_| ()),
    };
    assert!(upd.is_err(), "update must be refused");
    let del = match db {
        Db::Sqlite(quanke_store::SqliteDb { pool: p, .. }) => sqlx::query("DELETE FROM audit_log")
            .execute(p)
            .await
            .map(|_| ()),
        Db::Pg(p) => sqlx::query("DELETE FROM audit_log")
            .execute(p)
            .await
            .map(|_| ()),
    };
    assert!(del.is_err(), "delete must be refused");
    assert_eq!(list(&root, None, None).await.len(), 4);
}
both!(audit_log, audit_is_scoped_filtered_and_append_only);

async fn portal_questions_add_up_and_are_bounded(db: &Db) {
    use quanke_store::search_learning::{self as learning, Tally};
    const DAY: i64 = 86_400;
    let asked = |searches, clicks, at| Tally {
        searches,
        clicks,
        answered: false,
        first_at: at,
        last_at: at,
    };
    let counted = vec![
        ("old".to_string(), asked(5, 0, NOW - 100 * DAY)),
        ("recent".to_string(), asked(2, 0, NOW - DAY)),
        ("clicked".to_string(), asked(3, 1, NOW - DAY)),
        ("newest".to_string(), asked(1, 0, NOW)),
    ];
    learning::add_portal_questions(db, &counted).await.unwrap();
    learning::add_portal_questions(db, &[("recent".into(), asked(1, 0, NOW))])
        .await
        .unwrap();
    let listed = |rows: Vec<learning::Unanswered>| {
        rows.into_iter()
            .map(|q| (q.query, q.searches))
            .collect::<Vec<_>>()
    };
    let all = learning::unanswered(db, 0, 10).await.unwrap();
    assert_eq!(
        listed(all),
        [
            ("old".into(), 5),
            ("recent".into(), 3),
            ("newest".into(), 1)
        ],
        "most asked first; a clicked question is not listed"
    );
    // Older than the span: gone. Beyond the number kept: the least recently asked go.
    let gone = learning::prune_portal_questions(db, NOW - 90 * DAY, 10)
        .await
        .unwrap();
    assert_eq!(gone, 1);
    learning::prune_portal_questions(db, NOW - 90 * DAY, 2)
        .await
        .unwrap();
    let kept = learning::unanswered(db, 0, 10).await.unwrap();
    assert_eq!(listed(kept), [("recent".into(), 3), ("newest".into(), 1)]);
}
both!(portal_questions, portal_questions_add_up_and_are_bounded);

#[tokio::test]
async fn sqlite_backup_while_open_then_restore() {
    let t = TestDb::new(Backend::Sqlite).await.unwrap();
    tree(&t.db).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("backup.db");
    quanke_store::backup::sqlite_backup(&t.db, &file)
        .await
        .unwrap();
    // A second backup to the same file is refused rather than overwriting it.
    assert!(
        quanke_store::backup::sqlite_backup(&t.db, &file)
            .await
            .is_err()
    );
    // Changes after the backup must not survive the restore.
    orgs::create_street(&t.db, "LATE", "之后", NOW)
        .await
        .unwrap();
    let target = dir.path().join("restored.db");
    std::fs::write(&target, b"old contents").unwrap();
    quanke_store::backup::sqlite_restore(&file, &target)
        .await
        .unwrap();
    let restored = Db::connect(&format!("sqlite:{}", target.display()))
        .await
        .unwrap();
    assert_eq!(orgs::streets(&restored).await.unwrap().len(), 1);
    assert_eq!(
        orgs::subtree(&restored, &OrgPath::root(1))
            .await
            .unwrap()
            .len(),
        5
    );
    restored.close().await;
    // A file that is not a Quanke database is refused and the target is left alone.
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, b"not sqlite").unwrap();
    assert!(
        quanke_store::backup::sqlite_restore(&junk, &target)
            .await
            .is_err()
    );
    t.finish().await;
}

/// A background job's lead: one process at a time on PostgreSQL, given up with the run; SQLite
/// (one process) always leads. And news between processes reaches a listener.
#[tokio::test]
async fn one_process_leads_a_job_and_others_hear_changes() {
    use quanke_store::changes::{self, Heard, Listener, Topic};
    use quanke_store::leader::{self, Job};
    let Some(t) = TestDb::new(Backend::Postgres).await else {
        return;
    };
    let other = Db::connect(&t.url).await.unwrap();
    let lead = leader::try_lead(&t.db, Job::Escalation).await.unwrap();
    assert!(lead.is_some());
    assert!(
        leader::try_lead(&other, Job::Escalation)
            .await
            .unwrap()
            .is_none(),
        "another process does not lead while the run goes on"
    );
    drop(lead);
    let started = std::time::Instant::now();
    while leader::try_lead(&other, Job::Escalation)
        .await
        .unwrap()
        .is_none()
    {
        assert!(
            started.elapsed().as_secs() < 5,
            "the lead was never given up"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }

    let mut ear = Listener::start(&other)
        .await
        .unwrap()
        .expect("PostgreSQL listens");
    changes::announce(&t.db, Topic::Calendar).await.unwrap();
    let heard = tokio::time::timeout(std::time::Duration::from_secs(5), ear.next())
        .await
        .expect("heard in time")
        .unwrap();
    assert_eq!(heard, Heard::Changed(Topic::Calendar));
    // The listener holds a connection of the pool, which closing waits for.
    drop(ear);
    other.close().await;
    t.finish().await;
}

#[tokio::test]
async fn sqlite_always_leads() {
    let t = TestDb::new(Backend::Sqlite).await.unwrap();
    let first = quanke_store::leader::try_lead(&t.db, quanke_store::leader::Job::Escalation).await;
    assert!(first.unwrap().is_some());
    t.finish().await;
}

/// A SQLite server hears what the command line changes beside it (another process on the same
/// file, here another handle), and not its own announcements again.
#[tokio::test]
async fn a_sqlite_server_hears_changes_made_beside_it() {
    use quanke_store::changes::{self, Heard, Listener, Topic};
    let t = TestDb::new(Backend::Sqlite).await.unwrap();
    let command_line = Db::connect(&t.url).await.unwrap();
    let mut ear = Listener::start(&t.db)
        .await
        .unwrap()
        .expect("SQLite reads the counters");
    changes::announce(&t.db, Topic::Calendar).await.unwrap();
    changes::announce(&command_line, Topic::Catalogue)
        .await
        .unwrap();
    let heard = tokio::time::timeout(std::time::Duration::from_secs(5), ear.next())
        .await
        .expect("heard in time")
        .unwrap();
    assert_eq!(heard, Heard::Changed(Topic::Catalogue));
    // Two changes between two reads are heard as one each; its own is still not heard.
    changes::announce(&command_line, Topic::Orgs).await.unwrap();
    changes::announce(&command_line, Topic::Catalogue)
        .await
        .unwrap();
    changes::announce(&t.db, Topic::Calendar).await.unwrap();
    let mut topics = Vec::new();
    for _ in 0..2 {
        match tokio::time::timeout(std::time::Duration::from_secs(5), ear.next()).await {
            Ok(Ok(Heard::Changed(topic))) => topics.push(topic),
            other => panic!("expected a change, got {other:?}"),
        }
    }
    topics.sort_by_key(|t| format!("{t:?}"));
    assert_eq!(topics, vec![Topic::Catalogue, Topic::Orgs]);
    let quiet = tokio::time::timeout(std::time::Duration::from_millis(2500), ear.next()).await;
    assert!(quiet.is_err(), "its own change heard again: {quiet:?}");
    command_line.close().await;
    t.finish().await;
}

/// A table analysed while empty has no statistics, and SQLite then assumes a million rows: one
/// that grows from empty to about that many never looks grown to `PRAGMA optimize`. `optimize`
/// analyses such tables itself.
#[tokio::test]
async fn sqlite_tables_grown_from_empty_get_statistics() {
    let t = TestDb::new(Backend::Sqlite).await.unwrap();
    let Db::Sqlite(quanke_store::SqliteDb { pool, .. }) = &t.db else {
        unreachable!("a SQLite test database")
    };
    let stats = "SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'grid_last_visits'";
    let (before,): (i64,) = sqlx::query_as(stats).fetch_one(pool).await.unwrap();
    assert_eq!(before, 0, "migrated empty: nothing to analyse yet");
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) \
         INSERT INTO grid_last_visits (kind, subject_id, purpose, day, org_path) \
         SELECT 'resident', i, '*', '2026-12-01', '/1/' FROM n",
    )
    .execute(pool)
    .await
    .unwrap();
    t.db.optimize().await.unwrap();
    let (after,): (i64,) = sqlx::query_as(stats).fetch_one(pool).await.unwrap();
    assert!(after > 0, "the grown table was analysed");
    t.finish().await;
}

/// Where PostgreSQL's autovacuum is off, `optimize` analyses the tables that changed by a tenth
/// since their last analysis (a year of visits was otherwise planned with no statistics).
#[tokio::test]
async fn postgres_tables_that_changed_much_are_analysed() {
    let Some(t) = TestDb::new(Backend::Postgres).await else {
        return;
    };
    let Db::Pg(pool) = &t.db else {
        unreachable!("a PostgreSQL test database")
    };
    sqlx::query(
        "INSERT INTO grid_last_visits (kind, subject_id, purpose, day, org_path) \
         SELECT 'resident', i, '*', '2026-12-01', '/1/' FROM generate_series(1, 2000) AS i",
    )
    .execute(pool)
    .await
    .unwrap();
    let analysed = "SELECT COALESCE(last_analyze, last_autoanalyze) IS NOT NULL \
                    FROM pg_stat_user_tables WHERE relname = 'grid_last_visits'";
    // The server's counts of changed rows reach the statistics views within a second or so.
    let mut done = false;
    for _ in 0..50 {
        t.db.optimize().await.unwrap();
        done = sqlx::query_scalar(analysed).fetch_one(pool).await.unwrap();
        if done {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert!(done, "grid_last_visits was never analysed");
    t.finish().await;
}

/// SQLite reads planner statistics into a connection only when it loads the schema: after
/// `optimize` no pooled connection opened before it is handed out again (each would plan with
/// the old statistics).
#[tokio::test]
async fn sqlite_connections_older_than_the_statistics_are_not_reused() {
    let t = TestDb::new(Backend::Sqlite).await.unwrap();
    let Db::Sqlite(quanke_store::SqliteDb { pool, .. }) = &t.db else {
        unreachable!("a SQLite test database")
    };
    // A connection marked by a table of its own, given back to the pool.
    let mut marked = pool.acquire().await.unwrap();
    sqlx::query("CREATE TEMP TABLE opened_before (x INTEGER)")
        .execute(&mut *marked)
        .await
        .unwrap();
    drop(marked);
    all_idle(pool).await;
    t.db.optimize().await.unwrap();
    all_idle(pool).await;
    // Every connection the pool hands out now, as many as it holds and one more, is new.
    let mut held = Vec::new();
    for _ in 0..=pool.size() {
        let mut c = pool.acquire().await.unwrap();
        let (n,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM sqlite_temp_master WHERE name = 'opened_before'")
                .fetch_one(&mut *c)
                .await
                .unwrap();
        assert_eq!(n, 0, "a connection opened before the statistics was reused");
        held.push(c);
    }
    drop(held);
    t.finish().await;
}

/// The bundled SQLite keeps no memory statistics (`.cargo/config.toml`): with them every
/// allocation of SQLite's takes a global mutex.
#[tokio::test]
async fn sqlite_keeps_no_memory_statistics() {
    let t = TestDb::new(Backend::Sqlite).await.unwrap();
    assert!(
        compile_options(&t.db)
            .await
            .iter()
            .any(|o| o == "DEFAULT_MEMSTATUS=0"),
        "SQLite was built with memory statistics: is LIBSQLITE3_FLAGS in .cargo/config.toml?"
    );
    t.finish().await;
}

/// The options the bundled SQLite was built with.
async fn compile_options(db: &Db) -> Vec<String> {
    let Db::Sqlite(quanke_store::SqliteDb { pool, .. }) = db else {
        unreachable!("a SQLite test database")
    };
    let options: Vec<(String,)> = sqlx::query_as("PRAGMA compile_options")
        .fetch_all(pool)
        .await
        .unwrap();
    options.into_iter().map(|(o,)| o).collect()
}

/// The bundled SQLite is built without STAT4 (`.cargo/config.toml`): with STAT4 samples in the
/// database, every statement whose bound value meets an indexed column is planned anew on each
/// execution with new values, which doubled the server's CPU per case intake.
#[tokio::test]
async fn sqlite_keeps_no_stat4_samples() {
    let t = TestDb::new(Backend::Sqlite).await.unwrap();
    assert!(
        !compile_options(&t.db)
            .await
            .iter()
            .any(|o| o == "ENABLE_STAT4"),
        "SQLite was built with STAT4: is LIBSQLITE3_FLAGS in .cargo/config.toml?"
    );
    let Db::Sqlite(quanke_store::SqliteDb { pool, .. }) = &t.db else {
        unreachable!("a SQLite test database")
    };
    sqlx::query("ANALYZE").execute(pool).await.unwrap();
    let (tables,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM sqlite_master WHERE name IN ('sqlite_stat1', 'sqlite_stat4')",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(tables, 1, "ANALYZE keeps sqlite_stat1 only");
    t.finish().await;
}

/// The bundled SQLite keeps one page cache per connection and no global counts of its memory
/// (`.cargo/config.toml`): with the shared cache of SQLITE_ENABLE_MEMORY_MANAGEMENT and the
/// counts, every page a connection fetched, let go, allocated or freed took a mutex of the whole
/// process, and the case writer and the readers waited on each other for it.
#[tokio::test]
async fn sqlite_connections_keep_their_own_page_caches() {
    let t = TestDb::new(Backend::Sqlite).await.unwrap();
    let options = compile_options(&t.db).await;
    assert!(
        !options.iter().any(|o| o == "ENABLE_MEMORY_MANAGEMENT"),
        "SQLite shares one page cache: is LIBSQLITE3_FLAGS in .cargo/config.toml?"
    );
    for built in ["DEFAULT_MEMSTATUS=0", "DISABLE_PAGECACHE_OVERFLOW_STATS"] {
        assert!(
            options.iter().any(|o| o == built),
            "SQLite was built without {built}: is LIBSQLITE3_FLAGS in .cargo/config.toml?"
        );
    }
    t.finish().await;
}

/// Waits until every connection of the pool is back in it (a dropped one returns in a task).
async fn all_idle(pool: &sqlx::SqlitePool) {
    while pool.num_idle() < pool.size() as usize {
        tokio::time::sleep(std::time::Duration::from_millis(1)).await;
    }
}
