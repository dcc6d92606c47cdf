//! Pages of cases over several communities (a street's lists) on SQLite and PostgreSQL: each
//! community's first rows are read and merged, and walking the pages forward or backward in
//! every order must give exactly the cases the filter matches, in order, each once.

use quanke_domain::case::State;
use quanke_store::both;
use quanke_store::cases::{self, Actor, At, Case, Filter, NewCase, Sort};
use quanke_store::testing::day;
use quanke_store::{Db, orgs};

const STREET_CODE: &str = "JD";

fn new_case(community: &orgs::Org, n: i64) -> NewCase {
    NewCase {
        community_path: community.path.clone(),
        community_code: community.code.clone(),
        item_code: format!("MZ-00{}", n % 3),
        item_version: 1,
        line: "民政".into(),
        business_kind: quanke_domain::catalogue::BusinessKind::New,
        answers: "{}".into(),
        checklist: "[]".into(),
        resident_id: None,
        applicant_name: format!("居民{n}"),
        applicant_phone: "13805712345".into(),
        channel: "desk".into(),
        state: if n % 4 == 0 {
            State::Delivered
        } else {
            State::Received
        },
        action: "create".into(),
        note: "".into(),
        promised_days: 5,
        accepted_on: Some(day("2026-11-28")),
        // Some without a due day (they sort last), many sharing one (the id breaks the tie).
        due_on: (n % 5 != 0).then(|| day(&format!("2026-12-{:02}", 1 + n % 7))),
        assignee_id: None,
        open311_key_id: None,
        idempotency_key: None,
        visit: None,
        assign_note: None,
        route: false,
        mandate: None,
    }
}

/// A street of three communities (one empty) and 26 cases received over several days.
async fn street(db: &Db) -> (orgs::Org, Vec<orgs::Org>) {
    let street = orgs::create_street(db, STREET_CODE, "街道", 0)
        .await
        .unwrap();
    let mut communities = Vec::new();
    for code in ["C1", "C2", "C3"] {
        communities.push(
            orgs::create_child(db, &street, code, code, 0)
                .await
                .unwrap(),
        );
    }
    for n in 0..26i64 {
        let community = &communities[(n % 5 % 2) as usize];
        let received = format!("2026-11-{:02}", 20 + n % 4);
        let by = Actor {
            id: None,
            name: "前台",
            // Received times repeat too, so the id decides between them.
            now: 1_795_000_000 + (n % 6) * 3_600,
            today: day(&received),
        };
        cases::create(db, &new_case(community, n), &by)
            .await
            .unwrap();
    }
    (street, communities)
}

fn expected(all: &[Case], sort: Sort) -> Vec<i64> {
    let mut sorted: Vec<&Case> = all.iter().collect();
    match sort {
        Sort::Received => sorted.sort_by_key(|c| std::cmp::Reverse((c.created_at, c.id))),
        Sort::Due => sorted.sort_by_key(|c| (c.due_on.unwrap_or_else(|| day("9999-12-31")), c.id)),
        Sort::Number => sorted.sort_by_key(|c| c.number.clone()),
    }
    sorted.into_iter().map(|c| c.id).collect()
}

/// Every page forward from the first; then from the last page, every page backward.
async fn walk(db: &Db, f: &Filter<'_>, sort: Sort) -> (Vec<i64>, Vec<i64>) {
    let mut forward = Vec::new();
    let mut at = At::First;
    let last = loop {
        let page = cases::page(db, f, sort, &at).await.unwrap();
        assert!(page.cases.len() as i64 <= f.limit);
        forward.extend(page.cases.iter().map(|c| c.id));
        match page.next.clone() {
            Some(next) => at = At::After(next),
            None => break page,
        }
    };
    let mut backward: Vec<i64> = last.cases.iter().map(|c| c.id).collect();
    let mut before = last.prev;
    while let Some(cursor) = before {
        let page = cases::page(db, f, sort, &At::Before(cursor)).await.unwrap();
        assert!(page.next.is_some(), "a page before another has a next page");
        let mut ids: Vec<i64> = page.cases.iter().map(|c| c.id).collect();
        ids.extend(backward);
        backward = ids;
        before = page.prev;
    }
    (forward, backward)
}

async fn street_pages_merge_their_communities(db: &Db) {
    let (street, communities) = street(db).await;
    let within = street.path.as_str().to_string();
    // A received range (here holding every case) is read as its range first on PostgreSQL.
    for (state, received_from) in [(None, None), (Some("received"), None), (None, Some(0))] {
        let f = Filter {
            within: &within,
            state,
            received_from,
            limit: 4,
            ..Filter::default()
        };
        let all = cases::list(
            db,
            &Filter {
                limit: 100,
                ..f.clone()
            },
        )
        .await
        .unwrap();
        assert!(all.len() > 8, "the street holds more than two pages");
        for sort in Sort::ALL {
            let want = expected(&all, sort);
            let (forward, backward) = walk(db, &f, sort).await;
            assert_eq!(
                forward, want,
                "{sort:?} {state:?} {received_from:?} forward"
            );
            assert_eq!(
                backward, want,
                "{sort:?} {state:?} {received_from:?} backward"
            );
        }
    }
    // A community's pages are its own cases only; an empty community has none.
    let one = communities[1].path.as_str().to_string();
    let f = Filter {
        within: &one,
        limit: 50,
        ..Filter::default()
    };
    let page = cases::page(db, &f, Sort::Due, &At::First).await.unwrap();
    assert!(!page.cases.is_empty());
    assert!(page.cases.iter().all(|c| c.community_path.as_str() == one));
    let empty = communities[2].path.as_str().to_string();
    let f = Filter {
        within: &empty,
        limit: 50,
        ..Filter::default()
    };
    assert!(
        cases::page(db, &f, Sort::Due, &At::First)
            .await
            .unwrap()
            .cases
            .is_empty()
    );
}
both!(street_pages, street_pages_merge_their_communities);
