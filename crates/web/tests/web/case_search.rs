//! Case search (办件查询): each filter alone and combined, the caller's scope (another
//! community's case is never found by number, phone or ID number), masking on the page, in the
//! export and in the API, the audited export, stable keyset pages, and bad parameters.

use crate::api_cases::token_for;
use crate::both;
use crate::harness::App;
use crate::registry::{download, sheet};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use quanke_domain::Role;
use quanke_domain::mask::mask_middle;
use quanke_store::cases::{self, Actor, Case, NewCase};
use quanke_store::{Backend, audit, orgs, users};
use serde_json::Value;
use std::collections::BTreeSet;

/// 2026-03-02 10:00 in Beijing.
const T0: i64 = 1_772_416_800;
const DAY: i64 = 86_400;

struct Spec<'a> {
    community: &'a str,
    name: &'a str,
    phone: &'a str,
    resident: Option<i64>,
    item: &'a str,
    channel: &'a str,
    state: &'a str,
    at: i64,
    assignee: Option<i64>,
}

fn spec<'a>(community: &'a str, name: &'a str, phone: &'a str, at: i64) -> Spec<'a> {
    Spec {
        community,
        name,
        phone,
        resident: None,
        item: "MZ-GL80",
        channel: "desk",
        state: "accepted",
        at,
        assignee: None,
    }
}

/// A case written through the store (as the case writer does), received at `s.at`.
async fn seed(app: &App, s: Spec<'_>) -> Case {
    let org = orgs::by_code(&app.db, s.community).await.unwrap();
    let day = quanke_app::cases::deadline::format_day(
        time::OffsetDateTime::from_unix_timestamp(s.at + 8 * 3600)
            .unwrap()
            .date(),
    );
    let c = NewCase {
        community_path: org.path.clone(),
        community_code: org.code.clone(),
        item_code: s.item.into(),
        item_version: 1,
        line: "民政".into(),
        business_kind: quanke_domain::catalogue::BusinessKind::New,
        answers: "{}".into(),
        checklist: "[]".into(),
        resident_id: s.resident,
        applicant_name: s.name.into(),
        applicant_phone: s.phone.into(),
        channel: s.channel.into(),
        state: s.state.parse().expect("a state code"),
        action: "accept".into(),
        note: String::new(),
        promised_days: 5,
        accepted_on: Some(quanke_store::testing::day(&day)),
        // 补正 pauses the clock: no due day (these sort last by due day).
        due_on: (s.state != "awaiting_materials").then(|| quanke_store::testing::day(&day)),
        assignee_id: s.assignee,
        open311_key_id: None,
        idempotency_key: None,
        visit: None,
        assign_note: None,
        route: false,
        mandate: None,
    };
    let by = Actor {
        id: None,
        name: "测试",
        now: s.at,
        today: quanke_store::testing::day(&day),
    };
    cases::create(&app.db, &c, &by).await.unwrap().0
}

struct World {
    a: Case,
    b: Case,
    c: Case,
    /// In 双荡弄 (SDN), with a's phone.
    d: Case,
    a_id_number: String,
    d_id_number: String,
}

async fn world(app: &App) -> World {
    let r1 = app.first_resident("MYQ-01").await;
    let r2 = app.first_resident("SDN").await;
    let houtai = users::by_username(&app.db, "houtai").await.unwrap().id;
    let a = seed(
        app,
        Spec {
            resident: Some(r1.id),
            ..spec("MYQ", &r1.name, "138 0000 1111", T0)
        },
    )
    .await;
    let b = seed(
        app,
        Spec {
            item: "XX-1",
            channel: "portal",
            state: "received",
            ..spec("MYQ", "测试乙", "13900002222", T0 + DAY)
        },
    )
    .await;
    let c = seed(
        app,
        Spec {
            channel: "phone",
            state: "awaiting_materials",
            assignee: Some(houtai),
            ..spec("MYQ", "测试丙", "13900003333", T0 + 5 * DAY)
        },
    )
    .await;
    let d = seed(
        app,
        Spec {
            resident: Some(r2.id),
            ..spec("SDN", &r2.name, "13800001111", T0)
        },
    )
    .await;
    World {
        a,
        b,
        c,
        d,
        a_id_number: r1.id_number,
        d_id_number: r2.id_number,
    }
}

