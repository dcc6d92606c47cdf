//! Grid work in the store on SQLite and PostgreSQL: a visit recorded once however often it is
//! sent, the subjects it reached, the last visit per subject and purpose (never moved back by a
//! late visit, moved along with a household that moves), and the coverage counts and due-list
//! candidates the rules read.

use quanke_domain::OrgPath;
use quanke_domain::Role;
use quanke_domain::grid::{CoverageRules, Purposes, Subject, SubjectKind, Target};
use quanke_store::grid::{coverage, purpose_sets, rules, visits};
use quanke_store::testing::day;
use quanke_store::{Db, both, orgs, users};
use sqlx::AssertSqlSafe;

const NOW: i64 = 1_796_601_600;

async fn exec(db: &Db, sql: String) {
    match db {
        Db::Sqlite(quanke_store::SqliteDb { pool: p, .. }) => {
            sqlx::query(AssertSqlSafe(sql)).execute(p).await.map(|_| ())
        }
        Db::Pg(p) => sqlx::query(AssertSqlSafe(sql)).execute(p).await.map(|_| ()),
    }
    .unwrap();
}

struct World {
    street: OrgPath,
    grid_1: OrgPath,
    grid_2: OrgPath,
    worker: i64,
}

/// A street with one community of two grids; in grid 1 a household of two (one living alone
/// by tag) and a restaurant, in grid 2 a household of one and a shop.
async fn world(db: &Db) -> World {
    let street = orgs::create_street(db, "HS", "湖墅街道", NOW)
        .await
        .unwrap();
    let a = orgs::create_child(db, &street, "A", "卖鱼桥社区", NOW)
        .await
        .unwrap();
    let g1 = orgs::create_child(db, &a, "A-1", "第一网格", NOW)
        .await
        .unwrap();
    let g2 = orgs::create_child(db, &a, "A-2", "第二网格", NOW)
        .await
        .unwrap();
    let u = users::NewUser {
        username: "wangge",
        display_name: "王网格",
        password_hash: "x",
        role: Role::GridWorker,
        org_id: g1.id,
        community_id: g1.community_id,
        must_change_password: false,
    };
    let worker = users::create(db, &u, NOW).await.unwrap();
    let (p1, p2, c) = (g1.path.as_str(), g2.path.as_str(), a.path.as_str());
    exec(
        db,
        format!(
            "INSERT INTO registry_households (id, community_path, number, org_path, created_at) \
         VALUES (1, '{c}', 'H1', '{p1}', 0), (2, '{c}', 'H2', '{p2}', 0)"
        ),
    )
    .await;
    for (id, name, path, household) in [(1, "张一", p1, 1), (2, "张二", p1, 1), (3, "李三", p2, 2)]
    {
        exec(
            db,
            format!(
                "INSERT INTO registry_residents (id, id_number, id_rev, name, name_initials, sex, \
             birth_date, org_path, household_id, created_at, updated_at) VALUES ({id}, 'N{id}', \
             'R{id}', '{name}', 'z', 'M', '1940-01-01', '{path}', {household}, 0, 0)"
            ),
        )
        .await;
    }
    exec(
        db,
        "INSERT INTO registry_tags (resident_id, tag, since) VALUES \
              (1, 'living_alone', '2026-11-01'), (3, 'living_alone', '')"
            .into(),
    )
    .await;
    exec(
        db,
        format!(
            "INSERT INTO registry_businesses (id, credit_code, name, kind, fire_category, org_path, \
         created_at, updated_at) VALUES (1, 'C1', '小河面馆', '餐饮', '一般单位', '{p1}', 0, 0), \
         (2, 'C2', '便民超市', '零售', '九小场所', '{p2}', 0, 0)"
        ),
    )
    .await;
    World {
        street: street.path,
        grid_1: g1.path,
        grid_2: g2.path,
        worker,
    }
}

fn visit(
    w: &World,
    key: &str,
    date: &str,
    purposes: &[&str],
    reached: &[(SubjectKind, i64, &OrgPath, bool)],
) -> visits::NewVisit {
    visits::NewVisit {
        key: key.into(),
        community_path: w.grid_1.community().unwrap(),
        day: day(date),
        minutes: 20,
        worker_id: w.worker,
        purposes: purposes.iter().map(|p| p.to_string()).collect(),
        findings: "身体尚可".into(),
        sensitive: false,
        recorded_at: NOW,
        reached: reached
            .iter()
            .map(|(kind, id, path, named)| visits::Reached {
                subject: Subject {
                    kind: *kind,
                    id: *id,
                },
                org_path: (*path).clone(),
                named: *named,
            })
            .collect(),
        follow_up: None,
    }
}

