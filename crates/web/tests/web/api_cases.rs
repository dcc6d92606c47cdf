//! The JSON API for cases: idempotent creation, refusals that write nothing, lists scoped to
//! the caller's subtree, a case with its timeline, transitions per role, API tokens, and the
//! OpenAPI document.

use crate::both;
use crate::harness::{App, Client, PASSWORD};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use quanke_app::accounts::{self, NewAccount};
use quanke_domain::Role;
use quanke_store::cases::{self, Filter};
use quanke_store::{Backend, api_tokens, orgs, users};
use serde_json::{Value, json};

/// How a request authenticates.
#[derive(Clone, Copy)]
pub(crate) enum Auth<'t> {
    /// The client's cookies (and the CSRF header on writes).
    Session,
    Token(&'t str),
    None,
}

pub(crate) struct Got {
    pub status: StatusCode,
    location: Option<String>,
    pub json: Value,
}

async fn call(
    c: &mut Client<'_>,
    auth: Auth<'_>,
    method: &str,
    path: &str,
    body: Option<&str>,
    extra: &[(&str, &str)],
) -> Got {
    let mut req = Request::builder().method(method).uri(path);
    match auth {
        Auth::Session => {
            req = req.header(header::COOKIE, c.cookie_header());
            if let Some(csrf) = c.cookies.get("qk_csrf") {
                req = req.header("x-csrf-token", csrf.clone());
            }
        }
        Auth::Token(t) => req = req.header(header::AUTHORIZATION, format!("Bearer {t}")),
        Auth::None => {}
    }
    for (k, v) in extra {
        req = req.header(*k, *v);
    }
    if body.is_some() {
        req = req.header(header::CONTENT_TYPE, "application/json");
    }
    let req = req
        .body(Body::from(body.unwrap_or("").to_string()))
        .unwrap();
    let r = c.send(req).await;
    let json = serde_json::from_str(&r.body)
        .unwrap_or_else(|e| panic!("{method} {path}: {} not JSON ({e}): {}", r.status, r.body));
    Got {
        status: r.status,
        location: r.location,
        json,
    }
}

pub(crate) async fn post(
    c: &mut Client<'_>,
    auth: Auth<'_>,
    path: &str,
    body: &Value,
    key: Option<&str>,
) -> Got {
    let extra: Vec<(&str, &str)> = key.map(|k| ("idempotency-key", k)).into_iter().collect();
    call(c, auth, "POST", path, Some(&body.to_string()), &extra).await
}

pub(crate) async fn get(c: &mut Client<'_>, auth: Auth<'_>, path: &str) -> Got {
    call(c, auth, "GET", path, None, &[]).await
}

/// 高龄津贴: one required question, materials brought (the default) at the desk.
pub(crate) fn accept_body() -> Value {
    json!({
        "item_code": "MZ-GL80",
        "answers": { "who": ["self"] },
        "materials": { "id-card": "brought", "hukou": "brought", "card": "brought" },
        "applicant_id_number": "330105196001010026",
        "applicant_name": "王秀英",
        "applicant_phone": "13812345678",
        "outcome": "accept",
    })
}

pub(crate) async fn token_for(app: &App, username: &str) -> String {
    let u = users::by_username(&app.db, username).await.unwrap();
    api_tokens::issue(&app.db, u.id, "测试", 1)
        .await
        .unwrap()
        .token
}

pub(crate) async fn count_cases(app: &App) -> usize {
    let f = Filter {
        within: "/",
        limit: 1000,
        ..Filter::default()
    };
    cases::list(&app.db, &f).await.unwrap().len()
}

