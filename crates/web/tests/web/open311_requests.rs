//! Open311 service requests: partners submit with an api_key (403 without one, 400 for what
//! they can fix, and nothing written either way); anyone reads requests and their updates,
//! which show progress but never the applicant. Both formats throughout; keys are issued at
//! /admin/open311 by street and system administrators only.

use crate::both;
use crate::harness::App;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use quanke_domain::case::State;
use quanke_domain::catalogue::{Datatype, Question, QuestionOption, ServiceItem};
use quanke_store::Backend;
use quanke_store::cases::{self, Actor, Move};
use quanke_store::catalogue::{NewVersion, publish};
use quanke_store::open311_keys;
use quanke_store::testing::day;
use serde_json::Value;
use tower::ServiceExt;

const SAMPLE: &str = include_str!("../../../domain/src/catalogue/sample.json");
const CODE: &str = "T311-REQ";
const JSON: &str = "application/json; charset=utf-8";
const XML: &str = "text/xml; charset=utf-8";

// ---- requests ----

pub(crate) struct Got {
    pub(crate) status: StatusCode,
    content_type: String,
    pub(crate) body: String,
}

impl Got {
    fn json(&self) -> Value {
        assert_eq!(self.content_type, JSON, "{}", self.body);
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }

    fn xml(&self) -> roxmltree::Document<'_> {
        assert_eq!(self.content_type, XML, "{}", self.body);
        roxmltree::Document::parse(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

async fn send(app: &App, req: Request<Body>) -> Got {
    let resp = app.router.clone().oneshot(req).await.unwrap();
    let content_type = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let status = resp.status();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    Got {
        status,
        content_type,
        body: String::from_utf8(bytes.to_vec()).unwrap(),
    }
}

async fn get(app: &App, path: &str) -> Got {
    send(app, Request::get(path).body(Body::empty()).unwrap()).await
}

/// A partner's POST: a form body, no cookie, no CSRF token.
pub(crate) async fn post(
    app: &App,
    path: &str,
    fields: &[(&str, &str)],
    headers: &[(&str, &str)],
) -> Got {
    let mut req =
        Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let body = serde_urlencoded::to_string(fields).unwrap();
    send(app, req.body(Body::from(body)).unwrap()).await
}

// ---- data ----

/// The sample item (a required single choice, "who") with an optional multiple choice.
pub(crate) async fn seed_item(app: &App) {
    let mut item: ServiceItem = serde_json::from_str(SAMPLE).unwrap();
    item.code = CODE.into();
    item.questions.push(Question {
        id: "needs".into(),
        text: "需要哪些上门服务？".into(),
        hint: String::new(),
        datatype: Datatype::Multivaluelist,
        required: false,
        order: 2,
        options: ["meal", "visit"]
            .map(|k| QuestionOption {
                key: k.into(),
                label: k.into(),
            })
            .to_vec(),
    });
    let body = serde_json::to_string(&item).unwrap();
    let v = NewVersion {
        item_code: CODE,
        name: &item.name,
        line: &item.line,
        effective_from: "2020-01-01",
        change_note: "测试",
        body: &body,
        published_by: "admin",
    };
    publish(&app.db, &v, 1_700_000_000).await.unwrap();
}

pub(crate) async fn key(app: &App, name: &str) -> open311_keys::Issued {
    open311_keys::issue(&app.db, name, None, 1_700_000_000)
        .await
        .unwrap()
}

async fn case_count(app: &App) -> usize {
    let all = cases::Filter {
        within: "",
        limit: 100_000,
        ..cases::Filter::default()
    };
    cases::list(&app.db, &all).await.unwrap().len()
}

/// A complete request from a resident of 卖鱼桥社区.
pub(crate) fn full_request(api_key: &str) -> Vec<(&str, &str)> {
    vec![
        ("api_key", api_key),
        ("service_code", CODE),
        ("attribute[who]", "proxy"),
        ("attribute[needs][]", "meal"),
        ("attribute[needs][]", "visit"),
        ("description", "父亲今年 82 岁，想申领高龄津贴"),
        ("address_string", "湖墅街道卖鱼桥社区小河路 12 号"),
        ("lat", "30.2876"),
        ("long", "120.1498"),
        ("media_url", "https://partner.example.cn/p/1.jpg"),
        ("email", "wang@example.cn"),
        ("first_name", "小明"),
        ("last_name", "王"),
        ("phone", "13805712345"),
        ("account_id", "acc-7"),
        ("device_id", "dev-1"),
    ]
}

/// The full request with some fields replaced or dropped.
fn changed<'a>(
    api_key: &'a str,
    set: &[(&'a str, &'a str)],
    drop: &[&str],
) -> Vec<(&'a str, &'a str)> {
    let mut fields = full_request(api_key);
    fields.retain(|(name, _)| !drop.contains(name) && !set.iter().any(|(s, _)| s == name));
    fields.extend_from_slice(set);
    fields
}

fn now() -> i64 {
    let d = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    d.unwrap().as_secs() as i64
}

// ---- XML ----

fn elements<'a, 'i>(el: roxmltree::Node<'a, 'i>) -> Vec<roxmltree::Node<'a, 'i>> {
    el.children().filter(|c| c.is_element()).collect()
}

fn child_text<'a>(el: roxmltree::Node<'a, '_>, name: &str) -> Option<&'a str> {
    elements(el)
        .into_iter()
        .find(|c| c.tag_name().name() == name)
        .unwrap_or_else(|| panic!("<{}> has no <{name}>", el.tag_name().name()))
        .text()
}

/// The one error of an error list, in either format.
fn error_of(got: &Got, status: StatusCode) -> String {
    assert_eq!(got.status, status, "{}", got.body);
    if got.content_type == XML {
        let doc = got.xml();
        assert_eq!(doc.root_element().tag_name().name(), "errors");
        let errors = elements(doc.root_element());
        assert_eq!(errors.len(), 1);
        let code = status.as_u16().to_string();
        assert_eq!(child_text(errors[0], "code"), Some(code.as_str()));
        child_text(errors[0], "description").unwrap().to_string()
    } else {
        let v = got.json();
        assert_eq!(v[0]["code"], status.as_u16());
        v[0]["description"].as_str().unwrap().to_string()
    }
}

// ---- tests ----

async fn keys_are_required(app: &App) {
    seed_item(app).await;
    let revoked = key(app, "已停用的合作方").await;
    open311_keys::revoke(&app.db, revoked.id, 1_700_000_100)
        .await
        .unwrap();
    let before = case_count(app).await;
    for path in ["/open311/v2/requests.json", "/open311/v2/requests.xml"] {
        let mut fields = full_request("");
        fields.retain(|(k, _)| *k != "api_key");
        let missing = post(app, path, &fields, &[]).await;
        assert!(error_of(&missing, StatusCode::FORBIDDEN).contains("api_key"));
        let unknown = post(app, path, &full_request("qk311_nope"), &[]).await;
        error_of(&unknown, StatusCode::FORBIDDEN);
        let stopped = post(app, path, &full_request(&revoked.key), &[]).await;
        assert!(error_of(&stopped, StatusCode::FORBIDDEN).contains("停用"));
    }
    assert_eq!(case_count(app).await, before);
}
both!(keys_required, keys_are_required);

async fn refused_requests_write_nothing(app: &App) {
    seed_item(app).await;
    let k = key(app, "城市大脑").await;
    let before = case_count(app).await;
    // The same rule for answers as the desk's and the portal's (length included).
    let long = "长".repeat(501);
    let mut stray = changed(&k.key, &[], &[]);
    stray.push(("attribute[age]", "80"));
    let cases = [
        (
            changed(&k.key, &[("attribute[who]", &long)], &[]),
            "最多 500 个字",
        ),
        (stray, "attribute[age]"),
        (changed(&k.key, &[("service_code", "NOPE")], &[]), "NOPE"),
        (changed(&k.key, &[], &["service_code"]), "service_code"),
        (changed(&k.key, &[], &["attribute[who]"]), "attribute[who]"),
        (
            changed(&k.key, &[("attribute[who]", "robot")], &[]),
            "robot",
        ),
        (
            changed(&k.key, &[], &["lat", "long", "address_string"]),
            "address_string",
        ),
        (changed(&k.key, &[("lat", "91")], &[]), "lat"),
        (
            changed(&k.key, &[("media_url", "javascript:alert(1)")], &[]),
            "media_url",
        ),
    ];
    for (fields, named) in &cases {
        for path in ["/open311/v2/requests.json", "/open311/v2/requests.xml"] {
            let got = post(app, path, fields, &[]).await;
            let description = error_of(&got, StatusCode::BAD_REQUEST);
            assert!(description.contains(named), "{path}: {description}");
        }
    }
    assert_eq!(case_count(app).await, before);
}
both!(refused_requests, refused_requests_write_nothing);

async fn a_request_becomes_a_received_case(app: &App) {
    seed_item(app).await;
    let k = key(app, "城市大脑").await;
    let got = post(app, "/open311/v2/requests.json", &full_request(&k.key), &[]).await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.body);
    let v = got.json();
    assert_eq!(v.as_array().map(Vec::len), Some(1), "{v}");
    let number = v[0]["service_request_id"].as_str().unwrap();
    assert_eq!(v[0]["account_id"], "acc-7");
    assert!(
        v[0]["service_notice"]
            .as_str()
            .unwrap()
            .contains("10 个工作日")
    );