/// Household 1 moves to `to` (as a ledger import or the desk would move it).
async fn move_household_1(db: &Db, to: &OrgPath) {
    let sql = format!(
        "UPDATE registry_households SET org_path = '{}' WHERE id = 1",
        to.as_str()
    );
    exec(db, sql).await;
}

fn rules_of(text: &str) -> CoverageRules {
    CoverageRules::parse(text, &Purposes::shipped()).unwrap()
}

async fn counts(
    db: &Db,
    rule: &CoverageRules,
    within: &OrgPath,
    from: &str,
) -> (Vec<i64>, Vec<i64>) {
    let rule = &rule.all()[0];
    let population = coverage::population(db, rule, within).await.unwrap();
    let covered = coverage::covered(db, rule, within, day(from))
        .await
        .unwrap();
    (
        population.iter().map(|c| c.n).collect(),
        covered.iter().map(|c| c.n).collect(),
    )
}

async fn visits_are_recorded_once_and_cover_household_members(db: &Db) {
    let w = world(db).await;
    let household = visit(
        &w,
        "k1",
        "2026-12-01",
        &["daily"],
        &[
            (SubjectKind::Household, 1, &w.grid_1, true),
            (SubjectKind::Resident, 1, &w.grid_1, false),
            (SubjectKind::Resident, 2, &w.grid_1, false),
        ],
    );
    let first = visits::record(db, &household).await.unwrap();
    assert!(first.fresh);
    let again = visits::record(db, &household).await.unwrap();
    assert_eq!(
        again,
        visits::Recorded {
            id: first.id,
            fresh: false
        },
        "the same key is the same visit"
    );
    let person = Subject {
        kind: SubjectKind::Resident,
        id: 1,
    };
    let timeline = visits::timeline(db, person, 10).await.unwrap();
    assert_eq!(timeline.len(), 1, "sent twice, stored once");
    assert_eq!(timeline[0].worker_name, "王网格");
    assert!(!timeline[0].named, "reached as a member of the household");
    assert_eq!(visits::reached(db, first.id).await.unwrap().len(), 3);

    // A weekly rule for people living alone counts the household visit for its member.
    let weekly = rules_of("独居 | 人员:独居老人 | 每7天 | 日常走访");
    let (population, covered) = counts(db, &weekly, &w.street, "2026-11-30").await;
    assert_eq!(
        population,
        vec![1, 1],
        "one person living alone in each grid"
    );
    assert_eq!(covered, vec![1], "only grid 1's was visited");
    // A visit before the window does not cover; a purpose the rule does not count does not either.
    let (_, covered) = counts(db, &weekly, &w.street, "2026-12-02").await;
    assert!(covered.is_empty());
    let fire = rules_of("消防 | 人员:独居老人 | 每7天 | 消防安全检查");
    let (_, covered) = counts(db, &fire, &w.street, "2026-11-30").await;
    assert!(
        covered.is_empty(),
        "a daily visit is not a fire-safety check"
    );
}
both!(
    visits_are_recorded_once_and_cover_household_members,
    visits_are_recorded_once_and_cover_household_members
);

async fn a_late_visit_never_moves_the_last_visit_back(db: &Db) {
    let w = world(db).await;
    let business = |key, date| {
        visit(
            &w,
            key,
            date,
            &["fire_safety"],
            &[(SubjectKind::Business, 1, &w.grid_1, true)],
        )
    };
    visits::record(db, &business("b2", "2026-12-03"))
        .await
        .unwrap();
    visits::record(db, &business("b1", "2026-11-20"))
        .await
        .unwrap();
    let monthly = rules_of("餐饮 | 企业:餐饮 | 每月 | 消防安全检查");
    let rule = &monthly.all()[0];
    let found = coverage::candidates(db, rule, &w.street).await.unwrap();
    assert_eq!(found.len(), 1, "only the restaurant is a 餐饮 business");
    assert_eq!(found[0].label, "小河面馆");
    assert_eq!(found[0].last, Some(day("2026-12-03")));
    let (population, covered) = counts(db, &monthly, &w.street, "2026-12-01").await;
    assert_eq!((population, covered), (vec![1], vec![1]));
    // Every business, placed in two grids; the shop never visited has no last visit.
    let all = rules_of("企业 | 企业 | 每半年 | 任意");
    let found = coverage::candidates(db, &all.all()[0], &w.street)
        .await
        .unwrap();
    let last: Vec<_> = found.iter().map(|c| (c.label.as_str(), c.last)).collect();
    assert_eq!(
        last,
        vec![("小河面馆", Some(day("2026-12-03"))), ("便民超市", None)]
    );
    // A category word matches the business's fire-safety category as well as its type.
    let small = rules_of("九小 | 企业:九小场所 | 每月 | 任意");
    let (population, covered) = counts(db, &small, &w.street, "2026-12-01").await;
    assert_eq!((population, covered), (vec![1], Vec::<i64>::new()));
}
both!(
    a_late_visit_never_moves_the_last_visit_back,
    a_late_visit_never_moves_the_last_visit_back
);

