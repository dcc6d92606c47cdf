//! Notifications (通知): each of the four events tells the right people whichever channel
//! caused it; the header's badge counts the unread ones; a worker only ever reaches their own.

use crate::api_cases::{Auth, accept_body, post as api_post, token_for};
use crate::both;
use crate::desk::intake;
use crate::harness::{App, between};
use crate::{open311_requests, portal_cases};
use axum::http::StatusCode;
use quanke_domain::Role;
use quanke_store::notifications::{self, Notification};
use quanke_store::{Backend, cases, orgs, users};
use serde_json::json;

async fn user_id(app: &App, username: &str) -> i64 {
    users::by_username(&app.db, username).await.unwrap().id
}

async fn notes(app: &App, username: &str) -> Vec<Notification> {
    notifications::list(&app.db, user_id(app, username).await, 100)
        .await
        .unwrap()
}

/// The cases a user was told of with notifications of `kind`.
async fn told(app: &App, username: &str, kind: &str) -> Vec<i64> {
    let mut ids: Vec<i64> = notes(app, username)
        .await
        .into_iter()
        .filter(|n| n.kind == kind)
        .map(|n| n.case_id)
        .collect();
    ids.sort();
    ids
}

/// The unread count the header shows ("" when there is no badge).
fn badge(body: &str) -> &str {
    between(body, "class=\"badge\"", "</span>")
        .and_then(|s| s.rsplit('>').next())
        .unwrap_or("")
}

async fn sdn_id(app: &App) -> String {
    orgs::by_code(&app.db, "SDN").await.unwrap().id.to_string()
}

async fn online_applications_tell_the_desk_and_the_head(app: &App) {
    app.account("sdn_head", Role::CommunityHead, "SDN").await;
    // The partner's service is published before the catalogue is first read.
    open311_requests::seed_item(app).await;
    let mut resident = app.client();
    let portal = portal_cases::applied(app, &mut resident, "李秀英").await;
    let k = open311_requests::key(app, "城市大脑").await;
    let request = open311_requests::full_request(&k.key);
    let got = open311_requests::post(app, "/open311/v2/requests.json", &request, &[]).await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.body);
    let v: serde_json::Value = serde_json::from_str(&got.body).unwrap();
    let number = v[0]["service_request_id"].as_str().unwrap();
    let partner = cases::by_number(&app.db, number).await.unwrap();
    let mut both = vec![portal.id, partner.id];
    both.sort();
    for who in ["qiantai", "shequ"] {
        assert_eq!(told(app, who, "online_application").await, both, "{who}");
    }
    for who in ["houtai", "wangge", "jiedao", "sdn_head"] {
        assert!(notes(app, who).await.is_empty(), "{who}");
    }
    // The desk's header counts them, and the list names the cases by number.
    let mut desk = app.login("qiantai").await;
    assert_eq!(badge(&desk.get("/").await.body), "2");
    let list = desk.get("/notifications").await;
    assert!(list.body.contains(&portal.number), "{}", list.body);
    assert!(list.body.contains(number));
    assert!(list.body.contains("网上申请"));
}
both!(
    online_applications_notify,
    online_applications_tell_the_desk_and_the_head
);

