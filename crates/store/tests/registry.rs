//! The registry store on SQLite and PostgreSQL: batched imports inside one transaction, updates
//! with history, moving households, every search kind, scoping, export and retention.

use quanke_domain::OrgPath;
use quanke_domain::registry::{CareTag, Query, classify};
use quanke_store::Db;
use quanke_store::both;
use quanke_store::grouped::Grouped;
use quanke_store::registry::{
    self, ImportContext, ImportCounts, ImportMsg, NewDwelling, NewResident, Way,
};
use tokio::sync::mpsc;

const NOW: i64 = 1_795_824_000;
const COMMUNITY: &str = "/1/2/";
const GRID_1: &str = "/1/2/3/";
const GRID_2: &str = "/1/2/4/";

fn ctx(source: &str) -> ImportContext {
    ImportContext {
        actor: "管理员".into(),
        source: source.into(),
        now: NOW,
        today: "2026-11-28".into(),
        area: quanke_domain::OrgPath::from_stored("/".into()),
        atomic: false,
        run: None,
    }
}

fn person(id_number: &str, name: &str, initials: &str, grid: &str, room: &str) -> NewResident {
    let address = format!("杭州市拱墅区小河路12幢2单元{room}");
    NewResident {
        id_number: id_number.into(),
        name: name.into(),
        name_initials: initials.into(),
        sex: "M",
        birth_date: "1980-01-01".into(),
        phone: Some(format!("1380571{}", &id_number[14..])),
        actual_address: Some(address.clone()),
        relation: Some("户主".into()),
        org_path: grid.into(),
        community_path: COMMUNITY.into(),
        household: Some(format!("H-{room}")),
        dwelling: Some(NewDwelling {
            address,
            building: "12幢".into(),
            unit: "2单元".into(),
            room: room.into(),
        }),
        tags: Some(vec![("oldest".into(), String::new())]),
        ..NewResident::default()
    }
}

/// Sends `batches` then commits (or not), the way the ledger pipeline does.
async fn import(db: &Db, batches: Vec<Vec<NewResident>>, commit: bool) -> ImportCounts {
    let (tx, rx) = mpsc::channel(4);
    let c = ctx("导入 测试台账.xlsx");
    let writer = registry::import_residents(db, rx, &c);
    let sender = async move {
        for b in batches {
            tx.send(ImportMsg::Rows(b)).await.unwrap();
        }
        if commit {
            tx.send(ImportMsg::Commit).await.unwrap();
        }
    };
    let (counts, ()) = tokio::join!(writer, sender);
    counts.unwrap()
}

fn all() -> OrgPath {
    OrgPath::from_stored("/1/".into())
}

async fn find(db: &Db, q: &str, within: &OrgPath) -> Vec<String> {
    let query = classify(q).unwrap();
    registry::search(db, &query, within, 20)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.name)
        .collect()
}

const A: &str = "330105198001010011";
const B: &str = "330105198001010038";
const C: &str = "33010519800101004X";

async fn import_counts_and_rollback(db: &Db) {
    let rows = vec![
        person(A, "张三丰", "zsf", GRID_1, "301室"),
        person(B, "李四", "ls", GRID_1, "302室"),
    ];
    let dropped = import(db, vec![rows.clone()], false).await;
    assert!(!dropped.committed);
    assert!(
        find(db, "张三丰", &all()).await.is_empty(),
        "nothing without commit"
    );
    let counts = import(
        db,
        vec![rows.clone(), vec![person(C, "王五", "ww", GRID_2, "303室")]],
        true,
    )
    .await;
    assert_eq!(
        (counts.created, counts.updated, counts.committed),
        (3, 0, true)
    );
    let again = import(db, vec![rows], true).await;
    assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 2));
}
both!(import_counts_and_rollback, import_counts_and_rollback);