async fn coverage_follows_a_household_that_moves_and_stays_in_scope(db: &Db) {
    let w = world(db).await;
    visits::record(
        db,
        &visit(
            &w,
            "h1",
            "2026-12-01",
            &["census"],
            &[(SubjectKind::Household, 1, &w.grid_1, true)],
        ),
    )
    .await
    .unwrap();
    let quarterly = rules_of("每户 | 户 | 每季度 | 任意");
    let (_, covered) = counts(db, &quarterly, &w.grid_1, "2026-10-01").await;
    assert_eq!(covered, vec![1]);
    move_household_1(db, &w.grid_2).await;
    let (_, covered) = counts(db, &quarterly, &w.grid_1, "2026-10-01").await;
    assert!(
        covered.is_empty(),
        "the household's coverage left grid 1 with it"
    );
    let (population, covered) = counts(db, &quarterly, &w.grid_2, "2026-10-01").await;
    assert_eq!((population, covered), (vec![2], vec![1]));
    // Candidates of one grid never include another grid's subjects.
    let found = coverage::candidates(db, &quarterly.all()[0], &w.grid_1)
        .await
        .unwrap();
    assert!(found.is_empty());
    assert_eq!(
        visits::place_of(
            db,
            Subject {
                kind: SubjectKind::Household,
                id: 1
            }
        )
        .await
        .unwrap(),
        Some(w.grid_2.clone())
    );
    assert_eq!(
        visits::place_of(
            db,
            Subject {
                kind: SubjectKind::Household,
                id: 99
            }
        )
        .await
        .unwrap(),
        None
    );
}
both!(
    coverage_follows_a_household_that_moves_and_stays_in_scope,
    coverage_follows_a_household_that_moves_and_stays_in_scope
);

/// Each rule's covered count, and the same counted from the last visits themselves.
async fn covered_both_ways(db: &Db, rule: &CoverageRules, within: &OrgPath, from: &str) {
    let rule = &rule.all()[0];
    let kept: Vec<(String, i64)> = coverage::covered(db, rule, within, day(from))
        .await
        .unwrap()
        .into_iter()
        .map(|c| (c.org_path.as_str().to_string(), c.n))
        .collect();
    let key = rule.visit_key();
    // Tagged people count while active and tagged.
    let tagged = match &rule.target {
        Target::Tagged(tag) => format!(
            " JOIN registry_tags t ON t.resident_id = l.subject_id AND t.tag = '{}' \
             JOIN registry_residents r ON r.id = l.subject_id AND r.status = 'active'",
            tag.code()
        ),
        _ => String::new(),
    };
    let sql = format!(
        "SELECT l.org_path, COUNT(*) FROM grid_last_visits l{tagged} WHERE l.kind = '{}' \
         AND l.purpose = '{key}' AND l.day >= '{from}' AND l.org_path >= '{}' \
         AND l.org_path < '{}' GROUP BY l.org_path ORDER BY l.org_path",
        rule.target.kind().code(),
        within.as_str(),
        within.subtree_end()
    );
    let counted: Vec<(String, i64)> = match db {
        Db::Sqlite(quanke_store::SqliteDb { pool: p, .. }) => {
            sqlx::query_as(AssertSqlSafe(sql)).fetch_all(p).await
        }
        Db::Pg(p) => sqlx::query_as(AssertSqlSafe(sql)).fetch_all(p).await,
    }
    .unwrap();
    assert_eq!(kept, counted, "{} from {from}", rule.name);
}

