//! The resident portal's cases: applying online with scans (网上申请), following a case with its
//! number and phone (办件查询), rating it once done (好差评, on the portal and at the desk), and
//! the 最多跑一次 / 好差评 report for heads.

use crate::both;
use crate::harness::{App, Client, Part, Resp, between};
use axum::http::StatusCode;
use quanke_domain::case::State;
use quanke_domain::throttle::PortalAttempt;
use quanke_store::case_reports;
use quanke_store::cases::{self, Actor, Case, Filter, Move, NewCase};
use quanke_store::registry::{self as store, export};
use quanke_store::testing::day;
use quanke_store::{Backend, orgs, throttle, users};

const OK: StatusCode = StatusCode::OK;
const ITEM: &str = "MZ-DB01";
const PHONE: &str = "13805712345";
/// MZ-DB01 for a new application, by the applicant, with nothing special: id-card, hukou,
/// apply, auth and income are asked for.
const CHOICE: [(&str, &str); 3] = [("kind", "new"), ("a_who", "self"), ("a_special", "none")];
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";

async fn all_cases(app: &App) -> Vec<Case> {
    let f = Filter {
        within: "/",
        limit: 10_000,
        ..Filter::default()
    };
    cases::list(&app.db, &f).await.unwrap()
}

/// Opens step two of the application form and returns the form's idempotency key.
pub(crate) async fn step_two(c: &mut Client<'_>) -> String {
    let q = serde_urlencoded::to_string(CHOICE).unwrap();
    let r = c
        .get(&format!("/portal/items/{ITEM}/apply?{q}&step=2"))
        .await;
    assert_eq!(r.status, OK, "{}", r.body);
    assert!(r.body.contains("提交申请"), "{}", r.body);
    between(&r.body, "name=\"key\" value=\"", "\"")
        .expect("key")
        .to_string()
}

/// Posts the application as the browser would: multipart, the token in the action's query.
pub(crate) async fn apply(
    c: &mut Client<'_>,
    fields: &[(&str, &str)],
    files: &[(&str, &[u8])],
) -> Resp {
    let all: Vec<(&str, &str)> = CHOICE.iter().chain(fields).copied().collect();
    let parts: Vec<Part<'_>> = files
        .iter()
        .map(|(name, bytes)| Part {
            field: "files",
            name,
            claimed: "application/octet-stream",
            bytes,
        })
        .collect();
    c.post_multipart(&format!("/portal/items/{ITEM}/apply"), &all, &parts)
        .await
}

async fn community(app: &App, code: &str) -> orgs::Org {
    orgs::by_code(&app.db, code).await.unwrap()
}

/// Applies online for MZ-DB01 in 卖鱼桥社区 with one scan; returns the case.
pub(crate) async fn applied(app: &App, c: &mut Client<'_>, name: &str) -> Case {
    let key = step_two(c).await;
    let myq = community(app, "MYQ").await.id.to_string();
    let fields = [
        ("key", key.as_str()),
        ("has", "id-card"),
        ("has", "hukou"),
        ("has", "apply"),
        ("name", name),
        ("phone", "138 0571 2345"),
        ("community", myq.as_str()),
        ("note", "家里老人行动不便"),
    ];
    let r = apply(c, &fields, &[("hukou.pdf", PDF)]).await;
    assert_eq!(r.status, OK, "{}", r.body);
    assert!(r.body.contains("申请已提交"), "{}", r.body);
    let number = between(&r.body, "id=\"case-number\">", "<").expect("case number");
    cases::by_number(&app.db, number).await.unwrap()
}

