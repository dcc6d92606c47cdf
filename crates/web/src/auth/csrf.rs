//! CSRF protection by double-submit: every visitor holds a random `qk_csrf` cookie (HttpOnly,
//! SameSite=Lax) and every state-changing request must echo it, as the `_csrf` form field or the
//! `X-CSRF-Token` header. A forged cross-site form cannot read the cookie, so it cannot echo it.

use super::cookies;
use crate::api::ApiError;
use crate::error::error_page;
use crate::server::Shared;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::header::{CONTENT_TYPE, SET_COOKIE};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use subtle::ConstantTimeEq;

/// The token a page must embed in its forms.
#[derive(Clone, Debug)]
pub struct CsrfToken(pub String);

const FORM_LIMIT: usize = 1024 * 1024;

pub async fn guard(State(st): State<Shared>, req: Request, next: Next) -> Response {
    let existing = cookies::get(req.headers(), cookies::CSRF).filter(|t| cookies::well_formed(t));
    let api = req.uri().path().starts_with("/api/");
    let mut req = if changes_state(req.method()) && !without_cookies(&req) {
        match check(req, existing.as_deref()).await {
            Ok(req) => req,
            Err(_) if api => return api_refused(),
            Err(page) => return page,
        }
    } else {
        req
    };
    let token = existing.clone().unwrap_or_else(cookies::new_token);
    req.extensions_mut().insert(CsrfToken(token.clone()));
    let mut resp = next.run(req).await;
    // Only pages carry forms; API, Open311 and asset responses need no token cookie.
    let is_page = resp
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if existing.is_none() && is_page {
        let c = cookies::set(cookies::CSRF, &token, None, st.settings.secure_cookies);
        if let Ok(v) = HeaderValue::from_str(&c) {
            resp.headers_mut().append(SET_COOKIE, v);
        }
    }
    resp
}

/// Requests that do not authenticate by cookie cannot be forged through a victim's browser:
/// Open311 partners send an api_key, API clients a bearer token (checked by their handlers).
fn without_cookies(req: &Request) -> bool {
    let bearer = req
        .headers()
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("Bearer "));
    bearer || req.uri().path().starts_with("/open311/")
}

fn changes_state(m: &Method) -> bool {
    !matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Passes the request on (with its body restored) when it echoes the cookie's token.
async fn check(req: Request, cookie: Option<&str>) -> Result<Request, Response> {
    let Some(expected) = cookie else {
        return Err(refused());
    };
    if let Some(h) = req.headers().get("x-csrf-token") {
        return if same(h.as_bytes(), expected) {
            Ok(req)
        } else {
            Err(refused())
        };
    }
    let content_type = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    // File uploads cannot be read here without consuming them; their forms put the token in
    // the action URL instead.
    if content_type.starts_with("multipart/form-data") {
        let given = form_field(req.uri().query().unwrap_or("").as_bytes(), "_csrf");
        return match given {
            Some(g) if same(g.as_bytes(), expected) => Ok(req),
            _ => Err(refused()),
        };
    }
    if !content_type.starts_with("application/x-www-form-urlencoded") {
        return Err(refused());
    }
    let (parts, body) = req.into_parts();
    let bytes = to_bytes(body, FORM_LIMIT).await.map_err(|_| {
        error_page(
            StatusCode::PAYLOAD_TOO_LARGE,
            "提交内容过大",
            "表单内容超过了允许的大小。",
        )
    })?;
    let given = form_field(&bytes, "_csrf");
    if !given.is_some_and(|g| same(g.as_bytes(), expected)) {
        return Err(refused());
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

fn form_field(body: &[u8], name: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

fn same(given: &[u8], expected: &str) -> bool {
    given.ct_eq(expected.as_bytes()).into()
}

fn refused() -> Response {
    error_page(
        StatusCode::FORBIDDEN,
        "请求已过期",
        "为保护您的账号，此次提交未被接受（安全校验失败）。请返回上一页，刷新后重新提交。",
    )
}

/// API clients read JSON: most often they forgot the token.
fn api_refused() -> Response {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "csrf_or_token_missing",
        "请在 Authorization 头中提供 API 令牌（Bearer）；从已登录的网页调用时须带 X-CSRF-Token 头",
    )
    .into_response()
}
