//! Issue 12 item 1: completing a case records its result (准予 / 不予 with the reason; a
//! benefit's amount and start month; a certificate's number; a note), checked by one rule for
//! the case page, the desk's 即办 and the JSON API; the 办结通知书 is kept and reprinted as
//! issued; the result shows on the case page, the resident's tracking page and the API; a
//! refusal names the reason and the resident's remedies, never the head's approval remarks.

use crate::api_cases::{Auth, Got, accept_body, code, other_community_desk, post, token_for};
use crate::both;
use crate::desk::intake;
use crate::harness::{App, Client, Resp, between};
use axum::http::StatusCode;
use quanke_domain::case::State;
use quanke_store::Backend;
use quanke_store::cases;
use serde_json::{Value, json};

/// A 高龄津贴 (a benefit: amount and start month) case accepted through the API and started by
/// the back office: ready for 办结. Returns its number and id.
async fn started(app: &App, c: &mut Client<'_>) -> (String, i64) {
    let desk = token_for(app, "qiantai").await;
    let back = token_for(app, "houtai").await;
    let made = post(c, Auth::Token(&desk), "/api/v1/cases", &accept_body(), None).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.json);
    let number = made.json["case"]["number"].as_str().unwrap().to_string();
    let path = format!("/api/v1/cases/{number}/transitions");
    let r = post(
        c,
        Auth::Token(&back),
        &path,
        &json!({"action": "start"}),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    let id = cases::by_number(&app.db, &number).await.unwrap().id;
    (number, id)
}

async fn complete(app: &App, c: &mut Client<'_>, number: &str, result: Value) -> Got {
    let back = token_for(app, "houtai").await;
    let path = format!("/api/v1/cases/{number}/transitions");
    let body = json!({ "action": "complete", "result": result });
    post(c, Auth::Token(&back), &path, &body, None).await
}

/// Nothing of a refused completion is written: state, result and documents as before.
async fn untouched(app: &App, id: i64) {
    assert_eq!(
        cases::get(&app.db, id).await.unwrap().state,
        State::InProgress
    );
    assert_eq!(cases::outcome(&app.db, id).await.unwrap(), None);
    let kinds: Vec<String> = cases::documents(&app.db, id)
        .await
        .unwrap()
        .into_iter()
        .map(|d| d.kind)
        .collect();
    assert_eq!(kinds, ["receipt"]);
}