    let case = cases::by_number(&app.db, number).await.unwrap();
    // The address names 卖鱼桥社区 (MYQ), so the case is numbered there.
    assert!(number.starts_with("MYQ-"), "{number}");
    assert_eq!(case.channel, "open311");
    assert_eq!(case.state, State::Received);
    assert_eq!(case.open311_key_id, Some(k.id));
    assert_eq!(case.applicant_name, "王小明");
    assert_eq!(case.applicant_phone, "13805712345");
    assert_eq!(case.item_code, CODE);
    let answers: Value = serde_json::from_str(&case.answers).unwrap();
    assert_eq!(answers["who"], serde_json::json!(["proxy"]));
    assert_eq!(answers["needs"], serde_json::json!(["meal", "visit"]));
    let events = cases::events(&app.db, case.id).await.unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].actor_name, "Open311：城市大脑");
    for part in [
        "想申领高龄津贴",
        "小河路 12 号",
        "30.2876",
        "1.jpg",
        "wang@example.cn",
    ] {
        assert!(events[0].note.contains(part), "{part}: {}", events[0].note);
    }

    // No name, a number nobody can call, an address naming no community: the first community
    // of the street takes it (仓基新村社区, CJXC, first by code).
    let anonymous = [
        ("api_key", k.key.as_str()),
        ("service_code", CODE),
        ("attribute[who]", "self"),
        ("address_string", "某某路 1 号"),
        ("phone", "12"),
    ];
    let got = post(app, "/open311/v2/requests.xml", &anonymous, &[]).await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.body);
    let doc = got.xml();
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "service_requests");
    let requests = elements(root);
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].tag_name().name(), "request");
    let names: Vec<&str> = elements(requests[0])
        .iter()
        .map(|e| e.tag_name().name())
        .collect();
    assert_eq!(
        names,
        ["service_request_id", "service_notice", "account_id"]
    );
    assert_eq!(child_text(requests[0], "account_id"), None);
    let number = child_text(requests[0], "service_request_id").unwrap();
    assert!(number.starts_with("CJXC-"), "{number}");
    let case = cases::by_number(&app.db, number).await.unwrap();
    assert_eq!(
        (case.applicant_name.as_str(), case.applicant_phone.as_str()),
        ("Open311 用户", "")
    );
}
both!(submitted, a_request_becomes_a_received_case);