async fn duplicates_update_with_history(db: &Db) {
    import(
        db,
        vec![vec![person(A, "张三丰", "zsf", GRID_1, "301室")]],
        true,
    )
    .await;
    let mut moved = person(A, "张三丰", "zsf", GRID_2, "501室");
    moved.phone = Some("13900000000".into());
    moved.tags = Some(vec![("low_income".into(), "2023-05-01".into())]);
    let counts = import(db, vec![vec![moved]], true).await;
    assert_eq!((counts.created, counts.updated), (0, 1));
    let id = registry::id_by_number(db, A).await.unwrap().unwrap();
    let r = registry::resident(db, id).await.unwrap();
    assert_eq!(r.phone, "13900000000");
    assert_eq!(r.org_path.as_str(), GRID_2);
    assert_eq!(r.household_number.as_deref(), Some("H-501室"));
    let fields: Vec<String> = registry::changes(db, id)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.field)
        .collect();
    for f in ["phone", "grid", "household", "tags", "actual_address"] {
        assert!(fields.iter().any(|x| x == f), "{f} missing from {fields:?}");
    }
    // Moving is an event: the old membership ended, a new one is open.
    let m = registry::memberships(db, id).await.unwrap();
    assert_eq!(m.len(), 2);
    assert_eq!(m[0].household_number, "H-501室");
    assert!(m[0].left_on.is_none());
    assert_eq!(m[1].left_on.as_deref(), Some("2026-11-28"));
    let tags = registry::tags(db, id).await.unwrap();
    assert_eq!(tags.len(), 1);
    assert_eq!(
        (tags[0].tag.as_str(), tags[0].since.as_str()),
        ("low_income", "2023-05-01")
    );
}
both!(
    duplicates_update_with_history,
    duplicates_update_with_history
);

async fn absent_columns_keep_stored_values(db: &Db) {
    import(
        db,
        vec![vec![person(A, "张三丰", "zsf", GRID_1, "301室")]],
        true,
    )
    .await;
    let mut thin = person(A, "张三丰", "zsf", COMMUNITY, "301室");
    thin.phone = None;
    thin.tags = None;
    let counts = import(db, vec![vec![thin]], true).await;
    assert_eq!(counts.unchanged, 1, "{counts:?}");
    let id = registry::id_by_number(db, A).await.unwrap().unwrap();
    let r = registry::resident(db, id).await.unwrap();
    assert_eq!(
        r.org_path.as_str(),
        GRID_1,
        "a community-only ledger keeps the grid"
    );
    assert!(!r.phone.is_empty());
    assert_eq!(registry::tags(db, id).await.unwrap().len(), 1);
}
both!(
    absent_columns_keep_stored_values,
    absent_columns_keep_stored_values
);

async fn every_search_kind(db: &Db) {
    import(
        db,
        vec![vec![
            person(A, "张三丰", "zsf", GRID_1, "301室"),
            person(B, "张三", "zs", GRID_1, "302室"),
            person(C, "王五", "ww", GRID_2, "303室"),
        ]],
        true,
    )
    .await;
    assert_eq!(find(db, A, &all()).await, vec!["张三丰"]);
    assert_eq!(find(db, "0011", &all()).await, vec!["张三丰"]);
    assert_eq!(
        find(db, "04x", &all()).await.len(),
        0,
        "3 characters is too short for a tail"
    );
    assert_eq!(find(db, "1004x", &all()).await, vec!["王五"]);
    assert_eq!(find(db, "zsf", &all()).await, vec!["张三丰"]);
    assert_eq!(find(db, "zs", &all()).await.len(), 2);
    assert_eq!(find(db, "张三", &all()).await.len(), 2);
    assert_eq!(find(db, "13805710011", &all()).await, vec!["张三丰"]);
    assert_eq!(find(db, "2单元303室", &all()).await, vec!["王五"]);
    assert_eq!(find(db, "12幢2单元", &all()).await.len(), 3);
    let hit = registry::search(db, &Query::Name("王五".into()), &all(), 5)
        .await
        .unwrap();
    assert_eq!(hit[0].household_number.as_deref(), Some("H-303室"));
    assert_eq!(hit[0].org_path.as_str(), GRID_2);
}
both!(every_search_kind, every_search_kind);

async fn search_stays_inside_the_scope(db: &Db) {
    import(
        db,
        vec![vec![
            person(A, "张三丰", "zsf", GRID_1, "301室"),
            person(C, "王五", "ww", GRID_2, "303室"),
        ]],
        true,
    )
    .await;
    let grid1 = OrgPath::from_stored(GRID_1.into());
    for q in [C, "1004X", "ww", "王五", "2单元303室", "13805710004"] {
        assert!(
            find(db, q, &grid1).await.is_empty(),
            "{q} leaked out of grid 2"
        );
    }
    assert_eq!(find(db, "zsf", &grid1).await, vec!["张三丰"]);
}
both!(search_stays_inside_the_scope, search_stays_inside_the_scope);

