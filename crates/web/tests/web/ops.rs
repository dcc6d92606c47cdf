//! Operations: health, metrics, error pages, assets.

use crate::both;
use crate::harness::App;
use axum::http::StatusCode;
use quanke_store::Backend;

async fn health_and_metrics(app: &App) {
    let mut c = app.client();
    let r = c.get("/healthz").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("\"status\":\"ok\""));
    c.get("/login").await;
    c.get("/no/such/page").await;
    let m = c.get("/metrics").await.body;
    assert!(m.contains("quanke_http_requests_total{"), "{m}");
    assert!(m.contains("route=\"/login\""));
    assert!(m.contains("route=\"/healthz\""));
    assert!(m.contains("quanke_http_request_duration_seconds_bucket{"));
    // Unknown paths share one series instead of one per path.
    assert!(!m.contains("/no/such/page"));
}
both!(operations, health_and_metrics);

async fn error_pages_are_chinese(app: &App) {
    let mut c = app.client();
    let r = c.get("/no/such/page").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("页面不存在") && r.body.contains("lang=\"zh-CN\""));
    assert!(!r.body.contains("退出"), "no header for anonymous visitors");
    c.login_ok("qiantai").await;
    let r = c.get("/admin/users/999999").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Signed-in users keep their header and sign-out on error pages.
    assert!(r.body.contains("无权访问") && r.body.contains("陈晓燕") && r.body.contains("退出"));
    let mut head = app.client();
    head.login_ok("shequ").await;
    assert_eq!(
        head.get("/admin/users/999999").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        head.get("/admin/users/abc").await.status,
        StatusCode::BAD_REQUEST
    );
}
both!(errors, error_pages_are_chinese);

async fn stylesheet_is_embedded(app: &App) {
    let mut c = app.client();
    let r = c.get("/assets/app.css").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("@media print"));
    assert_eq!(c.get("/assets/nope.js").await.status, StatusCode::NOT_FOUND);
}
both!(assets, stylesheet_is_embedded);
