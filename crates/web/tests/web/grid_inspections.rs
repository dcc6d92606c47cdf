//! Issue 15, inspections (检查) through the web: a failed point opens a 整改 event dispatched
//! to the inspector; a re-inspection that still fails keeps it; one that passes closes it; bad
//! answers and subjects from outside the tree write nothing.

use crate::both;
use crate::harness::{App, Client};
use axum::http::StatusCode;
use quanke_domain::Role;
use quanke_domain::event::EventState;
use quanke_domain::grid::{Checklists, Subject, SubjectKind};
use quanke_store::grid::{events, inspections};
use quanke_store::registry;
use quanke_store::{Backend, orgs};

async fn first_business(app: &App, org_code: &str) -> i64 {
    let org = orgs::by_code(&app.db, org_code).await.unwrap();
    registry::businesses(&app.db, &org.path, None, 1)
        .await
        .unwrap()[0]
        .id
}

/// The form's fields for the fire checklist: every point passed but those in `failed`.
fn fire_fields<'a>(key: &'a str, subject: &'a str, failed: &[&str]) -> Vec<(String, String)> {
    let list = Checklists::shipped().by_code("fire_small_venue").unwrap();
    let mut fields = vec![
        ("key".to_string(), key.to_string()),
        ("subject".to_string(), subject.to_string()),
        ("checklist".to_string(), "fire_small_venue".to_string()),
    ];
    for p in &list.points {
        let answer = if failed.contains(&p.code.as_str()) {
            "fail"
        } else {
            "pass"
        };
        fields.push((format!("answer.{}", p.code), answer.to_string()));
        fields.push((format!("note.{}", p.code), String::new()));
    }
    fields
}

async fn send(c: &mut Client<'_>, fields: &[(String, String)]) -> crate::harness::Resp {
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    c.post("/grid/inspections", &pairs).await
}

async fn history(app: &App, id: i64) -> Vec<inspections::InspectionRow> {
    let subject = Subject {
        kind: SubjectKind::Business,
        id,
    };
    inspections::of_subject(&app.db, subject, 100)
        .await
        .unwrap()
}

async fn a_failed_point_opens_a_rectification_that_a_reinspection_closes(app: &App) {
    let shop = first_business(app, "MYQ-01").await;
    let subject = format!("business:{shop}");
    let mut grid = app.login("wangge").await;
    let form = grid
        .get(&format!(
            "/grid/inspections/new?subject={subject}&checklist=fire_small_venue"
        ))
        .await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("安全出口、疏散通道畅通"));

    // Bad answers are refused by name and write nothing.
    let mut missing = fire_fields("insp-bad", &subject, &[]);
    missing.retain(|(k, _)| k != "answer.exits");
    let r = send(&mut grid, &missing).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("请填写检查项“安全出口"), "{}", r.body);
    let mut unknown = fire_fields("insp-bad", &subject, &[]);
    unknown.push(("answer.sprinkler".into(), "pass".into()));
    let r = send(&mut grid, &unknown).await;
    assert!(r.body.contains("没有检查项“sprinkler”"), "{}", r.body);
    let mut wrong = fire_fields("insp-bad", &subject, &[]);
    wrong.iter_mut().find(|(k, _)| k == "answer.gas").unwrap().1 = "maybe".into();
    let r = send(&mut grid, &wrong).await;
    assert!(r.body.contains("应为合格、不合格或不适用"), "{}", r.body);
    let mut dwelling_list = fire_fields("insp-bad", &subject, &[]);
    dwelling_list[2].1 = "rental_safety".into();
    let r = send(&mut grid, &dwelling_list).await;
    assert!(r.body.contains("不能用来检查企业"), "{}", r.body);
    assert!(history(app, shop).await.is_empty());

    // Two failed points: a 整改 event, filed and dispatched to the inspector, due by the
    // category's days; sent again, nothing doubles.
    let failed = fire_fields("insp-1", &subject, &["exits", "ebike"]);
    let r = send(&mut grid, &failed).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let again = send(&mut grid, &failed).await;
    assert_eq!(again.location, r.location);
    let rows = history(app, shop).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].failed, 2);
    let event_id = rows[0].opened_event.expect("a 整改 event");
    let whole = quanke_domain::OrgPath::whole();
    let event = events::within(&app.db, event_id, &whole)
        .await
        .unwrap()
        .unwrap();
    let wangge = quanke_store::users::by_username(&app.db, "wangge")
        .await
        .unwrap()
        .id;
    assert_eq!(event.state, EventState::Dispatched);
    assert_eq!(event.handler_id, Some(wangge));
    assert_eq!(event.category, "fire_hazard");
    assert!(event.summary.contains("安全出口") && event.summary.contains("电动自行车"));
    assert!(event.due().is_some());
    let saved = grid.get(&r.location.unwrap()).await.body;
    assert!(saved.contains(&format!("已立案整改事件 {event_id}")));
    let page = grid.get(&format!("/grid/events/{event_id}")).await.body;
    assert!(page.contains("登记复查") && !page.contains(">复查合格</button>"));
    assert!(
        grid.get("/grid/due")
            .await
            .body
            .contains("我处置的事件（1）")
    );
    // The 复查合格 step cannot be taken without a passing re-inspection.
    let r = grid
        .post(
            &format!("/grid/events/{event_id}/steps"),
            &[("action", "pass_reinspection")],
        )
        .await;
    assert!(r.body.contains("须先登记一次复查"), "{}", r.body);

    // From another grid or community the business does not exist.
    app.account("myq02_grid7", Role::GridWorker, "MYQ-02").await;
    let mut other = app.login("myq02_grid7").await;
    let r = send(&mut other, &fire_fields("insp-x", &subject, &[])).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let shown = other
        .get(&format!("/grid/inspections/{}", rows[0].id))
        .await;
    assert_eq!(shown.status, StatusCode::NOT_FOUND);

    // A re-inspection that still fails keeps the event; one that passes closes it.
    let r = send(&mut grid, &fire_fields("insp-2", &subject, &["ebike"])).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        grid.get(&r.location.unwrap())
            .await
            .body
            .contains("复查仍有 1 项不合格")
    );
    let rows = history(app, shop).await;
    assert_eq!((rows.len(), rows[0].rechecked_event), (2, Some(event_id)));
    assert_eq!(rows[0].opened_event, None, "no second 整改 event");
    let r = send(&mut grid, &fire_fields("insp-3", &subject, &[])).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let saved = grid.get(&r.location.unwrap()).await.body;
    assert!(
        saved.contains(&format!("整改事件 {event_id} 已结案")),
        "{saved}"
    );
    let closed = events::within(&app.db, event_id, &whole)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(closed.state, EventState::Closed);
    let page = grid.get(&format!("/grid/events/{event_id}")).await.body;
    assert!(page.contains("复查合格") && !page.contains("登记复查"));
    let shop_page = grid
        .get(&format!("/grid/subjects/business/{shop}"))
        .await
        .body;
    assert!(shop_page.contains("检查记录") && shop_page.contains("（复查）"));
    // A later clean inspection opens and closes nothing.
    let r = send(&mut grid, &fire_fields("insp-4", &subject, &[])).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let rows = history(app, shop).await;
    assert_eq!(
        (rows[0].opened_event, rows[0].rechecked_event),
        (None, None)
    );
}
both!(
    grid_inspection_loop,
    a_failed_point_opens_a_rectification_that_a_reinspection_closes
);

