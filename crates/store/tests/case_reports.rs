//! 好差评 and the 最多跑一次 / ratings reports on SQLite and PostgreSQL: one rating per case,
//! visits per case by item and community, ratings by item, worker and community, all within an
//! org path and a creation period.

use quanke_domain::Role;
use quanke_domain::case::State;
use quanke_store::both;
use quanke_store::case_reports::{self, Range, RatingRow, VisitRow};
use quanke_store::cases::{self, Actor, NewCase};
use quanke_store::testing::day;
use quanke_store::users::{self, NewUser};
use quanke_store::{Db, StoreError, orgs};

const DAY: i64 = 86_400;
const NOW: i64 = 1_795_824_000;

fn at(now: i64) -> Actor<'static> {
    Actor {
        id: None,
        name: "前台",
        now,
        today: day("2026-11-28"),
    }
}

fn new_case(path: &str, code: &str, item: &str, visit: bool) -> NewCase {
    NewCase {
        community_path: quanke_domain::OrgPath::from_stored(path.into()),
        community_code: code.into(),
        item_code: item.into(),
        item_version: 1,
        line: "民政".into(),
        business_kind: quanke_domain::catalogue::BusinessKind::New,
        answers: "{}".into(),
        checklist: "[]".into(),
        resident_id: None,
        applicant_name: "张三丰".into(),
        applicant_phone: "13805712345".into(),
        channel: if visit { "desk" } else { "portal" }.into(),
        state: State::Received,
        action: "receive".into(),
        note: "".into(),
        promised_days: 5,
        accepted_on: Some(day("2026-11-28")),
        due_on: None,
        assignee_id: None,
        open311_key_id: None,
        idempotency_key: None,
        visit: visit.then(|| "intake".into()),
        assign_note: None,
        route: false,
        mandate: None,
    }
}

/// A case with `visits` visits in all (the intake counts as the first), created at `now`.
async fn case_with(db: &Db, path: &str, code: &str, item: &str, visits: usize, now: i64) -> i64 {
    let c = new_case(path, code, item, visits > 0);
    let (case, _) = cases::create(db, &c, &at(now)).await.unwrap();
    for _ in 1..visits {
        cases::record_visit(db, case.id, "materials", &at(now + 60))
            .await
            .unwrap();
    }
    case.id
}

async fn one_rating_per_case(db: &Db) {
    let id = case_with(db, "/1/2/", "MYQ", "MZ-DB01", 1, NOW).await;
    assert_eq!(case_reports::rating(db, id).await.unwrap(), None);
    case_reports::rate(db, id, 4, "办得快", "portal", None, NOW + 10)
        .await
        .unwrap();
    let again = case_reports::rate(db, id, 1, "", "desk", None, NOW + 20).await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    let r = case_reports::rating(db, id).await.unwrap().unwrap();
    assert_eq!(
        (r.score, r.comment.as_str(), r.channel.as_str(), r.at),
        (4, "办得快", "portal", NOW + 10)
    );
}
both!(one_rating, one_rating_per_case);

fn visit_row(rows: &[VisitRow], key: &str) -> VisitRow {
    rows.iter()
        .find(|r| r.key == key)
        .cloned()
        .unwrap_or_else(|| panic!("no row {key} in {rows:?}"))
}

fn rating_row(rows: &[RatingRow], key: &str) -> RatingRow {
    rows.iter()
        .find(|r| r.key == key)
        .cloned()
        .unwrap_or_else(|| panic!("no row {key} in {rows:?}"))
}

async fn visits_per_item_and_community(db: &Db) {
    // Community A (/1/2/): item X with 0, 1 and 3 visits; item Y with 2.
    // Community B (/1/3/): item X with 1 visit. Outside the street (/9/4/) and outside the
    // period: not counted.
    case_with(db, "/1/2/", "A", "X", 0, NOW).await;
    case_with(db, "/1/2/", "A", "X", 1, NOW + 100).await;
    case_with(db, "/1/2/", "A", "X", 3, NOW + 200).await;
    case_with(db, "/1/2/", "A", "Y", 2, NOW + 300).await;
    case_with(db, "/1/3/", "B", "X", 1, NOW + 400).await;
    case_with(db, "/9/4/", "C", "X", 5, NOW + 500).await;
    case_with(db, "/1/2/", "A", "X", 4, NOW - 2 * DAY).await;
    case_with(db, "/1/2/", "A", "X", 4, NOW + 2 * DAY).await;
    // Refused and withdrawn matters were not handled: not counted either.
    for state in [State::Rejected, State::Withdrawn] {
        let c = NewCase {
            state,
            ..new_case("/1/2/", "A", "X", true)
        };
        cases::create(db, &c, &at(NOW + 600)).await.unwrap();
    }

    let street = Range {
        within: "/1/",
        from: NOW - DAY,
        until: NOW + DAY,
    };
    let by_item = case_reports::visits_by_item(db, &street).await.unwrap();
    assert_eq!(by_item.len(), 2, "{by_item:?}");
    let x = visit_row(&by_item, "X");
    assert_eq!((x.cases, x.visits, x.at_most_one, x.zero), (4, 5, 3, 1));
    assert!((x.average() - 1.25).abs() < 1e-9);
    assert!((x.share_at_most_one() - 0.75).abs() < 1e-9);
    let y = visit_row(&by_item, "Y");
    assert_eq!((y.cases, y.visits, y.at_most_one, y.zero), (1, 2, 0, 0));

    let by_community = case_reports::visits_by_community(db, &street)
        .await
        .unwrap();
    assert_eq!(by_community.len(), 2);
    let a = visit_row(&by_community, "/1/2/");
    assert_eq!((a.cases, a.visits, a.at_most_one, a.zero), (4, 6, 2, 1));
    let b = visit_row(&by_community, "/1/3/");
    assert_eq!((b.cases, b.visits, b.at_most_one, b.zero), (1, 1, 1, 0));

    // One community only.
    let only_b = Range {
        within: "/1/3/",
        ..street
    };
    let rows = case_reports::visits_by_item(db, &only_b).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].cases, 1);

    // An empty period.
    let empty = Range {
        from: NOW + 10 * DAY,
        until: NOW + 11 * DAY,
        ..street
    };
    assert!(
        case_reports::visits_by_item(db, &empty)
            .await
            .unwrap()
            .is_empty()
    );
    let nothing = VisitRow {
        key: String::new(),
        cases: 0,
        visits: 0,
        at_most_one: 0,
        zero: 0,
    };
    assert_eq!(nothing.average(), 0.0);
}
both!(visits, visits_per_item_and_community);