/// Client libraries that always send `jurisdiction_id` send it empty when none was set.
async fn an_empty_jurisdiction_is_not_given(app: &App) {
    seed_item(app).await;
    let k = key(app, "城市大脑").await;
    let fields = changed(&k.key, &[("jurisdiction_id", "")], &[]);
    let path = "/open311/v2/requests.xml?jurisdiction_id=";
    let got = post(app, path, &fields, &[]).await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.body);
    assert_eq!(case_count(app).await, 1);
    let elsewhere = changed(&k.key, &[("jurisdiction_id", "hangzhou.gov")], &[]);
    let got = post(app, "/open311/v2/requests.json", &elsewhere, &[]).await;
    assert!(error_of(&got, StatusCode::NOT_FOUND).contains("hangzhou.gov"));
    assert_eq!(case_count(app).await, 1);
}
both!(empty_jurisdiction, an_empty_jurisdiction_is_not_given);

async fn retries_with_the_same_idempotency_key_make_one_case(app: &App) {
    seed_item(app).await;
    let k = key(app, "城市大脑").await;
    let before = case_count(app).await;
    let once = [("idempotency-key", "req-42")];
    let path = "/open311/v2/requests.json";
    let first = post(app, path, &full_request(&k.key), &once).await.json();
    let again = post(app, path, &full_request(&k.key), &once).await.json();
    assert_eq!(
        first[0]["service_request_id"],
        again[0]["service_request_id"]
    );
    assert_eq!(case_count(app).await, before + 1);
    let other = post(
        app,
        path,
        &full_request(&k.key),
        &[("idempotency-key", "req-43")],
    )
    .await;
    assert_ne!(
        other.json()[0]["service_request_id"],
        first[0]["service_request_id"]
    );
}
both!(
    idempotent,
    retries_with_the_same_idempotency_key_make_one_case
);

