//! Issue 15, events (事件) through the web: the whole loop on the event table, the rules beside
//! it (only the handler works an event, nobody checks their own work), the duplicate warning,
//! and every event or handler from outside the caller's part of the tree "not found".

use crate::both;
use crate::harness::{App, Client};
use axum::http::StatusCode;
use quanke_app::grid::events::escalate_overdue;
use quanke_domain::Role;
use quanke_domain::calendar::Day;
use quanke_domain::event::EventState;
use quanke_store::grid::events::{self, EventRow, Step};
use quanke_store::{Backend, users};

const SEE: StatusCode = StatusCode::SEE_OTHER;
const REFUSED: StatusCode = StatusCode::UNPROCESSABLE_ENTITY;

async fn event(app: &App, id: i64) -> EventRow {
    let whole = quanke_domain::OrgPath::whole();
    events::within(&app.db, id, &whole).await.unwrap().unwrap()
}

/// Reports with `fields` and returns the new event's id.
async fn reported(c: &mut Client<'_>, fields: &[(&str, &str)]) -> i64 {
    let r = c.post("/grid/events", fields).await;
    assert_eq!(r.status, SEE, "{}", r.body);
    let location = r.location.unwrap();
    let id = location
        .strip_prefix("/grid/events/")
        .and_then(|rest| rest.strip_suffix("?reported=1"))
        .unwrap();
    id.parse().unwrap()
}

async fn step(c: &mut Client<'_>, id: i64, fields: &[(&str, &str)]) -> crate::harness::Resp {
    c.post(&format!("/grid/events/{id}/steps"), fields).await
}