async fn export_pages_by_scope_and_tag(db: &Db) {
    let mut c = person(C, "王五", "ww", GRID_2, "303室");
    c.tags = Some(vec![("low_income".into(), "2023-05-01".into())]);
    import(
        db,
        vec![vec![
            person(A, "张三丰", "zsf", GRID_1, "301室"),
            person(B, "李四", "ls", GRID_1, "302室"),
            c,
        ]],
        true,
    )
    .await;
    let first = registry::export::page(db, &all(), None, 0, 2)
        .await
        .unwrap();
    assert_eq!(first.len(), 2);
    let rest = registry::export::page(db, &all(), None, first[1].id, 2)
        .await
        .unwrap();
    assert_eq!(rest.len(), 1);
    let poor = registry::export::page(db, &all(), Some("low_income"), 0, 10)
        .await
        .unwrap();
    assert_eq!(poor.len(), 1);
    assert_eq!(poor[0].tags, "low_income(2023-05-01)");
    let grid1 = OrgPath::from_stored(GRID_1.into());
    assert_eq!(
        registry::export::page(db, &grid1, None, 0, 10)
            .await
            .unwrap()
            .len(),
        2
    );
}
both!(export_pages_by_scope_and_tag, export_pages_by_scope_and_tag);

async fn moved_out_people_are_anonymised_after_retention(db: &Db) {
    import(
        db,
        vec![vec![
            person(A, "张三丰", "zsf", GRID_1, "301室"),
            person(B, "李四", "ls", GRID_1, "302室"),
        ]],
        true,
    )
    .await;
    let a = registry::id_by_number(db, A).await.unwrap().unwrap();
    let b = registry::id_by_number(db, B).await.unwrap().unwrap();
    registry::move_out(db, a, "2019-06-30", "管理员", NOW)
        .await
        .unwrap();
    registry::move_out(db, b, "2025-06-30", "管理员", NOW)
        .await
        .unwrap();
    assert_eq!(
        registry::memberships(db, a).await.unwrap()[0]
            .left_on
            .as_deref(),
        Some("2019-06-30")
    );
    let other_street = OrgPath::from_stored("/9/".into());
    let none = registry::retention::anonymise_moved_out(db, &other_street, "2021-11-28", NOW);
    assert_eq!(
        none.await.unwrap(),
        0,
        "retention reached outside its street"
    );
    let n = registry::retention::anonymise_moved_out(db, &all(), "2021-11-28", NOW)
        .await
        .unwrap();
    assert_eq!(n, 1);
    let gone = registry::resident(db, a).await.unwrap();
    assert_eq!(gone.status, "anonymised");
    assert!(!gone.id_number.contains("330105"));
    assert!(gone.phone.is_empty() && gone.actual_address.is_empty());
    assert!(registry::tags(db, a).await.unwrap().is_empty());
    assert!(
        registry::changes(db, a)
            .await
            .unwrap()
            .iter()
            .all(|c| c.old_value.is_empty() && c.new_value.is_empty())
    );
    assert!(find(db, A, &all()).await.is_empty());
    assert_eq!(registry::resident(db, b).await.unwrap().status, "moved_out");
}
both!(
    moved_out_people_are_anonymised_after_retention,
    moved_out_people_are_anonymised_after_retention
);

/// Runs one statement as any writer could, behind the store's back.
async fn exec(db: &Db, sql: &'static str) {
    match db {
        Db::Sqlite(quanke_store::SqliteDb { pool: p, .. }) => {
            sqlx::query(sql).execute(p).await.map(|_| ())
        }
        Db::Pg(p) => sqlx::query(sql).execute(p).await.map(|_| ()),
    }
    .unwrap();
}

async fn rows(db: &Db, sql: &'static str, within: &str) -> Vec<(String, i64)> {
    let end = OrgPath::from_stored(within.into()).subtree_end();
    match db {
        Db::Sqlite(quanke_store::SqliteDb { pool: p, .. }) => {
            sqlx::query_as(sql)
                .bind(within)
                .bind(end)
                .fetch_all(p)
                .await
        }
        Db::Pg(p) => {
            sqlx::query_as(sql)
                .bind(within)
                .bind(end)
                .fetch_all(p)
                .await
        }
    }
    .unwrap()
}