async fn api(app: &App, token: &str, query: &str) -> (StatusCode, Value) {
    let req = Request::get(format!("/api/v1/cases?{query}"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    let r = app.client().send(req).await;
    let json = serde_json::from_str(&r.body).unwrap_or_else(|e| panic!("{e}: {}", r.body));
    (r.status, json)
}

fn numbers(json: &Value) -> Vec<String> {
    json["cases"]
        .as_array()
        .unwrap_or_else(|| panic!("{json}"))
        .iter()
        .map(|c| c["number"].as_str().unwrap().to_string())
        .collect()
}

impl World {
    /// Which of the world's cases a search found (demo cases may be found beside them).
    async fn found(&self, app: &App, token: &str, query: &str) -> BTreeSet<&'static str> {
        let (status, json) = api(app, token, &format!("{query}&limit=200")).await;
        assert_eq!(status, StatusCode::OK, "{query}: {json}");
        let got = numbers(&json);
        [
            ("a", &self.a),
            ("b", &self.b),
            ("c", &self.c),
            ("d", &self.d),
        ]
        .into_iter()
        .filter(|(_, c)| got.contains(&c.number))
        .map(|(name, _)| name)
        .collect()
    }
}

fn set(names: &[&'static str]) -> BTreeSet<&'static str> {
    names.iter().copied().collect()
}

fn q(pairs: &[(&str, &str)]) -> String {
    serde_urlencoded::to_string(pairs).unwrap()
}

async fn filters_alone_and_combined(app: &App) {
    let w = world(app).await;
    let desk = token_for(app, "qiantai").await;
    let houtai = users::by_username(&app.db, "houtai").await.unwrap().id;
    let prefix = &w.a.number[..6];
    for (query, want) in [
        (q(&[("number", prefix)]), set(&["a", "b", "c"])),
        (q(&[("number", &w.a.number.to_lowercase())]), set(&["a"])),
        (q(&[("applicant_name", "测试")]), set(&["b", "c"])),
        (q(&[("applicant_name", "测试丙")]), set(&["c"])),
        (q(&[("phone", "13800001111")]), set(&["a"])),
        (q(&[("phone", "138-0000-1111")]), set(&["a"])),
        (q(&[("id_number", &w.a_id_number)]), set(&["a"])),
        (q(&[("item_code", "XX-1")]), set(&["b"])),
        (q(&[("state", "awaiting_materials")]), set(&["c"])),
        (q(&[("channel", "portal")]), set(&["b"])),
        (
            q(&[
                ("received_from", "2026-03-03"),
                ("received_to", "2026-03-03"),
            ]),
            set(&["b"]),
        ),
        (q(&[("received_from", "2026-03-04")]), set(&["c"])),
        (q(&[("received_to", "2026-03-02")]), set(&["a"])),
        (q(&[("assignee", &houtai.to_string())]), set(&["c"])),
        (q(&[("assignee", "none")]), set(&["a", "b"])),
        // Combined: every filter narrows.
        (
            q(&[("applicant_name", "测试"), ("channel", "portal")]),
            set(&["b"]),
        ),
        (
            q(&[
                ("number", prefix),
                ("state", "awaiting_materials"),
                ("received_from", "2026-03-02"),
            ]),
            set(&["c"]),
        ),
        (
            q(&[("applicant_name", "测试"), ("phone", "13800001111")]),
            set(&[]),
        ),
    ] {
        assert_eq!(w.found(app, &desk, &query).await, want, "{query}");
    }
}
both!(filters, filters_alone_and_combined);

async fn another_communitys_cases_are_never_found(app: &App) {
    let w = world(app).await;
    app.account("sdn_desk", Role::FrontDesk, "SDN").await;
    let sdn = token_for(app, "sdn_desk").await;
    for query in [
        q(&[("number", &w.a.number)]),
        q(&[("number", "MYQ")]),
        q(&[("phone", "13800001111")]),
        q(&[("id_number", &w.a_id_number)]),
    ] {
        let found = w.found(app, &sdn, &query).await;
        assert!(!found.contains("a") && !found.contains("b"), "{query}");
    }
    assert_eq!(
        w.found(app, &sdn, &q(&[("phone", "13800001111")])).await,
        set(&["d"])
    );
    // MYQ's desk does not find SDN's case by its resident's ID number either.
    let desk = token_for(app, "qiantai").await;
    assert_eq!(
        w.found(app, &desk, &q(&[("id_number", &w.d_id_number)]))
            .await,
        set(&[])
    );
    // A grid worker sees the cases of their grid's community, not another's.
    let grid = token_for(app, "wangge").await;
    assert_eq!(
        w.found(app, &grid, &q(&[("phone", "13800001111")])).await,
        set(&["a"])
    );
    assert_eq!(
        w.found(app, &grid, &q(&[("number", "SDN")])).await,
        set(&[])
    );
    // A worker of another community named as assignee is "not found".
    let sdn_user = users::by_username(&app.db, "sdn_desk").await.unwrap().id;
    let (status, json) = api(app, &desk, &q(&[("assignee", &sdn_user.to_string())])).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{json}");
    assert_eq!(json["error"]["code"], "unknown_assignee");
    // The page: the same scope.
    let mut page = app.login("sdn_desk").await;
    let r = page.post("/cases/search", &[("number", &w.a.number)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        !r.body.contains(&format!("/cases/{}\"", w.a.id)),
        "{}",
        r.body
    );
    assert!(r.body.contains("本页 0 件"), "{}", r.body);
}
both!(scope, another_communitys_cases_are_never_found);

async fn identifiers_are_masked_on_the_page_in_the_api_and_the_export(app: &App) {
    let w = world(app).await;
    let mut desk = app.login("qiantai").await;
    let r = desk
        .post("/cases/search", &[("phone", "13800001111")])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains(&w.a.number), "{}", r.body);
    assert!(r.body.contains("138****1111"), "{}", r.body);
    assert!(r.body.contains(&mask_middle(&w.a_id_number, 6, 4)));
    let results = r.body.split("id=\"search-results\"").nth(1).unwrap();
    assert!(!results.contains("13800001111") && !results.contains("138 0000 1111"));
    assert!(!results.contains(&w.a_id_number));
    // The API.
    let token = token_for(app, "qiantai").await;
    let (_, json) = api(app, &token, &q(&[("number", &w.a.number)])).await;
    assert_eq!(json["cases"][0]["applicant_phone"], "138****1111", "{json}");
    // A grid worker may not reveal: their export is masked, and audited as such.
    let grid = app.login("wangge").await;
    let form = q(&[
        ("_csrf", &grid.cookies["qk_csrf"]),
        ("phone", "13800001111"),
    ]);
    let (status, _, bytes) = download(app, &grid, "POST", "/cases/search/export", &form).await;
    assert_eq!(status, StatusCode::OK);
    let rows = sheet(&bytes, "办件");
    let line = rows.iter().find(|r| r[0] == w.a.number).expect("the case");
    assert_eq!(line[3], mask_middle(&w.a_id_number, 6, 4));
    assert_eq!(line[4], "138****1111");
    let entries = exports(app).await;
    assert_eq!(entries.len(), 1);
    assert!(
        entries[0].detail.contains("已脱敏"),
        "{}",
        entries[0].detail
    );
}
both!(
    masking,
    identifiers_are_masked_on_the_page_in_the_api_and_the_export
);

async fn exports(app: &App) -> Vec<audit::Entry> {
    let everything = quanke_domain::OrgPath::from_stored("/".into());
    let f = audit::Filter {
        within: &everything,
        action: Some("cases_exported"),
        before_id: None,
        limit: 100,
    };
    audit::list(&app.db, &f).await.unwrap()
}

async fn a_revealing_export_is_audited_with_its_filters_and_count(app: &App) {
    let w = world(app).await;
    let desk = app.login("qiantai").await;
    let form = q(&[
        ("_csrf", &desk.cookies["qk_csrf"]),
        ("applicant_name", "测试"),
        ("channel", "phone"),
    ]);
    let (status, headers, bytes) =
        download(app, &desk, "POST", "/cases/search/export", &form).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("cases-")
    );
    let rows = sheet(&bytes, "办件");
    let line = rows.iter().find(|r| r[0] == w.c.number).expect("the case");
    assert_eq!(line[4], "13900003333", "the desk may reveal: in full");
    assert!(!rows.iter().any(|r| r[0] == w.b.number));
    let entries = exports(app).await;
    assert_eq!(entries.len(), 1);
    let detail = &entries[0].detail;
    assert!(detail.contains("申请人姓名以“测试”开头"), "{detail}");
    assert!(detail.contains("渠道 电话"), "{detail}");
    assert!(detail.contains("共 1 件"), "{detail}");
    assert!(detail.contains("含完整身份证号、电话"), "{detail}");
    assert_eq!(entries[0].actor_name, "qiantai");
}
both!(
    reveal_export,
    a_revealing_export_is_audited_with_its_filters_and_count
);

/// 45 cases, some received in the same second: every sort pages through them all, forwards and
/// back, with no case twice and none left out.
async fn pages_are_stable(app: &App) {
    let mut made = BTreeSet::new();
    for i in 0..45 {
        let name = format!("翻页{i:02}");
        let mut s = spec("MYQ", &name, "13700000000", T0 + (i / 3) * 60);
        s.state = if i % 4 == 0 {
            "awaiting_materials"
        } else {
            "accepted"
        };
        let c = seed(app, s).await;
        made.insert(c.number);
    }
    let token = token_for(app, "qiantai").await;
    for sort in ["received", "due", "number"] {
        let base = q(&[("phone", "13700000000"), ("sort", sort), ("limit", "10")]);
        let (mut seen, mut pages) = (Vec::new(), Vec::new());
        let mut query = base.clone();
        loop {
            let (status, json) = api(app, &token, &query).await;
            assert_eq!(status, StatusCode::OK, "{json}");
            let got = numbers(&json);
            seen.extend(got.clone());
            pages.push((got, json["prev"].as_str().map(String::from)));
            match json["next"].as_str() {
                Some(next) => query = format!("{base}&after={next}"),
                None => break,
            }
        }
        assert_eq!(seen.len(), 45, "{sort}: {seen:?}");
        assert_eq!(
            seen.iter().cloned().collect::<BTreeSet<_>>(),
            made,
            "{sort}"
        );
        assert_eq!(pages.len(), 5);
        assert!(pages[0].1.is_none(), "the first page has no previous");
        // Back from the last page comes the fourth again.
        let before = pages[4].1.clone().expect("a previous page");
        let (_, json) = api(app, &token, &format!("{base}&before={before}")).await;
        assert_eq!(numbers(&json), pages[3].0, "{sort}");
    }
    // The received sort is newest first; the number sort ascending.
    let (_, json) = api(
        app,
        &token,
        &q(&[("phone", "13700000000"), ("sort", "number")]),
    )
    .await;
    let n = numbers(&json);
    let mut sorted = n.clone();
    sorted.sort();
    assert_eq!(n, sorted);
}
both!(paging, pages_are_stable);

async fn the_queue_pages(app: &App) {
    for i in 0..30 {
        let name = format!("队列{i:02}");
        seed(app, spec("MYQ", &name, "13600000000", T0 + i)).await;
    }
    let mut head = app.login("shequ").await;
    let first = head.get("/cases?queue=team").await;
    assert_eq!(first.status, StatusCode::OK);
    let rows = first
        .body
        .matches("<tr><td data-label=\"办件编号\">")
        .count();
    assert_eq!(rows, 25, "one page");
    let next = crate::harness::between(&first.body, "&amp;after=", "\"").expect("a next page");
    let second = head
        .get(&format!("/cases?queue=team&sort=due&after={next}"))
        .await;
    assert_eq!(second.status, StatusCode::OK, "{}", second.body);
    assert!(second.body.contains("rel=\"prev\""));
    let bad = head.get("/cases?queue=team&after=nonsense").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}
both!(queue_paging, the_queue_pages);

async fn bad_parameters_are_refused_with_a_code(app: &App) {
    let token = token_for(app, "qiantai").await;
    let long = "王".repeat(51);
    for (query, want) in [
        (q(&[("channel", "fax")]), "bad_channel"),
        (q(&[("sort", "name")]), "bad_sort"),
        (q(&[("number", "MYQ'--")]), "bad_number"),
        (q(&[("phone", "12")]), "bad_phone"),
        (q(&[("id_number", "330105198808150257")]), "bad_id_number"),
        (q(&[("received_from", "2026-13-01")]), "bad_date"),
        (
            q(&[
                ("received_from", "2026-03-05"),
                ("received_to", "2026-03-01"),
            ]),
            "bad_date",
        ),
        (q(&[("after", "x")]), "bad_cursor"),
        (q(&[("after", "1.1"), ("before", "1.1")]), "bad_cursor"),
        (q(&[("applicant_name", &long)]), "too_long"),
        (q(&[("assignee", "x")]), "bad_assignee"),
    ] {
        let (status, json) = api(app, &token, &query).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {json}");
        assert_eq!(json["error"]["code"], want, "{query}");
    }
    // The page says it in Chinese, in the form.
    let mut desk = app.login("qiantai").await;
    let empty = desk.get("/cases/search").await;
    assert_eq!(empty.status, StatusCode::OK, "{}", empty.body);
    let r = desk.post("/cases/search", &[("phone", "12")]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("id=\"search-error\""), "{}", r.body);
    assert!(r.body.contains("请输入完整的电话号码"));
    // The system administrator keeps away from residents' matters.
    let mut admin = app.login("admin").await;
    assert_eq!(
        admin.get("/cases/search").await.status,
        StatusCode::FORBIDDEN
    );
    assert!(!admin.get("/catalogue").await.body.contains(">办件查询</a>"));
    // Every role that may search finds it in the navigation.
    for who in ["qiantai", "houtai", "wangge", "shequ", "jiedao"] {
        let mut c = app.login(who).await;
        let page = c.get("/catalogue").await;
        assert!(page.body.contains(">办件查询</a>"), "{who}: {}", page.body);
    }
}
both!(bad_parameters, bad_parameters_are_refused_with_a_code);
