//! Cases on SQLite and PostgreSQL: day-numbered case numbers, idempotent creation, state changes
//! that append events and refuse a stale state.

use quanke_domain::case::State;
use quanke_domain::{OrgPath, Role};
use quanke_store::both;
use quanke_store::cases::{
    self, Actor, Assignment, Attachment, Enclosures, Move, NewCase, NewDocument,
};
use quanke_store::testing::day;
use quanke_store::users::{self, NewUser, Routable};
use quanke_store::{Db, StoreError, orgs};

/// The desk worker acting on the tests' day.
fn desk() -> Actor<'static> {
    Actor {
        id: None,
        name: "前台",
        now: 1_795_824_000,
        today: day("2026-11-28"),
    }
}

fn new_case(key: Option<&str>) -> NewCase {
    NewCase {
        community_path: OrgPath::root(1).child(2),
        community_code: "MYQ".into(),
        item_code: "MZ-001".into(),
        item_version: 1,
        line: "民政".into(),
        business_kind: quanke_domain::catalogue::BusinessKind::New,
        answers: "{}".into(),
        checklist: "[]".into(),
        resident_id: None,
        applicant_name: "张三丰".into(),
        applicant_phone: "13805712345".into(),
        channel: "desk".into(),
        state: State::Received,
        action: "create".into(),
        note: "".into(),
        promised_days: 5,
        accepted_on: Some(day("2026-11-28")),
        due_on: None,
        assignee_id: None,
        open311_key_id: None,
        idempotency_key: key.map(str::to_string),
        visit: Some("intake".into()),
        assign_note: None,
        route: false,
        mandate: None,
    }
}

async fn numbers_count_per_community_and_day(db: &Db) {
    let (a, created) = cases::create(db, &new_case(None), &desk()).await.unwrap();
    assert!(created);
    assert_eq!(a.number, "MYQ-20261128-0001");
    let (b, _) = cases::create(db, &new_case(None), &desk()).await.unwrap();
    assert_eq!(b.number, "MYQ-20261128-0002");
    let next_day = Actor {
        today: day("2026-11-30"),
        ..desk()
    };
    let (c, _) = cases::create(db, &new_case(None), &next_day).await.unwrap();
    assert_eq!(c.number, "MYQ-20261130-0001");
    assert_eq!(cases::by_number(db, &b.number).await.unwrap().id, b.id);
}
both!(numbers, numbers_count_per_community_and_day);

async fn the_same_key_never_makes_two_cases(db: &Db) {
    let (first, created) = cases::create(db, &new_case(Some("k-1")), &desk())
        .await
        .unwrap();
    assert!(created);
    let (again, created) = cases::create(db, &new_case(Some("k-1")), &desk())
        .await
        .unwrap();
    assert!(!created);
    assert_eq!(again, first);
    let (other, created) = cases::create(db, &new_case(Some("k-2")), &desk())
        .await
        .unwrap();
    assert!(created);
    assert_ne!(other.id, first.id);
    assert_eq!(cases::events(db, first.id).await.unwrap().len(), 1);
}
both!(idempotent, the_same_key_never_makes_two_cases);

/// The case writer runs its batch on a SQLite connection on the runtime's own thread. While another
/// connection holds the write lock, the batch must wait without holding that thread: here the
/// runtime has one thread, and the other connection's COMMIT needs it. Had the batch slept in
/// SQLite's busy handler, the COMMIT could not run and the batch would fail as "database is
/// locked" after the busy timeout.
#[tokio::test(flavor = "current_thread")]
async fn a_batch_waits_out_another_writer_without_holding_the_thread() {
    let t = quanke_store::testing::TestDb::new(quanke_store::Backend::Sqlite)
        .await
        .unwrap();
    let Db::Sqlite(quanke_store::SqliteDb { pool, .. }) = &t.db else {
        unreachable!("a SQLite test database")
    };
    let mut other = pool.acquire().await.unwrap();
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut *other)
        .await
        .unwrap();
    let release = async {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        sqlx::query("COMMIT").execute(&mut *other).await.unwrap();
    };
    let new = new_case(None);
    let desk = desk();
    let (made, ()) = tokio::join!(cases::create(&t.db, &new, &desk), release);
    let (case, created) = made.expect("written once the other writer committed");
    assert!(created);
    assert_eq!(cases::get(&t.db, case.id).await.unwrap(), case);
    drop(other);
    t.finish().await;
}

