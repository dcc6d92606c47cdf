//! Open311 partners' api keys: list, issue (the key is shown once) and revoke. Only street and
//! system administrators manage them: a key speaks for the whole street, since its requests
//! may go to any community.

use super::street_or_system_admin;
use crate::audit::{self, Event};
use crate::auth::{ClientIp, CurrentUser};
use crate::error::{AppError, AppResult};
use crate::page::Ctx;
use crate::server::Shared;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use quanke_app::clock;
use quanke_domain::Permission;
use quanke_store::open311_keys::{self, NAME_MAX};
use serde::{Deserialize, Serialize};

#[derive(Serialize)]
struct Row {
    id: i64,
    name: String,
    created_at: i64,
    revoked_at: Option<i64>,
}

fn require_key_admin(me: &CurrentUser) -> AppResult<()> {
    me.require(Permission::ManageUsers)?;
    if street_or_system_admin(me) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

async fn keys(st: &Shared) -> AppResult<Vec<Row>> {
    Ok(open311_keys::list(&st.db)
        .await?
        .into_iter()
        .map(|k| Row {
            id: k.id,
            name: k.name,
            created_at: k.created_at,
            revoked_at: k.revoked_at,
        })
        .collect())
}

pub async fn list(State(st): State<Shared>, ctx: Ctx) -> AppResult<Html<String>> {
    require_key_admin(&ctx.me)?;
    let data = context! { keys => keys(&st).await?, name_max => NAME_MAX };
    ctx.render("admin_open311.html", data)
}

#[derive(Deserialize)]
pub struct IssueForm {
    name: String,
}

/// Issues a key and shows it on the page, this once: only its hash is kept.
pub async fn issue(
    State(st): State<Shared>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    Form(f): Form<IssueForm>,
) -> AppResult<Response> {
    require_key_admin(&ctx.me)?;
    let Some(name) = open311_keys::clean_name(&f.name) else {
        let error = format!("合作方名称不能为空，且不超过 {NAME_MAX} 个字");
        let data =
            context! { keys => keys(&st).await?, name_max => NAME_MAX, error, name => f.name };
        return Ok(ctx.render("admin_open311.html", data)?.into_response());
    };
    let issued = open311_keys::issue(&st.db, name, Some(ctx.me.user.id), clock::now()).await?;
    record(&st, &ctx, &ip, "open311_key_issued", name, issued.id).await?;
    let data: Value = context! {
        keys => keys(&st).await?,
        name_max => NAME_MAX,
        issued => context! { id => issued.id, name, key => issued.key },
    };
    Ok(ctx.render("admin_open311.html", data)?.into_response())
}

pub async fn revoke(
    State(st): State<Shared>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    require_key_admin(&ctx.me)?;
    let key = open311_keys::get(&st.db, id).await?;
    // Revoking twice changes nothing, so there is nothing more to record.
    if open311_keys::revoke(&st.db, id, clock::now()).await? {
        record(&st, &ctx, &ip, "open311_key_revoked", &key.name, id).await?;
    }
    Ok(Redirect::to("/admin/open311").into_response())
}

async fn record(
    st: &Shared,
    ctx: &Ctx,
    ip: &str,
    action: &str,
    name: &str,
    id: i64,
) -> AppResult<()> {
    let detail = format!("密钥 #{id}");
    let ev = Event {
        action,
        target: name,
        detail: &detail,
        ip,
        org_path: &ctx.me.scope.org,
    };
    audit::by_user(st, &ctx.me, ev).await?;
    Ok(())
}