async fn an_assigned_case_tells_its_worker(app: &App) {
    let person = app.first_resident("MYQ-01").await;
    let rid = person.id.to_string();
    let mut desk = app.login("qiantai").await;
    let at_desk = desk
        .post("/desk/cases", &intake(&rid, "n-1", &[], "accept"))
        .await
        .case_id();
    let token = token_for(app, "qiantai").await;
    let by_api = api_post(
        &mut desk,
        Auth::Token(&token),
        "/api/v1/cases",
        &accept_body(),
        None,
    )
    .await;
    assert_eq!(by_api.status, StatusCode::CREATED, "{}", by_api.json);
    let by_api = cases::by_number(&app.db, by_api.json["case"]["number"].as_str().unwrap())
        .await
        .unwrap();
    let houtai = user_id(app, "houtai").await;
    for id in [at_desk, by_api.id] {
        assert_eq!(
            cases::get(&app.db, id).await.unwrap().assignee_id,
            Some(houtai)
        );
    }
    let mut routed = vec![at_desk, by_api.id];
    routed.sort();
    assert_eq!(told(app, "houtai", "assigned").await, routed);
    // The head gives one to another back-office worker, who is told; the head is not.
    app.account("houtai2", Role::BackOffice, "MYQ").await;
    let worker = user_id(app, "houtai2").await.to_string();
    let mut head = app.login("shequ").await;
    let r = head
        .post(&format!("/cases/{at_desk}/assign"), &[("worker", &worker)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(told(app, "houtai2", "assigned").await, vec![at_desk]);
    assert!(told(app, "shequ", "assigned").await.is_empty());
    assert!(told(app, "qiantai", "assigned").await.is_empty());
}
both!(assignment_notifies, an_assigned_case_tells_its_worker);

async fn a_decided_approval_tells_who_asked(app: &App) {
    let person = app.first_resident("MYQ-01").await;
    let rid = person.id.to_string();
    let mut desk = app.login("qiantai").await;
    let mut form = intake(&rid, "n-2", &[], "reject");
    form.push(("note", "户籍不在本区"));
    let at_desk = desk.post("/desk/cases", &form).await.case_id();
    let token = token_for(app, "qiantai").await;
    let mut refuse = accept_body();
    refuse["outcome"] = json!("reject");
    refuse["note"] = json!("户籍不在本区，请到户籍地办理");
    let by_api = api_post(
        &mut desk,
        Auth::Token(&token),
        "/api/v1/cases",
        &refuse,
        None,
    )
    .await;
    assert_eq!(by_api.status, StatusCode::CREATED, "{}", by_api.json);
    let by_api = cases::by_number(&app.db, by_api.json["case"]["number"].as_str().unwrap())
        .await
        .unwrap();
    assert!(told(app, "qiantai", "approval_decided").await.is_empty());
    let mut head = app.login("shequ").await;
    for (id, decision, answer) in [(at_desk, "approve", ""), (by_api.id, "refuse", "请再核实")]
    {
        let a = cases::pending_approval(&app.db, id).await.unwrap().unwrap();
        let r = head
            .post(
                &format!("/cases/{id}/approvals/{}", a.id),
                &[("decision", decision), ("answer", answer)],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    let mut decided = vec![at_desk, by_api.id];
    decided.sort();
    assert_eq!(told(app, "qiantai", "approval_decided").await, decided);
    let texts: Vec<String> = notes(app, "qiantai")
        .await
        .into_iter()
        .map(|n| n.text)
        .collect();
    assert!(
        texts.contains(&"社区负责人同意“不予受理”".to_string()),
        "{texts:?}"
    );
    assert!(
        texts.contains(&"社区负责人不同意“不予受理”：请再核实".to_string()),
        "{texts:?}"
    );
    assert!(told(app, "shequ", "approval_decided").await.is_empty());
}
both!(approval_notifies, a_decided_approval_tells_who_asked);

async fn a_transfer_tells_the_receiving_community(app: &App) {
    app.account("sdn_head", Role::CommunityHead, "SDN").await;
    app.account("sdn_desk", Role::FrontDesk, "SDN").await;
    app.account("sdn_back", Role::BackOffice, "SDN").await;
    let person = app.first_resident("MYQ-01").await;
    let rid = person.id.to_string();
    let mut desk = app.login("qiantai").await;
    let at_desk = desk
        .post("/desk/cases", &intake(&rid, "n-3", &[], "accept"))
        .await
        .case_id();
    let mut resident = app.client();
    let online = portal_cases::applied(app, &mut resident, "李秀英").await;
    let sdn = sdn_id(app).await;
    for id in [at_desk, online.id] {
        let r = desk
            .post(
                &format!("/cases/{id}/transfer"),
                &[
                    ("kind", "community"),
                    ("community", &sdn),
                    ("reason", "居民实际居住在双荡弄"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    let mut moved = vec![at_desk, online.id];
    moved.sort();
    for who in ["sdn_head", "sdn_desk"] {
        assert_eq!(told(app, who, "transfer_in").await, moved, "{who}");
    }
    assert!(notes(app, "sdn_back").await.is_empty());
    for who in ["shequ", "qiantai"] {
        assert!(told(app, who, "transfer_in").await.is_empty(), "{who}");
    }
    let n = &notes(app, "sdn_head").await[0];
    assert_eq!(n.text, "陈晓燕转来：居民实际居住在双荡弄");
}
both!(transfer_notifies, a_transfer_tells_the_receiving_community);

async fn only_their_own_and_read_once_opened(app: &App) {
    let mut resident = app.client();
    let first = portal_cases::applied(app, &mut resident, "李秀英").await;
    let second = portal_cases::applied(app, &mut resident, "王建华").await;
    let mine = notes(app, "qiantai").await;
    assert_eq!(mine.len(), 2);
    // Newest first while both are unread.
    assert_eq!(mine[0].case_id, second.id);
    let heads = notes(app, "shequ").await;
    // Another worker's notification is not found, and stays unread.
    let mut desk = app.login("qiantai").await;
    let r = desk.get(&format!("/notifications/{}", heads[0].id)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(
        !desk
            .get("/notifications")
            .await
            .body
            .contains(&format!("/notifications/{}\"", heads[0].id))
    );
    let head_id = user_id(app, "shequ").await;
    assert_eq!(
        notifications::unread_count(&app.db, head_id).await.unwrap(),
        2
    );
    let r = desk.get("/notifications/999999").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Opening one goes to its case and marks it read: it moves below the unread one.
    let older = mine.iter().find(|n| n.case_id == first.id).unwrap();
    let r = desk.get(&format!("/notifications/{}", older.id)).await;
    assert_eq!(
        r.location.as_deref(),
        Some(format!("/cases/{}", first.id).as_str())
    );
    assert_eq!(badge(&desk.get("/").await.body), "1");
    let now = notes(app, "qiantai").await;
    assert_eq!((now[0].case_id, now[0].read_at), (second.id, None));
    assert!(now[1].read_at.is_some());
    // Marking all read clears the badge; the head's stay unread.
    let r = desk.post("/notifications/read", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = desk.get("/notifications").await;
    assert_eq!(badge(&page.body), "");
    assert!(page.body.contains(&second.number));
    assert_eq!(
        notifications::unread_count(&app.db, head_id).await.unwrap(),
        2
    );
}
both!(notification_scope, only_their_own_and_read_once_opened);
