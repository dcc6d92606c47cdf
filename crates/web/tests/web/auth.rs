//! Sign-in, CSRF, throttling, session expiry, temporary passwords and their audit trail.

use crate::both;
use crate::harness::{App, PASSWORD};
use axum::http::StatusCode;
use quanke_domain::OrgPath;
use quanke_store::audit::{self, Filter};
use quanke_store::{Backend, users};
use quanke_web::WebSettings;

async fn actions(app: &App, action: &str) -> Vec<(String, String)> {
    let root = OrgPath::from_stored("/".into());
    let f = Filter {
        within: &root,
        action: Some(action),
        before_id: None,
        limit: 100,
    };
    audit::list(&app.db, &f)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.actor_name, e.target))
        .collect()
}

async fn csrf_is_required_for_every_change(app: &App) {
    let mut c = app.client();
    // No token cookie at all: even sign-in is refused.
    let r = c
        .post_raw("/login", "username=shequ&password=quanke2026")
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("安全校验失败"));
    c.login_ok("shequ").await;
    let myq = quanke_store::orgs::by_code(&app.db, "MYQ")
        .await
        .unwrap()
        .id;
    let body = format!("parent_id={myq}&code=X-1&name=x");
    // Missing token.
    assert_eq!(
        c.post_raw("/admin/orgs", &body).await.status,
        StatusCode::FORBIDDEN
    );
    // Wrong token.
    let wrong = format!("_csrf={}&{body}", "0".repeat(64));
    assert_eq!(
        c.post_raw("/admin/orgs", &wrong).await.status,
        StatusCode::FORBIDDEN
    );
    assert!(
        quanke_store::orgs::by_code(&app.db, "X-1").await.is_err(),
        "nothing written"
    );
    // The right token passes.
    let token = c.cookies["qk_csrf"].clone();
    let right = format!("_csrf={token}&{body}");
    assert_eq!(
        c.post_raw("/admin/orgs", &right).await.status,
        StatusCode::SEE_OTHER
    );
    // Sign-out is a change too.
    assert_eq!(
        c.post_raw("/logout", "").await.status,
        StatusCode::FORBIDDEN
    );
}
both!(csrf, csrf_is_required_for_every_change);

async fn repeated_failures_lock_the_account(app: &App) {
    let mut c = app.client();
    for _ in 0..5 {
        let r = c.login("houtai", "wrong-password1").await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains("用户名或密码错误"));
    }
    // Even the right password is refused while locked.
    let r = c.login("houtai", PASSWORD).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("锁定"), "{}", r.body);
    assert!(!c.cookies.contains_key("qk_session"));
    assert_eq!(actions(app, "login_failed").await.len(), 5);
    assert_eq!(
        actions(app, "login_throttled").await,
        vec![("houtai".into(), "houtai".into())]
    );
    // Other accounts are unaffected.
    app.client().login_ok("qiantai").await;
}
both!(throttling, repeated_failures_lock_the_account);

async fn logins_and_logouts_are_audited(app: &App) {
    let mut c = app.client();
    c.login("nobody", "x1234567").await;
    c.login_ok("wangge").await;
    assert_eq!(
        c.post("/logout", &[]).await.location.as_deref(),
        Some("/login")
    );
    assert!(!c.cookies.contains_key("qk_session"));
    assert_eq!(
        actions(app, "login").await,
        vec![("wangge".into(), "wangge".into())]
    );
    assert_eq!(
        actions(app, "logout").await,
        vec![("wangge".into(), "wangge".into())]
    );
    assert_eq!(
        actions(app, "login_failed").await,
        vec![("nobody".into(), "nobody".into())]
    );
    // The audit page shows them to a system administrator.
    let mut admin = app.client();
    admin.login_ok("admin").await;
    let page = admin.get("/admin/audit").await.body;
    assert!(page.contains("登录失败") && page.contains("nobody") && page.contains("退出"));
}
both!(audit_trail, logins_and_logouts_are_audited);

async fn audit_page_is_scoped_for_heads(app: &App) {
    // A failure in another community must not show on the 卖鱼桥 head's page.
    app.client().login_ok("jiedao").await;
    app.client().login_ok("qiantai").await;
    let mut head = app.client();
    head.login_ok("shequ").await;
    let page = head.get("/admin/audit").await.body;
    assert!(
        page.contains("qiantai"),
        "own community's events are visible"
    );
    assert!(!page.contains("jiedao"), "street-level events are not");
}
both!(audit_scope, audit_page_is_scoped_for_heads);