/// The kept figures of every part of the tree equal a COUNT made now over the rows themselves.
async fn counts_agree(db: &Db, step: &str) {
    for within in ["/1/", COMMUNITY, GRID_1, GRID_2, "/9/"] {
        let by_status = rows(
            db,
            "SELECT status, COUNT(*) FROM registry_residents \
             WHERE org_path >= $1 AND org_path < $2 GROUP BY status ORDER BY status",
            within,
        )
        .await;
        let by_tag = rows(
            db,
            "SELECT t.tag, COUNT(*) FROM registry_tags t \
             JOIN registry_residents r ON r.id = t.resident_id \
             WHERE r.org_path >= $1 AND r.org_path < $2 AND r.status = 'active' \
             GROUP BY t.tag ORDER BY t.tag",
            within,
        )
        .await;
        let path = OrgPath::from_stored(within.into());
        let kept = registry::counts::by_status(db, &path).await.unwrap();
        assert_eq!(kept, by_status, "people by status in {within} after {step}");
        let kept = registry::counts::by_tag(db, &path).await.unwrap();
        assert_eq!(kept, by_tag, "people by tag in {within} after {step}");
    }
    places_agree(db, step).await;
}

/// Every tag row carries its person's place and name (migration 0015), and a tag list read
/// either way, page by page, names exactly the holders inside each scope that a join over the
/// residents finds now, in (name, id) order; with a name prefix likewise.
async fn places_agree(db: &Db, step: &str) {
    let stale = rows(
        db,
        "SELECT t.tag, COUNT(*) FROM registry_tags t \
         JOIN registry_residents r ON r.id = t.resident_id \
         WHERE (t.org_path <> r.org_path OR t.name <> r.name) \
         AND $1 <> $2 GROUP BY t.tag",
        "/",
    )
    .await;
    assert!(
        stale.is_empty(),
        "tag rows out of date after {step}: {stale:?}"
    );
    for within in ["/1/", COMMUNITY, GRID_1, GRID_2, "/9/"] {
        for tag in CareTag::ALL {
            for prefix in [None, Some("张"), Some("王五")] {
                let expected = holders(db, tag, prefix.unwrap_or(""), within).await;
                for way in [Way::ByPlace, Way::ByName] {
                    let listed = list_by(db, way, tag, prefix, within).await;
                    assert_eq!(
                        listed, expected,
                        "{tag:?} {prefix:?} in {within} read {way:?} after {step}"
                    );
                }
            }
        }
    }
}

/// The holders of `tag` inside `within` whose name starts with `prefix`, as a join finds them.
async fn holders(db: &Db, tag: CareTag, prefix: &str, within: &str) -> Vec<String> {
    let sql = "SELECT r.name FROM registry_tags t JOIN registry_residents r ON r.id = t.resident_id \
               WHERE t.tag = $1 AND r.org_path >= $2 AND r.org_path < $3 \
               AND r.status <> 'anonymised' AND substr(r.name, 1, length($4)) = $4 \
               ORDER BY r.name, r.id";
    let end = OrgPath::from_stored(within.into()).subtree_end();
    macro_rules! fetch {
        ($p:expr) => {
            sqlx::query_as(sql)
                .bind(tag.code())
                .bind(within)
                .bind(&end)
                .bind(prefix)
                .fetch_all($p)
                .await
        };
    }
    let found: Vec<(String,)> = match db {
        Db::Sqlite(quanke_store::SqliteDb { pool: p, .. }) => fetch!(p),
        Db::Pg(p) => fetch!(p),
    }
    .unwrap();
    found.into_iter().map(|(n,)| n).collect()
}

/// The names on every page `read` gives, one person a page (`read(after)` is the page after
/// the person `after`).
async fn every_page<F, Fut>(mut read: F) -> Vec<String>
where
    F: FnMut(Option<i64>) -> Fut,
    Fut: std::future::Future<Output = registry::Found>,
{
    let mut names = Vec::new();
    let mut after = None;
    loop {
        let page = read(after).await;
        names.extend(page.people.into_iter().map(|p| p.name));
        match page.next {
            Some(next) => after = Some(next),
            None => return names,
        }
        assert!(names.len() < 20, "paging does not end: {names:?}");
    }
}