async fn applying_online_opens_a_received_case(app: &App) {
    let mut c = app.client();
    let guide = c.get(&format!("/portal/items/{ITEM}")).await;
    assert!(guide.body.contains(&format!("/portal/items/{ITEM}/apply")));
    // Step one asks the questions first.
    let first = c.get(&format!("/portal/items/{ITEM}/apply")).await;
    assert_eq!(first.status, OK);
    assert!(first.body.contains("第 1 步"), "{}", first.body);
    let unanswered = c
        .get(&format!("/portal/items/{ITEM}/apply?kind=new&step=2"))
        .await;
    assert!(unanswered.body.contains("请回答"), "{}", unanswered.body);

    let case = applied(app, &mut c, "李秀英").await;
    assert_eq!(case.state, State::Received);
    assert_eq!(case.channel, "portal");
    assert_eq!(case.item_code, ITEM);
    assert_eq!(case.applicant_phone, PHONE);
    assert_eq!(case.created_by, None);
    assert_eq!(case.resident_id, None);
    let myq = community(app, "MYQ").await;
    assert_eq!(case.community_path, myq.path);
    // Unticked materials are recorded as missing.
    let list: Vec<serde_json::Value> = serde_json::from_str(&case.checklist).unwrap();
    let status = |id: &str| {
        list.iter()
            .find(|e| e["id"] == id)
            .map(|e| e["status"].as_str().unwrap().to_string())
    };
    assert_eq!(status("id-card").as_deref(), Some("brought"));
    assert_eq!(status("hukou").as_deref(), Some("brought"));
    assert_eq!(status("auth").as_deref(), Some("missing"));
    assert_eq!(status("income").as_deref(), Some("missing"));
    assert_eq!(status("proxy-id"), None);
    // The scan is stored on the creating event; applying online is no visit.
    let events = cases::events(&app.db, case.id).await.unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].action, "receive");
    let files = cases::files(&app.db, case.id).await.unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].file_name, "hukou.pdf");
    assert_eq!(files[0].content_type, "application/pdf");
    assert_eq!(files[0].event_id, Some(events[0].id));
    let (_, data) = cases::file(&app.db, case.id, files[0].id).await.unwrap();
    assert_eq!(data, PDF);
    assert!(cases::visits(&app.db, case.id).await.unwrap().is_empty());

    // A known ID number with the registered name links the resident of the chosen community.
    let grid = community(app, "MYQ-01").await;
    let first = export::page(&app.db, &grid.path, None, 0, 1).await.unwrap();
    let person = store::resident(&app.db, first[0].id).await.unwrap();
    let key = step_two(&mut c).await;
    let myq = community(app, "MYQ").await.id.to_string();
    let fields = [
        ("key", key.as_str()),
        ("name", person.name.as_str()),
        ("phone", "0571-88886666"),
        ("id_number", person.id_number.as_str()),
        ("community", myq.as_str()),
    ];
    let r = apply(&mut c, &fields, &[]).await;
    assert!(r.body.contains("申请已提交"), "{}", r.body);
    let number = between(&r.body, "id=\"case-number\">", "<").unwrap();
    let linked = cases::by_number(&app.db, number).await.unwrap();
    assert_eq!(linked.resident_id, Some(person.id));
    assert_eq!(linked.applicant_phone, "0571-88886666");
    assert!(
        linked
            .community_path
            .as_str()
            .starts_with(community(app, "MYQ").await.path.as_str())
    );
    // Every material unticked: all missing, and listed for the resident.
    assert!(r.body.contains("尚缺的材料"));

    // The same form submitted twice opens one case.
    let again = apply(&mut c, &fields, &[]).await;
    assert!(again.body.contains(number), "{}", again.body);
    assert_eq!(all_cases(app).await.len(), 2);
    // Sent again with a scan: the case stays as it was written, its scans with it (a case
    // and its scans are one transaction, so there is nothing to complete).
    let r = apply(&mut c, &fields, &[("hukou.pdf", PDF)]).await;
    assert!(r.body.contains(number), "{}", r.body);
    assert!(cases::files(&app.db, linked.id).await.unwrap().is_empty());
    assert_eq!(all_cases(app).await.len(), 2);

    // The two applications count against the address (tests have no peer address: "local");
    // at 30 in the hour the next one is turned away and nothing is written.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    for _ in 2..30 {
        throttle::record_portal(&app.db, PortalAttempt::Application, "local", now)
            .await
            .unwrap();
    }
    let mut fresh_key = fields;
    fresh_key[0] = ("key", "");
    let r = apply(&mut c, &fresh_key, &[]).await;
    assert!(r.body.contains("一小时内最多提交 30 份"), "{}", r.body);
    assert_eq!(all_cases(app).await.len(), 2);
}
both!(apply_online, applying_online_opens_a_received_case);