async fn transitions_append_events_and_refuse_stale_states(db: &Db) {
    let (c, _) = cases::create(db, &new_case(None), &desk()).await.unwrap();
    let request = Move {
        from: State::Received,
        to: State::AwaitingMaterials,
        action: "request_materials",
        note: "缺户口簿",
        due_on: None,
        accepted_on: None,
        checklist: None,
    };
    cases::transition(db, c.id, &request, &desk())
        .await
        .unwrap();
    let accept = Move {
        from: State::Received,
        to: State::Accepted,
        action: "accept",
        note: "",
        ..request
    };
    let stale = cases::transition(db, c.id, &accept, &desk()).await;
    assert!(matches!(stale, Err(StoreError::Conflict(_))), "{stale:?}");
    assert_eq!(
        cases::get(db, c.id).await.unwrap().state,
        State::AwaitingMaterials
    );
    let events = cases::events(db, c.id).await.unwrap();
    let steps: Vec<(&str, &str, &str)> = events
        .iter()
        .map(|e| (e.from_state.code(), e.to_state.code(), e.note.as_str()))
        .collect();
    assert_eq!(
        steps,
        [
            ("", "received", ""),
            ("received", "awaiting_materials", "缺户口簿")
        ]
    );
    assert_eq!(events[1].on_day, day("2026-11-28"));
}
both!(
    transitions,
    transitions_append_events_and_refuse_stale_states
);

