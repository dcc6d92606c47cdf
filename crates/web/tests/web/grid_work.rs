//! Issue 15, grid work through the web: who may open the grid pages, visits recorded once per
//! key, and every subject or place from outside the caller's part of the tree "not found",
//! with nothing written.

use crate::both;
use crate::harness::App;
use axum::http::StatusCode;
use quanke_domain::Role;
use quanke_domain::grid::{Subject, SubjectKind};
use quanke_store::grid::visits;
use quanke_store::{Backend, orgs};

const OK: StatusCode = StatusCode::OK;
const NO: StatusCode = StatusCode::FORBIDDEN;
const DEMO_USERS: [&str; 6] = ["qiantai", "houtai", "wangge", "shequ", "jiedao", "admin"];

async fn visits_of(app: &App, kind: SubjectKind, id: i64) -> usize {
    visits::timeline(&app.db, Subject { kind, id }, 1000)
        .await
        .unwrap()
        .len()
}

async fn the_grid_pages_by_role(app: &App) {
    let mine = app.first_resident("MYQ-01").await.id;
    let grid = orgs::by_code(&app.db, "MYQ-01").await.unwrap();
    let shop = quanke_store::registry::businesses(&app.db, &grid.path, None, 1)
        .await
        .unwrap()[0]
        .id;
    let pages: Vec<(String, [StatusCode; 6])> = vec![
        // columns: qiantai houtai wangge shequ jiedao admin
        ("/grid/due".into(), [NO, NO, OK, OK, OK, NO]),
        ("/grid/coverage".into(), [NO, NO, OK, OK, OK, NO]),
        ("/grid/rules".into(), [NO, NO, OK, OK, OK, NO]),
        (
            format!("/grid/visits/new?subject=resident:{mine}"),
            [OK, OK, OK, OK, NO, NO],
        ),
        (
            format!("/grid/subjects/resident/{mine}"),
            [OK, OK, OK, OK, OK, NO],
        ),
        // Everyone who works in the community reports events; the street reads them.
        ("/grid/events".into(), [OK, OK, OK, OK, OK, NO]),
        ("/grid/events/new".into(), [OK, OK, OK, OK, NO, NO]),
        ("/grid/handover".into(), [NO, NO, NO, OK, OK, NO]),
        (
            format!("/grid/inspections/new?subject=business:{shop}&checklist=food_safety"),
            [OK, OK, OK, OK, NO, NO],
        ),
        (
            format!("/grid/events/new?subject=resident:{mine}"),
            [OK, OK, OK, OK, NO, NO],
        ),
    ];
    for (i, who) in DEMO_USERS.iter().enumerate() {
        let mut c = app.login(who).await;
        for (path, expected) in &pages {
            let r = c.get(path).await;
            assert_eq!(r.status, expected[i], "{who} GET {path}");
        }
    }
}
both!(grid_page_matrix, the_grid_pages_by_role);

async fn visit_fields<'a>(key: &'a str, subject: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("key", key),
        ("subject", subject),
        ("purpose", "daily"),
        ("findings", "一切正常"),
        ("minutes", "15"),
    ]
}

async fn a_visit_is_stored_once_per_key(app: &App) {
    let person = app.first_resident("MYQ-01").await;
    let subject = format!("resident:{}", person.id);
    let mut c = app.login("wangge").await;
    let fields = visit_fields("form-key-1", &subject).await;
    let first = c.post("/grid/visits", &fields).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    let again = c.post("/grid/visits", &fields).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert_eq!(visits_of(app, SubjectKind::Resident, person.id).await, 1);
    // Another worker's same key is another visit: keys belong to their sender.
    let mut head = app.login("shequ").await;
    head.post("/grid/visits", &fields).await;
    assert_eq!(visits_of(app, SubjectKind::Resident, person.id).await, 2);
    // A refused visit (no purpose) writes nothing and says why in Chinese.
    let refused = c
        .post(
            "/grid/visits",
            &[("key", "form-key-2"), ("subject", &subject)],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("请至少选择一个走访目的"));
    assert_eq!(visits_of(app, SubjectKind::Resident, person.id).await, 2);
    let page = c
        .get(&format!("/grid/subjects/resident/{}", person.id))
        .await;
    assert!(page.body.contains("一切正常") && page.body.contains("15 分钟"));
}
both!(visits_once_per_key, a_visit_is_stored_once_per_key);

