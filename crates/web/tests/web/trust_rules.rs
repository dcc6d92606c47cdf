//! Issue 11, item 11: the case rules hold on every path. What the desk's intake refuses (a
//! material missing, 即办 of a 承诺件) is refused on the case page and through the JSON API for
//! a case received online; the back office needs a handler, and an item the street decides
//! needs the street's decision on record before 办结. The page greys a button that cannot work
//! and says why.

use crate::both;
use crate::harness::{App, between};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use quanke_domain::case::State;
use quanke_store::cases::{self, Actor, Case};
use quanke_store::{Backend, api_tokens, orgs, users};
use serde_json::{Value, json};

/// 最低生活保障申请: a 承诺件 of 20 working days that the street decides.
const DIBAO: &str = "MZ-DB01";
/// 高龄津贴申领: a 承诺件 of 10 working days, decided in the community.
const GL80: &str = "MZ-GL80";

/// A resident applies online for 低保 in 卖鱼桥社区 with only the ID card, household book and
/// application form: the authorisation and the income proof are missing. Nobody is assigned.
async fn received_online(app: &App) -> Case {
    let mut resident = app.client();
    let choice = "kind=new&a_who=self&a_special=none";
    let form = resident
        .get(&format!("/portal/items/{DIBAO}/apply?{choice}&step=2"))
        .await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    let key = between(&form.body, "name=\"key\" value=\"", "\"").expect("key");
    let myq = orgs::by_code(&app.db, "MYQ").await.unwrap().id.to_string();
    let fields = [
        ("kind", "new"),
        ("a_who", "self"),
        ("a_special", "none"),
        ("key", key),
        ("has", "id-card"),
        ("has", "hukou"),
        ("has", "apply"),
        ("name", "赵桂芳"),
        ("phone", "13805712345"),
        ("community", myq.as_str()),
    ];
    let r = resident
        .post_multipart(&format!("/portal/items/{DIBAO}/apply"), &fields, &[])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let number = between(&r.body, "id=\"case-number\">", "<").expect("case number");
    let case = cases::by_number(&app.db, number).await.unwrap();
    assert_eq!((case.state.code(), case.assignee_id), ("received", None));
    case
}

async fn events(app: &App, id: i64) -> usize {
    cases::events(&app.db, id).await.unwrap().len()
}