async fn worker(db: &Db, username: &str, name: &str) -> i64 {
    let street = match orgs::by_code(db, "HS").await {
        Ok(s) => s,
        Err(_) => orgs::create_street(db, "HS", "湖墅街道", NOW)
            .await
            .unwrap(),
    };
    let u = NewUser {
        username,
        display_name: name,
        password_hash: "x",
        role: Role::BackOffice,
        org_id: street.id,
        community_id: None,
        must_change_password: false,
    };
    users::create(db, &u, NOW).await.unwrap()
}

async fn ratings_per_item_worker_and_community(db: &Db) {
    let wang = worker(db, "wang", "王建国").await;
    let li = worker(db, "li", "李明").await;
    let ratings: [(&str, &str, i64, Option<i64>); 5] = [
        ("/1/2/", "X", 5, Some(wang)),
        ("/1/2/", "X", 1, Some(wang)),
        ("/1/2/", "Y", 4, Some(li)),
        ("/1/3/", "X", 2, Some(li)),
        ("/1/3/", "Y", 3, None),
    ];
    for (i, (path, item, score, by)) in ratings.into_iter().enumerate() {
        let code = if path == "/1/2/" { "A" } else { "B" };
        let id = case_with(db, path, code, item, 1, NOW + i as i64).await;
        case_reports::rate(db, id, score, "", "portal", by, NOW + DAY)
            .await
            .unwrap();
    }
    // Rated, but created outside the period.
    let old = case_with(db, "/1/2/", "A", "X", 1, NOW - 5 * DAY).await;
    case_reports::rate(db, old, 1, "", "desk", Some(wang), NOW)
        .await
        .unwrap();
    // Created in the period, not rated.
    case_with(db, "/1/2/", "A", "X", 1, NOW).await;

    let street = Range {
        within: "/1/",
        from: NOW - DAY,
        until: NOW + DAY,
    };
    let by_item = case_reports::ratings_by_item(db, &street).await.unwrap();
    let x = rating_row(&by_item, "X");
    assert_eq!((x.count, x.total, x.bad), (3, 8, 2));
    assert!((x.average() - 8.0 / 3.0).abs() < 1e-9);
    let y = rating_row(&by_item, "Y");
    assert_eq!((y.count, y.total, y.bad), (2, 7, 0));
    assert!((y.average() - 3.5).abs() < 1e-9);

    let by_community = case_reports::ratings_by_community(db, &street)
        .await
        .unwrap();
    let a = rating_row(&by_community, "/1/2/");
    assert_eq!((a.count, a.total, a.bad), (3, 10, 1));
    let b = rating_row(&by_community, "/1/3/");
    assert_eq!((b.count, b.total, b.bad), (2, 5, 1));

    let by_worker = case_reports::ratings_by_worker(db, &street).await.unwrap();
    assert_eq!(by_worker.len(), 3, "{by_worker:?}");
    let w = rating_row(&by_worker, &wang.to_string());
    assert_eq!(
        (w.name.as_str(), w.count, w.total, w.bad),
        ("王建国", 2, 6, 1)
    );
    let l = rating_row(&by_worker, &li.to_string());
    assert_eq!(
        (l.name.as_str(), l.count, l.total, l.bad),
        ("李明", 2, 6, 1)
    );
    let nobody = rating_row(&by_worker, "");
    assert_eq!(
        (nobody.name.as_str(), nobody.count, nobody.total),
        ("", 1, 3)
    );

    let only_a = Range {
        within: "/1/2/",
        ..street
    };
    let rows = case_reports::ratings_by_worker(db, &only_a).await.unwrap();
    assert_eq!(rows.len(), 2);
}
both!(ratings, ratings_per_item_worker_and_community);