async fn subjects_and_places_outside_are_not_found(app: &App) {
    // wangge works grid MYQ-01: a resident of the community's other grid, and one of another
    // community, do not exist for them; the community's desk reaches the first, not the second.
    let other_grid = app.first_resident("MYQ-02").await;
    let other_community = app.first_resident("SDN").await;
    let mut grid = app.login("wangge").await;
    let mut desk = app.login("qiantai").await;
    for (person, grid_sees, desk_sees) in
        [(&other_grid, false, true), (&other_community, false, false)]
    {
        let subject = format!("resident:{}", person.id);
        for (c, sees) in [(&mut grid, grid_sees), (&mut desk, desk_sees)] {
            let expected = if sees { OK } else { StatusCode::NOT_FOUND };
            let form = c.get(&format!("/grid/visits/new?subject={subject}")).await;
            assert_eq!(form.status, expected, "form for {subject}");
            let page = c
                .get(&format!("/grid/subjects/resident/{}", person.id))
                .await;
            assert_eq!(page.status, expected, "visits of {subject}");
            let key = format!("k-{}-{}", person.id, sees);
            let posted = c
                .post("/grid/visits", &visit_fields(&key, &subject).await)
                .await;
            let written = if sees {
                StatusCode::SEE_OTHER
            } else {
                StatusCode::NOT_FOUND
            };
            assert_eq!(posted.status, written, "visit to {subject}");
        }
    }
    assert_eq!(
        visits_of(app, SubjectKind::Resident, other_community.id).await,
        0,
        "nothing written outside"
    );
    assert_eq!(
        visits_of(app, SubjectKind::Resident, other_grid.id).await,
        1,
        "the desk's visit only"
    );
    // Households, businesses and made-up ids alike.
    for subject in [
        "household:999999",
        "business:999999",
        "dwelling:999999",
        "resident:999999",
    ] {
        let r = grid
            .get(&format!("/grid/visits/new?subject={subject}"))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{subject}");
    }
    // A place of another community on the due list and the coverage page.
    let sdn = orgs::by_code(&app.db, "SDN").await.unwrap();
    let mut head = app.login("shequ").await;
    for path in ["/grid/due", "/grid/coverage"] {
        let r = head.get(&format!("{path}?place={}", sdn.id)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path} of SDN");
        let r = head.get(&format!("{path}?place=999999")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path} of no place");
    }
}
both!(grid_scope, subjects_and_places_outside_are_not_found);

async fn only_the_street_edits_the_rules(app: &App) {
    let mut head = app.login("shequ").await;
    let r = head
        .post(
            "/grid/rules",
            &[("body", "甲 | 户 | 每月 | 任意"), ("note", "试")],
        )
        .await;
    assert_eq!(r.status, NO);
    let mut street = app.login("jiedao").await;
    let bad = street
        .post(
            "/grid/rules",
            &[("body", "甲 | 户 | 每周 | 任意"), ("note", "试")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body.contains("走访覆盖规则第 1 行：频次“每周”无法识别"),
        "{}",
        bad.body
    );
    let good = street
        .post(
            "/grid/rules",
            &[
                ("body", "每户每月 | 户 | 每月 | 任意"),
                ("note", "改为每月"),
            ],
        )
        .await;
    assert_eq!(good.status, StatusCode::SEE_OTHER);
    let coverage = head.get("/grid/coverage").await;
    assert!(coverage.body.contains("每户每月") && coverage.body.contains("第 1 版"));
    // Each grid's row names its grid worker (李明 works the first grid): whose coverage it is.
    assert!(coverage.body.contains("<th>网格员</th>") && coverage.body.contains("<td>李明</td>"));
    assert!(
        coverage.body.contains("未配网格员"),
        "the demo's other grids have no worker"
    );
    assert!(
        !coverage.body.contains("独居老人每周探访"),
        "the saved version replaced the shipped rules"
    );
}
both!(grid_rules_by_the_street, only_the_street_edits_the_rules);

/// The visits of a phone's queue: `n` visits to `subject`, keys `prefix-0`...
fn queue(prefix: &str, subject: &str, n: usize) -> serde_json::Value {
    let visits: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            serde_json::json!({
                "key": format!("{prefix}-{i}"),
                "purposes": ["daily"],
                "findings": format!("第 {i} 次"),
                "minutes": 10,
                "subjects": [subject],
            })
        })
        .collect();
    serde_json::json!({ "visits": visits })
}