async fn desk_cannot_finish_a_received_promised_case(app: &App) {
    let case = received_online(app).await;
    let mut desk = app.client();
    desk.login_ok("qiantai").await;
    // The page offers no working 即办 button, and says why.
    let page = desk.get(&format!("/cases/{}", case.id)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let button = between(&page.body, "value=\"complete_on_spot\"", "</button>").expect("button");
    assert!(button.contains("disabled"), "{button}");
    let why = between(&page.body, "id=\"why-complete_on_spot\">", "</p>").expect("reason");
    assert!(
        why.contains("“最低生活保障申请”是承诺件（20 个工作日），不能即办"),
        "{why}"
    );
    // 受理 stays offered: the desk may confirm the papers it receives at the counter.
    let accept = between(&page.body, "value=\"accept\"", "</button>").expect("accept");
    assert!(!accept.contains("disabled"), "{accept}");
    let before = events(app, case.id).await;

    // One click (the form posted anyway) is refused with every reason, and writes nothing.
    let r = desk.act(case.id, &[("action", "complete_on_spot")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("不能“即办”"), "{}", r.body);
    assert!(r.body.contains("材料不齐（缺："), "{}", r.body);
    assert!(r.body.contains("是承诺件"), "{}", r.body);
    // 受理 with materials still missing is refused as the intake refuses it.
    let r = desk.act(case.id, &[("action", "accept")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("不能“受理”：材料不齐"), "{}", r.body);
    let now = cases::get(&app.db, case.id).await.unwrap();
    assert_eq!((now.state.code(), now.assignee_id), ("received", None));
    assert_eq!(events(app, case.id).await, before);

    // The resident brings the two papers to the counter: the desk ticks them and accepts.
    let r = desk
        .act(
            case.id,
            &[
                ("missing", "auth"),
                ("brought", "auth"),
                ("missing", "income"),
                ("brought", "income"),
                ("action", "accept"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        cases::get(&app.db, case.id).await.unwrap().state,
        State::Accepted
    );
}
both!(
    desk_cannot_finish_a_received_promised_case,
    desk_cannot_finish_a_received_promised_case
);

async fn token_for(app: &App, username: &str) -> String {
    let u = users::by_username(&app.db, username).await.unwrap();
    api_tokens::issue(&app.db, u.id, "测试", 1)
        .await
        .unwrap()
        .token
}

async fn api(app: &App, token: &str, path: &str, body: &Value) -> (StatusCode, Value) {
    let req = Request::post(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let r = app.client().send(req).await;
    let json = serde_json::from_str(&r.body).unwrap_or_else(|e| panic!("{e}: {}", r.body));
    (r.status, json)
}

/// An applicant not in the registry, identified by a valid ID number (the API needs one).
const ID_NUMBER: &str = "330105196001010026";

/// A 高龄津贴 application received (收件) through the API, with the materials as given.
async fn received_by_api(app: &App, token: &str, status: &str) -> String {
    let body = json!({
        "item_code": GL80,
        "answers": { "who": ["self"] },
        "materials": { "id-card": status, "hukou": status, "card": status },
        "applicant_id_number": ID_NUMBER,
        "applicant_name": "王秀英",
        "applicant_phone": "13812345678",
        "outcome": "receive",
    });
    let (s, got) = api(app, token, "/api/v1/cases", &body).await;
    assert_eq!(s, StatusCode::CREATED, "{got}");
    assert_eq!(got["case"]["state"], "received");
    got["case"]["number"].as_str().unwrap().to_string()
}

fn reason_codes(got: &Value) -> Vec<&str> {
    got["error"]["reasons"]
        .as_array()
        .unwrap_or_else(|| panic!("no reasons: {got}"))
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect()
}

async fn the_api_checks_what_the_intake_checks(app: &App) {
    let desk = token_for(app, "qiantai").await;
    // accept on a received case with every material missing.
    let number = received_by_api(app, &desk, "missing").await;
    let path = format!("/api/v1/cases/{number}/transitions");
    let (s, got) = api(app, &desk, &path, &json!({ "action": "accept" })).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{got}");
    assert_eq!(got["error"]["code"], "materials_missing");
    assert_eq!(reason_codes(&got), ["materials_missing"]);
    let message = got["error"]["message"].as_str().unwrap().to_string();
    for name in ["身份证", "户口簿", "社会保障卡"] {
        assert!(message.contains(name), "{message}");
    }
    // The intake with the same materials is refused in the very same words.
    let mut intake = json!({
        "item_code": GL80,
        "answers": { "who": ["self"] },
        "materials": { "id-card": "missing", "hukou": "missing", "card": "missing" },
        "applicant_id_number": ID_NUMBER,
        "applicant_name": "王秀英",
        "outcome": "accept",
    });
    let (s, at_intake) = api(app, &desk, "/api/v1/cases", &intake).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{at_intake}");
    assert_eq!(at_intake["error"], got["error"]);
    // complete_on_spot of a 10-day item, at intake and later: refused alike.
    intake["outcome"] = json!("on_the_spot");
    let (_, at_intake) = api(app, &desk, "/api/v1/cases", &intake).await;
    let (s, got) = api(app, &desk, &path, &json!({ "action": "complete_on_spot" })).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{got}");
    assert_eq!(reason_codes(&got), ["materials_missing", "not_on_the_spot"]);
    assert_eq!(at_intake["error"], got["error"]);
    let complete = received_by_api(app, &desk, "brought").await;
    let (s, got) = api(
        app,
        &desk,
        &format!("/api/v1/cases/{complete}/transitions"),
        &json!({ "action": "complete_on_spot" }),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{got}");
    assert_eq!(got["error"]["code"], "not_on_the_spot");
    assert!(
        got["error"]["message"]
            .as_str()
            .unwrap()
            .contains("是承诺件（10 个工作日），不能即办"),
        "{got}"
    );
    for n in [&number, &complete] {
        let case = cases::by_number(&app.db, n).await.unwrap();
        assert_eq!(case.state, State::Received);
    }
    // The materials checked at the desk go with the step that checks them.
    let all = json!({ "id-card": "brought", "hukou": "brought", "card": "brought" });
    let (s, got) = api(
        app,
        &desk,
        &path,
        &json!({ "action": "accept", "materials": all }),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{got}");
    assert_eq!(got["case"]["state"], "accepted");
}
both!(
    the_api_checks_what_the_intake_checks,
    the_api_checks_what_the_intake_checks
);

async fn handler_and_street_decision_come_first(app: &App) {
    let desk = token_for(app, "qiantai").await;
    let back = token_for(app, "houtai").await;
    let case = received_online(app).await;
    let path = format!("/api/v1/cases/{}/transitions", case.number);
    let papers = json!({ "auth": "brought", "income": "brought" });
    let (s, got) = api(
        app,
        &desk,
        &path,
        &json!({ "action": "accept", "materials": papers }),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{got}");
    // Nobody to handle it (待分派): the back office cannot start it.
    let houtai = users::by_username(&app.db, "houtai").await.unwrap();
    let opened = cases::events(&app.db, case.id).await.unwrap().remove(0);
    let by = Actor {
        id: None,
        name: "系统",
        now: opened.at,
        today: opened.on_day,
    };
    cases::assign(&app.db, case.id, None, "待分派", &by)
        .await
        .unwrap();
    let (s, got) = api(app, &back, &path, &json!({ "action": "start" })).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{got}");
    assert_eq!(got["error"]["code"], "unassigned");
    cases::assign(&app.db, case.id, Some(houtai.id), "分派", &by)
        .await
        .unwrap();
    let (s, got) = api(app, &back, &path, &json!({ "action": "start" })).await;
    assert_eq!(s, StatusCode::OK, "{got}");
    // 低保 is the street's to decide: no 办结 before its reply is on record.
    let (s, got) = api(app, &back, &path, &json!({ "action": "complete" })).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{got}");
    assert_eq!(got["error"]["code"], "not_decided");
    assert!(
        got["error"]["message"]
            .as_str()
            .unwrap()
            .contains("须经街道审批"),
        "{got}"
    );
    let mut page = app.client();
    page.login_ok("houtai").await;
    let shown = page.get(&format!("/cases/{}", case.id)).await;
    let button = between(&shown.body, "value=\"complete\"", "</button>").expect("button");
    assert!(button.contains("disabled"), "{button}");
    let refer = json!({ "action": "refer_to_department", "note": "报街道社会事务办审批" });
    let (s, got) = api(app, &back, &path, &refer).await;
    assert_eq!(s, StatusCode::OK, "{got}");
    let (s, got) = api(
        app,
        &back,
        &path,
        &json!({ "action": "department_replied" }),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{got}");
    let done = json!({ "action": "complete", "result": { "verdict": "granted" } });
    let (s, got) = api(app, &back, &path, &done).await;
    assert_eq!(s, StatusCode::OK, "{got}");
    assert_eq!(got["case"]["state"], "completed");
}
both!(
    handler_and_street_decision_come_first,
    handler_and_street_decision_come_first
);