type Fields = Vec<(String, String)>;
type Files<'a> = &'a [(&'a str, &'a [u8])];

async fn bad_input_writes_nothing(app: &App) {
    let mut c = app.client();
    let key = step_two(&mut c).await;
    let myq = community(app, "MYQ").await.id.to_string();
    let with = |phone: &'static str, id: &'static str, community: &str| {
        vec![
            ("key".to_string(), key.clone()),
            ("has".into(), "hukou".into()),
            ("name".into(), "王大伟".into()),
            ("phone".into(), phone.into()),
            ("id_number".into(), id.into()),
            ("community".into(), community.to_string()),
        ]
    };
    let tries: [(Fields, Files, &str); 6] = [
        (with("12345", "", &myq), &[], "手机号码有误"),
        (with("", "", &myq), &[], "请填写手机号码"),
        (with(PHONE, "330105199001019990", &myq), &[], "身份证号码"),
        (with(PHONE, "", ""), &[], "请选择您所在的社区"),
        (with(PHONE, "", "999999"), &[], "请选择您所在的社区"),
        (
            with(PHONE, "", &myq),
            &[("notes.html", &b"<html>hello</html>"[..])],
            "不是 PDF 或 JPG、PNG 图片",
        ),
    ];
    for (fields, files, expected) in tries {
        let borrowed: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let r = apply(&mut c, &borrowed, files).await;
        assert_eq!(r.status, OK, "{}", r.body);
        let error = between(&r.body, "id=\"apply-error\">", "<").unwrap_or("");
        assert!(error.contains(expected), "{expected}: {}", r.body);
        // The form comes back with what was typed.
        assert!(r.body.contains("value=\"王大伟\""), "{}", r.body);
        assert!(r.body.contains("name=\"has\" value=\"hukou\" checked"));
        if !files.is_empty() {
            assert!(error.contains("附件需要重新选择"));
        }
    }
    // Scans over 10 MB together are refused with the form re-shown.
    let mut big = PDF.to_vec();
    big.resize(10 * 1024 * 1024 + 1, b' ');
    let fields = with(PHONE, "", &myq);
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let r = apply(&mut c, &borrowed, &[("big.pdf", &big)]).await;
    assert_eq!(r.status, OK);
    let error = between(&r.body, "id=\"apply-error\">", "<").unwrap_or("");
    assert!(error.contains("合计不能超过 10 MB"), "{error}");
    // Past the whole request's limit: a page that says so, in Chinese.
    big.resize(12 * 1024 * 1024, b' ');
    let r = apply(&mut c, &borrowed, &[("big.pdf", &big)]).await;
    assert_eq!(r.status.as_u16(), 413);
    assert!(r.body.contains("提交内容过大"), "{}", r.body);
    // No name at all.
    let r = apply(
        &mut c,
        &[("key", &key), ("phone", PHONE), ("community", &myq)],
        &[],
    )
    .await;
    assert!(r.body.contains("请填写申请人姓名"), "{}", r.body);
    // Without the token in the action URL the upload is refused.
    let token = c.cookies.remove("qk_csrf");
    let r = apply(
        &mut c,
        &[("name", "王大伟"), ("phone", PHONE), ("community", &myq)],
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    c.cookies.insert("qk_csrf".into(), token.unwrap());
    assert!(all_cases(app).await.is_empty());
}
both!(apply_bad_input, bad_input_writes_nothing);

async fn track(c: &mut Client<'_>, number: &str, phone: &str) -> Resp {
    let r = c
        .post("/portal/track", &[("number", number), ("phone", phone)])
        .await;
    assert_eq!(r.status, OK, "{}", r.body);
    r
}

async fn tracking_needs_the_number_and_the_phone(app: &App) {
    let mut c = app.client();
    let case = applied(app, &mut c, "李秀英").await;
    let form = c
        .get(&format!("/portal/track?number={}", case.number))
        .await;
    assert!(form.body.contains(&format!("value=\"{}\"", case.number)));

    let r = track(&mut c, &case.number, "138-0571-2345").await;
    assert!(r.body.contains(&case.number), "{}", r.body);
    assert!(r.body.contains("id=\"case-state\">收件<"), "{}", r.body);
    assert!(r.body.contains("最低生活保障申请"));
    assert!(r.body.contains("已收到申请"));
    // Lower case is fine.
    let r = track(&mut c, &case.number.to_lowercase(), PHONE).await;
    assert!(r.body.contains("id=\"case-state\""), "{}", r.body);

    let wrong_phone = track(&mut c, &case.number, "13900000000").await;
    let wrong_number = track(&mut c, "MYQ-20000101-0001", PHONE).await;
    for r in [&wrong_phone, &wrong_number] {
        let error = between(&r.body, "id=\"track-error\">", "<").unwrap();
        assert!(error.starts_with("未找到"), "{error}");
        assert!(!r.body.contains("case-state"));
    }
    assert_eq!(
        between(&wrong_phone.body, "id=\"track-error\">", "<"),
        between(&wrong_number.body, "id=\"track-error\">", "<")
    );

    // 待补正 shows what is missing.
    let desk = Actor {
        id: None,
        name: "陈晓燕",
        now: quanke_web_now(),
        today: day("2026-11-28"),
    };
    let m = Move {
        from: State::Received,
        to: State::AwaitingMaterials,
        action: "request_materials",
        note: "请补交收入证明",
        due_on: None,
        accepted_on: None,
        checklist: None,
    };
    cases::transition(&app.db, case.id, &m, &desk)
        .await
        .unwrap();
    let r = track(&mut c, &case.number, PHONE).await;
    assert!(r.body.contains("id=\"case-state\">待补正<"));
    assert!(r.body.contains("需要补充的材料"));
    assert!(r.body.contains("请补交收入证明"));
    assert!(r.body.contains("陈晓燕"));

    // Guessing is throttled: after ten misses even the right pair must wait.
    for i in 0..8 {
        track(&mut c, &format!("MYQ-20000101-{i:04}"), PHONE).await;
    }
    let r = track(&mut c, &case.number, PHONE).await;
    let error = between(&r.body, "id=\"track-error\">", "<").unwrap_or("");
    assert!(error.contains("失败次数过多"), "{}", r.body);
}
both!(track, tracking_needs_the_number_and_the_phone);

fn quanke_web_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// Takes a received case through to 已办结, handled by `houtai`.
async fn complete(app: &App, case: &Case) {
    let houtai = users::by_username(&app.db, "houtai").await.unwrap();
    let by = Actor {
        id: Some(houtai.id),
        name: "王建国",
        now: quanke_web_now(),
        today: day("2026-11-28"),
    };
    cases::assign(&app.db, case.id, Some(houtai.id), "", &by)
        .await
        .unwrap();
    for (from, to, action) in [
        (State::Received, State::Accepted, "accept"),
        (State::Accepted, State::InProgress, "start"),
        (State::InProgress, State::Completed, "complete"),
    ] {
        let m = Move {
            from,
            to,
            action,
            note: "",
            due_on: None,
            accepted_on: None,
            checklist: None,
        };
        cases::transition(&app.db, case.id, &m, &by).await.unwrap();
    }
}

async fn rate_online(c: &mut Client<'_>, case: &Case, score: &str) -> Resp {
    let r = c
        .post(
            "/portal/track/rating",
            &[
                ("number", case.number.as_str()),
                ("phone", PHONE),
                ("score", score),
                ("comment", "办得很快"),
            ],
        )
        .await;
    assert_eq!(r.status, OK, "{}", r.body);
    r
}

async fn rating_comes_once_after_completion(app: &App) {
    let mut c = app.client();
    let case = applied(app, &mut c, "李秀英").await;
    let before = track(&mut c, &case.number, PHONE).await;
    assert!(!before.body.contains("/portal/track/rating"));
    let early = rate_online(&mut c, &case, "5").await;
    assert!(early.body.contains("办结后才能评价"), "{}", early.body);

    complete(app, &case).await;
    let done = track(&mut c, &case.number, PHONE).await;
    assert!(done.body.contains("/portal/track/rating"), "{}", done.body);
    for bad in ["6", "0", "x", ""] {
        let r = rate_online(&mut c, &case, bad).await;
        let error = between(&r.body, "id=\"rating-error\">", "<").unwrap_or("");
        assert!(error.contains("1—5 分"), "{bad}: {}", r.body);
    }
    assert_eq!(case_reports::rating(&app.db, case.id).await.unwrap(), None);

    let r = rate_online(&mut c, &case, "4").await;
    assert!(r.body.contains("感谢您的评价"), "{}", r.body);
    let houtai = users::by_username(&app.db, "houtai").await.unwrap();
    let rating = case_reports::rating(&app.db, case.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            rating.score,
            rating.comment.as_str(),
            rating.channel.as_str()
        ),
        (4, "办得很快", "portal")
    );
    assert_eq!(rating.worker_id, Some(houtai.id));
    let twice = rate_online(&mut c, &case, "1").await;
    assert!(twice.body.contains("已经评价过"), "{}", twice.body);
    assert_eq!(
        case_reports::rating(&app.db, case.id)
            .await
            .unwrap()
            .unwrap()
            .score,
        4
    );
    // The wrong phone cannot rate.
    let r = c
        .post(
            "/portal/track/rating",
            &[
                ("number", case.number.as_str()),
                ("phone", "13900000000"),
                ("score", "1"),
            ],
        )
        .await;
    assert!(r.body.contains("未找到"), "{}", r.body);

    // At the desk, for a case of the worker's community.
    let second = applied(app, &mut c, "张三").await;
    let mut desk = app.client();
    desk.login_ok("qiantai").await;
    let path = format!("/cases/{}/rating", second.id);
    let r = desk.post(&path, &[("score", "5")]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("办结后才能评价"));
    complete(app, &second).await;
    let r = desk.post(&path, &[("score", "9")]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = desk
        .post(&path, &[("score", "5"), ("comment", "态度好")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        r.location.as_deref(),
        Some(format!("/cases/{}", second.id).as_str())
    );
    let rating = case_reports::rating(&app.db, second.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((rating.score, rating.channel.as_str()), (5, "desk"));
    let r = desk.post(&path, &[("score", "3")]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("已经评价过"));
    let events = cases::events(&app.db, second.id).await.unwrap();
    assert_eq!(events.last().unwrap().action, "rate");
}
both!(rating, rating_comes_once_after_completion);

async fn rating_outside_the_scope_is_not_found(app: &App) {
    let sdn = community(app, "SDN").await;
    let by = Actor {
        id: None,
        name: "前台",
        now: quanke_web_now(),
        today: day("2026-11-28"),
    };
    let (case, _) = cases::create(&app.db, &new_case(&sdn, "completed", false), &by)
        .await
        .unwrap();
    let mut desk = app.client();
    desk.login_ok("qiantai").await;
    let r = desk
        .post(&format!("/cases/{}/rating", case.id), &[("score", "5")])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    assert_eq!(case_reports::rating(&app.db, case.id).await.unwrap(), None);
}
both!(rating_scope, rating_outside_the_scope_is_not_found);

fn new_case(community: &orgs::Org, state: &str, visit: bool) -> NewCase {
    NewCase {
        community_path: community.path.clone(),
        community_code: community.code.clone(),
        item_code: ITEM.into(),
        item_version: 1,
        line: "民政".into(),
        business_kind: quanke_domain::catalogue::BusinessKind::New,
        answers: "{}".into(),
        checklist: "[]".into(),
        resident_id: None,
        applicant_name: "测试".into(),
        applicant_phone: PHONE.into(),
        channel: if visit { "desk" } else { "portal" }.into(),
        state: state.parse().expect("a state code"),
        action: "receive".into(),
        note: "".into(),
        promised_days: 20,
        accepted_on: None,
        due_on: None,
        assignee_id: None,
        open311_key_id: None,
        idempotency_key: None,
        visit: visit.then(|| "intake".into()),
        assign_note: None,
        route: false,
        mandate: None,
    }
}

/// 2025-03-10 12:00 Beijing time: the report's cases, away from any demo data.
const MARCH: i64 = 1_741_579_200;

/// A case of `community` created in March 2025 with `visits` visits in all.
async fn past_case(app: &App, community: &orgs::Org, visits: usize) -> i64 {
    let by = Actor {
        id: None,
        name: "前台",
        now: MARCH,
        today: day("2025-03-10"),
    };
    let c = new_case(community, "completed", visits > 0);
    let (case, _) = cases::create(&app.db, &c, &by).await.unwrap();
    for _ in 1..visits {
        cases::record_visit(&app.db, case.id, "materials", &by)
            .await
            .unwrap();
    }
    case.id
}

async fn the_report_counts_visits_and_ratings(app: &App) {
    let myq = community(app, "MYQ").await;
    let sdn = community(app, "SDN").await;
    let houtai = users::by_username(&app.db, "houtai").await.unwrap();
    let a = past_case(app, &myq, 0).await;
    let b = past_case(app, &myq, 1).await;
    past_case(app, &myq, 2).await;
    past_case(app, &sdn, 3).await;
    case_reports::rate(&app.db, a, 5, "", "portal", Some(houtai.id), MARCH)
        .await
        .unwrap();
    case_reports::rate(&app.db, b, 2, "", "desk", Some(houtai.id), MARCH)
        .await
        .unwrap();
    let march = "/cases/reports?from=2025-03-01&to=2025-03-31";

    let mut head = app.client();
    head.login_ok("shequ").await;
    let r = head.get(march).await;
    assert_eq!(r.status, OK, "{}", r.body);
    // 卖鱼桥社区: 3 cases, 3 visits, 1.00 per case, 2 with at most one (66.7%), 1 with none.
    let myq_row =
        "<td>卖鱼桥社区</td><td>3</td><td>3</td><td>1.00</td><td>2</td><td>66.7%</td><td>1</td>";
    assert!(r.body.contains(myq_row), "{}", r.body);
    assert!(
        !r.body.contains("双荡弄社区"),
        "the head sees only the community"
    );
    assert!(
        r.body
            .contains("<td>最低生活保障申请</td><td>3</td><td>3</td><td>1.00</td>")
    );
    // Ratings: 5 and 2, average 3.50, one 差评.
    let rated = "<td>2</td><td>3.50</td><td>1</td><td>1</td><td>50.0%</td>";
    assert!(
        r.body.contains(&format!("<td>卖鱼桥社区</td>{rated}")),
        "{}",
        r.body
    );
    assert!(
        r.body.contains(&format!("<td>王建国</td>{rated}")),
        "{}",
        r.body
    );
    assert!(
        r.body
            .contains(&format!("<td>最低生活保障申请</td>{rated}"))
    );

    let mut street = app.client();
    street.login_ok("jiedao").await;
    let r = street.get(march).await;
    assert_eq!(r.status, OK, "{}", r.body);
    assert!(r.body.contains(myq_row));
    let sdn_row =
        "<td>双荡弄社区</td><td>1</td><td>3</td><td>3.00</td><td>0</td><td>0.0%</td><td>0</td>";
    assert!(r.body.contains(sdn_row), "{}", r.body);
    let total = "<th>合计</th><th>4</th><th>6</th><th>1.50</th><th>2</th><th>50.0%</th><th>1</th>";
    assert!(r.body.contains(total), "{}", r.body);
    // Another period holds none of them; this month is the default.
    let april = street
        .get("/cases/reports?from=2025-04-01&to=2025-04-30")
        .await;
    assert!(!april.body.contains("卖鱼桥社区</td><td>3"));
    assert!(april.body.contains("该期间没有办件"));
    let default = street.get("/cases/reports").await;
    assert_eq!(default.status, OK);
    assert!(default.body.contains("-01 至 "), "{}", default.body);
    let bad = street.get("/cases/reports?from=2025-13-01").await;
    assert!(bad.body.contains("日期格式"), "{}", bad.body);

    let mut desk = app.client();
    desk.login_ok("qiantai").await;
    assert_eq!(desk.get(march).await.status, StatusCode::FORBIDDEN);
}
both!(reports, the_report_counts_visits_and_ratings);