async fn an_offline_queue_is_stored_once(app: &App) {
    use crate::api_cases::{Auth, post};
    let person = app.first_resident("MYQ-01").await;
    let outside = app.first_resident("SDN").await;
    let mine = format!("resident:{}", person.id);
    let mut c = app.login("wangge").await;
    let path = "/api/v1/grid/visits/sync";
    let mut body = queue("phone", &mine, 3);
    // One visit of the queue is wrong, one is to someone outside the grid: the others are
    // stored all the same, and those two answered with their reasons.
    body["visits"][1]["purposes"] = serde_json::json!(["no_such_purpose"]);
    body["visits"][2]["subjects"] = serde_json::json!([format!("resident:{}", outside.id)]);
    let first = post(&mut c, Auth::Session, path, &body, None).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.json);
    let statuses: Vec<&str> = first.json["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["stored", "refused", "refused"]);
    assert_eq!(first.json["results"][1]["error"]["code"], "refused");
    assert!(
        first.json["results"][1]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("no_such_purpose")
    );
    assert_eq!(first.json["results"][2]["error"]["code"], "not_found");
    assert_eq!(first.json["results"][0]["new"], true);
    // Sent again: nothing doubled, the stored one said to be stored before.
    let again = post(&mut c, Auth::Session, path, &body, None).await;
    assert_eq!(again.json["results"][0]["new"], false);
    assert_eq!(
        again.json["results"][0]["visit_id"],
        first.json["results"][0]["visit_id"]
    );
    assert_eq!(visits_of(app, SubjectKind::Resident, person.id).await, 1);
    assert_eq!(visits_of(app, SubjectKind::Resident, outside.id).await, 0);
    // A full request of 200 is taken; 201 is refused whole by the request limits.
    let full = post(
        &mut c,
        Auth::Session,
        path,
        &queue("full", &mine, 200),
        None,
    )
    .await;
    assert_eq!(full.status, StatusCode::OK);
    assert_eq!(visits_of(app, SubjectKind::Resident, person.id).await, 201);
    let over = post(
        &mut c,
        Auth::Session,
        path,
        &queue("over", &mine, 201),
        None,
    )
    .await;
    assert_eq!(over.status, StatusCode::BAD_REQUEST);
    // Roles that do not visit are refused before anything is read.
    let mut street = app.login("jiedao").await;
    let refused = post(
        &mut street,
        Auth::Session,
        path,
        &queue("s", &mine, 1),
        None,
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}
both!(offline_queue_once, an_offline_queue_is_stored_once);

/// The id of the newest visit that reached a resident.
async fn newest_visit(app: &App, person: i64) -> i64 {
    let subject = Subject {
        kind: SubjectKind::Resident,
        id: person,
    };
    visits::timeline(&app.db, subject, 1).await.unwrap()[0].id
}

async fn sensitive_findings_are_revealed_with_a_reason(app: &App) {
    use crate::registry::audit_entries;
    let person = app.first_resident("MYQ-01").await;
    let subject = format!("resident:{}", person.id);
    let page = format!("/grid/subjects/resident/{}", person.id);
    let reveal = format!("{page}/reveal");
    let mut grid = app.login("wangge").await;
    let mut fields = visit_fields("sensitive-1", &subject).await;
    fields.push(("sensitive", "on"));
    fields.retain(|(name, _)| *name != "findings");
    fields.push(("findings", "右腿行动不便，需轮椅"));
    let r = grid.post("/grid/visits", &fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let visit = newest_visit(app, person.id).await;
    let finding = "右腿行动不便";
    assert!(
        grid.get(&page).await.body.contains(finding),
        "the author reads it"
    );

    let mut head = app.login("shequ").await;
    let r = head.get(&page).await;
    assert!(!r.body.contains(finding) && r.body.contains("显示这条记录"));
    let v = visit.to_string();
    // No reason, or a visit that did not reach this person: nothing shown, nothing recorded.
    let r = head.post(&reveal, &[("visit", &v), ("reason", " ")]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("须填写理由") && !r.body.contains(finding));
    let other = app.first_resident("MYQ-02").await;
    let elsewhere = format!("/grid/subjects/resident/{}/reveal", other.id);
    let r = head
        .post(&elsewhere, &[("visit", &v), ("reason", "核对")])
        .await;
    assert_eq!(
        r.status,
        StatusCode::NOT_FOUND,
        "the visit is not this person's"
    );
    assert!(!r.body.contains(finding));
    assert!(audit_entries(app, "grid_visit_revealed").await.is_empty());

    let r = head
        .post(&reveal, &[("visit", &v), ("reason", "安排残疾人上门服务")])
        .await;
    assert_eq!(r.status, OK, "{}", r.body);
    assert!(r.body.contains(finding) && r.body.contains("已记入安全审计"));
    let logged = audit_entries(app, "grid_visit_revealed").await;
    assert_eq!(logged.len(), 1);
    assert_eq!(logged[0].actor_name, "shequ");
    assert_eq!(logged[0].target, subject);
    assert!(logged[0].detail.starts_with("安排残疾人上门服务"));
    // Once only: the next view hides it again; the person's page lists who read it.
    assert!(!head.get(&page).await.body.contains(finding));
    let person_page = head.get(&format!("/registry/people/{}", person.id)).await;
    let readers = &person_page.body[person_page.body.find("<h2>谁查看过</h2>").unwrap()..];
    assert!(readers.contains("查看敏感走访记录") && readers.contains("安排残疾人上门服务"));

    // Grid workers may not reveal others' notes; a community outside is not found.
    let r = grid
        .post(&reveal, &[("visit", &v), ("reason", "核对")])
        .await;
    assert_eq!(r.status, NO);
    app.account("sdn_head", Role::CommunityHead, "SDN").await;
    let mut outside = app.login("sdn_head").await;
    let r = outside
        .post(&reveal, &[("visit", &v), ("reason", "核对")])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(audit_entries(app, "grid_visit_revealed").await.len(), 1);
}
both!(grid_reveal, sensitive_findings_are_revealed_with_a_reason);

/// The follow-ups of a resident, as the store holds them.
async fn follow_ups_of(app: &App, person: i64) -> Vec<quanke_store::grid::tasks::TaskRow> {
    let subject = Subject {
        kind: SubjectKind::Resident,
        id: person,
    };
    quanke_store::grid::tasks::of_subject(&app.db, subject, 100)
        .await
        .unwrap()
}

async fn a_follow_up_is_listed_and_closed_once(app: &App) {
    use crate::api_cases::{Auth, post};
    let person = app.first_resident("MYQ-01").await;
    let subject = format!("resident:{}", person.id);
    let page = format!("/grid/subjects/resident/{}", person.id);
    let mut grid = app.login("wangge").await;
    let today = quanke_app::clock::day(quanke_app::clock::now()).date();
    let day = |n: i64| quanke_domain::calendar::Day::from(today + time::Duration::days(n));
    let (due, yesterday) = (day(3).to_string(), day(-1).to_string());
    // A title without a day, a day without a title, a day before the visit: refused in
    // Chinese, nothing written (not the visit either).
    for (key, title, day, says) in [
        ("f-1", "送降压药上门", "", "请填写跟进事项的完成期限"),
        ("f-2", "", due.as_str(), "请同时填写跟进事项"),
        (
            "f-3",
            "送降压药上门",
            yesterday.as_str(),
            "不能早于走访日期",
        ),
    ] {
        let mut fields = visit_fields(key, &subject).await;
        fields.extend([("follow_up", title), ("follow_up_due", day)]);
        let r = grid.post("/grid/visits", &fields).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{key}");
        assert!(r.body.contains(says), "{key}: {}", r.body);
        assert!(r.body.contains(title), "the form keeps what was typed");
    }
    assert_eq!(visits_of(app, SubjectKind::Resident, person.id).await, 0);
    assert!(follow_ups_of(app, person.id).await.is_empty());

    // Recorded with its visit; a second press makes neither a second visit nor a second task.
    let mut fields = visit_fields("f-4", &subject).await;
    fields.extend([("follow_up", "送降压药上门"), ("follow_up_due", &due)]);
    for _ in 0..2 {
        let r = grid.post("/grid/visits", &fields).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    let tasks = follow_ups_of(app, person.id).await;
    assert_eq!(tasks.len(), 1);
    let task = tasks[0].id.to_string();
    let list = grid.get("/grid/due").await;
    assert!(list.body.contains("我的跟进事项（1）") && list.body.contains("送降压药上门"));
    assert!(grid.get(&page).await.body.contains(&format!("期限 {due}")));
    // The same from a phone's queue: one more, and a wrong one refused with its reason.
    let mut body = queue("phone-f", &subject, 2);
    body["visits"][0]["follow_up"] = serde_json::json!({"title": "帮办高龄津贴", "due": due});
    body["visits"][1]["follow_up"] = serde_json::json!({"title": "帮办", "due": "2026-02-30"});
    let synced = post(
        &mut grid,
        Auth::Session,
        "/api/v1/grid/visits/sync",
        &body,
        None,
    )
    .await;
    assert_eq!(
        synced.json["results"][0]["status"], "stored",
        "{}",
        synced.json
    );
    assert_eq!(synced.json["results"][1]["status"], "refused");
    assert!(
        synced.json["results"][1]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("完成期限")
    );
    assert_eq!(follow_ups_of(app, person.id).await.len(), 2);
    let home = grid.get("/").await;
    assert!(
        home.body.contains(">2</span>跟进事项"),
        "the home page counts them"
    );

    // Outside the worker's grid or community it does not exist; the desk may not close it.
    app.account("sdn_head2", Role::CommunityHead, "SDN").await;
    let done = format!("/grid/tasks/{task}/done");
    let mut outside = app.login("sdn_head2").await;
    let r = outside.post(&done, &[("note", "x")]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    app.account("myq02_grid", Role::GridWorker, "MYQ-02").await;
    let mut other_grid = app.login("myq02_grid").await;
    let r = other_grid.post(&done, &[("note", "x")]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let mut desk = app.login("qiantai").await;
    let r = desk.post(&done, &[("note", "x")]).await;
    assert_eq!(r.status, NO);
    let r = grid.post("/grid/tasks/999999/done", &[("note", "x")]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(
        follow_ups_of(app, person.id)
            .await
            .iter()
            .all(|t| t.done_at.is_none())
    );

    // The worker closes it from the subject's page and returns there; once only.
    let r = grid
        .post(&done, &[("note", "药已送到"), ("from", &page)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location, Some(format!("{page}?done=1")));
    let shown = grid.get(&page).await.body;
    assert!(shown.contains("已办结：药已送到"));
    let r = grid
        .post(
            &done,
            &[("note", "again"), ("from", "https://evil.example/")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("已经办结"));
    let list = grid.get("/grid/due").await;
    assert!(list.body.contains("我的跟进事项（1）") && !list.body.contains("送降压药上门"));
    // The head closes the worker's other one; a foreign `from` returns to the list.
    let other = follow_ups_of(app, person.id)
        .await
        .into_iter()
        .find(|t| t.done_at.is_none());
    let other = format!("/grid/tasks/{}/done", other.unwrap().id);
    let mut head = app.login("shequ").await;
    let r = head.post(&other, &[("from", "//evil.example/")]).await;
    assert_eq!(r.location.as_deref(), Some("/grid/due?done=1"));
    assert!(!grid.get("/grid/due").await.body.contains("我的跟进事项"));
}
both!(grid_follow_ups, a_follow_up_is_listed_and_closed_once);

async fn housemates_met_are_recorded_by_name(app: &App) {
    let grid = orgs::by_code(&app.db, "MYQ-01").await.unwrap();
    let households = visits::households_within(&app.db, &grid.path)
        .await
        .unwrap();
    let family = households
        .iter()
        .find(|h| h.members.len() >= 2)
        .expect("a household of two in the demo grid");
    let (a, b) = (family.members[0].0, family.members[1].0);
    let (first, second) = (format!("resident:{a}"), format!("resident:{b}"));
    let mut c = app.login("wangge").await;
    let form = c.get(&format!("/grid/visits/new?subject={first}")).await;
    assert!(
        form.body.contains(&format!("value=\"{second}\"")),
        "the housemate is offered"
    );
    // Someone of another community slipped in beside them: nothing is written.
    let outside = format!("resident:{}", app.first_resident("SDN").await.id);
    let mut fields = visit_fields("met-1", &first).await;
    fields.push(("subject", &outside));
    let r = c.post("/grid/visits", &fields).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(visits_of(app, SubjectKind::Resident, a).await, 0);
    let mut fields = visit_fields("met-2", &first).await;
    fields.push(("subject", &second));
    let r = c.post("/grid/visits", &fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        r.location,
        Some(format!("/grid/subjects/resident/{a}?saved=1"))
    );
    for id in [a, b] {
        let subject = Subject {
            kind: SubjectKind::Resident,
            id,
        };
        let rows = visits::timeline(&app.db, subject, 10).await.unwrap();
        assert_eq!(rows.len(), 1, "resident {id}");
        assert!(
            rows[0].named,
            "resident {id} was met, not only counted with the household"
        );
    }
}
both!(grid_housemates, housemates_met_are_recorded_by_name);

/// A PNG as a phone's gallery might hand over: wider than the kept size.
fn photo_png(width: u32, height: u32) -> Vec<u8> {
    let picture = image::RgbImage::from_pixel(width, height, image::Rgb([120, 160, 200]));
    let mut png = Vec::new();
    picture
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    png
}

fn photo_part(bytes: &[u8]) -> crate::harness::Part<'_> {
    crate::harness::Part {
        field: "photo",
        name: "IMG_0001.png",
        claimed: "image/png",
        bytes,
    }
}

async fn visit_photos_are_kept_small_and_shown_within_scope(app: &App) {
    use quanke_store::grid::photos;
    let person = app.first_resident("MYQ-01").await;
    let subject = format!("resident:{}", person.id);
    let page = format!("/grid/subjects/resident/{}", person.id);
    let mut grid = app.login("wangge").await;
    let r = grid
        .post("/grid/visits", &visit_fields("photo-1", &subject).await)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let visit = newest_visit(app, person.id).await;
    let upload = format!("{page}/visits/{visit}/photos");
    let big = photo_png(2400, 1200);
    let big = big.as_slice();
    // Something that is not a photo, beside a photo: refused in Chinese, nothing kept.
    let files = [photo_part(big), photo_part(b"not a photo at all")];
    let r = grid.post_multipart(&upload, &[], &files).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.body.contains("第 2 张照片") && r.body.contains("无法识别"),
        "{}",
        r.body
    );
    assert!(
        photos::of_visits(&app.db, &[visit])
            .await
            .unwrap()
            .is_empty()
    );

    let r = grid.post_multipart(&upload, &[], &[photo_part(big)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location, Some(format!("{page}?photos=1")));
    let kept = photos::of_visits(&app.db, &[visit]).await.unwrap();
    assert_eq!((kept.len(), kept[0].width, kept[0].height), (1, 1600, 800));
    assert_eq!(kept[0].lat, None, "no place kept unless asked");
    let jpeg = photos::photo(&app.db, visit, kept[0].id)
        .await
        .unwrap()
        .unwrap();
    let decoded = image::load_from_memory(&jpeg).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (1600, 800));
    let shown = format!("{page}/visits/{visit}/photos/{}", kept[0].id);
    // (The page's links are HTML-escaped: the alt text names the photo.)
    assert!(
        grid.get(&page).await.body.contains("现场照片 1\""),
        "the page shows it"
    );
    let r = grid.get(&shown).await;
    assert_eq!((r.status, r.content_type.as_str()), (OK, "image/jpeg"));
    // The head reads it; another community's head, and a path through another subject, not.
    let mut head = app.login("shequ").await;
    assert_eq!(head.get(&shown).await.status, OK);
    let r = head.post_multipart(&upload, &[], &[photo_part(big)]).await;
    assert_eq!(r.status, NO, "only the visit's author adds photos");
    app.account("sdn_head3", Role::CommunityHead, "SDN").await;
    let mut outside = app.login("sdn_head3").await;
    assert_eq!(outside.get(&shown).await.status, StatusCode::NOT_FOUND);
    let other = app.first_resident("MYQ-02").await;
    let sideways = format!(
        "/grid/subjects/resident/{}/visits/{visit}/photos/{}",
        other.id, kept[0].id
    );
    assert_eq!(head.get(&sideways).await.status, StatusCode::NOT_FOUND);
    // Six at most a visit.
    let five: Vec<_> = (0..5).map(|_| photo_part(big)).collect();
    let r = grid.post_multipart(&upload, &[], &five).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = grid.post_multipart(&upload, &[], &[photo_part(big)]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("最多保存 6 张"));
    assert_eq!(photos::of_visits(&app.db, &[visit]).await.unwrap().len(), 6);

    // A sensitive visit's photos are its author's only.
    let mut fields = visit_fields("photo-2", &subject).await;
    fields.push(("sensitive", "on"));
    grid.post("/grid/visits", &fields).await;
    let secret = newest_visit(app, person.id).await;
    let upload = format!("{page}/visits/{secret}/photos");
    let r = grid.post_multipart(&upload, &[], &[photo_part(big)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let id = photos::of_visits(&app.db, &[secret]).await.unwrap()[0].id;
    let shown = format!("{page}/visits/{secret}/photos/{id}");
    assert_eq!(grid.get(&shown).await.status, OK);
    assert_eq!(head.get(&shown).await.status, StatusCode::NOT_FOUND);
    let first_photos = |body: &str| body.matches("现场照片 1\"").count();
    assert_eq!(
        first_photos(&grid.get(&page).await.body),
        2,
        "the author sees both visits'"
    );
    assert_eq!(
        first_photos(&head.get(&page).await.body),
        1,
        "the head the plain visit's only"
    );
}
both!(
    grid_photos,
    visit_photos_are_kept_small_and_shown_within_scope
);

/// The visits the workload table counts for `name` on `page`.
fn visits_counted(page: &str, name: &str) -> i64 {
    let row = crate::harness::between(page, &format!("<td>{name}</td><td>"), "</tr>")
        .unwrap_or_else(|| panic!("no row for {name}"));
    let cells: Vec<&str> = row.split("</td><td>").collect();
    cells[1].parse().unwrap()
}

async fn the_workload_counts_each_workers_visits(app: &App) {
    let community = orgs::by_code(&app.db, "MYQ").await.unwrap();
    let page = format!("/grid/coverage?place={}", community.id);
    let today = quanke_app::clock::day(quanke_app::clock::now()).date();
    let earlier = quanke_app::grid::coverage::Month::of(today)
        .previous()
        .code();
    let earlier_page = format!("{page}&month={earlier}");
    let mut head = app.login("shequ").await;
    let before = visits_counted(&head.get(&page).await.body, "李明");
    let before_then = visits_counted(&head.get(&earlier_page).await.body, "李明");
    let person = app.first_resident("MYQ-01").await;
    let subject = format!("resident:{}", person.id);
    let mut grid = app.login("wangge").await;
    for key in ["load-1", "load-2"] {
        let r = grid
            .post("/grid/visits", &visit_fields(key, &subject).await)
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
    }
    assert_eq!(
        visits_counted(&head.get(&page).await.body, "李明"),
        before + 2
    );
    // The month before does not count them; a month that is no month is refused.
    let then = head.get(&earlier_page).await;
    assert!(then.body.contains(&format!("走访工作量 · {earlier}")));
    assert_eq!(visits_counted(&then.body, "李明"), before_then);
    let r = head.get(&format!("{page}&month=2026-13")).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    // The street's page has no table of its hundreds of workers.
    let mut street = app.login("jiedao").await;
    assert!(
        !street
            .get("/grid/coverage")
            .await
            .body
            .contains("走访工作量")
    );
}
both!(grid_workload, the_workload_counts_each_workers_visits);