async fn idle_sessions_expire(app: &App) {
    // Idle timeout 0: the session is already over by the next request.
    let mut c = app.client();
    c.login_ok("qiantai").await;
    let r = c.get("/").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location.unwrap().starts_with("/login"));
    assert!(
        !c.cookies.contains_key("qk_session"),
        "the stale cookie is cleared"
    );
}
both!(
    idle_expiry,
    idle_sessions_expire,
    WebSettings {
        session_idle_secs: 0,
        ..WebSettings::default()
    }
);

async fn long_sessions_end(app: &App) {
    let mut c = app.client();
    c.login_ok("qiantai").await;
    assert_eq!(c.get("/").await.status, StatusCode::SEE_OTHER);
}
both!(
    absolute_expiry,
    long_sessions_end,
    WebSettings {
        session_max_secs: 0,
        ..WebSettings::default()
    }
);

async fn live_sessions_survive(app: &App) {
    let mut c = app.client();
    c.login_ok("qiantai").await;
    let r = c.get("/").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("受理台") && r.body.contains("陈晓燕"));
}
both!(live_session, live_sessions_survive);

async fn temporary_password_must_be_changed(app: &App) {
    let mut head = app.client();
    head.login_ok("shequ").await;
    let myq = quanke_store::orgs::by_code(&app.db, "MYQ")
        .await
        .unwrap()
        .id
        .to_string();
    let f = [
        ("username", "xin.ren"),
        ("display_name", "新社工"),
        ("role", "back_office"),
        ("org_id", &myq),
    ];
    let r = head.post("/admin/users", &f).await;
    assert_eq!(r.status, StatusCode::OK);
    let temp = r
        .body
        .split("id=\"temporary\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_string();
    assert_eq!(temp.len(), 10);
    let mut newbie = app.client();
    let r = newbie.login("xin.ren", &temp).await;
    assert_eq!(r.location.as_deref(), Some("/password"));
    // Every other page sends them back to change it.
    assert_eq!(newbie.get("/").await.location.as_deref(), Some("/password"));
    // Rules are enforced with Chinese messages.
    let r = newbie
        .post(
            "/password",
            &[("current", &temp), ("new", "short1"), ("confirm", "short1")],
        )
        .await;
    assert!(r.body.contains("至少需要 8 位"));
    let r = newbie
        .post(
            "/password",
            &[
                ("current", "bad"),
                ("new", "abcd12345"),
                ("confirm", "abcd12345"),
            ],
        )
        .await;
    assert!(r.body.contains("当前密码不正确"));
    let r = newbie
        .post(
            "/password",
            &[
                ("current", &temp),
                ("new", "社区服务2026"),
                ("confirm", "社区服务2026"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(newbie.get("/").await.status, StatusCode::OK);
    assert!(
        !users::by_username(&app.db, "xin.ren")
            .await
            .unwrap()
            .must_change_password
    );
    assert_eq!(
        actions(app, "user_created").await,
        vec![("shequ".into(), "xin.ren".into())]
    );
    assert_eq!(
        actions(app, "password_changed").await,
        vec![("xin.ren".into(), "xin.ren".into())]
    );
}
both!(temporary_password, temporary_password_must_be_changed);

async fn disabled_accounts_are_shut_out(app: &App) {
    let mut desk = app.client();
    desk.login_ok("qiantai").await;
    let id = users::by_username(&app.db, "qiantai").await.unwrap().id;
    let mut head = app.client();
    head.login_ok("shequ").await;
    // Nobody may disable themselves.
    let own = users::by_username(&app.db, "shequ").await.unwrap().id;
    assert_eq!(
        head.post(&format!("/admin/users/{own}/disable"), &[])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        head.post(&format!("/admin/users/{id}/disable"), &[])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        desk.get("/").await.status,
        StatusCode::SEE_OTHER,
        "session ended"
    );
    let r = app.client().login("qiantai", PASSWORD).await;
    assert!(r.body.contains("用户名或密码错误，或账号已停用"));
    assert_eq!(
        actions(app, "user_disabled").await,
        vec![("shequ".into(), "qiantai".into())]
    );
    assert_eq!(
        head.post(&format!("/admin/users/{id}/enable"), &[])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    app.client().login_ok("qiantai").await;
}
both!(disable, disabled_accounts_are_shut_out);

async fn next_is_kept_local(app: &App) {
    // Only a path on this site is followed after sign-in; another host sends the user home.
    for (next, expected) in [("//evil.example/", "/"), ("/admin/users", "/admin/users")] {
        let mut c = app.client();
        let fields = [
            ("username", "shequ"),
            ("password", PASSWORD),
            ("next", next),
        ];
        let r = c.post("/login", &fields).await;
        assert_eq!(r.location.as_deref(), Some(expected), "next={next}");
    }
}
both!(safe_redirect, next_is_kept_local);