/// Moves the case as the office would: accepted, assigned (a note the public must not see),
/// then completed with a note for the resident.
async fn complete(app: &App, number: &str) {
    let case = cases::by_number(&app.db, number).await.unwrap();
    let by = Actor {
        id: None,
        name: "王建国",
        now: now(),
        today: day("2026-11-28"),
    };
    let step = |from, to, action, note| Move {
        from,
        to,
        action,
        note,
        due_on: None,
        accepted_on: None,
        checklist: None,
    };
    let accept = step(
        State::Received,
        State::Accepted,
        "accept",
        "材料齐全，予以受理",
    );
    cases::transition(&app.db, case.id, &accept, &by)
        .await
        .unwrap();
    cases::assign(&app.db, case.id, None, "分派给王建国", &by)
        .await
        .unwrap();
    let done = step(
        State::Accepted,
        State::Completed,
        "complete",
        "已办结，请到社区领取",
    );
    cases::transition(&app.db, case.id, &done, &by)
        .await
        .unwrap();
}

async fn requests_show_progress_but_not_the_person(app: &App) {
    seed_item(app).await;
    let k = key(app, "城市大脑").await;
    let got = post(app, "/open311/v2/requests.json", &full_request(&k.key), &[]).await;
    let number = got.json()[0]["service_request_id"]
        .as_str()
        .unwrap()
        .to_string();

    let one = get(app, &format!("/open311/v2/requests/{number}.json")).await;
    assert_eq!(one.status, StatusCode::OK, "{}", one.body);
    for private in ["王小明", "13805712345", "wang@example.cn"] {
        assert!(!one.body.contains(private), "{private}: {}", one.body);
    }
    let v = one.json();
    assert_eq!(v.as_array().map(Vec::len), Some(1), "{v}");
    let r = &v[0];
    assert_eq!(r["service_request_id"], number.as_str());
    assert_eq!(r["status"], "open");
    assert_eq!(r["status_notes"], "收件");
    assert_eq!(r["service_code"], CODE);
    assert_eq!(r["service_name"], "高龄津贴申领");
    assert_eq!(r["agency_responsible"], "区民政局");
    assert_eq!(r["description"], "父亲今年 82 岁，想申领高龄津贴");
    assert_eq!(r["address"], "湖墅街道卖鱼桥社区小河路 12 号");
    assert_eq!(
        (&r["lat"], &r["long"]),
        (&Value::from(30.2876), &Value::from(120.1498))
    );
    assert_eq!(r["media_url"], "https://partner.example.cn/p/1.jpg");
    assert_eq!(r["zipcode"], Value::Null);
    let expected = r["expected_datetime"].as_str().expect("a due day");
    assert!(expected.ends_with("T23:59:59+08:00"), "{expected}");
    assert!(
        r["requested_datetime"]
            .as_str()
            .unwrap()
            .ends_with("+08:00")
    );

    let doc_text = get(app, &format!("/open311/v2/requests/{number}.xml")).await;
    let doc = doc_text.xml();
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "service_requests");
    let request = elements(root)[0];
    assert_eq!(request.tag_name().name(), "request");
    assert_eq!(child_text(request, "status"), Some("open"));
    assert_eq!(child_text(request, "expected_datetime"), Some(expected));
    assert_eq!(child_text(request, "zipcode"), None);

    let listed = get(app, "/open311/v2/requests.json?status=open")
        .await
        .json();
    assert!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["service_request_id"] == number.as_str())
    );
    let closed = get(app, "/open311/v2/requests.json?status=closed")
        .await
        .json();
    assert!(
        !closed
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["service_request_id"] == number.as_str())
    );

    complete(app, &number).await;
    let by_id = format!("/open311/v2/requests.json?service_request_id={number},NOPE-1&status=open");
    let v = get(app, &by_id).await.json();
    assert_eq!(v.as_array().map(Vec::len), Some(1), "{v}");
    assert_eq!(v[0]["status"], "closed");
    assert_eq!(v[0]["status_notes"], "已办结：已办结，请到社区领取");
    assert_eq!(v[0]["expected_datetime"], Value::Null);

    let xml = get(
        app,
        &format!("/open311/v2/requests.xml?status=closed&service_code={CODE}"),
    )
    .await;
    let doc = xml.xml();
    let ours: Vec<_> = elements(doc.root_element())
        .into_iter()
        .filter(|r| child_text(*r, "service_request_id") == Some(number.as_str()))
        .collect();
    assert_eq!(ours.len(), 1, "{}", xml.body);
    assert_eq!(child_text(ours[0], "status"), Some("closed"));
    assert_eq!(
        child_text(ours[0], "status_notes"),
        Some("已办结：已办结，请到社区领取")
    );

    let missing = get(app, "/open311/v2/requests/NOPE-1.xml").await;
    assert!(error_of(&missing, StatusCode::NOT_FOUND).contains("NOPE-1"));
    let bad = get(app, "/open311/v2/requests.json?start_date=yesterday").await;
    assert!(error_of(&bad, StatusCode::BAD_REQUEST).contains("start_date"));
}
both!(read, requests_show_progress_but_not_the_person);

