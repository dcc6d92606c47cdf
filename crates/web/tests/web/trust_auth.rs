//! Abuse and lockouts (issue 11, items 5 to 9): each kind of limit counts alone, the client
//! address behind a proxy cannot be forged, sign-in never sends anyone to another site,
//! revocations reach the very next request, and every response carries the security headers
//! while stored files are served as what they really are.

use crate::both;
use crate::harness::{App, Client, PASSWORD, Part, Resp, between};
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Request, StatusCode, header};
use http_body_util::BodyExt;
use quanke_app::accounts;
use quanke_domain::OrgPath;
use quanke_domain::case::State;
use quanke_store::audit::{self, Filter};
use quanke_store::cases::{self, Actor};
use quanke_store::testing::day;
use quanke_store::{Backend, api_tokens, orgs, users};
use quanke_web::WebSettings;
use std::net::SocketAddr;
use tower::ServiceExt;

const OK: StatusCode = StatusCode::OK;
const ITEM: &str = "MZ-DB01";
const CHOICE: [(&str, &str); 3] = [("kind", "new"), ("a_who", "self"), ("a_special", "none")];
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";

/// Applies online for MZ-DB01 in 卖鱼桥社区 (a fresh idempotency key each time).
async fn apply_online(app: &App, c: &mut Client<'_>, files: &[Part<'_>]) -> Resp {
    let q = serde_urlencoded::to_string(CHOICE).unwrap();
    let form = c
        .get(&format!("/portal/items/{ITEM}/apply?{q}&step=2"))
        .await;
    let key = between(&form.body, "name=\"key\" value=\"", "\"")
        .expect("key")
        .to_string();
    let myq = orgs::by_code(&app.db, "MYQ").await.unwrap().id.to_string();
    let mut fields: Vec<(&str, &str)> = CHOICE.to_vec();
    fields.extend([
        ("key", key.as_str()),
        ("has", "id-card"),
        ("name", "李秀英"),
        ("phone", "13805712345"),
        ("community", myq.as_str()),
    ]);
    c.post_multipart(&format!("/portal/items/{ITEM}/apply"), &fields, files)
        .await
}

async fn track_miss(c: &mut Client<'_>, i: usize) -> Resp {
    c.post(
        "/portal/track",
        &[
            ("number", &format!("MYQ-20000101-{i:04}")),
            ("phone", "13900000000"),
        ],
    )
    .await
}

// ---------------------------------------------------------------------------------------------
// Item 5: each kind of limit has its own counter.

async fn residents_never_lock_staff_out(app: &App) {
    // A community's shared address: twenty applications and twenty tracking misses.
    let mut resident = app.client();
    for _ in 0..20 {
        let r = apply_online(app, &mut resident, &[]).await;
        assert!(r.body.contains("申请已提交"), "{}", r.body);
    }
    for i in 0..20 {
        track_miss(&mut resident, i).await;
    }
    // Tracking is now refused at that address, applying still works (its own hourly quota).
    let r = track_miss(&mut resident, 99).await;
    assert!(r.body.contains("查询失败次数过多"), "{}", r.body);
    let r = apply_online(app, &mut resident, &[]).await;
    assert!(r.body.contains("申请已提交"), "{}", r.body);
    // Staff sign in from the same address.
    app.client().login_ok("qiantai").await;

    // And the other way round: staff failures do not stop residents.
    let mut staff = app.client();
    for i in 0..25 {
        staff.login(&format!("nobody{i}"), "wrong-password1").await;
    }
    let r = staff.login("houtai", PASSWORD).await;
    assert!(
        r.body.contains("锁定"),
        "the address is throttled for sign-ins"
    );
    let r = apply_online(app, &mut app.client(), &[]).await;
    assert!(r.body.contains("申请已提交"), "{}", r.body);
}
both!(limits_count_alone, residents_never_lock_staff_out);

// ---------------------------------------------------------------------------------------------
// Item 6: the client address behind a trusted proxy.

fn behind_proxy() -> WebSettings {
    WebSettings {
        trust_proxy: true,
        ..WebSettings::default()
    }
}

/// A sign-in that reached the server from `peer` with this X-Forwarded-For.
async fn login_via(
    c: &mut Client<'_>,
    peer: &str,
    forwarded: &str,
    username: &str,
    password: &str,
) -> Resp {
    if !c.cookies.contains_key("qk_csrf") {
        c.get("/login").await;
    }
    let body = serde_urlencoded::to_string([
        ("_csrf", c.cookies["qk_csrf"].as_str()),
        ("username", username),
        ("password", password),
        ("next", "/"),
    ])
    .unwrap();
    let peer: SocketAddr = peer.parse().unwrap();
    let req = Request::post("/login")
        .header(header::COOKIE, c.cookie_header())
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("x-forwarded-for", forwarded)
        .extension(ConnectInfo(peer))
        .body(Body::from(body))
        .unwrap();
    c.send(req).await
}

