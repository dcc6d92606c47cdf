//! API tokens: a request with `Authorization: Bearer <token>` acts as the token's user, and
//! never as the session cookie's. Every API call needs the lookup, so the user behind a token is
//! kept in memory for a short while: a revoke (`quanke api token revoke`, another process), a
//! disabled account or a changed role takes effect within `TTL`. Unknown tokens are not
//! remembered, so a token issued a moment ago works at once.

use super::CurrentUser;
use crate::server::Shared;
use axum::Json;
use axum::http::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use quanke_domain::Scope;
use quanke_store::{Db, api_tokens, users};
use serde_json::json;
use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};
use std::time::{Duration, Instant};

/// How long a token's user is trusted from memory: also how long a disabled account, a changed
/// role or a revoke from the command line may take to reach API calls.
pub const TTL: Duration = Duration::from_secs(60);
/// Bounds the memory a flood of distinct valid tokens could take; past it the cache restarts.
const MAX_ENTRIES: usize = 10_000;

/// Marks a request authenticated by an API token, beside `CurrentUser`.
#[derive(Clone, Copy, Debug)]
pub struct ViaToken;

struct Entry {
    at: Instant,
    me: CurrentUser,
}

/// Keyed by the token's hash, which is unique across databases too (tokens are random).
static CACHE: LazyLock<Mutex<HashMap<String, Entry>>> = LazyLock::new(Default::default);

/// The token of an `Authorization: Bearer ...` header, when there is one (an empty token is
/// still a bearer request, and fails).
pub fn given(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    value.strip_prefix("Bearer ").map(str::trim)
}

/// The user the token acts as, or None when it is unknown, revoked or its user disabled.
pub async fn load(st: &Shared, token: &str) -> anyhow::Result<Option<CurrentUser>> {
    let hash = api_tokens::hash(token);
    if let Some(hit) = cached(&hash) {
        return Ok(Some(hit));
    }
    let Some(found) = lookup(&st.db, &hash).await? else {
        return Ok(None);
    };
    let mut cache = CACHE.lock().expect("token cache");
    if cache.len() >= MAX_ENTRIES {
        cache.clear();
    }
    cache.insert(
        hash,
        Entry {
            at: Instant::now(),
            me: found.clone(),
        },
    );
    Ok(Some(found))
}

/// Drops a revoked token at once rather than when its entry expires.
pub fn forget(hash: &str) {
    CACHE.lock().expect("token cache").remove(hash);
}

fn cached(hash: &str) -> Option<CurrentUser> {
    let mut cache = CACHE.lock().expect("token cache");
    match cache.get(hash) {
        Some(e) if e.at.elapsed() < TTL => Some(e.me.clone()),
        Some(_) => {
            cache.remove(hash);
            None
        }
        None => None,
    }
}

async fn lookup(db: &Db, hash: &str) -> anyhow::Result<Option<CurrentUser>> {
    let Some((_, user_id)) = api_tokens::find_active(db, hash).await? else {
        return Ok(None);
    };
    let user = users::by_id(db, user_id).await?;
    if user.disabled {
        return Ok(None);
    }
    let scope = Scope {
        role: user.role,
        org: user.org_path.clone(),
    };
    let me = CurrentUser {
        user,
        scope,
        // Not a session: signing out must not end anything.
        token_hash: String::new(),
    };
    Ok(Some(me))
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
