//! Role × page access: every page refuses the roles and subtrees it should refuse.

use crate::both;
use crate::harness::App;
use axum::http::StatusCode;
use quanke_domain::Role;
use quanke_store::{Backend, orgs, users};

const OK: StatusCode = StatusCode::OK;
const NO: StatusCode = StatusCode::FORBIDDEN;
/// Outside the caller's subtree a record does not exist for them.
const NF: StatusCode = StatusCode::NOT_FOUND;

const DEMO_USERS: [&str; 6] = ["qiantai", "houtai", "wangge", "shequ", "jiedao", "admin"];

/// A front-desk worker in another community (双荡弄), for subtree checks.
async fn outsider(app: &App) -> i64 {
    let sdn = orgs::by_code(&app.db, "SDN").await.unwrap();
    let new = users::NewUser {
        username: "sdn.desk",
        display_name: "外社区前台",
        password_hash: "x",
        role: Role::FrontDesk,
        org_id: sdn.id,
        community_id: Some(sdn.id),
        must_change_password: false,
    };
    users::create(&app.db, &new, 0).await.unwrap()
}

async fn id_of(app: &App, username: &str) -> i64 {
    users::by_username(&app.db, username).await.unwrap().id
}

async fn pages_by_role(app: &App) {
    let other = outsider(app).await;
    let desk = id_of(app, "qiantai").await;
    let head = id_of(app, "shequ").await;
    let street = id_of(app, "jiedao").await;
    let admin = id_of(app, "admin").await;
    let pages: Vec<(String, [StatusCode; 6])> = vec![
        // columns: qiantai houtai wangge shequ jiedao admin
        ("/".into(), [OK, OK, OK, OK, OK, OK]),
        ("/password".into(), [OK, OK, OK, OK, OK, OK]),
        ("/admin/orgs".into(), [NO, NO, NO, OK, OK, OK]),
        ("/admin/users".into(), [NO, NO, NO, OK, OK, OK]),
        ("/admin/audit".into(), [NO, NO, NO, OK, OK, OK]),
        (format!("/admin/users/{desk}"), [NO, NO, NO, OK, OK, OK]),
        (format!("/admin/users/{other}"), [NO, NO, NO, NF, OK, OK]),
        (format!("/admin/users/{head}"), [NO, NO, NO, NO, OK, OK]),
        (format!("/admin/users/{street}"), [NO, NO, NO, NF, NO, OK]),
        (format!("/admin/users/{admin}"), [NO, NO, NO, NF, NO, NO]),
    ];
    for (i, who) in DEMO_USERS.iter().enumerate() {
        let mut c = app.client();
        c.login_ok(who).await;
        for (path, expected) in &pages {
            let r = c.get(path).await;
            assert_eq!(r.status, expected[i], "{who} GET {path}");
            if r.status == NO {
                assert!(
                    r.body.contains("无权访问"),
                    "{who} {path}: Chinese 403 page"
                );
            }
        }
    }
}
both!(role_page_matrix, pages_by_role);