async fn a_batch_numbers_in_order_and_answers_repeated_keys(db: &Db) {
    let (before, _) = cases::create(db, &new_case(Some("k-old")), &desk())
        .await
        .unwrap();
    let routed = NewCase {
        assign_note: Some("自动分派".into()),
        ..new_case(Some("k-a"))
    };
    let elsewhere = NewCase {
        community_path: OrgPath::root(1).child(3),
        community_code: "XHQ".into(),
        ..new_case(None)
    };
    let again = new_case(Some("k-a"));
    let old_key = new_case(Some("k-old"));
    let plain = new_case(None);
    let desk = desk();
    let batch = [&routed, &elsewhere, &again, &old_key, &plain].map(|c| (c, &desk));
    let out: Vec<(cases::Case, bool)> = cases::create_many(db, &batch)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    let numbers: Vec<(&str, bool)> = out.iter().map(|(c, n)| (c.number.as_str(), *n)).collect();
    // A repeated key takes no number: the day's numbers have no gaps.
    assert_eq!(
        numbers,
        [
            ("MYQ-20261128-0002", true),
            ("XHQ-20261128-0001", true),
            ("MYQ-20261128-0002", false),
            ("MYQ-20261128-0001", false),
            ("MYQ-20261128-0003", true),
        ]
    );
    assert_eq!(out[2].0, out[0].0);
    assert_eq!(out[3].0, before);
    assert_eq!(cases::get(db, out[0].0.id).await.unwrap(), out[0].0);
    let steps: Vec<String> = cases::events(db, out[0].0.id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(steps, ["create", "assign"]);
    assert_eq!(cases::visits(db, out[4].0.id).await.unwrap().len(), 1);
    assert_eq!(cases::visits(db, out[1].0.id).await.unwrap().len(), 1);
}
both!(batch, a_batch_numbers_in_order_and_answers_repeated_keys);

async fn a_bad_case_in_a_batch_fails_alone(db: &Db) {
    let good = new_case(Some("g-1"));
    let nobody = NewCase {
        resident_id: Some(999_999),
        ..new_case(Some("bad-1"))
    };
    let also_good = new_case(None);
    let desk = desk();
    let batch = [&good, &nobody, &also_good].map(|c| (c, &desk));
    let out = cases::create_many(db, &batch).await;
    assert!(out[1].is_err(), "{:?}", out[1]);
    let numbers: Vec<String> = [&out[0], &out[2]]
        .into_iter()
        .map(|r| r.as_ref().unwrap().0.number.clone())
        .collect();
    assert_eq!(numbers, ["MYQ-20261128-0001", "MYQ-20261128-0002"]);
    for n in &numbers {
        cases::by_number(db, n).await.unwrap();
    }
}
both!(bad_in_batch, a_bad_case_in_a_batch_fails_alone);

async fn the_writer_takes_concurrent_intakes_together(db: &Db) {
    let writer = std::sync::Arc::new(cases::Writer::new(db.clone(), nobody_routes));
    // 40 intakes at once, each key sent twice (a client's retry).
    let calls: Vec<_> = (0..80)
        .map(|i| {
            let writer = writer.clone();
            let key = format!("w-{}", i % 40);
            tokio::spawn(async move {
                writer
                    .create(new_case(Some(&key)), Enclosures::default(), &desk())
                    .await
            })
        })
        .collect();
    let mut made = std::collections::HashMap::new();
    for call in calls {
        let (case, _) = call.await.unwrap().unwrap();
        let key = case.idempotency_key.clone().unwrap();
        let first = made.entry(key).or_insert_with(|| case.clone());
        assert_eq!(*first, case, "one case per key");
    }
    let mut numbers: Vec<String> = made.into_values().map(|c| c.number).collect();
    numbers.sort();
    let expected: Vec<String> = (1..=40).map(|n| format!("MYQ-20261128-{n:04}")).collect();
    assert_eq!(numbers, expected);
}
both!(writer, the_writer_takes_concurrent_intakes_together);

/// A writer for tests that route nothing.
fn nobody_routes(_: &[Routable], _: &str) -> Assignment {
    Assignment {
        assignee: None,
        note: String::new(),
    }
}

/// The test's rule: the least loaded, then the lowest id (the application's rule also weighs
/// the line; here the writer's part is under test).
fn least_loaded(staff: &[Routable], _line: &str) -> Assignment {
    let w = staff.iter().min_by_key(|w| (w.load, w.id));
    Assignment {
        assignee: w.map(|w| w.id),
        note: format!("在办 {} 件", w.map_or(0, |w| w.load)),
    }
}

async fn the_writer_routes_a_burst_on_the_loads_of_its_transaction(db: &Db) {
    let street = orgs::create_street(db, "HS", "湖墅街道", 1).await.unwrap();
    let community = orgs::create_child(db, &street, "MYQ", "米市巷社区", 1)
        .await
        .unwrap();
    assert_eq!(community.path.as_str(), "/1/2/", "the path new_case uses");
    let mut team = Vec::new();
    for name in ["b1", "b2", "b3"] {
        let u = NewUser {
            username: name,
            display_name: name,
            password_hash: "x",
            role: Role::BackOffice,
            org_id: community.id,
            community_id: Some(community.id),
            must_change_password: false,
        };
        team.push(users::create(db, &u, 1).await.unwrap());
    }
    let accepted = |key: Option<&str>| NewCase {
        state: State::Accepted,
        ..new_case(key)
    };
    // b1 holds two open cases already.
    for _ in 0..2 {
        let held = NewCase {
            assignee_id: Some(team[0]),
            ..accepted(None)
        };
        cases::create(db, &held, &desk()).await.unwrap();
    }
    let writer = std::sync::Arc::new(cases::Writer::new(db.clone(), least_loaded));
    let calls: Vec<_> = (0..30)
        .map(|i| {
            let (writer, key) = (writer.clone(), format!("r-{i}"));
            let c = NewCase {
                route: true,
                ..accepted(Some(&key))
            };
            tokio::spawn(async move { writer.create(c, Enclosures::default(), &desk()).await })
        })
        .collect();
    for call in calls {
        let (case, created) = call.await.unwrap().unwrap();
        assert!(created);
        assert!(case.assignee_id.is_some(), "{case:?}");
        let events = cases::events(db, case.id).await.unwrap();
        assert_eq!(events.last().map(|e| e.action.as_str()), Some("assign"));
        assert!(events.last().unwrap().note.starts_with("在办 "));
    }
    let root = quanke_domain::OrgPath::from_stored("/1/2/".into());
    let loads: Vec<i64> = users::routable(db, &root)
        .await
        .unwrap()
        .iter()
        .map(|w| w.load)
        .collect();
    assert_eq!(loads.iter().sum::<i64>(), 32, "{loads:?}");
    let spread = loads.iter().max().unwrap() - loads.iter().min().unwrap();
    assert!(spread <= 1, "a burst is spread as if one by one: {loads:?}");
    // Without a router, a case that asks to be routed is refused, and nothing is written.
    let asks = NewCase {
        route: true,
        ..accepted(Some("r-none"))
    };
    let out = cases::create_many(db, &[(&asks, &desk())]).await;
    assert!(
        matches!(out[0], Err(StoreError::Conflict(_))),
        "{:?}",
        out[0]
    );
    assert!(matches!(
        cases::by_number(db, "MYQ-20261128-0033").await,
        Err(StoreError::NotFound)
    ));
}
both!(
    routed,
    the_writer_routes_a_burst_on_the_loads_of_its_transaction
);

/// Ten scans and the intake's document, enclosed with a new case.
fn enclosures() -> Enclosures {
    Enclosures {
        files: (0..10u8)
            .map(|i| Attachment {
                file_name: format!("scan-{i}.pdf"),
                content_type: "application/pdf".into(),
                data: vec![i; 64 * 1024],
            })
            .collect(),
        document: Some(NewDocument {
            kind: "notice".into(),
            content: r#"{"missing":["户口簿"]}"#.into(),
        }),
        result: None,
    }
}

/// Runs one statement and says whether the database refused it.
async fn refused(db: &Db, sql: &'static str) -> bool {
    match db {
        Db::Sqlite(quanke_store::SqliteDb { pool: p, .. }) => {
            sqlx::query(sql).execute(p).await.is_err()
        }
        Db::Pg(p) => sqlx::query(sql).execute(p).await.is_err(),
    }
}

async fn a_case_is_written_with_its_files_and_document(db: &Db) {
    let writer = cases::Writer::new(db.clone(), nobody_routes);
    let key = Some("k-scans");
    let (case, created) = writer
        .create(new_case(key), enclosures(), &desk())
        .await
        .unwrap();
    assert!(created);
    let opening = cases::events(db, case.id).await.unwrap()[0].id;
    let files = cases::files(db, case.id).await.unwrap();
    assert_eq!(files.len(), 10);
    assert!(files.iter().all(|f| f.event_id == Some(opening)));
    let (_, data) = cases::file(db, case.id, files[9].id).await.unwrap();
    assert_eq!(data, vec![9u8; 64 * 1024]);
    // A repeat with the key gets the case as it was written, and writes nothing more.
    let (again, created) = writer
        .create(new_case(key), enclosures(), &desk())
        .await
        .unwrap();
    assert!(!created);
    assert_eq!(again.id, case.id);
    assert_eq!(cases::files(db, case.id).await.unwrap().len(), 10);
    let docs = cases::documents(db, case.id).await.unwrap();
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].issuer_name, "前台");
    assert_eq!(docs[0].issued_on, "2026-11-28");
    // Issued documents are never changed or removed.
    assert!(refused(db, "UPDATE case_documents SET content = '{}'").await);
    assert!(refused(db, "DELETE FROM case_documents").await);
    assert_eq!(cases::documents(db, case.id).await.unwrap(), docs);
}
both!(enclosed, a_case_is_written_with_its_files_and_document);