/// The addresses the audit log holds for `action`, oldest first.
async fn audited_ips(app: &App, action: &str) -> Vec<String> {
    let root = OrgPath::from_stored("/".into());
    let f = Filter {
        within: &root,
        action: Some(action),
        before_id: None,
        limit: 1000,
    };
    let mut ips: Vec<String> = audit::list(&app.db, &f)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.ip)
        .collect();
    ips.reverse();
    ips
}

async fn forged_addresses_neither_lock_out_nor_escape(app: &App) {
    const PROXY: &str = "127.0.0.1:40000";
    // An attacker at 203.0.113.7 names a victim's address as the first hop; the proxy appends
    // the address it saw.
    let mut attacker = app.client();
    for i in 0..25 {
        let r = login_via(
            &mut attacker,
            PROXY,
            "198.51.100.9, 203.0.113.7",
            &format!("nobody{i}"),
            "wrong-password1",
        )
        .await;
        assert_eq!(r.status, OK);
    }
    let ips = audited_ips(app, "login_failed").await;
    assert!(ips.iter().all(|ip| ip == "203.0.113.7"), "{ips:?}");
    // The victim is not locked out.
    let mut victim = app.client();
    let r = login_via(&mut victim, PROXY, "198.51.100.9", "qiantai", PASSWORD).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // Forty wrong passwords, each with a new forged first hop: the real address is throttled.
    let mut sprayer = app.client();
    let mut refused = 0;
    for i in 0..40 {
        let forwarded = format!("10.{i}.0.1, 203.0.113.8");
        let r = login_via(
            &mut sprayer,
            PROXY,
            &forwarded,
            &format!("ghost{i}"),
            "wrong-password1",
        )
        .await;
        if r.body.contains("失败次数过多") {
            refused += 1;
        }
    }
    assert!(refused >= 20, "only {refused} of 40 refused");
    let r = login_via(
        &mut sprayer,
        PROXY,
        "1.2.3.4, 203.0.113.8",
        "qiantai",
        PASSWORD,
    )
    .await;
    assert!(r.body.contains("失败次数过多"), "{}", r.body);
    assert!(!sprayer.cookies.contains_key("qk_session"));

    // A client that reaches the server directly (not through the proxy) is its own address,
    // whatever it claims.
    let mut direct = app.client();
    login_via(
        &mut direct,
        "192.0.2.50:5555",
        "198.51.100.77",
        "nobody-direct",
        "wrong-password1",
    )
    .await;
    assert_eq!(
        audited_ips(app, "login_failed")
            .await
            .last()
            .map(String::as_str),
        Some("192.0.2.50")
    );
}
both!(
    forged_forwarded_for,
    forged_addresses_neither_lock_out_nor_escape,
    behind_proxy()
);

// ---------------------------------------------------------------------------------------------
// Item 7: after sign-in, only same-site paths.

const ATTACKS: [&str; 9] = [
    "/\t/evil.example",
    "/\n/evil.example",
    "//evil.example",
    "/\\evil.example",
    "https://evil.example/",
    "/%09/evil.example",
    "/%2F/evil.example",
    " /x",
    "javascript:alert(1)",
];

async fn sign_in_goes_only_to_same_site_paths(app: &App) {
    for attack in ATTACKS {
        let q = serde_urlencoded::to_string([("next", attack)]).unwrap();
        let form = app.client().get(&format!("/login?{q}")).await;
        let kept = between(&form.body, "name=\"next\" value=\"", "\"").unwrap();
        assert_eq!(
            kept.replace("&#x2f;", "/"),
            "/",
            "{attack:?} kept as {kept:?}"
        );
    }
    for attack in ["/\t/evil.example", "/%09/evil.example"] {
        let mut c = app.client();
        c.get("/login").await;
        let r = c
            .post(
                "/login",
                &[
                    ("username", "qiantai"),
                    ("password", PASSWORD),
                    ("next", attack),
                ],
            )
            .await;
        assert_eq!(r.location.as_deref(), Some("/"), "{attack:?}");
    }
    // A same-site path with its query is followed.
    let mut c = app.client();
    c.get("/login").await;
    let r = c
        .post(
            "/login",
            &[
                ("username", "qiantai"),
                ("password", PASSWORD),
                ("next", "/desk?who=%E6%9D%8E"),
            ],
        )
        .await;
    assert_eq!(r.location.as_deref(), Some("/desk?who=%E6%9D%8E"));
}
both!(open_redirect, sign_in_goes_only_to_same_site_paths);