pub(crate) fn code(g: &Got) -> &str {
    g.json["error"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no error code: {}", g.json))
}

/// An account of another community (双荡弄) with the demo password.
pub(crate) async fn other_community_desk(app: &App) -> String {
    let org = orgs::by_code(&app.db, "SDN").await.unwrap();
    let a = NewAccount {
        username: "sdn_desk",
        display_name: "周红",
        role: Role::FrontDesk,
        org: &org,
        password: Some(PASSWORD),
    };
    accounts::create(&app.db, &a).await.unwrap();
    token_for(app, "sdn_desk").await
}

async fn create_with_a_key_twice_makes_one_case(app: &App) {
    let mut desk = app.client();
    desk.login_ok("qiantai").await;
    desk.get("/").await;
    let first = post(
        &mut desk,
        Auth::Session,
        "/api/v1/cases",
        &accept_body(),
        Some("k-1"),
    )
    .await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.json);
    let number = first.json["case"]["number"].as_str().unwrap().to_string();
    assert!(number.starts_with("MYQ-"), "{number}");
    assert_eq!(
        first.location.as_deref(),
        Some(format!("/api/v1/cases/{number}").as_str())
    );
    assert_eq!(first.json["created"], true);
    assert_eq!(first.json["case"]["state"], "accepted");
    assert_eq!(first.json["case"]["state_label"], "已受理");
    assert_eq!(first.json["case"]["item_name"], "高龄津贴申领");
    assert_eq!(first.json["case"]["applicant_phone"], "138****5678");
    assert!(first.json["case"]["due_on"].is_string());

    let again = post(
        &mut desk,
        Auth::Session,
        "/api/v1/cases",
        &accept_body(),
        Some("k-1"),
    )
    .await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.json);
    assert_eq!(again.json["created"], false);
    assert_eq!(again.json["case"]["number"], number.as_str());
    assert_eq!(count_cases(app).await, 1);

    // The same key from another account is another request.
    let head = token_for(app, "shequ").await;
    let theirs = post(
        &mut app.client(),
        Auth::Token(&head),
        "/api/v1/cases",
        &accept_body(),
        Some("k-1"),
    )
    .await;
    assert_eq!(theirs.status, StatusCode::CREATED, "{}", theirs.json);
    assert_ne!(theirs.json["case"]["number"], number.as_str());
    // A second case without a key is a second case.
    let plain = post(
        &mut desk,
        Auth::Session,
        "/api/v1/cases",
        &accept_body(),
        None,
    )
    .await;
    assert_eq!(plain.status, StatusCode::CREATED);
    assert_eq!(count_cases(app).await, 3);

    let bad_key = post(
        &mut desk,
        Auth::Session,
        "/api/v1/cases",
        &accept_body(),
        Some("有中文"),
    )
    .await;
    assert_eq!(bad_key.status, StatusCode::BAD_REQUEST);
    assert_eq!(code(&bad_key), "bad_idempotency_key");
}
both!(
    create_with_a_key_twice_makes_one_case,
    create_with_a_key_twice_makes_one_case
);