async fn a_change_keeps_its_document_or_neither(db: &Db) {
    let (c, _) = cases::create(db, &new_case(None), &desk()).await.unwrap();
    let notice = NewDocument {
        kind: "notice".into(),
        content: "{}".into(),
    };
    let request = Move {
        from: State::Received,
        to: State::AwaitingMaterials,
        action: "request_materials",
        note: "缺户口簿",
        due_on: None,
        accepted_on: None,
        checklist: None,
    };
    cases::transition_issuing(db, c.id, &request, Some(&notice), None, &desk())
        .await
        .unwrap();
    // A stale change is refused and issues nothing.
    let stale = cases::transition_issuing(db, c.id, &request, Some(&notice), None, &desk()).await;
    assert!(matches!(stale, Err(StoreError::Conflict(_))), "{stale:?}");
    let docs = cases::documents(db, c.id).await.unwrap();
    assert_eq!(docs.len(), 1);
    assert!(matches!(
        cases::document(db, c.id + 1, docs[0].id).await,
        Err(StoreError::NotFound)
    ));
}
both!(issuing, a_change_keeps_its_document_or_neither);

async fn a_completion_keeps_its_result_as_decided(db: &Db) {
    let (c, _) = cases::create(db, &new_case(None), &desk()).await.unwrap();
    assert_eq!(cases::outcome(db, c.id).await.unwrap(), None);
    let done = Move {
        from: State::Received,
        to: State::Completed,
        action: "complete_on_spot",
        note: "",
        due_on: None,
        accepted_on: None,
        checklist: None,
    };
    let result = cases::NewResult {
        verdict: "granted".into(),
        reason: String::new(),
        amount_fen: Some(120_050),
        start_month: Some("2026-12".into()),
        certificate_no: None,
        note: "按月发放".into(),
    };
    cases::transition_issuing(db, c.id, &done, None, Some(&result), &desk())
        .await
        .unwrap();
    let kept = cases::outcome(db, c.id).await.unwrap().expect("result");
    assert_eq!(kept.verdict, "granted");
    assert_eq!(kept.amount_fen, Some(120_050));
    assert_eq!(kept.start_month.as_deref(), Some("2026-12"));
    assert_eq!(kept.decider_name, "前台");
    // A stale completion records nothing more; the result is never changed or removed.
    let stale = cases::transition_issuing(db, c.id, &done, None, Some(&result), &desk()).await;
    assert!(matches!(stale, Err(StoreError::Conflict(_))), "{stale:?}");
    assert!(refused(db, "UPDATE case_results SET amount_fen = 1").await);
    assert!(refused(db, "DELETE FROM case_results").await);
    assert_eq!(cases::outcome(db, c.id).await.unwrap(), Some(kept));
}
both!(results, a_completion_keeps_its_result_as_decided);