// ---------------------------------------------------------------------------------------------
// Item 8: revocation, disabling and resets reach the very next request.

async fn api_status(app: &App, token: &str) -> StatusCode {
    let req = Request::get("/api/v1/cases")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    app.router.clone().oneshot(req).await.unwrap().status()
}

async fn token_of(app: &App, username: &str) -> (i64, String) {
    let u = users::by_username(&app.db, username).await.unwrap();
    let issued = api_tokens::issue(&app.db, u.id, "测试", 1).await.unwrap();
    (issued.id, issued.token)
}

async fn revocations_reach_the_next_request(app: &App) {
    // Revoked elsewhere (the command line, another server on the same database).
    let (id, token) = token_of(app, "houtai").await;
    assert_eq!(api_status(app, &token).await, OK);
    api_tokens::revoke(&app.db, id, 2).await.unwrap();
    assert_eq!(api_status(app, &token).await, StatusCode::UNAUTHORIZED);

    // Disabled: blocked at once; enabled again, the token works again.
    let (_, token) = token_of(app, "shequ").await;
    assert_eq!(api_status(app, &token).await, OK);
    let head = users::by_username(&app.db, "shequ").await.unwrap();
    accounts::set_disabled(&app.db, head.id, true)
        .await
        .unwrap();
    assert_eq!(api_status(app, &token).await, StatusCode::UNAUTHORIZED);
    accounts::set_disabled(&app.db, head.id, false)
        .await
        .unwrap();
    assert_eq!(api_status(app, &token).await, OK);

    // A password reset by an administrator ends the account's sessions and revokes its tokens.
    let (_, token) = token_of(app, "qiantai").await;
    assert_eq!(api_status(app, &token).await, OK);
    let mut desk = app.client();
    desk.login_ok("qiantai").await;
    let desk_id = users::by_username(&app.db, "qiantai").await.unwrap().id;
    let mut admin = app.client();
    admin.login_ok("jiedao").await;
    let r = admin
        .post(&format!("/admin/users/{desk_id}/reset"), &[])
        .await;
    assert_eq!(r.status, OK, "{}", r.body);
    assert_eq!(api_status(app, &token).await, StatusCode::UNAUTHORIZED);
    let all = api_tokens::list(&app.db, Some(desk_id)).await.unwrap();
    assert!(all.iter().all(|t| t.revoked_at.is_some()), "{all:?}");
    let r = desk.get("/").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "the session ended");
}
both!(revocation, revocations_reach_the_next_request);

// ---------------------------------------------------------------------------------------------
// Item 9: security headers, a policy the pages satisfy, files served as what they are.

async fn raw(app: &App, req: Request<Body>) -> (StatusCode, HeaderMap, Vec<u8>) {
    let resp = app.router.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = resp
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    (status, headers, body)
}

fn get(path: &str) -> Request<Body> {
    Request::get(path).body(Body::empty()).unwrap()
}