async fn refused_creates_write_nothing(app: &App) {
    let token = token_for(app, "qiantai").await;
    let mut c = app.client();
    let cases_path = "/api/v1/cases";

    let mut unknown = accept_body();
    unknown["item_code"] = json!("NO-SUCH");
    let r = post(
        &mut c,
        Auth::Token(&token),
        cases_path,
        &unknown,
        Some("u-1"),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.json);
    assert_eq!(code(&r), "unknown_item");
    assert!(
        r.json["error"]["message"]
            .as_str()
            .unwrap()
            .contains("NO-SUCH")
    );

    let mut missing = accept_body();
    missing["materials"]["card"] = json!("missing");
    let r = post(
        &mut c,
        Auth::Token(&token),
        cases_path,
        &missing,
        Some("u-2"),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.json);
    assert_eq!(code(&r), "materials_missing");
    assert!(
        r.json["error"]["message"]
            .as_str()
            .unwrap()
            .contains("补正")
    );

    let mut unanswered = accept_body();
    unanswered["answers"] = json!({});
    let r = post(&mut c, Auth::Token(&token), cases_path, &unanswered, None).await;
    assert_eq!(code(&r), "missing_answer");

    let r = call(
        &mut c,
        Auth::Token(&token),
        "POST",
        cases_path,
        Some("{\"item_code\": "),
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(code(&r), "bad_json");
    let r = post(
        &mut c,
        Auth::Token(&token),
        cases_path,
        &json!({"item_code": "MZ-GL80"}),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(code(&r), "invalid_body");
    assert!(
        r.json["error"]["message"]
            .as_str()
            .unwrap()
            .contains("outcome")
    );
    let mut wrong = accept_body();
    wrong["outcome"] = json!("approve");
    let r = post(&mut c, Auth::Token(&token), cases_path, &wrong, None).await;
    assert_eq!(code(&r), "invalid_body");
    let r = call(&mut c, Auth::Token(&token), "POST", cases_path, None, &[]).await;
    assert_eq!(code(&r), "missing_body");

    // A street admin does not take in cases; nor does anyone unauthenticated.
    let street = token_for(app, "jiedao").await;
    let r = post(
        &mut c,
        Auth::Token(&street),
        cases_path,
        &accept_body(),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = get(&mut c, Auth::None, cases_path).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(code(&r), "sign_in_required");
    // Without a token or a session the CSRF guard refuses a write before the API sees it.
    let req = Request::post(cases_path)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(accept_body().to_string()))
        .unwrap();
    assert_eq!(c.send(req).await.status, StatusCode::FORBIDDEN);

    assert_eq!(count_cases(app).await, 0);
    // The refused keys were not spent: the same key now creates.
    let r = post(
        &mut c,
        Auth::Token(&token),
        cases_path,
        &accept_body(),
        Some("u-2"),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
}
both!(refused_creates_write_nothing, refused_creates_write_nothing);

async fn lists_stay_in_the_callers_subtree(app: &App) {
    let desk = token_for(app, "qiantai").await;
    let mut c = app.client();
    let made = post(
        &mut c,
        Auth::Token(&desk),
        "/api/v1/cases",
        &accept_body(),
        None,
    )
    .await;
    let number = made.json["case"]["number"].as_str().unwrap().to_string();
    let mut spot = accept_body();
    spot["outcome"] = json!("request_materials");
    spot["materials"]["card"] = json!("missing");
    let waiting = post(&mut c, Auth::Token(&desk), "/api/v1/cases", &spot, None).await;
    assert_eq!(
        waiting.json["case"]["state"], "awaiting_materials",
        "{}",
        waiting.json
    );
    assert!(waiting.json["case"]["due_on"].is_null());

    let mine = get(&mut c, Auth::Token(&desk), "/api/v1/cases").await;
    assert_eq!(mine.status, StatusCode::OK, "{}", mine.json);
    assert_eq!(mine.json["cases"].as_array().unwrap().len(), 2);
    let street = token_for(app, "jiedao").await;
    let all = get(&mut c, Auth::Token(&street), "/api/v1/cases?state=accepted").await;
    let numbers: Vec<&str> = all.json["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["number"].as_str().unwrap())
        .collect();
    assert_eq!(numbers, [number.as_str()]);
    let by_item = get(
        &mut c,
        Auth::Token(&street),
        "/api/v1/cases?item_code=MZ-GL80&limit=1",
    )
    .await;
    assert_eq!(by_item.json["cases"].as_array().unwrap().len(), 1);
    assert_eq!(by_item.json["next_offset"], 1);

    // Routing gave the accepted case to the back office (王建国).
    let back = token_for(app, "houtai").await;
    let queue = get(&mut c, Auth::Token(&back), "/api/v1/cases?queue=mine").await;
    assert_eq!(
        queue.json["cases"][0]["number"],
        number.as_str(),
        "{}",
        queue.json
    );
    assert_eq!(queue.json["cases"].as_array().unwrap().len(), 1);
    // 待分派 is the page's queue: accepted cases nobody works on. The case waiting for the
    // resident's materials is not waiting for a worker.
    let unassigned = get(&mut c, Auth::Token(&back), "/api/v1/cases?queue=unassigned").await;
    assert_eq!(
        unassigned.json["cases"].as_array().unwrap().len(),
        0,
        "{}",
        unassigned.json
    );
    let overdue = get(&mut c, Auth::Token(&back), "/api/v1/cases?queue=overdue").await;
    assert_eq!(overdue.json["cases"].as_array().unwrap().len(), 0);
    // A grid worker sees the cases of the grid's community.
    let grid = token_for(app, "wangge").await;
    let theirs = get(&mut c, Auth::Token(&grid), "/api/v1/cases").await;
    assert_eq!(
        theirs.json["cases"].as_array().unwrap().len(),
        2,
        "{}",
        theirs.json
    );

    let other = other_community_desk(app).await;
    let none = get(&mut c, Auth::Token(&other), "/api/v1/cases").await;
    assert_eq!(none.status, StatusCode::OK);
    assert_eq!(none.json["cases"].as_array().unwrap().len(), 0);
    let hidden = get(
        &mut c,
        Auth::Token(&other),
        &format!("/api/v1/cases/{number}"),
    )
    .await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    assert_eq!(code(&hidden), "not_found");
    let act = post(
        &mut c,
        Auth::Token(&other),
        &format!("/api/v1/cases/{number}/transitions"),
        &json!({"action": "withdraw", "note": "x"}),
        None,
    )
    .await;
    assert_eq!(act.status, StatusCode::NOT_FOUND);

    for (query, want) in [
        ("state=nope", "bad_state"),
        ("queue=later", "bad_queue"),
        ("limit=0", "bad_paging"),
        ("limit=201", "bad_paging"),
        ("offset=-1", "bad_paging"),
        ("assignee=x", "bad_assignee"),
    ] {
        let r = get(
            &mut c,
            Auth::Token(&desk),
            &format!("/api/v1/cases?{query}"),
        )
        .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(code(&r), want, "{query}");
    }
    // The system administrator keeps away from residents' matters.
    let admin = token_for(app, "admin").await;
    assert_eq!(
        get(&mut c, Auth::Token(&admin), "/api/v1/cases")
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}
both!(
    lists_stay_in_the_callers_subtree,
    lists_stay_in_the_callers_subtree
);

async fn a_case_reads_with_its_timeline(app: &App) {
    let desk = token_for(app, "qiantai").await;
    let mut c = app.client();
    let made = post(
        &mut c,
        Auth::Token(&desk),
        "/api/v1/cases",
        &accept_body(),
        None,
    )
    .await;
    let number = made.json["case"]["number"].as_str().unwrap().to_string();
    let r = get(
        &mut c,
        Auth::Token(&desk),
        &format!("/api/v1/cases/{number}"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    let d = &r.json;
    assert_eq!(d["number"], number.as_str());
    assert_eq!(d["applicant_phone"], "138****5678");
    assert_eq!(d["answers"]["who"][0], "self");
    let actions: Vec<&str> = d["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["accept", "assign"], "{d}");
    assert_eq!(d["events"][0]["actor_name"], "陈晓燕");
    assert_eq!(d["events"][0]["from_state"], "");
    assert!(d["events"][1]["note"].as_str().unwrap().contains("王建国"));
    let materials: Vec<&str> = d["checklist"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert!(materials.contains(&"card"), "{materials:?}");
    assert!(
        d["checklist"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["status"] == "brought")
    );
    // The front desk may only withdraw an accepted case.
    let can: Vec<&str> = d["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["action"].as_str().unwrap())
        .collect();
    assert_eq!(can, ["withdraw"]);
    assert!(!d.to_string().contains("13812345678"));

    let missing = get(
        &mut c,
        Auth::Token(&desk),
        "/api/v1/cases/MYQ-20000101-0001",
    )
    .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}
both!(
    a_case_reads_with_its_timeline,
    a_case_reads_with_its_timeline
);

async fn transitions_follow_the_roles(app: &App) {
    let desk = token_for(app, "qiantai").await;
    let back = token_for(app, "houtai").await;
    let grid = token_for(app, "wangge").await;
    let mut c = app.client();
    let made = post(
        &mut c,
        Auth::Token(&desk),
        "/api/v1/cases",
        &accept_body(),
        None,
    )
    .await;
    let number = made.json["case"]["number"].as_str().unwrap().to_string();
    let path = format!("/api/v1/cases/{number}/transitions");
    let act = |action: &str| json!({ "action": action });

    let r = post(&mut c, Auth::Token(&desk), &path, &act("start"), None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.json);
    assert_eq!(code(&r), "not_allowed");
    let r = post(&mut c, Auth::Token(&back), &path, &act("withdraw"), None).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(code(&r), "missing_note");
    let r = post(&mut c, Auth::Token(&back), &path, &act("deliver"), None).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(code(&r), "bad_action");
    let r = post(
        &mut c,
        Auth::Token(&back),
        &path,
        &json!({"action": "start", "visit": "lunch"}),
        None,
    )
    .await;
    assert_eq!(code(&r), "bad_visit");
    let r = call(
        &mut c,
        Auth::Token(&back),
        "POST",
        &path,
        Some("{\"action\": "),
        &[],
    )
    .await;
    assert_eq!(code(&r), "bad_json");

    let r = post(&mut c, Auth::Token(&back), &path, &act("start"), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(r.json["result"], "moved");
    assert_eq!(r.json["case"]["state"], "in_progress");
    let granted = json!({
        "action": "complete",
        "result": { "verdict": "granted", "amount": "200", "start_month": "2026-12" },
    });
    let r = post(&mut c, Auth::Token(&back), &path, &granted, None).await;
    assert_eq!(r.json["case"]["state"], "completed", "{}", r.json);
    assert!(r.json["case"]["due_on"].is_null());
    // 送达 at home by the grid worker, with a visit.
    let r = post(
        &mut c,
        Auth::Token(&grid),
        &path,
        &json!({"action": "deliver", "visit": "pickup"}),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(r.json["case"]["state"], "delivered");
    let last = r.json["case"]["events"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["actor_name"], "李明");
    assert_eq!(last["action"], "deliver");
    let r = post(&mut c, Auth::Token(&back), &path, &act("start"), None).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(code(&r), "final_state");

    // A rejection by the desk waits for the community head.
    let mut refuse = accept_body();
    refuse["outcome"] = json!("reject");
    refuse["note"] = json!("户籍不在本区，请到户籍地办理");
    let r = post(&mut c, Auth::Token(&desk), "/api/v1/cases", &refuse, None).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    assert_eq!(r.json["case"]["state"], "received");
    let second = r.json["case"]["number"].as_str().unwrap().to_string();
    let r = post(
        &mut c,
        Auth::Token(&desk),
        &format!("/api/v1/cases/{second}/transitions"),
        &act("accept"),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.json);
    assert_eq!(code(&r), "awaiting_approval");

    // Through the session too: the CSRF header is required for writes.
    let mut s = app.client();
    s.login_ok("houtai").await;
    s.get("/").await;
    let third = post(
        &mut c,
        Auth::Token(&desk),
        "/api/v1/cases",
        &accept_body(),
        None,
    )
    .await;
    let third = third.json["case"]["number"].as_str().unwrap().to_string();
    let path = format!("/api/v1/cases/{third}/transitions");
    let r = post(&mut s, Auth::Session, &path, &act("start"), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    let req = Request::post(&path)
        .header(
            header::COOKIE,
            format!("qk_session={}", s.cookies["qk_session"]),
        )
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(act("complete").to_string()))
        .unwrap();
    assert_eq!(s.send(req).await.status, StatusCode::FORBIDDEN);
}
both!(transitions_follow_the_roles, transitions_follow_the_roles);

async fn bearer_tokens_decide_alone(app: &App) {
    let desk = token_for(app, "qiantai").await;
    let mut c = app.client();
    // No CSRF header, no cookie: a token is enough to write.
    let r = post(
        &mut c,
        Auth::Token(&desk),
        "/api/v1/cases",
        &accept_body(),
        Some("b-1"),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    // Neither token nor session: refused in JSON, saying what is missing.
    let r = post(
        &mut app.client(),
        Auth::None,
        "/api/v1/cases",
        &accept_body(),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(code(&r), "csrf_or_token_missing");

    for bad in ["qk_0000", "", "not-a-token"] {
        let r = get(&mut c, Auth::Token(bad), "/api/v1/cases").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{bad:?}");
        assert_eq!(code(&r), "bad_token");
    }
    // A bad token is refused even beside a good session cookie, and a good token acts as its
    // own user whatever the cookie says.
    let mut s = app.client();
    s.login_ok("jiedao").await;
    let cookie = format!("qk_session={}", s.cookies["qk_session"]);
    let r = call(
        &mut app.client(),
        Auth::Token("qk_bad"),
        "GET",
        "/api/v1/cases",
        None,
        &[("cookie", &cookie)],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let other = other_community_desk(app).await;
    let r = call(
        &mut app.client(),
        Auth::Token(&other),
        "GET",
        "/api/v1/cases",
        None,
        &[("cookie", &cookie)],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.json["cases"].as_array().unwrap().len(),
        0,
        "acts as sdn_desk, not jiedao"
    );

    // Revoked, and a disabled account's token.
    let u = users::by_username(&app.db, "houtai").await.unwrap();
    let issued = api_tokens::issue(&app.db, u.id, "revoked", 1)
        .await
        .unwrap();
    api_tokens::revoke(&app.db, issued.id, 2).await.unwrap();
    let r = get(&mut c, Auth::Token(&issued.token), "/api/v1/cases").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let head = users::by_username(&app.db, "shequ").await.unwrap();
    let head_token = api_tokens::issue(&app.db, head.id, "x", 1)
        .await
        .unwrap()
        .token;
    accounts::set_disabled(&app.db, head.id, true)
        .await
        .unwrap();
    let r = get(&mut c, Auth::Token(&head_token), "/api/v1/cases").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}
both!(bearer_tokens_decide_alone, bearer_tokens_decide_alone);

/// The token shown once on the account page after issuing.
fn shown_token(body: &str) -> String {
    let start = "id=\"api-token\">";
    let from = body.find(start).expect("token shown") + start.len();
    let to = body[from..].find('<').unwrap() + from;
    body[from..to].to_string()
}

async fn admins_issue_and_revoke_tokens_on_the_account_page(app: &App) {
    let desk = users::by_username(&app.db, "qiantai").await.unwrap();
    let page = format!("/admin/users/{}", desk.id);
    let mut admin = app.client();
    admin.login_ok("jiedao").await;
    assert!(admin.get(&page).await.body.contains("API 令牌"));
    let empty = admin
        .post(&format!("{page}/tokens"), &[("name", "  ")])
        .await;
    assert!(empty.body.contains("请写明令牌的用途"), "{}", empty.body);
    let r = admin
        .post(&format!("{page}/tokens"), &[("name", "自助终端")])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let token = shown_token(&r.body);
    let mut c = app.client();
    let listed = get(&mut c, Auth::Token(&token), "/api/v1/cases").await;
    assert_eq!(listed.status, StatusCode::OK);
    // Shown once: the page lists the token by its purpose only.
    let again = admin.get(&page).await.body;
    assert!(again.contains("自助终端") && !again.contains(&token));

    let id = api_tokens::list(&app.db, Some(desk.id)).await.unwrap()[0].id;
    let r = admin.post(&format!("{page}/tokens/{id}/revoke"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // Refused at once, though the token was just used (and cached).
    let gone = get(&mut c, Auth::Token(&token), "/api/v1/cases").await;
    assert_eq!(gone.status, StatusCode::UNAUTHORIZED);

    // A community head manages accounts but not their tokens.
    let mut head = app.client();
    head.login_ok("shequ").await;
    let seen = head.get(&page).await;
    assert_eq!(seen.status, StatusCode::OK, "the head manages the account");
    assert!(!seen.body.contains("API 令牌"));
    let r = head.post(&format!("{page}/tokens"), &[("name", "x")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        api_tokens::list(&app.db, Some(desk.id))
            .await
            .unwrap()
            .len(),
        1
    );
}
both!(
    token_page,
    admins_issue_and_revoke_tokens_on_the_account_page
);

async fn the_openapi_document_lists_the_paths(app: &App) {
    let r = get(&mut app.client(), Auth::None, "/api/v1/openapi.json").await;
    assert_eq!(r.status, StatusCode::OK);
    let doc = &r.json;
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3."),
        "{}",
        doc["openapi"]
    );
    let paths = doc["paths"].as_object().unwrap();
    for (path, method) in [
        ("/api/v1/cases", "post"),
        ("/api/v1/cases", "get"),
        ("/api/v1/cases/{number}", "get"),
        ("/api/v1/cases/{number}/transitions", "post"),
        ("/api/v1/catalogue/search", "get"),
    ] {
        assert!(paths[path][method].is_object(), "{method} {path}");
    }
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for s in ["CreateCase", "CaseDetail", "ErrorBody", "TransitionIn"] {
        assert!(schemas.contains_key(s), "{s}");
    }
    let required = schemas["CreateCase"]["required"].as_array().unwrap();
    assert!(required.contains(&json!("item_code")));
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}
both!(
    the_openapi_document_lists_the_paths,
    the_openapi_document_lists_the_paths
);
