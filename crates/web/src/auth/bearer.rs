//! API tokens: a request with `Authorization: Bearer <token>` acts as the token's user, and
//! never as the session cookie's. The token and its account are read from the database on every
//! call, like a session: a revoke, a disabled account, a changed role or a password reset takes
//! effect on the very next request, from whichever process made it (the command line, another
//! server on the same database). One statement by key, the same as every page's session.

use super::CurrentUser;
use crate::server::Shared;
use axum::Json;
use axum::http::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use quanke_domain::Scope;
use quanke_store::api_tokens;
use serde_json::json;

/// Marks a request authenticated by an API token, beside `CurrentUser`.
#[derive(Clone, Copy, Debug)]
pub struct ViaToken;

/// The token of an `Authorization: Bearer ...` header, when there is one (an empty token is
/// still a bearer request, and fails).
pub fn given(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    value.strip_prefix("Bearer ").map(str::trim)
}

/// The user the token acts as, or None when it is unknown, revoked or its user disabled.
pub async fn load(st: &Shared, token: &str) -> anyhow::Result<Option<CurrentUser>> {
    let Some(user) = st.tokens.get(api_tokens::hash(token)).await? else {
        return Ok(None);
    };
    if user.disabled {
        return Ok(None);
    }
    let scope = Scope {
        role: user.role,
        org: user.org_path.clone(),
    };
    Ok(Some(CurrentUser {
        user,
        scope,
        // Not a session: signing out must not end anything.
        token_hash: String::new(),
    }))
}

/// 401 for a token that is unknown, revoked or whose account is disabled.
pub fn unauthorized() -> Response {
    let body = json!({ "error": {
        "code": "bad_token",
        "message": "API 令牌无效或已被吊销，请联系系统管理员重新签发",
    }});
    (
        StatusCode::UNAUTHORIZED,
        [(WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"")],
        Json(body),
    )
        .into_response()
}
