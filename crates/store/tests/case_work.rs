//! The records around a case on SQLite and PostgreSQL: visits, the queues and filtered lists,
//! assignment, state changes with their clock, notes, escalation, links, transfers, approvals,
//! mandates and files; and beside them the edited working-day calendar and the lines (条线) a
//! worker handles.

use quanke_domain::case::State;
use quanke_domain::{OrgPath, Role};
use quanke_store::both;
use quanke_store::cases::{self, Actor, Case, Filter, Mandate, Move, NewCase, NewFile, Visit};
use quanke_store::registry::{self, ImportContext, ImportMsg, NewResident};
use quanke_store::testing::day;
use quanke_store::{Db, StoreError, calendar, orgs, users};
use tokio::sync::mpsc;

const NOW: i64 = 1_795_824_000;
const TODAY: &str = "2026-11-28";
const DAY: i64 = 86_400;

/// The desk worker acting on the tests' day.
fn desk() -> Actor<'static> {
    Actor {
        id: None,
        name: "前台",
        now: NOW,
        today: day(TODAY),
    }
}

fn by(id: i64, name: &'static str) -> Actor<'static> {
    Actor {
        id: Some(id),
        name,
        ..desk()
    }
}

/// Street HS → communities A and B → grid A-1, with a worker or two in each.
struct World {
    street: orgs::Org,
    a: orgs::Org,
    b: orgs::Org,
    desk_a: i64,
    back_a: i64,
    grid_a: i64,
    desk_b: i64,
}

impl World {
    fn a(&self) -> &str {
        self.a.path.as_str()
    }

    fn b(&self) -> &str {
        self.b.path.as_str()
    }

    fn street(&self) -> &str {
        self.street.path.as_str()
    }
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

async fn world(db: &Db) -> World {
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
    World {
        desk_a: user(db, "desk_a", Role::FrontDesk, &a).await,
        back_a: user(db, "back_a", Role::BackOffice, &a).await,
        grid_a: user(db, "grid_a", Role::GridWorker, &a1).await,
        desk_b: user(db, "desk_b", Role::FrontDesk, &b).await,
        street,
        a,
        b,
    }
}

/// Two residents of community A, by their ids in the registry.
async fn residents(db: &Db, community: &str) -> (i64, i64) {
    let person = |id_number: &str, name: &str, initials: &str| NewResident {
        id_number: id_number.into(),
        name: name.into(),
        name_initials: initials.into(),
        sex: "M",
        birth_date: "1980-01-01".into(),
        org_path: community.into(),
        community_path: community.into(),
        ..NewResident::default()
    };
    let rows = vec![
        person("330105198001010011", "张三丰", "zsf"),
        person("330105198001010038", "李四", "ls"),
    ];
    let (tx, rx) = mpsc::channel(2);
    let ctx = ImportContext {
        actor: "管理员".into(),
        source: "测试".into(),
        now: NOW,
        today: TODAY.into(),
        area: quanke_domain::OrgPath::from_stored("/".into()),
        atomic: false,
        run: None,
    };
    let writer = registry::import_residents(db, rx, &ctx);
    let sender = async move {
        tx.send(ImportMsg::Rows(rows)).await.unwrap();
        tx.send(ImportMsg::Commit).await.unwrap();
    };
    let (counts, ()) = tokio::join!(writer, sender);
    assert_eq!(counts.unwrap().created, 2);
    let id = |n: &'static str| async move { registry::id_by_number(db, n).await.unwrap().unwrap() };
    (
        id("330105198001010011").await,
        id("330105198001010038").await,
    )
}

fn new_case(community_path: &str) -> NewCase {
    NewCase {
        community_path: OrgPath::from_stored(community_path.into()),
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
        accepted_on: Some(day(TODAY)),
        due_on: None,
        assignee_id: None,
        open311_key_id: None,
        idempotency_key: None,
        visit: None,
        assign_note: None,
        route: false,
        mandate: None,
    }
}

async fn make(db: &Db, c: NewCase) -> Case {
    let (case, created) = cases::create(db, &c, &desk()).await.unwrap();
    assert!(created);
    case
}

fn ids(cases: &[Case]) -> Vec<i64> {
    cases.iter().map(|c| c.id).collect()
}

// ---------------------------------------------------------------------------------------------
// Visits

async fn visits_at_creation_and_later_are_listed_in_order(db: &Db) {
    let w = world(db).await;
    let desk = by(w.desk_a, "王前台");
    let c = NewCase {
        visit: Some("intake".into()),
        assign_note: None,
        ..new_case(w.a())
    };
    let (c, _) = cases::create(db, &c, &desk).await.unwrap();
    let later = Actor {
        now: NOW + 3 * DAY,
        today: day("2026-12-01"),
        ..desk
    };
    cases::record_visit(db, c.id, "materials", &later)
        .await
        .unwrap();
    let pickup = Actor {
        id: None,
        now: NOW + 5 * DAY,
        today: day("2026-12-03"),
        ..desk
    };
    cases::record_visit(db, c.id, "pickup", &pickup)
        .await
        .unwrap();
    assert_eq!(
        cases::visits(db, c.id).await.unwrap(),
        [
            Visit {
                at: NOW,
                on_day: day(TODAY),
                purpose: "intake".into(),
                recorded_by: Some(w.desk_a),
            },
            Visit {
                at: NOW + 3 * DAY,
                on_day: day("2026-12-01"),
                purpose: "materials".into(),
                recorded_by: Some(w.desk_a),
            },
            Visit {
                at: NOW + 5 * DAY,
                on_day: day("2026-12-03"),
                purpose: "pickup".into(),
                recorded_by: None,
            },
        ]
    );
    // A case taken without the resident coming in (portal, phone) has no visit.
    let online = make(db, new_case(w.a())).await;
    assert!(cases::visits(db, online.id).await.unwrap().is_empty());
}
both!(visits, visits_at_creation_and_later_are_listed_in_order);

// ---------------------------------------------------------------------------------------------
// Lists and queues

async fn list(db: &Db, f: Filter<'_>) -> Vec<i64> {
    ids(&cases::list(db, &f).await.unwrap())
}

/// c1..c6 (see the comments) in A, and one in B.
struct Listed {
    c1: i64,
    c2: i64,
    c3: i64,
    c4: i64,
    c5: i64,
    c6: i64,
    r1: i64,
    r2: i64,
}

async fn listed(db: &Db, w: &World) -> Listed {
    let (r1, r2) = residents(db, w.a()).await;
    // Received, due in a few days, given to the desk worker, of resident 1.
    let c1 = make(
        db,
        NewCase {
            due_on: Some(day("2026-12-03")),
            assignee_id: Some(w.desk_a),
            resident_id: Some(r1),
            ..new_case(w.a())
        },
    )
    .await;
    // In progress and overdue, another item, unassigned.
    let c2 = make(
        db,
        NewCase {
            item_code: "MZ-002".into(),
            state: State::InProgress,
            due_on: Some(day("2026-11-25")),
            ..new_case(w.a())
        },
    )
    .await;
    // Waiting for materials: the clock is paused, no due day.
    let c3 = make(
        db,
        NewCase {
            state: State::AwaitingMaterials,
            resident_id: Some(r1),
            ..new_case(w.a())
        },
    )
    .await;
    // Completed (open until delivered) with a past due day: not overdue, its clock has stopped.
    let c4 = make(
        db,
        NewCase {
            state: State::Completed,
            due_on: Some(day("2026-11-20")),
            ..new_case(w.a())
        },
    )
    .await;
    // Delivered: closed.
    let c5 = make(
        db,
        NewCase {
            state: State::Delivered,
            resident_id: Some(r1),
            accepted_on: None,
            ..new_case(w.a())
        },
    )
    .await;
    // In community B, accepted, due the day after tomorrow.
    let c6 = make(
        db,
        NewCase {
            community_code: "SDN".into(),
            state: State::Accepted,
            due_on: Some(day("2026-11-30")),
            assignee_id: Some(w.desk_b),
            ..new_case(w.b())
        },
    )
    .await;
    Listed {
        c1: c1.id,
        c2: c2.id,
        c3: c3.id,
        c4: c4.id,
        c5: c5.id,
        c6: c6.id,
        r1,
        r2,
    }
}

async fn list_filters_each_on_its_own(db: &Db) {
    let w = world(db).await;
    let l = listed(db, &w).await;
    let in_a = Filter {
        within: w.a(),
        limit: 50,
        ..Filter::default()
    };
    // Soonest due first, the undated last (by id).
    assert_eq!(
        list(db, in_a.clone()).await,
        [l.c4, l.c2, l.c1, l.c3, l.c5],
        "community A"
    );
    assert_eq!(
        list(
            db,
            Filter {
                within: w.b(),
                ..in_a.clone()
            }
        )
        .await,
        [l.c6],
        "community B sees only its own"
    );
    assert_eq!(
        list(
            db,
            Filter {
                within: w.street(),
                ..in_a.clone()
            }
        )
        .await,
        [l.c4, l.c2, l.c6, l.c1, l.c3, l.c5],
        "the street sees both"
    );
    assert_eq!(
        list(
            db,
            Filter {
                state: Some("received"),
                ..in_a.clone()
            }
        )
        .await,
        [l.c1]
    );
    assert_eq!(
        list(
            db,
            Filter {
                open_only: true,
                ..in_a.clone()
            }
        )
        .await,
        [l.c4, l.c2, l.c1, l.c3],
        "delivered is closed, completed still open"
    );
    assert_eq!(
        list(
            db,
            Filter {
                assignee: Some(w.desk_a),
                ..in_a.clone()
            }
        )
        .await,
        [l.c1]
    );
    assert!(
        list(
            db,
            Filter {
                assignee: Some(w.desk_b),
                ..in_a.clone()
            }
        )
        .await
        .is_empty(),
        "B's worker has nothing in A"
    );
    assert_eq!(
        list(
            db,
            Filter {
                unassigned: true,
                ..in_a.clone()
            }
        )
        .await,
        [l.c4, l.c2, l.c3, l.c5]
    );
    assert_eq!(
        list(
            db,
            Filter {
                item_code: Some("MZ-002"),
                ..in_a.clone()
            }
        )
        .await,
        [l.c2]
    );
    assert_eq!(
        list(
            db,
            Filter {
                resident_id: Some(l.r1),
                ..in_a.clone()
            }
        )
        .await,
        [l.c1, l.c3, l.c5]
    );
    assert!(
        list(
            db,
            Filter {
                resident_id: Some(l.r2),
                ..in_a.clone()
            }
        )
        .await
        .is_empty()
    );
    // Overdue: a running clock due before today. The completed case's clock has stopped.
    assert_eq!(
        list(
            db,
            Filter {
                within: w.street(),
                due_by: Some("2026-11-27"),
                ..in_a.clone()
            }
        )
        .await,
        [l.c2]
    );
    // Due soon: from today to a week ahead, over the street.
    assert_eq!(
        list(
            db,
            Filter {
                within: w.street(),
                due_from: Some(TODAY),
                due_by: Some("2026-12-05"),
                ..in_a.clone()
            }
        )
        .await,
        [l.c6, l.c1]
    );
    assert_eq!(
        list(
            db,
            Filter {
                within: w.street(),
                due_from: Some("2026-12-01"),
                ..in_a.clone()
            }
        )
        .await,
        [l.c1],
        "due on or after a day"
    );
    // Filters combine.
    assert_eq!(
        list(
            db,
            Filter {
                open_only: true,
                unassigned: true,
                item_code: Some("MZ-001"),
                ..in_a.clone()
            }
        )
        .await,
        [l.c4, l.c3]
    );
}
both!(list_filters, list_filters_each_on_its_own);

async fn list_pages_with_limit_and_offset(db: &Db) {
    let w = world(db).await;
    let l = listed(db, &w).await;
    let page = |limit: i64, offset: i64| {
        let f = Filter {
            within: w.a(),
            limit,
            offset,
            ..Filter::default()
        };
        async move { ids(&cases::list(db, &f).await.unwrap()) }
    };
    assert_eq!(page(2, 0).await, [l.c4, l.c2]);
    assert_eq!(page(2, 2).await, [l.c1, l.c3]);
    assert_eq!(page(2, 4).await, [l.c5]);
    assert!(page(2, 6).await.is_empty());
    assert_eq!(page(1, 3).await, [l.c3]);
}
both!(list_pages, list_pages_with_limit_and_offset);

/// "/1/2/" must not see "/1/23/"-like paths: a dozen communities make such ids.
async fn list_does_not_leak_into_similar_paths(db: &Db) {
    let street = orgs::create_street(db, "S", "街道", NOW).await.unwrap();
    let mut communities = Vec::new();
    for i in 0..12 {
        communities.push(
            orgs::create_child(db, &street, &format!("C{i}"), "社区", NOW)
                .await
                .unwrap(),
        );
    }
    let mut made = Vec::new();
    for c in &communities {
        let case = NewCase {
            community_code: c.code.clone(),
            ..new_case(c.path.as_str())
        };
        made.push(make(db, case).await.id);
    }
    for (c, id) in communities.iter().zip(made) {
        let f = Filter {
            within: c.path.as_str(),
            limit: 50,
            ..Filter::default()
        };
        assert_eq!(ids(&cases::list(db, &f).await.unwrap()), [id], "{}", c.code);
    }
}
both!(list_prefixes, list_does_not_leak_into_similar_paths);

async fn open_cases_of_a_resident_and_the_workers_loads(db: &Db) {
    let w = world(db).await;
    let l = listed(db, &w).await;
    // Resident 1 also has an open case of MZ-001 in community B (通办 elsewhere).
    let c7 = make(
        db,
        NewCase {
            community_code: "SDN".into(),
            resident_id: Some(l.r1),
            ..new_case(w.b())
        },
    )
    .await
    .id;
    let open = |resident: i64, item: &'static str, within: &str, limit: i64| {
        let within = OrgPath::from_stored(within.to_string());
        async move {
            let found = cases::open_for_resident(db, resident, item, &within, limit)
                .await
                .unwrap();
            found.iter().map(|c| c.id).collect::<Vec<_>>()
        }
    };
    // c5 (delivered) is the resident's too but closed; c7 is in B.
    assert_eq!(open(l.r1, "MZ-001", w.a(), 10).await, [l.c1, l.c3]);
    assert_eq!(open(l.r1, "MZ-001", w.b(), 10).await, [c7]);
    assert_eq!(open(l.r1, "MZ-001", w.street(), 10).await, [l.c1, l.c3, c7]);
    // Bounded, oldest first; the limit counts only cases inside the scope.
    assert_eq!(open(l.r1, "MZ-001", w.street(), 2).await, [l.c1, l.c3]);
    assert_eq!(open(l.r1, "MZ-001", w.b(), 1).await, [c7]);
    let first =
        cases::open_for_resident(db, l.r1, "MZ-001", &OrgPath::from_stored(w.a().into()), 1)
            .await
            .unwrap();
    assert_eq!(
        (first[0].id, first[0].state),
        (l.c1, State::Received),
        "the warning's number and state are the case's"
    );
    assert_eq!(first[0].number, cases::get(db, l.c1).await.unwrap().number);
    assert!(open(l.r1, "MZ-002", w.street(), 10).await.is_empty());
    assert!(open(l.r2, "MZ-001", w.street(), 10).await.is_empty());

    // The database keeps each worker's open cases (`worker_loads`) through every change.
    assert_eq!(loads(db).await, [(w.desk_a, 1), (w.desk_b, 1)]);
    assert_eq!(loads(db).await, counted(db).await);
    // Closed cases weigh nothing; open ones, in any open state, do.
    cases::assign(db, l.c5, Some(w.back_a), "", &desk())
        .await
        .unwrap();
    cases::assign(db, l.c3, Some(w.desk_a), "", &desk())
        .await
        .unwrap();
    cases::assign(db, l.c4, Some(w.back_a), "", &desk())
        .await
        .unwrap();
    assert_eq!(loads(db).await, counted(db).await);
    assert!(loads(db).await.contains(&(w.desk_a, 2)));
    // Given to someone else, closed, moved to another community: each moves the figure.
    cases::assign(db, l.c3, Some(w.back_a), "", &desk())
        .await
        .unwrap();
    assert_eq!(loads(db).await, counted(db).await);
    let c4 = cases::get(db, l.c4).await.unwrap();
    let close = Move {
        from: c4.state,
        to: State::Delivered,
        action: "deliver",
        note: "",
        due_on: None,
        accepted_on: None,
        checklist: None,
    };
    cases::transition(db, l.c4, &close, &desk()).await.unwrap();
    assert_eq!(loads(db).await, counted(db).await);
    cases::move_to_community(db, l.c3, w.b(), "", &desk())
        .await
        .unwrap();
    assert_eq!(loads(db).await, counted(db).await);
    assert!(!loads(db).await.iter().any(|(id, _)| *id == w.back_a));

    // The writer counts a batch's cases itself: several to one worker, a closed one (no
    // weight), and a key sent twice (written once, counted once).
    let to = |worker: i64, state: State, key: &str| NewCase {
        state,
        assignee_id: Some(worker),
        idempotency_key: Some(key.into()),
        ..new_case(w.a())
    };
    let batch = [
        to(w.back_a, State::Accepted, "k1"),
        to(w.back_a, State::InProgress, "k2"),
        to(w.desk_a, State::Delivered, "k3"),
        to(w.back_a, State::Accepted, "k1"),
        to(w.desk_b, State::Received, "k4"),
    ];
    let desk = desk();
    let with: Vec<_> = batch.iter().map(|c| (c, &desk)).collect();
    let made = cases::create_many(db, &with).await;
    let created: Vec<bool> = made.into_iter().map(|r| r.unwrap().1).collect();
    assert_eq!(created, [true, true, true, false, true]);
    assert_eq!(loads(db).await, counted(db).await);
    assert!(loads(db).await.contains(&(w.back_a, 2)));
}

/// The workers' open cases as the database keeps them (zeros left out).
async fn loads(db: &Db) -> Vec<(i64, i64)> {
    let sql = "SELECT user_id, open_cases FROM worker_loads WHERE open_cases <> 0 ORDER BY user_id";
    match db {
        Db::Sqlite(quanke_store::SqliteDb { pool: p, .. }) => {
            sqlx::query_as(sql).fetch_all(p).await.unwrap()
        }
        Db::Pg(p) => sqlx::query_as(sql).fetch_all(p).await.unwrap(),
    }
}

/// The same counted from the cases, the way the figure must always agree with.
async fn counted(db: &Db) -> Vec<(i64, i64)> {
    let sql = "SELECT assignee_id, COUNT(*) FROM cases WHERE assignee_id IS NOT NULL \
               AND state IN ('received', 'awaiting_materials', 'accepted', 'in_progress', \
               'awaiting_department', 'completed') GROUP BY assignee_id ORDER BY assignee_id";
    match db {
        Db::Sqlite(quanke_store::SqliteDb { pool: p, .. }) => {
            sqlx::query_as(sql).fetch_all(p).await.unwrap()
        }
        Db::Pg(p) => sqlx::query_as(sql).fetch_all(p).await.unwrap(),
    }
}
both!(
    resident_and_load,
    open_cases_of_a_resident_and_the_workers_loads
);

// ---------------------------------------------------------------------------------------------
// Assignment, state changes, notes

async fn assign_changes_the_assignee_and_appends_an_event(db: &Db) {
    let w = world(db).await;
    let c = make(db, new_case(w.a())).await;
    let head = Actor {
        now: NOW + 60,
        ..by(w.back_a, "赵负责人")
    };
    cases::assign(db, c.id, Some(w.desk_a), "请王前台办理", &head)
        .await
        .unwrap();
    let now = cases::get(db, c.id).await.unwrap();
    assert_eq!(now.assignee_id, Some(w.desk_a));
    assert_eq!(now.updated_at, NOW + 60);
    assert_eq!(
        now.state,
        State::Received,
        "assignment does not move the case"
    );
    cases::assign(db, c.id, None, "退回待分派", &head)
        .await
        .unwrap();
    assert_eq!(cases::get(db, c.id).await.unwrap().assignee_id, None);
    let events = cases::events(db, c.id).await.unwrap();
    let steps: Vec<(&str, &str, &str, &str, Option<i64>)> = events
        .iter()
        .map(|e| {
            (
                e.from_state.code(),
                e.to_state.code(),
                e.action.as_str(),
                e.note.as_str(),
                e.actor_id,
            )
        })
        .collect();
    assert_eq!(
        steps,
        [
            ("", "received", "create", "", None),
            (
                "received",
                "received",
                "assign",
                "请王前台办理",
                Some(w.back_a)
            ),
            (
                "received",
                "received",
                "assign",
                "退回待分派",
                Some(w.back_a)
            ),
        ]
    );
    assert_eq!(events[1].actor_name, "赵负责人");
    assert_eq!(events[1].at, NOW + 60);
    assert!(matches!(
        cases::assign(db, 9999, Some(w.desk_a), "", &head).await,
        Err(StoreError::NotFound)
    ));
}
both!(assign, assign_changes_the_assignee_and_appends_an_event);

async fn transition_moves_the_clock_and_the_checklist(db: &Db) {
    let w = world(db).await;
    let missing = r#"[{"id":"hukou","name":"户口簿","how_to_obtain":"","status":"missing"}]"#;
    let brought = r#"[{"id":"hukou","name":"户口簿","how_to_obtain":"","status":"brought"}]"#;
    let c = make(
        db,
        NewCase {
            state: State::AwaitingMaterials,
            accepted_on: None,
            checklist: missing.into(),
            ..new_case(w.a())
        },
    )
    .await;
    let back = Actor {
        now: NOW + DAY,
        today: day("2026-11-29"),
        ..by(w.desk_a, "王前台")
    };
    let accept = Move {
        from: State::AwaitingMaterials,
        to: State::Accepted,
        action: "accept_after_materials",
        note: "",
        due_on: Some(day("2026-12-04")),
        accepted_on: Some(day("2026-11-29")),
        checklist: Some(brought),
    };
    let event = cases::transition(db, c.id, &accept, &back).await.unwrap();
    let events = cases::events(db, c.id).await.unwrap();
    assert_eq!(
        events.last().unwrap().id,
        event,
        "the event's id is returned"
    );
    assert_eq!(events.last().unwrap().on_day, day("2026-11-29"));
    let now = cases::get(db, c.id).await.unwrap();
    assert_eq!(
        (
            now.state.code(),
            now.due_on,
            now.accepted_on,
            now.checklist.as_str(),
            now.updated_at
        ),
        (
            "accepted",
            Some(day("2026-12-04")),
            Some(day("2026-11-29")),
            brought,
            NOW + DAY
        )
    );
    // Back to 待补正: the due day goes (the clock pauses), the start day and checklist stay.
    let more = Move {
        from: State::Accepted,
        to: State::AwaitingMaterials,
        action: "request_more_materials",
        note: "缺婚姻证明",
        due_on: None,
        accepted_on: None,
        checklist: None,
    };
    let second = cases::transition(db, c.id, &more, &back).await.unwrap();
    assert!(second > event);
    let now = cases::get(db, c.id).await.unwrap();
    assert_eq!(
        (
            now.state.code(),
            now.due_on,
            now.accepted_on,
            now.checklist.as_str()
        ),
        ("awaiting_materials", None, Some(day("2026-11-29")), brought)
    );
    // A stale `from` changes nothing.
    let stale = cases::transition(db, c.id, &more, &back).await;
    assert!(matches!(stale, Err(StoreError::Conflict(_))), "{stale:?}");
    assert_eq!(cases::events(db, c.id).await.unwrap().len(), 3);
    assert_eq!(
        cases::get(db, c.id).await.unwrap().state,
        State::AwaitingMaterials
    );
}
both!(transition, transition_moves_the_clock_and_the_checklist);

async fn notes_append_an_event_in_the_current_state(db: &Db) {
    let w = world(db).await;
    let c = make(
        db,
        NewCase {
            state: State::InProgress,
            ..new_case(w.a())
        },
    )
    .await;
    let id = cases::note(db, c.id, "call", "已电话告知", &by(w.back_a, "李后台"))
        .await
        .unwrap();
    let events = cases::events(db, c.id).await.unwrap();
    let last = events.last().unwrap();
    assert_eq!(last.id, id);
    assert_eq!(
        (
            last.from_state.code(),
            last.to_state.code(),
            last.action.as_str(),
            last.note.as_str(),
            last.actor_id,
            last.actor_name.as_str()
        ),
        (
            "in_progress",
            "in_progress",
            "call",
            "已电话告知",
            Some(w.back_a),
            "李后台"
        )
    );
    assert_eq!(cases::get(db, c.id).await.unwrap().state, State::InProgress);
    assert!(matches!(
        cases::note(db, 9999, "call", "", &desk()).await,
        Err(StoreError::NotFound)
    ));
}
both!(notes, notes_append_an_event_in_the_current_state);

async fn overdue_cases_are_escalated_once(db: &Db) {
    let w = world(db).await;
    let l = listed(db, &w).await;
    let overdue = cases::overdue_unescalated(db, TODAY).await.unwrap();
    assert_eq!(
        ids(&overdue),
        [l.c2],
        "running clocks only, due before today"
    );
    // On the due day itself a case is not yet overdue.
    assert!(
        cases::overdue_unescalated(db, "2026-11-25")
            .await
            .unwrap()
            .is_empty()
    );
    // Three days on, B's case is overdue as well.
    assert_eq!(
        ids(&cases::overdue_unescalated(db, "2026-12-01").await.unwrap()),
        [l.c2, l.c6]
    );
    let system = Actor {
        now: NOW + 10,
        ..desk()
    };
    let note = |id: i64, text: &str| vec![(id, text.to_string())];
    assert_eq!(
        cases::mark_escalated(db, &note(l.c2, "已逾期，提请社区负责人"), &system)
            .await
            .unwrap(),
        [l.c2]
    );
    assert!(
        cases::mark_escalated(db, &note(l.c2, "again"), &system)
            .await
            .unwrap()
            .is_empty(),
        "escalated once"
    );
    assert!(
        cases::overdue_unescalated(db, TODAY)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        cases::get(db, l.c2).await.unwrap().escalated_at,
        Some(NOW + 10)
    );
    let escalations: Vec<String> = cases::events(db, l.c2)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "escalate")
        .map(|e| format!("{}>{} {}", e.from_state.code(), e.to_state.code(), e.note))
        .collect();
    assert_eq!(
        escalations,
        ["in_progress>in_progress 已逾期，提请社区负责人"]
    );
}
both!(escalation, overdue_cases_are_escalated_once);