async fn an_event_goes_round_the_loop(app: &App) {
    let person = app.first_resident("MYQ-01").await;
    let subject = format!("resident:{}", person.id);
    let mut grid = app.login("wangge").await;
    let form = grid
        .get(&format!("/grid/events/new?subject={subject}"))
        .await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains(&person.name) && form.body.contains("消防隐患"));
    let fields = [
        ("key", "event-key-1"),
        ("category", "fire_hazard"),
        ("summary", "楼道堆放电瓶车充电"),
        ("subject", subject.as_str()),
    ];
    let id = reported(&mut grid, &fields).await;
    // Sent again under the same key: the same event, nothing new.
    assert_eq!(reported(&mut grid, &fields).await, id);
    let page = grid.get(&format!("/grid/events/{id}")).await;
    assert!(page.body.contains("已上报") && page.body.contains("楼道堆放电瓶车充电"));
    assert_eq!(event(app, id).await.state, EventState::Reported);

    // A grid worker does not file; the table's refusal is shown, nothing moves.
    let r = step(&mut grid, id, &[("action", "file")]).await;
    assert_eq!(r.status, REFUSED);
    assert!(r.body.contains("网格员不能执行“立案”"), "{}", r.body);
    let mut head = app.login("shequ").await;
    let home = head.get("/").await.body;
    assert!(
        home.contains(">1</span>待立案事件"),
        "the head's home counts it"
    );
    let r = step(&mut head, id, &[("action", "file")]).await;
    assert_eq!(r.status, SEE, "{}", r.body);
    let filed = event(app, id).await;
    assert_eq!(filed.state, EventState::Filed);
    let due = filed.due().expect("filing sets the due day");
    let now = quanke_app::clock::now();
    assert!(
        due > quanke_app::clock::day(now),
        "two working days from today"
    );
    // Past its day the sweep escalates it to the head, once.
    let later = Day::from(due.date() + time::Duration::days(1));
    assert_eq!(escalate_overdue(&app.db, due, now).await.unwrap(), 0);
    assert_eq!(escalate_overdue(&app.db, later, now).await.unwrap(), 1);
    assert_eq!(escalate_overdue(&app.db, later, now).await.unwrap(), 0);
    let page = head.get(&format!("/grid/events/{id}")).await.body;
    assert!(page.contains("超期督办") && page.contains(&format!("应于 {due} 前处置反馈")));

    // Dispatch names a handler inside the community who can read the place.
    let r = step(&mut head, id, &[("action", "dispatch")]).await;
    assert!(r.body.contains("请选择处置人或接收部门"), "{}", r.body);
    app.account("sdn_grid9", Role::GridWorker, "SDN-01").await;
    app.account("myq02_grid9", Role::GridWorker, "MYQ-02").await;
    for outsider in ["sdn_grid9", "myq02_grid9"] {
        let uid = users::by_username(&app.db, outsider).await.unwrap().id;
        let r = step(
            &mut head,
            id,
            &[
                ("action", "dispatch"),
                ("handler", &format!("worker:{uid}")),
            ],
        )
        .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{outsider}");
    }
    let wangge = users::by_username(&app.db, "wangge").await.unwrap().id;
    let me = format!("worker:{wangge}");
    let r = step(&mut head, id, &[("action", "dispatch"), ("handler", &me)]).await;
    assert_eq!(r.status, SEE, "{}", r.body);
    assert_eq!(event(app, id).await.handler_id, Some(wangge));
    // Today's list of the handler shows it.
    let due_list = grid.get("/grid/due").await.body;
    assert!(due_list.contains("我处置的事件（1）") && due_list.contains("楼道堆放电瓶车充电"));

    // Only the handler works it: the back office may not sign for the worker.
    let mut back = app.login("houtai").await;
    let r = step(&mut back, id, &[("action", "take")]).await;
    assert_eq!(r.status, REFUSED);
    assert!(r.body.contains("只有处置人"), "{}", r.body);
    assert_eq!(step(&mut grid, id, &[("action", "take")]).await.status, SEE);
    let r = step(&mut grid, id, &[("action", "suspend")]).await;
    assert!(r.body.contains("挂起须写明情况"), "{}", r.body);
    let r = step(
        &mut grid,
        id,
        &[("action", "suspend"), ("note", "等物业到场")],
    )
    .await;
    assert_eq!(r.status, SEE);
    assert_eq!(event(app, id).await.state, EventState::Suspended);
    assert_eq!(
        step(&mut grid, id, &[("action", "resume")]).await.status,
        SEE
    );
    let r = step(
        &mut grid,
        id,
        &[
            ("action", "report_back"),
            ("note", "已清理，电瓶车移至集中充电点"),
        ],
    )
    .await;
    assert_eq!(r.status, SEE);

    // Nobody checks their own work; the head does, and closes.
    let r = step(&mut grid, id, &[("action", "verify")]).await;
    assert!(r.body.contains("处置人以外"), "{}", r.body);
    assert_eq!(
        step(&mut head, id, &[("action", "verify")]).await.status,
        SEE
    );
    assert_eq!(
        step(&mut head, id, &[("action", "close")]).await.status,
        SEE
    );
    let closed = event(app, id).await;
    assert_eq!(closed.state, EventState::Closed);
    assert!(closed.closed_at.is_some());
    let r = step(&mut head, id, &[("action", "reopen"), ("note", "x")]).await;
    assert!(r.body.contains("已结案的事件不能再变更状态"), "{}", r.body);
    let page = head.get(&format!("/grid/events/{id}")).await.body;
    for label in [
        "上报",
        "立案",
        "派遣",
        "签收",
        "挂起",
        "恢复处置",
        "处置反馈",
        "核查通过",
        "结案",
    ] {
        assert!(
            page.contains(&format!(" · {label} · ")),
            "timeline lacks {label}"
        );
    }
    assert!(page.contains("等物业到场") && page.contains("已清理"));
    // The person's page lists it.
    let person_page = grid
        .get(&format!("/grid/subjects/resident/{}", person.id))
        .await;
    assert!(person_page.body.contains("相关事件"));
    assert!(!grid.get("/grid/due").await.body.contains("我处置的事件"));

    // Outside the tree the event does not exist, to read or to act on; the street reads it.
    let mut other_community = app.login("sdn_grid9").await;
    let mut other_grid = app.login("myq02_grid9").await;
    for c in [&mut other_community, &mut other_grid] {
        let r = c.get(&format!("/grid/events/{id}")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let r = step(c, id, &[("action", "reopen"), ("note", "x")]).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert!(
            !c.get("/grid/events?all=1")
                .await
                .body
                .contains("楼道堆放电瓶车充电")
        );
    }
    let mut street = app.login("jiedao").await;
    assert_eq!(
        street.get(&format!("/grid/events/{id}")).await.status,
        StatusCode::OK
    );
    let r = step(&mut street, id, &[("action", "reopen"), ("note", "x")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(event(app, id).await.state, EventState::Closed);
}
both!(grid_event_loop, an_event_goes_round_the_loop);

async fn duplicates_departments_and_stale_steps(app: &App) {
    let person = app.first_resident("MYQ-01").await;
    let subject = format!("resident:{}", person.id);
    let mut grid = app.login("wangge").await;
    let first = [
        ("key", "dup-1"),
        ("category", "environment"),
        ("summary", "门口垃圾桶满溢"),
        ("subject", subject.as_str()),
    ];
    let id = reported(&mut grid, &first).await;
    // The same category at the same place within the window: warned, nothing written.
    let second = [
        ("key", "dup-2"),
        ("category", "environment"),
        ("summary", "垃圾桶还是满的"),
        ("subject", subject.as_str()),
    ];
    let r = grid.post("/grid/events", &second).await;
    assert_eq!(r.status, REFUSED);
    assert!(r.body.contains("可能重复") && r.body.contains(&format!("事件 {id}")));
    let all = grid.get("/grid/events?all=1").await.body;
    assert!(!all.contains("垃圾桶还是满的"));
    let mut despite = second.to_vec();
    despite.push(("despite_alike", "on"));
    let again = reported(&mut grid, &despite).await;
    assert_ne!(again, id);
    let page = grid.get(&format!("/grid/events/{again}")).await.body;
    assert!(
        page.contains("可能重复"),
        "the later event names the earlier"
    );
    // Another category, or a place of its own, is no duplicate.
    let other = [
        ("key", "dup-3"),
        ("category", "noise"),
        ("summary", "夜间施工"),
        ("subject", subject.as_str()),
    ];
    reported(&mut grid, &other).await;

    // The same place typed in another grid: its events are not the other worker's to read,
    // not even as a warning.
    let typed = |key: &'static str| {
        [
            ("key", key),
            ("category", "environment"),
            ("summary", "河边垃圾"),
            ("place", "卖鱼桥河埠头"),
        ]
    };
    reported(&mut grid, &typed("typed-1")).await;
    app.account("myq02_grid4", Role::GridWorker, "MYQ-02").await;
    let mut next_door = app.login("myq02_grid4").await;
    let r = next_door.post("/grid/events", &typed("typed-2")).await;
    assert_eq!(r.status, SEE, "no warning naming another grid's event");

    // Bad input: an unknown category, a subject from another community, no place at all.
    let sdn = app.first_resident("SDN").await;
    let foreign = format!("resident:{}", sdn.id);
    type Fields<'a> = &'a [(&'a str, &'a str)];
    let bad: [(Fields, StatusCode, &str); 3] = [
        (
            &[
                ("key", "bad-1"),
                ("category", "aliens"),
                ("summary", "x"),
                ("place", "某处"),
            ],
            REFUSED,
            "事件类别“aliens”不存在",
        ),
        (
            &[
                ("key", "bad-2"),
                ("category", "noise"),
                ("summary", "x"),
                ("subject", &foreign),
            ],
            StatusCode::NOT_FOUND,
            "",
        ),
        (
            &[("key", "bad-3"), ("category", "noise"), ("summary", "x")],
            REFUSED,
            "请填写事件地点",
        ),
    ];
    for (fields, status, words) in bad {
        let r = grid.post("/grid/events", fields).await;
        assert_eq!(r.status, status, "{fields:?}");
        assert!(r.body.contains(words), "{}", r.body);
    }

    // A line department: the community's office records its steps; the grid worker does not.
    let mut head = app.login("shequ").await;
    assert_eq!(step(&mut head, id, &[("action", "file")]).await.status, SEE);
    let r = step(
        &mut head,
        id,
        &[
            ("action", "dispatch"),
            ("handler", "department"),
            ("department", "城管执法中队"),
        ],
    )
    .await;
    assert_eq!(r.status, SEE, "{}", r.body);
    let dispatched = event(app, id).await;
    assert_eq!(dispatched.handler_label().as_deref(), Some("城管执法中队"));
    let r = step(&mut grid, id, &[("action", "take")]).await;
    assert!(r.body.contains("只有处置人城管执法中队"), "{}", r.body);
    let mut back = app.login("houtai").await;
    assert_eq!(step(&mut back, id, &[("action", "take")]).await.status, SEE);
    let r = step(
        &mut back,
        id,
        &[("action", "report_back"), ("note", "部门回复：已清运")],
    )
    .await;
    assert_eq!(r.status, SEE);

    // A step from a state the event has left is refused in the store, and writes nothing.
    let stale = Step {
        event: id,
        action: "take".into(),
        from: EventState::Dispatched,
        to: EventState::Handling,
        handler: None,
        due: None,
        actor_id: None,
        actor_name: "测试".into(),
        note: String::new(),
        day: "2026-12-01".parse::<Day>().unwrap(),
        at: 0,
    };
    assert!(!events::advance(&app.db, &stale).await.unwrap());
    assert_eq!(event(app, id).await.state, EventState::FedBack);
    assert_eq!(events::steps(&app.db, id).await.unwrap().len(), 5);
}
both!(grid_event_rules, duplicates_departments_and_stale_steps);

async fn the_api_reports_and_steps_with_conflicts_shown(app: &App) {
    use crate::api_cases::{Auth, get, post};
    use serde_json::json;
    let person = app.first_resident("MYQ-01").await;
    let subject = format!("resident:{}", person.id);
    let mut grid = app.login("wangge").await;
    let body = json!({"key": "api-1", "category": "facility", "summary": "路灯不亮",
        "subjects": [subject]});
    let first = post(&mut grid, Auth::Session, "/api/v1/grid/events", &body, None).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.json);
    assert_eq!(first.json["event"]["state"], "reported");
    assert_eq!(first.json["event"]["category_label"], "设施损坏");
    let id = first.json["event"]["id"].as_i64().unwrap();
    let again = post(&mut grid, Auth::Session, "/api/v1/grid/events", &body, None).await;
    assert_eq!(
        (again.status, again.json["new"].clone()),
        (StatusCode::OK, json!(false))
    );
    assert_eq!(again.json["event"]["id"], id);
    let dup = json!({"key": "api-2", "category": "facility", "summary": "路灯还是不亮",
        "subjects": [subject]});
    let r = post(&mut grid, Auth::Session, "/api/v1/grid/events", &dup, None).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.json["error"]["code"], "possible_duplicate");
    assert!(
        r.json["error"]["message"]
            .as_str()
            .unwrap()
            .contains(&format!("事件 {id}"))
    );
    let bad = json!({"key": "api-3", "category": "facility", "summary": "x", "subjects": ["resident:999999999"]});
    let r = post(&mut grid, Auth::Session, "/api/v1/grid/events", &bad, None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let unknown = json!({"key": "api-4", "category": "facility", "summary": "x", "colour": "red"});
    let r = post(
        &mut grid,
        Auth::Session,
        "/api/v1/grid/events",
        &unknown,
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);

    // Read and list inside the area; outside it the event does not exist.
    let shown = get(
        &mut grid,
        Auth::Session,
        &format!("/api/v1/grid/events/{id}"),
    )
    .await;
    assert_eq!(shown.status, StatusCode::OK);
    assert_eq!(shown.json["subjects"][0], subject.as_str());
    assert_eq!(
        shown.json["actions"],
        json!([]),
        "a grid worker files nothing"
    );
    let listed = get(&mut grid, Auth::Session, "/api/v1/grid/events").await;
    assert!(
        listed.json["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["id"] == id)
    );
    app.account("myq02_grid8", Role::GridWorker, "MYQ-02").await;
    let mut other = app.login("myq02_grid8").await;
    let r = get(
        &mut other,
        Auth::Session,
        &format!("/api/v1/grid/events/{id}"),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let listed = get(&mut other, Auth::Session, "/api/v1/grid/events?all=true").await;
    assert!(
        listed.json["events"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["id"] != id)
    );

    // The head files it; a phone that queued 立案 offline, having seen 已上报, gets a conflict
    // once the event has moved on, and nothing is written.
    let mut head = app.login("shequ").await;
    let steps = format!("/api/v1/grid/events/{id}/steps");
    let file = json!({"action": "file", "expected_state": "reported"});
    let r = post(&mut head, Auth::Session, &steps, &file, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(r.json["event"]["state"], "filed");
    assert!(r.json["event"]["due"].is_string());
    let r = post(&mut head, Auth::Session, &steps, &file, None).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.json["error"]["code"], "state_changed");
    assert!(
        r.json["error"]["message"]
            .as_str()
            .unwrap()
            .contains("已立案")
    );
    let r = post(
        &mut grid,
        Auth::Session,
        &steps,
        &json!({"action": "dispatch", "handler": "department:x"}),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = post(
        &mut other,
        Auth::Session,
        &steps,
        &json!({"action": "dispatch"}),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let mut street = app.login("jiedao").await;
    let r = post(
        &mut street,
        Auth::Session,
        &steps,
        &json!({"action": "dispatch"}),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(event(app, id).await.state, EventState::Filed);
}
both!(
    grid_event_api,
    the_api_reports_and_steps_with_conflicts_shown
);

async fn a_visit_reports_what_it_found(app: &App) {
    use crate::api_cases::{Auth, post};
    let person = app.first_resident("MYQ-01").await;
    let subject = format!("resident:{}", person.id);
    let mut grid = app.login("wangge").await;
    let whole = quanke_domain::OrgPath::whole();
    let count = || async {
        events::listed(&app.db, &whole, events::Listing::All, 100)
            .await
            .unwrap()
            .len()
    };
    let visits_of = || async {
        let s = quanke_domain::grid::Subject {
            kind: quanke_domain::grid::SubjectKind::Resident,
            id: person.id,
        };
        quanke_store::grid::visits::timeline(&app.db, s, 100)
            .await
            .unwrap()
            .len()
    };
    // A wrong event writes neither the visit nor the event.
    let bad = [
        ("key", "v-ev-0"),
        ("subject", subject.as_str()),
        ("purpose", "daily"),
        ("event_category", "weather"),
        ("event_summary", "x"),
    ];
    let r = grid.post("/grid/visits", &bad).await;
    assert_eq!(r.status, REFUSED);
    assert!(r.body.contains("事件类别“weather”不存在"));
    let r = grid
        .post(
            "/grid/visits",
            &[
                ("key", "v-ev-0"),
                ("subject", &subject),
                ("purpose", "daily"),
                ("event_summary", "楼道堆物"),
            ],
        )
        .await;
    assert!(r.body.contains("请同时选择事件类别"));
    assert_eq!((visits_of().await, count().await), (0, 0));

    let fields = [
        ("key", "v-ev-1"),
        ("subject", subject.as_str()),
        ("purpose", "daily"),
        ("findings", "老人身体尚好"),
        ("event_category", "environment"),
        ("event_summary", "楼道堆放纸箱，影响通行"),
    ];
    assert_eq!(grid.post("/grid/visits", &fields).await.status, SEE);
    assert_eq!(grid.post("/grid/visits", &fields).await.status, SEE);
    assert_eq!(
        (visits_of().await, count().await),
        (1, 1),
        "resent: nothing doubled"
    );
    let all = events::listed(&app.db, &whole, events::Listing::All, 100)
        .await
        .unwrap();
    assert_eq!(all[0].summary, "楼道堆放纸箱，影响通行");
    assert_eq!(all[0].state, EventState::Reported);
    let links = events::links(&app.db, all[0].id).await.unwrap();
    assert_eq!(links[0].to_string(), subject);

    // From a phone's queue: the same, once per visit's key.
    let body = serde_json::json!({"visits": [{
        "key": "v-ev-2", "purposes": ["daily"], "subjects": [subject],
        "event": {"category": "noise", "summary": "楼上夜间施工"}
    }]});
    for _ in 0..2 {
        let r = post(
            &mut grid,
            Auth::Session,
            "/api/v1/grid/visits/sync",
            &body,
            None,
        )
        .await;
        assert_eq!(r.json["results"][0]["status"], "stored", "{}", r.json);
    }
    assert_eq!((visits_of().await, count().await), (2, 2));
}
both!(grid_visit_event, a_visit_reports_what_it_found);