async fn inspections_and_follow_ups_through_the_api(app: &App) {
    use crate::api_cases::{Auth, get, post};
    use serde_json::json;
    let shop = first_business(app, "MYQ-01").await;
    let list = Checklists::shipped().by_code("food_safety").unwrap();
    let answers = |failing: &str| {
        list.points
            .iter()
            .map(|p| json!({"point": p.code, "answer": if p.code == failing { "fail" } else { "pass" }}))
            .collect::<Vec<_>>()
    };
    let mut grid = app.login("wangge").await;
    let body = json!({"key": "api-i1", "checklist": "food_safety", "subject": format!("business:{shop}"), "answers": answers("health_cert")});
    let r = post(
        &mut grid,
        Auth::Session,
        "/api/v1/grid/inspections",
        &body,
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    assert_eq!(
        (r.json["failed"].clone(), r.json["rectification"].clone()),
        (json!(1), json!("opened"))
    );
    let again = post(
        &mut grid,
        Auth::Session,
        "/api/v1/grid/inspections",
        &body,
        None,
    )
    .await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.json["event_id"], r.json["event_id"]);
    let recheck = json!({"key": "api-i2", "checklist": "food_safety", "subject": format!("business:{shop}"), "answers": answers("")});
    let r = post(
        &mut grid,
        Auth::Session,
        "/api/v1/grid/inspections",
        &recheck,
        None,
    )
    .await;
    assert_eq!(r.json["rectification"], "closed", "{}", r.json);
    let mut bad = recheck.clone();
    bad["key"] = json!("api-i3");
    bad["answers"][0]["point"] = json!("sprinkler");
    let r = post(
        &mut grid,
        Auth::Session,
        "/api/v1/grid/inspections",
        &bad,
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let mut far = recheck.clone();
    far["key"] = json!("api-i4");
    far["subject"] = json!(format!("business:{}", first_business(app, "SDN-01").await));
    let r = post(
        &mut grid,
        Auth::Session,
        "/api/v1/grid/inspections",
        &far,
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // Follow-ups: listed for their worker, closed once, not by another grid.
    let person = app.first_resident("MYQ-01").await;
    let due = (quanke_app::clock::day(quanke_app::clock::now()).date() + time::Duration::days(3))
        .to_string();
    let visit = json!({"visits": [{"key": "api-f1", "purposes": ["daily"], "subjects": [format!("resident:{}", person.id)],
        "follow_up": {"title": "送药上门", "due": due}}]});
    post(
        &mut grid,
        Auth::Session,
        "/api/v1/grid/visits/sync",
        &visit,
        None,
    )
    .await;
    let mine = get(&mut grid, Auth::Session, "/api/v1/grid/tasks").await;
    assert_eq!(mine.json["tasks"][0]["title"], "送药上门", "{}", mine.json);
    let id = mine.json["tasks"][0]["id"].as_i64().unwrap();
    app.account("myq02_grid6", Role::GridWorker, "MYQ-02").await;
    let mut other = app.login("myq02_grid6").await;
    let done = format!("/api/v1/grid/tasks/{id}/done");
    let r = post(
        &mut other,
        Auth::Session,
        &done,
        &json!({"note": "x"}),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = post(
        &mut grid,
        Auth::Session,
        &done,
        &json!({"note": "已送到"}),
        None,
    )
    .await;
    assert_eq!(
        (r.status, r.json["done"].clone()),
        (StatusCode::OK, json!(true))
    );
    let r = post(
        &mut grid,
        Auth::Session,
        &done,
        &json!({"note": "again"}),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let mine = get(&mut grid, Auth::Session, "/api/v1/grid/tasks").await;
    assert_eq!(mine.json["tasks"], json!([]));
}
both!(
    grid_inspection_api,
    inspections_and_follow_ups_through_the_api
);