fn assert_secured(what: &str, h: &HeaderMap) {
    let value = |name: &str| {
        h.get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(value("x-frame-options"), "DENY", "{what}");
    assert_eq!(value("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(value("referrer-policy"), "same-origin", "{what}");
    let csp = value("content-security-policy");
    for part in [
        "default-src 'none'",
        "frame-ancestors 'none'",
        "script-src 'self'",
        "style-src 'self'",
    ] {
        assert!(csp.contains(part), "{what}: {csp}");
    }
    assert!(!csp.contains("unsafe-inline"), "{what}: {csp}");
}

/// What a Content-Security-Policy without 'unsafe-inline' would block.
fn inline_code(body: &str) -> Option<&'static str> {
    let lower = body.to_lowercase();
    [
        "<script>",
        "<style",
        " style=",
        " onclick=",
        " onchange=",
        " onsubmit=",
        "javascript:",
    ]
    .into_iter()
    .find(|p| lower.contains(p))
}

async fn every_response_is_secured(app: &App) {
    let token = token_of(app, "houtai").await.1;
    let api = Request::get("/api/v1/cases")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    let bad_token = Request::get("/api/v1/cases")
        .header(header::AUTHORIZATION, "Bearer qk_nope")
        .body(Body::empty())
        .unwrap();
    let requests = [
        ("page", get("/login")),
        ("portal", get(&format!("/portal/items/{ITEM}"))),
        ("redirect", get("/")),
        ("asset", get("/assets/app.css")),
        ("not found", get("/nowhere")),
        ("api", api),
        ("api 401", bad_token),
        ("open311", get("/open311/v2/services.json")),
        ("health", get("/healthz")),
    ];
    for (what, req) in requests {
        let (_, h, _) = raw(app, req).await;
        assert_secured(what, &h);
    }
    // The pages satisfy the policy: no inline scripts, styles or handlers.
    let mut staff = app.client();
    staff.login_ok("admin").await;
    let mut portal = app.client();
    let q = serde_urlencoded::to_string(CHOICE).unwrap();
    let pages = [
        portal.get("/portal").await,
        portal.get(&format!("/portal/items/{ITEM}")).await,
        portal
            .get(&format!("/portal/items/{ITEM}/checklist?{q}"))
            .await,
        staff.get("/admin/orgs").await,
        staff.get(&format!("/catalogue/{ITEM}")).await,
    ];
    for (i, p) in pages.iter().enumerate() {
        assert_eq!(p.status, OK, "page {i}: {}", p.body);
        assert_eq!(inline_code(&p.body), None, "page {i}: {}", p.body);
    }
    let (_, h, _) = raw(app, get("/assets/app.js")).await;
    assert_eq!(
        h.get(header::CONTENT_TYPE).unwrap(),
        "text/javascript; charset=utf-8"
    );
}
both!(security_headers, every_response_is_secured);

fn header_of(h: &HeaderMap, name: header::HeaderName) -> &str {
    h.get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

async fn files_are_served_as_what_they_are(app: &App) {
    // The portal refuses a page dressed as a scan.
    let mut resident = app.client();
    let html = b"<html><script>alert(1)</script></html>";
    let r = apply_online(
        app,
        &mut resident,
        &[Part {
            field: "files",
            name: "scan.png",
            claimed: "image/png",
            bytes: html,
        }],
    )
    .await;
    assert!(r.body.contains("不是 PDF 或 JPG、PNG 图片"), "{}", r.body);
    let r = apply_online(
        app,
        &mut resident,
        &[Part {
            field: "files",
            name: "户口簿.pdf",
            claimed: "text/html",
            bytes: PDF,
        }],
    )
    .await;
    assert!(r.body.contains("申请已提交"), "{}", r.body);
    let number = between(&r.body, "id=\"case-number\">", "<").unwrap();
    let case = cases::by_number(&app.db, number).await.unwrap();

    // The desk's upload is held to the same rule, and a refused file writes nothing.
    let mut desk = app.client();
    desk.login_ok("qiantai").await;
    let act = format!("/cases/{}/act", case.id);
    let fields = [("action", "request_materials")];
    let r = desk
        .post_multipart(
            &act,
            &fields,
            &[Part {
                field: "file",
                name: "reply.png",
                claimed: "image/png",
                bytes: html,
            }],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("不是 PDF 或 JPG、PNG 图片"), "{}", r.body);
    assert_eq!(
        cases::get(&app.db, case.id).await.unwrap().state,
        State::Received
    );
    assert_eq!(cases::files(&app.db, case.id).await.unwrap().len(), 1);
    let r = desk
        .post_multipart(
            &act,
            &fields,
            &[Part {
                field: "file",
                name: "scans/回复 1",
                claimed: "text/html",
                bytes: PNG,
            }],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let files = cases::files(&app.db, case.id).await.unwrap();
    assert_eq!(files.len(), 2);
    assert_eq!(files[1].content_type, "image/png");

    // Served by what the bytes are, as a download with a safe name.
    let fetch = |file_id: i64| {
        Request::get(format!("/cases/{}/files/{file_id}", case.id))
            .header(header::COOKIE, desk.cookie_header())
            .body(Body::empty())
            .unwrap()
    };
    let (status, h, body) = raw(app, fetch(files[1].id)).await;
    assert_eq!(status, OK);
    assert_eq!(body, PNG);
    assert_eq!(header_of(&h, header::CONTENT_TYPE), "image/png");
    // The name without the client's folder, ending in what the file is.
    let disposition = header_of(&h, header::CONTENT_DISPOSITION);
    assert_eq!(
        disposition,
        format!(
            "attachment; filename=\"case-file-{}.png\"; \
             filename*=UTF-8''%E5%9B%9E%E5%A4%8D%201.png",
            files[1].id
        )
    );

    // A file stored before these checks, claiming to be a web page, is never served as one.
    let by = Actor {
        id: None,
        name: "旧数据",
        now: 1,
        today: day("2026-01-01"),
    };
    let old = cases::NewFile {
        event_id: None,
        file_name: "page.html",
        content_type: "text/html",
        data: html,
    };
    let old_id = cases::add_file(&app.db, case.id, &old, &by).await.unwrap();
    let (status, h, _) = raw(app, fetch(old_id)).await;
    assert_eq!(status, OK);
    assert_eq!(
        header_of(&h, header::CONTENT_TYPE),
        "application/octet-stream"
    );
    assert!(header_of(&h, header::CONTENT_DISPOSITION).starts_with("attachment;"));
    assert_secured("case file", &h);
}
both!(stored_files, files_are_served_as_what_they_are);