async fn anonymous_is_sent_to_login(app: &App) {
    let mut c = app.client();
    for path in [
        "/",
        "/admin/users",
        "/admin/orgs",
        "/admin/audit",
        "/password",
    ] {
        let r = c.get(path).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{path}");
        let loc = r.location.unwrap();
        assert!(loc.starts_with("/login?next="), "{path} → {loc}");
    }
    let r = c.post("/admin/users", &[("username", "x")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
}
both!(anonymous, anonymous_is_sent_to_login);

async fn changes_stay_inside_the_subtree(app: &App) {
    let myq = orgs::by_code(&app.db, "MYQ").await.unwrap();
    let sdn = orgs::by_code(&app.db, "SDN").await.unwrap();
    let grid = orgs::by_code(&app.db, "MYQ-01").await.unwrap();
    let (myq_id, sdn_id, grid_id) = (myq.id.to_string(), sdn.id.to_string(), grid.id.to_string());
    let mut head = app.client();
    head.login_ok("shequ").await;
    // Orgs: a head adds grids to their own community only, and may not rename it.
    let r = head
        .post(
            "/admin/orgs",
            &[
                ("parent_id", &sdn_id),
                ("code", "SDN-09"),
                ("name", "越权网格"),
            ],
        )
        .await;
    assert_eq!(r.status, NO);
    let r = head
        .post(
            "/admin/orgs",
            &[
                ("parent_id", &myq_id),
                ("code", "MYQ-05"),
                ("name", "卖鱼桥第五网格"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        orgs::by_code(&app.db, "MYQ-05").await.unwrap().parent_id,
        Some(myq.id)
    );
    let r = head
        .post(
            &format!("/admin/orgs/{myq_id}/rename"),
            &[("name", "改名社区")],
        )
        .await;
    assert_eq!(r.status, NO);
    let r = head
        .post(
            &format!("/admin/orgs/{grid_id}/rename"),
            &[("name", "卖鱼桥一格")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // Users: only roles below their own, only inside their community.
    let mk = |role: &'static str, org: String| {
        vec![
            ("username", "new.user".to_string()),
            ("display_name", "新人".into()),
            ("role", role.into()),
            ("org_id", org),
        ]
    };
    for (role, org, expected) in [
        ("community_head", myq_id.clone(), NO),
        ("front_desk", sdn_id.clone(), NO),
        ("system_admin", myq_id.clone(), NO),
        ("front_desk", myq_id.clone(), OK),
    ] {
        let fields = mk(role, org);
        let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = head.post("/admin/users", &f).await;
        assert_eq!(r.status, expected, "head creates {role}");
    }
    let created = users::by_username(&app.db, "new.user").await.unwrap();
    assert_eq!(
        (created.role, created.org_id, created.must_change_password),
        (Role::FrontDesk, myq.id, true)
    );
    // A street admin cannot make system administrators.
    let mut street = app.client();
    street.login_ok("jiedao").await;
    let f = [
        ("username", "root2"),
        ("display_name", "x"),
        ("role", "system_admin"),
        ("org_id", &myq_id),
    ];
    assert_eq!(street.post("/admin/users", &f).await.status, NO);
    // Workers without the right get 403 on every change.
    for who in ["qiantai", "houtai", "wangge"] {
        let mut c = app.client();
        c.login_ok(who).await;
        let r = c
            .post(
                "/admin/orgs",
                &[("parent_id", &myq_id), ("code", "Z-1"), ("name", "z")],
            )
            .await;
        assert_eq!(r.status, NO, "{who} creates org");
        let r = c
            .post(&format!("/admin/users/{}/disable", created.id), &[])
            .await;
        assert_eq!(r.status, NO, "{who} disables a user");
    }
}
both!(subtree_changes, changes_stay_inside_the_subtree);

async fn role_change_takes_effect_and_is_audited(app: &App) {
    let desk = id_of(app, "qiantai").await;
    let grid = orgs::by_code(&app.db, "MYQ-02").await.unwrap();
    let mut victim = app.client();
    victim.login_ok("qiantai").await;
    let mut head = app.client();
    head.login_ok("shequ").await;
    // Wrong level: a grid worker must sit in a grid.
    let myq = orgs::by_code(&app.db, "MYQ").await.unwrap().id.to_string();
    let r = head
        .post(
            &format!("/admin/users/{desk}/role"),
            &[("role", "grid_worker"), ("org_id", &myq)],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = head
        .post(
            &format!("/admin/users/{desk}/role"),
            &[("role", "grid_worker"), ("org_id", &grid.id.to_string())],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let u = users::by_id(&app.db, desk).await.unwrap();
    assert_eq!((u.role, u.org_id), (Role::GridWorker, grid.id));
    // The moved user's session ended, so the new rights apply at once.
    assert_eq!(victim.get("/").await.status, StatusCode::SEE_OTHER);
    let audit = head.get("/admin/audit?action=role_changed").await;
    assert!(
        audit.body.contains("变更角色") && audit.body.contains("qiantai"),
        "{}",
        audit.body
    );
}
both!(role_change, role_change_takes_effect_and_is_audited);