async fn updates_list_every_event(app: &App) {
    seed_item(app).await;
    let k = key(app, "城市大脑").await;
    let got = post(app, "/open311/v2/requests.json", &full_request(&k.key), &[]).await;
    let number = got.json()[0]["service_request_id"]
        .as_str()
        .unwrap()
        .to_string();
    complete(app, &number).await;

    let all = get(app, "/open311/v2/servicerequestupdates.json").await;
    assert!(
        !all.body.contains("王建国") && !all.body.contains("wang@"),
        "{}",
        all.body
    );
    let ours: Vec<Value> = all
        .json()
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["service_request_id"] == number.as_str())
        .cloned()
        .collect();
    let seen: Vec<(&str, &str)> = ours
        .iter()
        .map(|u| {
            (
                u["status"].as_str().unwrap(),
                u["description"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("open", "收件"),
            ("open", "已受理：材料齐全，予以受理"),
            ("open", "分派"),
            ("closed", "已办结：已办结，请到社区领取"),
        ]
    );
    assert!(
        ours.iter()
            .all(|u| u["updated_datetime"].as_str().unwrap().ends_with("+08:00"))
    );

    let xml = get(app, "/open311/v2/servicerequestupdates.xml").await;
    let doc = xml.xml();
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "service_request_updates");
    let ours: Vec<_> = elements(root)
        .into_iter()
        .filter(|u| child_text(*u, "service_request_id") == Some(number.as_str()))
        .collect();
    assert_eq!(ours.len(), 4);
    let names: Vec<&str> = elements(ours[3])
        .iter()
        .map(|e| e.tag_name().name())
        .collect();
    assert_eq!(
        names,
        [
            "update_id",
            "service_request_id",
            "status",
            "updated_datetime",
            "description"
        ]
    );
    assert_eq!(child_text(ours[3], "status"), Some("closed"));

    // A window that ended before the case was opened holds none of its updates.
    let past = get(
        app,
        "/open311/v2/servicerequestupdates.json?end_date=2020-01-01T00:00:00Z",
    )
    .await;
    assert!(!past.body.contains(&number), "{}", past.body);
}
both!(updates, updates_list_every_event);

async fn street_admins_issue_and_revoke_keys(app: &App) {
    seed_item(app).await;
    let mut head = app.client();
    head.login_ok("shequ").await;
    assert_eq!(
        head.get("/admin/open311").await.status,
        StatusCode::FORBIDDEN
    );
    let refused = head.post("/admin/open311", &[("name", "社区自建")]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    let mut system = app.client();
    system.login_ok("admin").await;
    assert_eq!(system.get("/admin/open311").await.status, StatusCode::OK);

    let mut street = app.client();
    street.login_ok("jiedao").await;
    let blank = street.post("/admin/open311", &[("name", "  ")]).await;
    assert!(blank.body.contains("合作方名称不能为空"), "{}", blank.body);
    let page = street.post("/admin/open311", &[("name", "城市大脑")]).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let start = page.body.find("qk311_").expect("the key is shown once");
    let api_key: String = page.body[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    let listed = street.get("/admin/open311").await;
    assert!(listed.body.contains("城市大脑") && !listed.body.contains(&api_key));

    let ok = post(
        app,
        "/open311/v2/requests.json",
        &full_request(&api_key),
        &[],
    )
    .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    let id = open311_keys::list(&app.db).await.unwrap()[0].id;
    let revoked = street
        .post(&format!("/admin/open311/{id}/revoke"), &[])
        .await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER);
    let refused = post(
        app,
        "/open311/v2/requests.xml",
        &full_request(&api_key),
        &[],
    )
    .await;
    error_of(&refused, StatusCode::FORBIDDEN);

    let audit = street.get("/admin/audit").await;
    assert!(audit.body.contains("发放 Open311 密钥"), "{}", audit.body);
    assert!(audit.body.contains("停用 Open311 密钥"), "{}", audit.body);
}
both!(admin_keys, street_admins_issue_and_revoke_keys);