async fn visit_days_agree_with_the_last_visits(db: &Db) {
    let w = world(db).await;
    // (key, day, purpose, subject): subjects 1 are in grid 1, subjects 2 in grid 2.
    let sent = [
        ("v1", "2026-10-05", "daily", SubjectKind::Household, 1),
        ("v2", "2026-11-20", "daily", SubjectKind::Household, 2),
        ("v3", "2026-12-02", "daily", SubjectKind::Household, 1),
        // Sent late: older than the household's last visit, it moves nothing.
        ("v4", "2026-10-20", "daily", SubjectKind::Household, 1),
        ("v5", "2026-11-03", "fire_safety", SubjectKind::Business, 1),
        ("v6", "2026-12-01", "business", SubjectKind::Business, 2),
        ("v7", "2026-12-03", "fire_safety", SubjectKind::Business, 1),
    ];
    for (key, date, purpose, kind, id) in sent {
        let grid = if id == 1 { &w.grid_1 } else { &w.grid_2 };
        let reached = [(kind, id, grid, true)];
        visits::record(db, &visit(&w, key, date, &[purpose], &reached))
            .await
            .unwrap();
    }
    let households = rules_of("每户 | 户 | 每季度 | 任意");
    let fire = rules_of("消防 | 企业 | 每月 | 消防安全检查");
    for from in ["2026-10-01", "2026-11-01", "2026-12-01", "2026-12-03"] {
        covered_both_ways(db, &households, &w.street, from).await;
        covered_both_ways(db, &fire, &w.street, from).await;
    }
    let (_, covered) = counts(db, &households, &w.street, "2026-12-01").await;
    assert_eq!(covered, vec![1], "household 1 on 12-02, household 2 before");
    // A household that moves takes its day with it; the grid it left counts it no more.
    move_household_1(db, &w.grid_2).await;
    for from in ["2026-10-01", "2026-12-01"] {
        covered_both_ways(db, &households, &w.street, from).await;
    }
    let (_, covered) = counts(db, &households, &w.grid_2, "2026-10-01").await;
    assert_eq!(covered, vec![2]);
}
both!(
    visit_days_agree_with_the_last_visits,
    visit_days_agree_with_the_last_visits
);

/// Rows of `sql` as (text, text, text, text, count), in the order the statement gives.
async fn rows5(db: &Db, sql: &str) -> Vec<(String, String, String, String, i64)> {
    match db {
        Db::Sqlite(quanke_store::SqliteDb { pool: p, .. }) => {
            sqlx::query_as(AssertSqlSafe(sql)).fetch_all(p).await
        }
        Db::Pg(p) => sqlx::query_as(AssertSqlSafe(sql)).fetch_all(p).await,
    }
    .unwrap()
}

/// The kept per-tag day counts (rows at zero aside) equal the same counted from the tags, the
/// people's status and their last visits; and each purpose set's row is the newest of its members' rows.
async fn tag_days_agree(db: &Db, when: &str) {
    let kept = rows5(
        db,
        "SELECT tag, purpose, org_path, day, n FROM grid_tag_visit_days WHERE n <> 0 \
         ORDER BY 1, 2, 3, 4",
    )
    .await;
    let counted = rows5(
        db,
        "SELECT t.tag, l.purpose, l.org_path, l.day, COUNT(*) FROM registry_tags t \
         JOIN registry_residents r ON r.id = t.resident_id AND r.status = 'active' \
         JOIN grid_last_visits l ON l.kind = 'resident' AND l.subject_id = t.resident_id \
         GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4",
    )
    .await;
    assert_eq!(kept, counted, "tag day counts {when}");
    let sets = rows5(
        db,
        "SELECT s.kind, CAST(s.subject_id AS TEXT), s.day, s.org_path, CAST(0 AS BIGINT) \
         FROM grid_last_visits s WHERE s.purpose LIKE '%+%' ORDER BY 1, 2",
    )
    .await;
    let newest = rows5(
        db,
        "SELECT l.kind, CAST(l.subject_id AS TEXT), MAX(l.day), MAX(l.org_path), CAST(0 AS BIGINT) \
         FROM grid_last_visits l JOIN grid_purpose_sets m ON m.purpose = l.purpose \
         GROUP BY l.kind, l.subject_id ORDER BY 1, 2",
    )
    .await;
    assert_eq!(sets, newest, "purpose set rows {when}");
}