/// Every page of a tag list read `way`, one person a page.
async fn list_by(
    db: &Db,
    way: Way,
    tag: CareTag,
    prefix: Option<&str>,
    within: &str,
) -> Vec<String> {
    let within = &OrgPath::from_stored(within.into());
    every_page(|after| async move {
        registry::tag_list(db, way, &[tag], prefix, within, after, 1)
            .await
            .unwrap()
    })
    .await
}

async fn kept_counts_follow_every_write(db: &Db) {
    counts_agree(db, "nothing").await;
    let mut c = person(C, "王五", "ww", GRID_2, "303室");
    c.tags = Some(vec![
        ("oldest".into(), String::new()),
        ("low_income".into(), "2023-05-01".into()),
    ]);
    import(
        db,
        vec![vec![
            person(A, "张三丰", "zsf", GRID_1, "301室"),
            person(B, "李四", "ls", GRID_1, "302室"),
            c,
        ]],
        true,
    )
    .await;
    counts_agree(db, "an import").await;
    let grid_1 = OrgPath::from_stored(GRID_1.into());
    let kept = registry::counts::by_status(db, &grid_1).await.unwrap();
    assert_eq!(kept, vec![("active".to_string(), 2)]);

    // The same ledger again, with B moved to the other grid and A's tags changed.
    let mut a = person(A, "张三丰", "zsf", GRID_1, "301室");
    a.tags = Some(vec![("living_alone".into(), String::new())]);
    import(
        db,
        vec![vec![a, person(B, "李四", "ls", GRID_2, "302室")]],
        true,
    )
    .await;
    counts_agree(db, "a move and new tags by import").await;

    let b = registry::id_by_number(db, B).await.unwrap().unwrap();
    registry::move_out(db, b, "2019-06-30", "管理员", NOW)
        .await
        .unwrap();
    counts_agree(db, "a move out").await;

    // Writers that are not the store's: a grid change, tags added, renamed and removed.
    exec(
        db,
        "UPDATE registry_residents SET org_path = '/1/2/4/' WHERE name = '张三丰'",
    )
    .await;
    counts_agree(db, "a move between grids").await;
    exec(
        db,
        "UPDATE registry_residents SET name = '张三' WHERE name = '张三丰'",
    )
    .await;
    counts_agree(db, "a rename").await;
    exec(
        db,
        "INSERT INTO registry_tags (resident_id, tag, since) \
         SELECT id, 'disabled', '' FROM registry_residents",
    )
    .await;
    counts_agree(db, "tags added to everyone").await;
    exec(
        db,
        "UPDATE registry_tags SET tag = 'key_group' WHERE tag = 'low_income'",
    )
    .await;
    counts_agree(db, "a tag renamed").await;
    exec(db, "DELETE FROM registry_tags WHERE tag = 'oldest'").await;
    counts_agree(db, "a tag removed").await;
    exec(
        db,
        "UPDATE registry_residents SET status = 'deceased' WHERE name = '王五'",
    )
    .await;
    counts_agree(db, "a death").await;
    exec(
        db,
        "UPDATE registry_residents SET status = 'active' WHERE name = '王五'",
    )
    .await;
    counts_agree(db, "a death undone").await;

    let n = registry::retention::anonymise_moved_out(db, &all(), "2021-11-28", NOW)
        .await
        .unwrap();
    assert_eq!(n, 1);
    counts_agree(db, "retention").await;

    exec(
        db,
        "INSERT INTO registry_residents (id_number, id_rev, name, name_initials, sex, \
         birth_date, org_path, created_at, updated_at) \
         VALUES ('X1', '1X', '临时', 'ls', 'F', '1990-01-01', '/1/2/3/', 0, 0)",
    )
    .await;
    counts_agree(db, "a raw insert").await;
    exec(db, "DELETE FROM registry_residents WHERE id_number = 'X1'").await;
    counts_agree(db, "a delete").await;
    let active = registry::counts::by_status(db, &all()).await.unwrap();
    assert!(active.contains(&("active".to_string(), 2)), "{active:?}");
}
both!(
    kept_counts_follow_every_write,
    kept_counts_follow_every_write
);

/// Every page of a tag list, one person a page: the names in order.
async fn tag_list(db: &Db, typed: &str, within: &str) -> Vec<String> {
    let lookup = &quanke_domain::registry::read(typed).unwrap();
    let within = &OrgPath::from_stored(within.into());
    every_page(|after| async move { registry::find(db, lookup, within, after, 1).await.unwrap() })
        .await
}

