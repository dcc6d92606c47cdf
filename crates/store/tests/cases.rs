//! Cases on SQLite and PostgreSQL: day-numbered case numbers, idempotent creation, state changes
//! that append events and refuse a stale state.

use quanke_store::both;
use quanke_store::cases::{self, Actor, Move, NewCase};
use quanke_store::{Db, StoreError};

const DESK: Actor<'static> = Actor {
    id: None,
    name: "前台",
    now: 1_795_824_000,
    today: "2026-11-28",
};

fn new_case(key: Option<&str>) -> NewCase<'_> {
    NewCase {
        community_path: "/1/2/",
        community_code: "MYQ",
        item_code: "MZ-001",
        item_version: 1,
        line: "民政",
        business_kind: "new",
        answers: "{}",
        checklist: "[]",
        resident_id: None,
        applicant_name: "张三丰",
        applicant_phone: "13805712345",
        channel: "desk",
        state: "received",
        action: "create",
        note: "",
        promised_days: 5,
        accepted_on: Some("2026-11-28"),
        due_on: None,
        assignee_id: None,
        open311_key_id: None,
        idempotency_key: key,
        visit: Some("intake"),
        assign_note: None,
    }
}

async fn numbers_count_per_community_and_day(db: &Db) {
    let (a, created) = cases::create(db, &new_case(None), &DESK).await.unwrap();
    assert!(created);
    assert_eq!(a.number, "MYQ-20261128-0001");
    let (b, _) = cases::create(db, &new_case(None), &DESK).await.unwrap();
    assert_eq!(b.number, "MYQ-20261128-0002");
    let next_day = Actor {
        today: "2026-11-30",
        ..DESK
    };
    let (c, _) = cases::create(db, &new_case(None), &next_day).await.unwrap();
    assert_eq!(c.number, "MYQ-20261130-0001");
    assert_eq!(cases::by_number(db, &b.number).await.unwrap().id, b.id);
}
both!(numbers, numbers_count_per_community_and_day);

async fn the_same_key_never_makes_two_cases(db: &Db) {
    let (first, created) = cases::create(db, &new_case(Some("k-1")), &DESK)
        .await
        .unwrap();
    assert!(created);
    let (again, created) = cases::create(db, &new_case(Some("k-1")), &DESK)
        .await
        .unwrap();
    assert!(!created);
    assert_eq!(again, first);
    let (other, created) = cases::create(db, &new_case(Some("k-2")), &DESK)
        .await
        .unwrap();
    assert!(created);
    assert_ne!(other.id, first.id);
    assert_eq!(cases::events(db, first.id).await.unwrap().len(), 1);
}
both!(idempotent, the_same_key_never_makes_two_cases);

async fn transitions_append_events_and_refuse_stale_states(db: &Db) {
    let (c, _) = cases::create(db, &new_case(None), &DESK).await.unwrap();
    let request = Move {
        from: "received",
        to: "awaiting_materials",
        action: "request_materials",
        note: "缺户口簿",
        due_on: None,
        accepted_on: None,
        checklist: None,
    };
    cases::transition(db, c.id, &request, &DESK).await.unwrap();
    let accept = Move {
        from: "received",
        to: "accepted",
        action: "accept",
        note: "",
        ..request
    };
    let stale = cases::transition(db, c.id, &accept, &DESK).await;
    assert!(matches!(stale, Err(StoreError::Conflict(_))), "{stale:?}");
    assert_eq!(
        cases::get(db, c.id).await.unwrap().state,
        "awaiting_materials"
    );
    let events = cases::events(db, c.id).await.unwrap();
    let steps: Vec<(&str, &str, &str)> = events
        .iter()
        .map(|e| (e.from_state.as_str(), e.to_state.as_str(), e.note.as_str()))
        .collect();
    assert_eq!(
        steps,
        [
            ("", "received", ""),
            ("received", "awaiting_materials", "缺户口簿")
        ]
    );
    assert_eq!(events[1].on_day, "2026-11-28");
}
both!(
    transitions,
    transitions_append_events_and_refuse_stale_states
);
