//! API tokens on the account page: a token acts as its account through the JSON API, without
//! the password, so only street and system administrators issue and revoke them, for accounts
//! they manage. The token is shown once; only its hash is kept.

use super::street_or_system_admin;
use super::users::{account_page, manageable};
use crate::audit::{self, Event};
use crate::auth::{ClientIp, CurrentUser};
use crate::error::{AppError, AppResult};
use crate::page::Ctx;
use crate::server::Shared;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{Html, Redirect};
use minijinja::{Value, context};
use quanke_app::clock;
use quanke_store::api_tokens;
use serde::Deserialize;

/// What a token is for, in at most this many characters.
const NAME_MAX: usize = quanke_domain::limits::TOKEN_PURPOSE.max_chars;

fn require_admin(me: &CurrentUser) -> AppResult<()> {
    street_or_system_admin(me)
        .then_some(())
        .ok_or(AppError::Forbidden)
}

/// The account's tokens for its page (empty for those who may not manage them).
pub async fn rows(st: &Shared, me: &CurrentUser, user_id: i64) -> AppResult<Vec<Value>> {
    if !street_or_system_admin(me) {
        return Ok(Vec::new());
    }
    Ok(api_tokens::list(&st.db, Some(user_id))
        .await?
        .into_iter()
        .map(|t| {
            context! { id => t.id, name => t.name, created_at => t.created_at,
            revoked_at => t.revoked_at }
        })
        .collect())
}

#[derive(Deserialize)]
pub struct IssueForm {
    name: String,
}

pub async fn issue(
    State(st): State<Shared>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<IssueForm>,
) -> AppResult<Html<String>> {
    require_admin(&ctx.me)?;
    let target = manageable(&st, &ctx.me, id).await?;
    let name = f.name.trim();
    if name.is_empty() || quanke_domain::limits::TOKEN_PURPOSE.check(name).is_err() {
        let error = format!("请写明令牌的用途（不超过 {NAME_MAX} 个字）");
        return account_page(&st, &ctx, &target, context! { token_error => error }).await;
    }
    let issued = api_tokens::issue(&st.db, id, name, clock::now()).await?;
    record(
        &st,
        &ctx,
        &ip,
        "api_token_issued",
        &target,
        (name, issued.id),
    )
    .await?;
    let shown = context! { issued_token => context! { name, token => issued.token } };
    account_page(&st, &ctx, &target, shown).await
}

pub async fn revoke(
    State(st): State<Shared>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    Path((id, token_id)): Path<(i64, i64)>,
) -> AppResult<Redirect> {
    require_admin(&ctx.me)?;
    let target = manageable(&st, &ctx.me, id).await?;
    let token = api_tokens::get(&st.db, token_id).await?;
    if token.user_id != id {
        return Err(AppError::NotFound);
    }
    // Revoking twice changes nothing, so there is nothing more to record.
    if api_tokens::revoke(&st.db, token_id, clock::now()).await? {
        let what = (token.name.as_str(), token_id);
        record(&st, &ctx, &ip, "api_token_revoked", &target, what).await?;
    }
    Ok(Redirect::to(&format!("/admin/users/{id}#tokens")))
}

async fn record(
    st: &Shared,
    ctx: &Ctx,
    ip: &str,
    action: &str,
    target: &quanke_store::users::User,
    (name, token_id): (&str, i64),
) -> AppResult<()> {
    let detail = format!("令牌 #{token_id}（{name}）");
    let ev = Event {
        action,
        target: &target.username,
        detail: &detail,
        ip,
        org_path: &target.org_path,
    };
    audit::by_user(st, &ctx.me, ev).await?;
    Ok(())
}