// ---------------------------------------------------------------------------------------------
// Links, transfers, approvals, mandates, files

async fn links_go_both_ways_and_are_idempotent(db: &Db) {
    let w = world(db).await;
    let a = make(db, new_case(w.a())).await.id;
    let b = make(db, new_case(w.a())).await.id;
    let c = make(db, new_case(w.a())).await.id;
    assert!(cases::linked(db, a).await.unwrap().is_empty());
    cases::link(db, a, b).await.unwrap();
    cases::link(db, a, b).await.unwrap();
    cases::link(db, b, a).await.unwrap();
    cases::link(db, c, a).await.unwrap();
    assert_eq!(cases::linked(db, a).await.unwrap(), [b, c]);
    assert_eq!(cases::linked(db, b).await.unwrap(), [a]);
    assert_eq!(cases::linked(db, c).await.unwrap(), [a]);
}
both!(links, links_go_both_ways_and_are_idempotent);

async fn transfers_are_requested_answered_once_and_moved(db: &Db) {
    let w = world(db).await;
    let c = make(
        db,
        NewCase {
            assignee_id: Some(w.desk_a),
            ..new_case(w.a())
        },
    )
    .await;
    let desk = by(w.desk_a, "王前台");
    let t = cases::request_transfer(db, c.id, "community", w.a(), w.b(), "户籍在双荡弄", &desk)
        .await
        .unwrap();
    let again =
        cases::request_transfer(db, c.id, "community", w.a(), w.b(), "再转一次", &desk).await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    let dept = make(db, new_case(w.a())).await;
    cases::request_transfer(
        db,
        dept.id,
        "department",
        w.a(),
        "区民政局",
        "需民政局核定",
        &desk,
    )
    .await
    .unwrap();

    let pending = |within: String| async move {
        cases::pending_transfers_to(db, &within)
            .await
            .unwrap()
            .into_iter()
            .map(|t| t.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(pending(w.b().into()).await, [t], "to B");
    assert_eq!(pending(w.street().into()).await, [t], "the street sees it");
    assert!(pending(w.a().into()).await.is_empty(), "not to A");

    let other = Actor {
        now: NOW + 300,
        ..by(w.desk_b, "陈前台")
    };
    cases::answer_transfer(db, t, true, "同意接收", &other)
        .await
        .unwrap();
    let twice = cases::answer_transfer(db, t, false, "不同意", &other).await;
    assert!(matches!(twice, Err(StoreError::Conflict(_))), "{twice:?}");
    let all = cases::transfers(db, c.id).await.unwrap();
    assert_eq!(all.len(), 1);
    let done = &all[0];
    assert_eq!(
        (
            done.kind.as_str(),
            done.from_path.as_str(),
            done.to_target.as_str(),
            done.reason.as_str(),
            done.requested_by,
            done.requested_at
        ),
        (
            "community",
            w.a(),
            w.b(),
            "户籍在双荡弄",
            Some(w.desk_a),
            NOW
        )
    );
    assert_eq!(
        (
            done.status.as_str(),
            done.answer.as_str(),
            done.answered_by,
            done.answered_at
        ),
        ("accepted", "同意接收", Some(w.desk_b), Some(NOW + 300))
    );
    assert!(pending(w.b().into()).await.is_empty());

    cases::move_to_community(db, c.id, w.b(), "通办转入", &other)
        .await
        .unwrap();
    let moved = cases::get(db, c.id).await.unwrap();
    assert_eq!(moved.community_path.as_str(), w.b());
    assert_eq!(moved.assignee_id, None, "unassigned in its new community");
    let last = cases::events(db, c.id).await.unwrap().pop().unwrap();
    assert_eq!(
        (last.action.as_str(), last.note.as_str()),
        ("transfer_accepted", "通办转入")
    );
    let in_b = Filter {
        within: w.b(),
        limit: 10,
        ..Filter::default()
    };
    assert_eq!(ids(&cases::list(db, &in_b).await.unwrap()), [c.id]);

    // Answered, the case may be transferred again.
    let back = cases::request_transfer(db, c.id, "community", w.b(), w.a(), "退回", &other)
        .await
        .unwrap();
    cases::answer_transfer(db, back, false, "材料不在本社区", &desk)
        .await
        .unwrap();
    let statuses: Vec<String> = cases::transfers(db, c.id)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.status)
        .collect();
    assert_eq!(statuses, ["accepted", "refused"]);
}
both!(transfers, transfers_are_requested_answered_once_and_moved);

async fn approvals_are_requested_scoped_and_decided_once(db: &Db) {
    let w = world(db).await;
    let c = make(db, new_case(w.a())).await;
    let in_b = make(
        db,
        NewCase {
            community_code: "SDN".into(),
            ..new_case(w.b())
        },
    )
    .await;
    let desk = by(w.desk_a, "王前台");
    let id = cases::request_approval(
        db,
        c.id,
        State::Received,
        State::Rejected,
        "reject",
        "材料不实",
        &desk,
    )
    .await
    .unwrap();
    let again = cases::request_approval(
        db,
        c.id,
        State::Received,
        State::Rejected,
        "reject",
        "再次",
        &desk,
    )
    .await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    let b_id = cases::request_approval(
        db,
        in_b.id,
        State::Received,
        State::Rejected,
        "reject",
        "不符合条件",
        &by(w.desk_b, "陈前台"),
    )
    .await
    .unwrap();

    let pending = cases::pending_approval(db, c.id).await.unwrap().unwrap();
    assert_eq!(
        (
            pending.id,
            pending.case_id,
            pending.from_state.code(),
            pending.to_state.code(),
            pending.action.as_str(),
            pending.note.as_str(),
            pending.requested_by,
            pending.requested_at,
            pending.status.as_str()
        ),
        (
            id,
            c.id,
            "received",
            "rejected",
            "reject",
            "材料不实",
            Some(w.desk_a),
            NOW,
            "pending"
        )
    );
    let scoped = |within: String| async move {
        cases::pending_approvals(db, &within)
            .await
            .unwrap()
            .into_iter()
            .map(|a| a.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(scoped(w.a().into()).await, [id]);
    assert_eq!(scoped(w.b().into()).await, [b_id]);
    assert_eq!(scoped(w.street().into()).await, [id, b_id]);

    let head = Actor {
        now: NOW + 600,
        ..by(w.back_a, "赵负责人")
    };
    cases::decide_approval(db, id, false, "请再核实", &head)
        .await
        .unwrap();
    let twice = cases::decide_approval(db, id, true, "同意", &head).await;
    assert!(matches!(twice, Err(StoreError::Conflict(_))), "{twice:?}");
    assert!(cases::pending_approval(db, c.id).await.unwrap().is_none());
    assert_eq!(scoped(w.a().into()).await, Vec::<i64>::new());
    assert_eq!(scoped(w.street().into()).await, [b_id]);

    // Decided, a new request may follow.
    let next = cases::request_approval(
        db,
        c.id,
        State::Received,
        State::Rejected,
        "reject",
        "已核实",
        &desk,
    )
    .await
    .unwrap();
    cases::decide_approval(db, next, true, "同意", &head)
        .await
        .unwrap();
    assert!(cases::pending_approval(db, c.id).await.unwrap().is_none());
    assert!(matches!(
        cases::decide_approval(db, 9999, true, "", &head).await,
        Err(StoreError::Conflict(_))
    ));
}
both!(approvals, approvals_are_requested_scoped_and_decided_once);

async fn a_mandate_is_kept_with_its_case(db: &Db) {
    let w = world(db).await;
    let c = make(
        db,
        NewCase {
            channel: "grid".into(),
            ..new_case(w.a())
        },
    )
    .await;
    let other = make(db, new_case(w.a())).await;
    let m = Mandate {
        grantor: "张三丰".into(),
        agent_id: Some(w.grid_a),
        scope: "代办高龄津贴申请".into(),
        valid_until: "2026-12-31".into(),
        recorded_at: NOW,
    };
    cases::record_mandate(db, c.id, &m).await.unwrap();
    assert_eq!(cases::mandate(db, c.id).await.unwrap(), Some(m.clone()));
    assert_eq!(cases::mandate(db, other.id).await.unwrap(), None);
    // One mandate per case.
    let second = cases::record_mandate(db, c.id, &m).await;
    assert!(matches!(second, Err(StoreError::Conflict(_))), "{second:?}");
}
both!(mandates, a_mandate_is_kept_with_its_case);

async fn files_are_listed_without_data_and_fetched_with_it(db: &Db) {
    let w = world(db).await;
    let c = make(db, new_case(w.a())).await;
    let other = make(db, new_case(w.a())).await;
    let desk = by(w.desk_a, "王前台");
    let event = cases::transition(
        db,
        c.id,
        &Move {
            from: State::Received,
            to: State::Accepted,
            action: "accept",
            note: "",
            due_on: Some(day("2026-12-04")),
            accepted_on: None,
            checklist: None,
        },
        &desk,
    )
    .await
    .unwrap();
    let scan: Vec<u8> = (0..=255u8).cycle().take(3000).collect();
    let first = cases::add_file(
        db,
        c.id,
        &NewFile {
            event_id: Some(event),
            file_name: "户口簿.pdf",
            content_type: "application/pdf",
            data: &scan,
        },
        &desk,
    )
    .await
    .unwrap();
    let later = Actor {
        now: NOW + 5,
        ..desk
    };
    let second = cases::add_file(
        db,
        c.id,
        &NewFile {
            event_id: None,
            file_name: "回复.txt",
            content_type: "text/plain",
            data: "部门已回复".as_bytes(),
        },
        &later,
    )
    .await
    .unwrap();
    let listed = cases::files(db, c.id).await.unwrap();
    assert_eq!(
        listed,
        [
            cases::CaseFile {
                id: first,
                event_id: Some(event),
                file_name: "户口簿.pdf".into(),
                content_type: "application/pdf".into(),
                size: 3000,
                at: NOW,
            },
            cases::CaseFile {
                id: second,
                event_id: None,
                file_name: "回复.txt".into(),
                content_type: "text/plain".into(),
                size: "部门已回复".len() as i64,
                at: NOW + 5,
            },
        ]
    );
    assert!(cases::files(db, other.id).await.unwrap().is_empty());
    let (meta, data) = cases::file(db, c.id, first).await.unwrap();
    assert_eq!(meta, listed[0]);
    assert_eq!(data, scan);
    let (_, data) = cases::file(db, c.id, second).await.unwrap();
    assert_eq!(data, "部门已回复".as_bytes());
    assert!(matches!(
        cases::file(db, other.id, first).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        cases::file(db, c.id, 9999).await,
        Err(StoreError::NotFound)
    ));
}
both!(files, files_are_listed_without_data_and_fetched_with_it);

// ---------------------------------------------------------------------------------------------
// The edited calendar and the workers' lines

async fn the_newest_calendar_is_in_force(db: &Db) {
    let w = world(db).await;
    assert_eq!(calendar::current(db).await.unwrap(), None, "never edited");
    let first = calendar::save(db, "# 2027\n", Some(w.desk_a), NOW)
        .await
        .unwrap();
    let now = calendar::current(db).await.unwrap().unwrap();
    assert_eq!(
        now,
        calendar::CalendarVersion {
            id: first,
            body: "# 2027\n".into(),
            saved_by: Some(w.desk_a),
            saved_at: NOW,
        }
    );
    let second = calendar::save(db, "# 2027 修订\n", None, NOW + 60)
        .await
        .unwrap();
    assert!(second > first);
    let now = calendar::current(db).await.unwrap().unwrap();
    assert_eq!(
        (now.id, now.body.as_str(), now.saved_by, now.saved_at),
        (second, "# 2027 修订\n", None, NOW + 60)
    );
}
both!(calendar_versions, the_newest_calendar_is_in_force);

async fn worker_lines_are_replaced_and_listed_by_subtree(db: &Db) {
    let w = world(db).await;
    let lines = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert!(users::lines(db, w.desk_a).await.unwrap().is_empty());
    users::set_lines(db, w.desk_a, &lines(&["social", "civil", "social"]))
        .await
        .unwrap();
    assert_eq!(
        users::lines(db, w.desk_a).await.unwrap(),
        ["civil", "social"],
        "sorted, without duplicates"
    );
    users::set_lines(db, w.desk_a, &lines(&["民政", "社保"]))
        .await
        .unwrap();
    let mut got = users::lines(db, w.desk_a).await.unwrap();
    got.sort();
    assert_eq!(got, ["民政", "社保"], "replaced, not added");
    users::set_lines(db, w.grid_a, &lines(&["民政"]))
        .await
        .unwrap();
    users::set_lines(db, w.desk_b, &lines(&["残联"]))
        .await
        .unwrap();
    users::set_lines(db, w.back_a, &lines(&["x"]))
        .await
        .unwrap();
    users::set_lines(db, w.back_a, &[]).await.unwrap();
    assert!(users::lines(db, w.back_a).await.unwrap().is_empty());

    // What routing chooses from: the enabled back-office workers of a subtree, with lines.
    let routing = |path| async move {
        let mut rows: Vec<(i64, Option<String>)> = users::routable(db, path)
            .await
            .unwrap()
            .into_iter()
            .map(|r| (r.id, r.line))
            .collect();
        rows.sort();
        rows
    };
    assert_eq!(
        routing(&w.a.path).await,
        [(w.back_a, None)],
        "desk and grid workers are not routed to; a worker without lines is still listed"
    );
    users::set_lines(db, w.back_a, &lines(&["民政", "社保"]))
        .await
        .unwrap();
    assert_eq!(
        routing(&w.a.path).await,
        [
            (w.back_a, Some("民政".to_string())),
            (w.back_a, Some("社保".to_string()))
        ]
    );
    assert!(
        routing(&w.b.path)
            .await
            .iter()
            .all(|(id, _)| *id != w.back_a)
    );
}
both!(lines, worker_lines_are_replaced_and_listed_by_subtree);
