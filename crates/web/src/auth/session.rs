//! Resolves the session cookie to a `CurrentUser` for every request, and starts and ends sessions.

use super::{CurrentUser, bearer, cookies};
use crate::server::Shared;
use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::http::header::SET_COOKIE;
use axum::middleware::Next;
use axum::response::Response;
use quanke_app::clock;
use quanke_domain::Scope;
use quanke_store::sessions;
use sha2::{Digest, Sha256};

/// Sliding the idle expiry costs a write, so it is done at most once a minute per session.
const TOUCH_EVERY_SECS: i64 = 60;

pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub async fn resolve(State(st): State<Shared>, mut req: Request, next: Next) -> Response {
    // An API client's bearer token decides alone: a cookie sent beside it is not looked at.
    if let Some(token) = bearer::given(req.headers()).map(str::to_owned) {
        return match bearer::load(&st, &token).await {
            Ok(Some(me)) => {
                req.extensions_mut().insert(me);
                req.extensions_mut().insert(bearer::ViaToken);
                next.run(req).await
            }
            Ok(None) => bearer::unauthorized(),
            Err(e) => crate::api::internal(&e),
        };
    }
    let token = cookies::get(req.headers(), cookies::SESSION).filter(|t| cookies::well_formed(t));
    let mut stale_cookie = false;
    if let Some(token) = token {
        match load(&st, &token).await {
            Ok(Some(me)) => {
                req.extensions_mut().insert(me);
            }
            Ok(None) => stale_cookie = true,
            Err(e) => return crate::error::internal(&e),
        }
    }
    let mut resp = next.run(req).await;
    if stale_cookie && !resp.headers().contains_key(SET_COOKIE) {
        // Tell the browser to drop a cookie that no longer names a live session.
        let gone = cookies::set(cookies::SESSION, "", Some(0), st.settings.secure_cookies);
        if let Ok(v) = HeaderValue::from_str(&gone) {
            resp.headers_mut().append(SET_COOKIE, v);
        }
    }
    resp
}

async fn load(st: &Shared, token: &str) -> anyhow::Result<Option<CurrentUser>> {
    let now = clock::now();
    let token_hash = hash_token(token);
    let Some(sessions::Live {
        user,
        created_at,
        last_seen_at: last_seen,
    }) = sessions::find_live(&st.db, &token_hash, now).await?
    else {
        return Ok(None);
    };
    if now - created_at >= st.settings.session_max_secs {
        sessions::delete(&st.db, &token_hash).await?;
        return Ok(None);
    }
    if user.disabled {
        sessions::delete(&st.db, &token_hash).await?;
        return Ok(None);
    }
    if now - last_seen >= TOUCH_EVERY_SECS {
        let expires = now + st.settings.session_idle_secs;
        sessions::touch(&st.db, &token_hash, now, expires).await?;
    }
    let scope = Scope {
        role: user.role,
        org: user.org_path.clone(),
    };
    Ok(Some(CurrentUser {
        user,
        scope,
        token_hash,
    }))
}

/// Starts a session for `user_id` and returns the Set-Cookie value carrying its token.
pub async fn start(st: &Shared, user_id: i64) -> anyhow::Result<String> {
    let token = cookies::new_token();
    let now = clock::now();
    let new = sessions::NewSession {
        token_hash: &hash_token(&token),
        user_id,
        now,
        expires_at: now + st.settings.session_idle_secs,
    };
    sessions::create(&st.db, &new).await?;
    Ok(cookies::set(
        cookies::SESSION,
        &token,
        None,
        st.settings.secure_cookies,
    ))
}