/// A tag list reads along the name index when the tag is common in the scope (here: one person a
/// page, everyone 高龄) and from the tag index when it is rare (低保): both in name order, page
/// after page, inside the scope only.
async fn tag_lists_page_in_name_order_either_way(db: &Db) {
    let ids = [
        "330105198001010011",
        "330105198001010038",
        "33010519800101004X",
        "330105198001010054",
        "330105198001010070",
        "330105198001010097",
    ];
    let names = ["赵六", "孙七", "周八", "吴九", "郑十", "王一"];
    let mut rows = Vec::new();
    for (i, (id, name)) in ids.iter().zip(names).enumerate() {
        let grid = if i % 2 == 0 { GRID_1 } else { GRID_2 };
        let mut p = person(id, name, "x", grid, &format!("{}0{i}室", i + 1));
        if i == 2 || i == 3 {
            p.tags = Some(vec![
                ("oldest".into(), String::new()),
                ("low_income".into(), String::new()),
            ]);
        }
        rows.push(p);
    }
    import(db, vec![rows], true).await;
    let mut grid_1: Vec<String> = ["赵六", "周八", "郑十"].map(String::from).to_vec();
    grid_1.sort();
    assert_eq!(
        tag_list(db, "高龄", GRID_1).await,
        grid_1,
        "by the name index"
    );
    let mut everyone: Vec<String> = names.map(String::from).to_vec();
    everyone.sort();
    assert_eq!(tag_list(db, "高龄", "/1/").await, everyone);
    assert_eq!(
        tag_list(db, "低保", GRID_1).await,
        vec!["周八"],
        "by the tag"
    );
    assert_eq!(tag_list(db, "低保 高龄", GRID_2).await, vec!["吴九"]);
    assert!(tag_list(db, "残疾", "/1/").await.is_empty());
}
both!(
    tag_lists_page_in_name_order_either_way,
    tag_lists_page_in_name_order_either_way
);

/// Several intakes' applicants read in one statement: each ask answered in its own subtree, in
/// order, as it is answered alone; and through `Grouped`, asked at
/// once from many tasks, each gets its own answer.
async fn applicants_read_together(db: &Db) {
    import(
        db,
        vec![vec![
            person(A, "张三丰", "zsf", GRID_1, "301室"),
            person(B, "李四", "ls", GRID_2, "302室"),
        ]],
        true,
    )
    .await;
    let ask = |n: &str, within: &str| registry::NumberWithin {
        id_number: n.into(),
        within: OrgPath::from_stored(within.into()),
    };
    let asks = vec![
        ask(B, COMMUNITY),
        ask(A, GRID_2),    // registered in grid 1: not visible from grid 2
        ask(C, COMMUNITY), // nobody
        ask(A, GRID_1),
        ask(A, GRID_1), // asked twice
    ];
    let people = registry::residents_by_number_within(db, &asks)
        .await
        .unwrap();
    // Every field as the person's own read gives it (decoded from other rows than this one).
    for (a, p) in asks.iter().zip(&people) {
        if let Some(p) = p {
            let alone = registry::resident_within(db, p.id, &a.within)
                .await
                .unwrap();
            assert_eq!(alone.as_ref(), Some(p));
            assert!(p.household_number.is_some() && p.room.is_some(), "{p:?}");
        }
    }
    let found: Vec<Option<String>> = people.into_iter().map(|r| r.map(|r| r.name)).collect();
    let names = [Some("李四"), None, None, Some("张三丰"), Some("张三丰")];
    assert_eq!(found, names.map(|n| n.map(str::to_string)));
    for (a, expected) in asks.iter().zip(&found) {
        let alone = registry::residents_by_number_within(db, std::slice::from_ref(a)).await;
        assert_eq!(&alone.unwrap()[0].clone().map(|r| r.name), expected);
    }

    let grouped = std::sync::Arc::new(Grouped::<registry::ByNumberWithin>::new(db.clone()));
    let tasks: Vec<_> = (0..40)
        .map(|i| {
            let (g, a) = (grouped.clone(), asks[i % asks.len()].clone());
            tokio::spawn(async move { g.get(a).await.unwrap().map(|r| r.name) })
        })
        .collect();
    for (i, t) in tasks.into_iter().enumerate() {
        assert_eq!(t.await.unwrap(), found[i % asks.len()], "ask {i}");
    }
}
both!(applicants_read_together, applicants_read_together);