async fn tag_visit_days_follow_visits_tags_status_and_moves(db: &Db) {
    let w = world(db).await;
    let alone = rules_of("独居 | 人员:独居老人 | 每7天 | 独居老人探访 日常走访");
    let member = |id, grid| (SubjectKind::Resident, id, grid, false);
    let household_1 = |day: &str, key: &str, purpose: &str| {
        let reached = [
            (SubjectKind::Household, 1, &w.grid_1, true),
            member(1, &w.grid_1),
            member(2, &w.grid_1),
        ];
        visit(&w, key, day, &[purpose], &reached)
    };
    // Visited before the rule's set exists: the set is back-filled when it is first kept.
    visits::record(db, &household_1("2026-11-20", "v1", "daily"))
        .await
        .unwrap();
    tag_days_agree(db, "before the set").await;
    let set = alone.all()[0].purpose_set().unwrap();
    purpose_sets::ensure(db, std::slice::from_ref(&set))
        .await
        .unwrap();
    purpose_sets::ensure(db, &[set]).await.unwrap();
    tag_days_agree(db, "after the back-fill").await;
    let (_, covered) = counts(db, &alone, &w.street, "2026-11-15").await;
    assert_eq!(
        covered,
        vec![1],
        "resident 1 visited on 11-20; resident 3 never"
    );

    let steps: [(&str, String); 7] = [
        ("a visit for the other purpose", String::new()),
        (
            "a new tag",
            "INSERT INTO registry_tags (resident_id, tag) VALUES (2, 'living_alone')".into(),
        ),
        (
            "a move out",
            "UPDATE registry_residents SET status = 'moved_out' WHERE id = 1".into(),
        ),
        (
            "a move back to another grid",
            format!(
                "UPDATE registry_residents SET status = 'active', org_path = '{}' WHERE id = 1",
                w.grid_2.as_str()
            ),
        ),
        (
            "moved away and out at once",
            format!(
                "UPDATE registry_residents SET status = 'deceased', org_path = '{}' WHERE id = 2",
                w.grid_2.as_str()
            ),
        ),
        (
            "a tag removed",
            "DELETE FROM registry_tags WHERE resident_id = 1".into(),
        ),
        (
            "a tag renamed",
            "UPDATE registry_tags SET tag = 'disabled' WHERE resident_id = 3".into(),
        ),
    ];
    for (i, (when, sql)) in steps.into_iter().enumerate() {
        if sql.is_empty() {
            let late = household_1("2026-11-25", "v2", "living_alone");
            visits::record(db, &late).await.unwrap();
            let reached = [member(3, &w.grid_2)];
            let v = visit(&w, "v3", "2026-12-01", &["living_alone"], &reached);
            visits::record(db, &v).await.unwrap();
        } else {
            exec(db, sql).await;
        }
        tag_days_agree(db, when).await;
        for from in ["2026-11-01", "2026-11-21", "2026-11-30"] {
            covered_both_ways(db, &alone, &w.street, from).await;
        }
        if i == 0 {
            let (_, covered) = counts(db, &alone, &w.street, "2026-11-21").await;
            assert_eq!(
                covered,
                vec![1, 1],
                "resident 1 on 11-25 (grid 1), 3 on 12-01 (grid 2)"
            );
        }
    }
    let (_, covered) = counts(db, &alone, &w.street, "2026-11-01").await;
    assert!(
        covered.is_empty(),
        "nobody living alone is left: {covered:?}"
    );
}
both!(
    tag_visit_days_follow_visits_tags_status_and_moves,
    tag_visit_days_follow_visits_tags_status_and_moves
);

async fn coverage_rules_are_versioned_per_street(db: &Db) {
    let w = world(db).await;
    assert_eq!(rules::current(db, &w.street).await.unwrap(), None);
    let one = rules::save(
        db,
        &w.street,
        "甲 | 户 | 每月 | 任意",
        "首次",
        "街道管理员",
        NOW,
    )
    .await
    .unwrap();
    let two = rules::save(
        db,
        &w.street,
        "乙 | 户 | 每年 | 任意",
        "改为每年",
        "街道管理员",
        NOW + 1,
    )
    .await
    .unwrap();
    assert_eq!((one, two), (1, 2));
    let current = rules::current(db, &w.street).await.unwrap().unwrap();
    assert_eq!(current.body, "乙 | 户 | 每年 | 任意");
    assert_eq!(rules::history(db, &w.street).await.unwrap().len(), 2);
    let other = OrgPath::root(999);
    assert_eq!(
        rules::current(db, &other).await.unwrap(),
        None,
        "another street has its own"
    );
}
both!(
    coverage_rules_are_versioned_per_street,
    coverage_rules_are_versioned_per_street
);