async fn a_completion_needs_a_valid_result(app: &App) {
    let mut c = app.client();
    let (number, id) = started(app, &mut c).await;
    let back = token_for(app, "houtai").await;
    let path = format!("/api/v1/cases/{number}/transitions");
    // No decision at all.
    let r = post(
        &mut c,
        Auth::Token(&back),
        &path,
        &json!({"action": "complete"}),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.json);
    assert_eq!(code(&r), "result_required");
    // A benefit granted without amount and month: both named at once.
    let r = complete(app, &mut c, &number, json!({"verdict": "granted"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(code(&r), "bad_amount");
    let reasons: Vec<&str> = r.json["error"]["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["code"].as_str().unwrap())
        .collect();
    assert_eq!(reasons, ["bad_amount", "bad_month"]);
    // A bad amount and a bad month, each with a clear message.
    let bad = json!({"verdict": "granted", "amount": "12.345", "start_month": "2026-12"});
    let r = complete(app, &mut c, &number, bad).await;
    assert_eq!(code(&r), "bad_amount");
    let message = r.json["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("待遇金额") && message.contains("两位小数"),
        "{message}"
    );
    let bad = json!({"verdict": "granted", "amount": "200", "start_month": "2026-13"});
    let r = complete(app, &mut c, &number, bad).await;
    assert_eq!(code(&r), "bad_month");
    assert!(
        r.json["error"]["message"]
            .as_str()
            .unwrap()
            .contains("2026-12")
    );
    // 不予 without a reason; an unknown verdict; an unknown field.
    let r = complete(app, &mut c, &number, json!({"verdict": "refused"})).await;
    assert_eq!(code(&r), "missing_reason");
    let r = complete(app, &mut c, &number, json!({"verdict": "maybe"})).await;
    assert_eq!(code(&r), "result_required");
    let r = complete(app, &mut c, &number, json!({"verdict": "granted", "x": 1})).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.json);
    untouched(app, id).await;
    // The case page refuses the same with the same words, and writes nothing.
    let mut page = app.login("houtai").await;
    let r = page
        .act(
            id,
            &[
                ("action", "complete"),
                ("result", "granted"),
                ("result_amount", "abc"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("待遇金额“abc”不是金额"), "{}", r.body);
    assert!(r.body.contains("待遇起始月份未填写"), "{}", r.body);
    untouched(app, id).await;
    // The page offers the fields the item asks for.
    let shown = page.get(&format!("/cases/{id}")).await;
    assert!(
        shown.body.contains("name=\"result_amount\""),
        "{}",
        shown.body
    );
    assert!(shown.body.contains("name=\"result_month\""));
    assert!(!shown.body.contains("name=\"result_certificate\""));
}
both!(completion_needs_a_result, a_completion_needs_a_valid_result);

async fn the_result_shows_everywhere_and_reprints_as_issued(app: &App) {
    let mut c = app.client();
    let (number, id) = started(app, &mut c).await;
    let granted = json!({
        "verdict": "granted", "amount": "1,200.5", "start_month": "2026年1月", "note": "按月发放至社保卡",
    });
    let r = complete(app, &mut c, &number, granted).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    // The API: the decision in fen and YYYY-MM.
    let result = &r.json["case"]["result"];
    assert_eq!(result["verdict"], "granted", "{}", r.json);
    assert_eq!(result["verdict_label"], "准予");
    assert_eq!(result["amount_fen"], 120_050);
    assert_eq!(result["start_month"], "2026-01");
    assert_eq!(result["decided_by"], "王建国");
    let desk = token_for(app, "qiantai").await;
    let got = crate::api_cases::get(
        &mut c,
        Auth::Token(&desk),
        &format!("/api/v1/cases/{number}"),
    )
    .await;
    assert_eq!(got.json["result"]["amount_fen"], 120_050, "{}", got.json);
    // The case page, in yuan.
    let mut page = app.login("houtai").await;
    let shown = page.get(&format!("/cases/{id}")).await;
    let section = between(&shown.body, "id=\"case-result\"", "</section>").expect("result");
    assert!(
        section.contains("准予") && section.contains("1200.50 元"),
        "{section}"
    );
    assert!(section.contains("2026年1月"), "{section}");
    // The 办结通知书, kept and reprinted exactly.
    let docs = cases::documents(&app.db, id).await.unwrap();
    let kinds: Vec<&str> = docs.iter().map(|d| d.kind.as_str()).collect();
    assert_eq!(kinds, ["receipt", "completion"]);
    let printed = page.get(&format!("/cases/{id}/print/completion")).await;
    assert_eq!(printed.status, StatusCode::OK);
    for part in [
        "办结通知书",
        "准予",
        "1200.50 元",
        "2026年1月",
        "按月发放至社保卡",
    ] {
        assert!(printed.body.contains(part), "{part}: {}", printed.body);
    }
    assert!(
        !printed.body.contains("remedies"),
        "a grant names no remedies"
    );
    let again = page
        .get(&format!("/cases/{id}/documents/{}", docs[1].id))
        .await;
    let body = |r: &Resp| {
        between(&r.body, "id=\"print-title\"", "</body>")
            .unwrap()
            .to_string()
    };
    assert_eq!(
        body(&again),
        body(&printed),
        "the reprint shows what was issued"
    );
    assert!(again.body.contains("副本（重印）"));
    // The resident's tracking page.
    let mut resident = app.client();
    let form = resident.get("/portal/track").await;
    assert_eq!(form.status, StatusCode::OK);
    let tracked = resident
        .post(
            "/portal/track",
            &[("number", &number), ("phone", "13812345678")],
        )
        .await;
    let section = between(&tracked.body, "id=\"case-result\"", "</section>").expect("result");
    assert!(
        section.contains("准予") && section.contains("1200.50 元"),
        "{section}"
    );
    assert!(!tracked.body.contains("行政复议"));
}
both!(
    result_shows_everywhere,
    the_result_shows_everywhere_and_reprints_as_issued
);

async fn a_refusal_at_the_end_names_reason_and_remedies(app: &App) {
    let mut c = app.client();
    let (number, id) = started(app, &mut c).await;
    let refused = json!({ "verdict": "refused", "reason": "经核实申请人未满 80 周岁" });
    let r = complete(app, &mut c, &number, refused).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(r.json["case"]["result"]["verdict"], "refused");
    assert_eq!(r.json["case"]["result"]["amount_fen"], Value::Null);
    let mut page = app.login("houtai").await;
    let printed = page.get(&format!("/cases/{id}/print/completion")).await;
    for part in [
        "不予",
        "经核实申请人未满 80 周岁",
        "《中华人民共和国老年人权益保障法》",
        "60 日内向杭州市拱墅区人民政府申请行政复议",
        "6 个月内向杭州市拱墅区人民法院提起行政诉讼",
    ] {
        assert!(printed.body.contains(part), "{part}: {}", printed.body);
    }
    let mut resident = app.client();
    resident.get("/portal/track").await;
    let tracked = resident
        .post(
            "/portal/track",
            &[("number", &number), ("phone", "13812345678")],
        )
        .await;
    assert!(
        tracked.body.contains("经核实申请人未满 80 周岁"),
        "{}",
        tracked.body
    );
    assert!(tracked.body.contains("杭州市拱墅区人民法院提起行政诉讼"));
}
both!(
    refused_completion,
    a_refusal_at_the_end_names_reason_and_remedies
);

/// The review body and the court come from the configuration.
fn configured() -> quanke_web::WebSettings {
    quanke_web::WebSettings {
        remedies: quanke_web::Remedies {
            review_body: "测试区人民政府".into(),
            court: "测试区人民法院".into(),
        },
        ..quanke_web::WebSettings::default()
    }
}

/// A refusal at the desk, approved by the head with a remark: the notice states the reason,
/// the legal basis and the configured bodies, and never the head's remark.
async fn a_refusal_notice_keeps_approval_remarks_inside(app: &App) {
    let person = app.first_resident("MYQ-01").await;
    let rid = person.id.to_string();
    let mut desk = app.login("qiantai").await;
    let mut form = intake(&rid, "res-1", &[], "reject");
    form.push(("note", "户籍不在本区，请到户籍所在地社区申请"));
    let id = desk.post("/desk/cases", &form).await.case_id();
    let approval = cases::pending_approval(&app.db, id).await.unwrap().unwrap();
    let mut head = app.login("shequ").await;
    let r = head
        .post(
            &format!("/cases/{id}/approvals/{}", approval.id),
            &[("decision", "approve"), ("answer", "内部：已电话核实户籍")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let printed = head.get(&format!("/cases/{id}/print/refusal")).await;
    for part in [
        "不予受理告知书",
        "户籍不在本区，请到户籍所在地社区申请",
        "法律依据：《中华人民共和国老年人权益保障法》",
        "60 日内向测试区人民政府申请行政复议",
        "6 个月内向测试区人民法院提起行政诉讼",
    ] {
        assert!(printed.body.contains(part), "{part}: {}", printed.body);
    }
    assert!(!printed.body.contains("已电话核实"), "{}", printed.body);
    assert!(!printed.body.contains("审批"), "{}", printed.body);
    // The timeline keeps the remark for the office.
    let page = head.get(&format!("/cases/{id}")).await;
    assert!(page.body.contains("内部：已电话核实户籍"));
    // The resident's tracking page names the same remedies, and not the remark.
    let case = cases::get(&app.db, id).await.unwrap();
    let mut resident = app.client();
    resident.get("/portal/track").await;
    let tracked = resident
        .post(
            "/portal/track",
            &[("number", &case.number), ("phone", &case.applicant_phone)],
        )
        .await;
    assert!(tracked.body.contains("不予受理"), "{}", tracked.body);
    assert!(tracked.body.contains("60 日内向测试区人民政府申请行政复议"));
    assert!(!tracked.body.contains("已电话核实"));
}
both!(
    refusal_notice_without_remarks,
    a_refusal_notice_keeps_approval_remarks_inside,
    configured()
);

/// 即办 of a certificate item at the desk: the number is required, then printed.
async fn on_the_spot_records_the_certificate(app: &App) {
    let person = app.first_resident("MYQ-01").await;
    let rid = person.id.to_string();
    let mut desk = app.login("qiantai").await;
    let base = |key: &'static str| -> Vec<(&'static str, String)> {
        [
            ("item", "MZ-LNYD"),
            ("kind", "new"),
            ("q.form", "paper"),
            ("q.local", "yes"),
            ("q.who", "self"),
            ("key", key),
            ("outcome", "on_the_spot"),
            ("material", "id-card"),
            ("material", "photo"),
            ("held", "id-card"),
            ("have", "id-card"),
            ("have", "photo"),
            ("result", "granted"),
        ]
        .into_iter()
        .map(|(k, v)| (k, v.to_string()))
        .collect()
    };
    let send = |mut f: Vec<(&'static str, String)>| {
        f.push(("resident", rid.clone()));
        f
    };
    let fields = send(base("spot-1"));
    let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = desk.post("/desk/cases", &borrowed).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("须填写出具的证照编号"), "{}", r.body);
    assert!(r.body.contains("name=\"result_certificate\""));
    let mut fields = send(base("spot-2"));
    fields.push(("result_certificate", "拱民优 2026-0815".into()));
    let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = desk.post("/desk/cases", &borrowed).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id = r.case_id();
    assert_eq!(
        r.location.as_deref(),
        Some(format!("/cases/{id}/print/completion").as_str())
    );
    let kept = cases::outcome(&app.db, id).await.unwrap().expect("result");
    assert_eq!(kept.certificate_no.as_deref(), Some("拱民优 2026-0815"));
    let printed = desk.get(&format!("/cases/{id}/print/completion")).await;
    assert!(
        printed.body.contains("拱民优 2026-0815"),
        "{}",
        printed.body
    );
}
both!(on_the_spot_certificate, on_the_spot_records_the_certificate);

/// A case of another community cannot be completed, nor its printout read: "not found".
async fn results_stay_in_scope(app: &App) {
    let mut c = app.client();
    let (number, id) = started(app, &mut c).await;
    let other = other_community_desk(app).await;
    let path = format!("/api/v1/cases/{number}/transitions");
    let body = json!({"action": "complete", "result": {"verdict": "granted"}});
    let r = post(&mut c, Auth::Token(&other), &path, &body, None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.json);
    untouched(app, id).await;
    let granted = json!({"verdict": "granted", "amount": "200", "start_month": "2026-12"});
    assert_eq!(
        complete(app, &mut c, &number, granted).await.status,
        StatusCode::OK
    );
    let mut outsider = app.login("sdn_desk").await;
    let r = outsider.get(&format!("/cases/{id}/print/completion")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}
both!(result_scope, results_stay_in_scope);

/// The OpenAPI document describes the result both ways, with the limits of the table.
async fn the_api_documents_the_result(app: &App) {
    let mut c = app.client();
    let doc = c.get("/api/v1/openapi.json").await;
    let doc: Value = serde_json::from_str(&doc.body).unwrap();
    let schemas = &doc["components"]["schemas"];
    let input = &schemas["ResultIn"]["properties"];
    assert_eq!(input["reason"]["maxLength"], 1000, "{input}");
    assert_eq!(input["certificate_no"]["maxLength"], 50);
    assert_eq!(input["amount"]["maxLength"], 20);
    assert_eq!(input["note"]["maxLength"], 2000);
    assert!(schemas["ResultOut"]["properties"]["amount_fen"].is_object());
    let detail = serde_json::to_string(&schemas["CaseDetail"]).unwrap();
    assert!(detail.contains("ResultOut"), "{detail}");
    let transition = serde_json::to_string(&schemas["TransitionIn"]).unwrap();
    assert!(transition.contains("ResultIn"), "{transition}");
}
both!(api_documents_result, the_api_documents_the_result);

/// The API's 即办 opens a case completed at once: its decision is required with it.
async fn the_api_completes_on_the_spot_with_a_result(app: &App) {
    let mut c = app.client();
    let desk = token_for(app, "qiantai").await;
    let mut body = json!({
        "item_code": "MZ-LNYD",
        "answers": { "form": ["paper"], "local": ["yes"], "who": ["self"] },
        "applicant_id_number": "330105196001010026",
        "applicant_name": "王秀英",
        "applicant_phone": "13812345678",
        "outcome": "on_the_spot",
    });
    let r = post(&mut c, Auth::Token(&desk), "/api/v1/cases", &body, None).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.json);
    assert_eq!(code(&r), "result_required");
    body["result"] = json!({ "verdict": "granted", "certificate_no": "拱民优 2026-0001" });
    let r = post(&mut c, Auth::Token(&desk), "/api/v1/cases", &body, None).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    assert_eq!(r.json["case"]["state"], "completed");
    let number = r.json["case"]["number"].as_str().unwrap();
    let got = crate::api_cases::get(
        &mut c,
        Auth::Token(&desk),
        &format!("/api/v1/cases/{number}"),
    )
    .await;
    assert_eq!(
        got.json["result"]["certificate_no"], "拱民优 2026-0001",
        "{}",
        got.json
    );
}
both!(api_on_the_spot, the_api_completes_on_the_spot_with_a_result);
