//! Staff accounts inside the manager's subtree: list, create, re-role, disable, reset.

use crate::audit::{self, Event};
use crate::auth::{ClientIp, CurrentUser};
use crate::error::{AppError, AppResult};
use crate::page::Ctx;
use crate::server::Shared;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use quanke_app::accounts::{self, AccountError, NewAccount};
use quanke_domain::{Permission, Role};
use quanke_store::orgs::{self, Org};
use quanke_store::users::{self, User};
use serde::{Deserialize, Serialize};

#[derive(Serialize)]
struct Row {
    id: i64,
    username: String,
    name: String,
    role: &'static str,
    org: String,
    disabled: bool,
    must_change: bool,
}

#[derive(Serialize)]
struct Choice {
    value: String,
    label: String,
}

fn role_choices(me: &CurrentUser) -> Vec<Choice> {
    Role::ALL
        .into_iter()
        .filter(|r| me.scope.can_grant(*r))
        .map(|r| Choice {
            value: r.code().into(),
            label: r.label().into(),
        })
        .collect()
}

async fn org_choices(st: &Shared, me: &CurrentUser) -> AppResult<Vec<Choice>> {
    let mut nodes = orgs::subtree(&st.db, &me.scope.org).await?;
    nodes.sort_by_key(|o| o.path.ids());
    Ok(nodes
        .into_iter()
        .map(|o| Choice {
            value: o.id.to_string(),
            label: format!("{}({})", o.name, o.kind.label()),
        })
        .collect())
}

async fn list_context(st: &Shared, ctx: &Ctx) -> AppResult<Value> {
    let rows: Vec<Row> = users::in_subtree(&st.db, &ctx.me.scope.org)
        .await?
        .into_iter()
        .map(|u| Row {
            id: u.id,
            username: u.username,
            name: u.display_name,
            role: u.role.label(),
            org: u.org_name,
            disabled: u.disabled,
            must_change: u.must_change_password,
        })
        .collect();
    // The account counts and latest security events, which heads used to see on their home.
    let overview = crate::home::overview(st, ctx).await?;
    Ok(context! {
        users => rows,
        roles => role_choices(&ctx.me),
        orgs => org_choices(st, &ctx.me).await?,
        ..overview
    })
}

pub async fn list(State(st): State<Shared>, ctx: Ctx) -> AppResult<Html<String>> {
    ctx.me.require(Permission::ManageUsers)?;
    let data = list_context(&st, &ctx).await?;
    ctx.render("admin_users.html", data)
}

#[derive(Deserialize, Serialize)]
pub struct NewUserForm {
    username: String,
    display_name: String,
    role: String,
    org_id: i64,
}

/// The org to place someone at, which must lie inside the manager's subtree.
async fn place_in_scope(st: &Shared, me: &CurrentUser, org_id: i64) -> AppResult<Org> {
    let org = orgs::get(&st.db, org_id).await?;
    if me.scope.covers(&org.path) {
        Ok(org)
    } else {
        Err(AppError::Forbidden)
    }
}

fn grantable_role(me: &CurrentUser, code: &str) -> AppResult<Role> {
    let role: Role = code
        .parse()
        .map_err(|e: quanke_domain::role::UnknownRole| AppError::BadRequest(e.to_string()))?;
    if me.scope.can_grant(role) {
        Ok(role)
    } else {
        Err(AppError::Forbidden)
    }
}

pub async fn create(
    State(st): State<Shared>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    Form(f): Form<NewUserForm>,
) -> AppResult<Response> {
    ctx.me.require(Permission::ManageUsers)?;
    let role = grantable_role(&ctx.me, &f.role)?;
    let org = place_in_scope(&st, &ctx.me, f.org_id).await?;
    let username = f.username.trim().to_lowercase();
    let account = NewAccount {
        username: &username,
        display_name: &f.display_name,
        role,
        org: &org,
        password: None,
    };
    match accounts::create(&st.db, &account).await {
        Ok((id, temporary)) => {
            let detail = format!("{} @ {}", role.label(), org.name);
            let ev = Event {
                action: "user_created",
                target: &username,
                detail: &detail,
                ip: &ip,
                org_path: &org.path,
            };
            audit::by_user(&st, &ctx.me, ev).await?;
            let data = context! { id, username, temporary, role => role.label(), org => org.name };
            Ok(ctx.render("admin_user_created.html", data)?.into_response())
        }
        Err(e @ (AccountError::Store(_) | AccountError::Hash(_))) => {
            Err(AppError::Internal(anyhow::anyhow!("{e}")))
        }
        Err(e) => {
            let data = list_context(&st, &ctx).await?;
            let page = context! { error => e.to_string(), form => &f, ..data };
            Ok(ctx.render("admin_users.html", page)?.into_response())
        }
    }
}

/// The account, if this manager may act on it: inside the subtree, at a role they could grant,
/// and not themselves (no one disables or demotes their own account).
pub(super) async fn manageable(st: &Shared, me: &CurrentUser, id: i64) -> AppResult<User> {
    me.require(Permission::ManageUsers)?;
    let target = users::by_id(&st.db, id).await?;
    // Outside the manager's subtree the account does not exist for them.
    if !me.scope.covers(&target.org_path) {
        return Err(AppError::NotFound);
    }
    if !me.scope.can_grant(target.role) || target.id == me.user.id {
        return Err(AppError::Forbidden);
    }
    Ok(target)
}

pub async fn show(
    State(st): State<Shared>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Html<String>> {
    let u = manageable(&st, &ctx.me, id).await?;
    account_page(&st, &ctx, &u, context! {}).await
}

/// The account page, with `extra` (a token just issued, a form's error) merged in.
pub(super) async fn account_page(
    st: &Shared,
    ctx: &Ctx,
    u: &User,
    extra: Value,
) -> AppResult<Html<String>> {
    let data = context! {
        user => context! {
            id => u.id, username => u.username, name => u.display_name,
            role => u.role.code(), role_label => u.role.label(), org_id => u.org_id,
            org => u.org_name, disabled => u.disabled, must_change => u.must_change_password,
        },
        roles => role_choices(&ctx.me),
        orgs => org_choices(st, &ctx.me).await?,
        lines => super::user_lines::choices(st, u.id).await?,
        tokens => super::api_tokens::rows(st, &ctx.me, u.id).await?,
        token_admin => super::street_or_system_admin(&ctx.me),
        ..extra
    };
    ctx.render("admin_user.html", data)
}

#[derive(Deserialize)]
pub struct RoleForm {
    role: String,
    org_id: i64,
}

pub async fn change_role(
    State(st): State<Shared>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<RoleForm>,
) -> AppResult<Response> {
    let target = manageable(&st, &ctx.me, id).await?;
    let role = grantable_role(&ctx.me, &f.role)?;
    let org = place_in_scope(&st, &ctx.me, f.org_id).await?;
    match accounts::change_role(&st.db, id, role, &org).await {
        Ok(()) => {}
        Err(e @ AccountError::WrongPlace { .. }) => {
            return Err(AppError::BadRequest(e.to_string()));
        }
        Err(e) => return Err(AppError::Internal(anyhow::anyhow!("{e}"))),
    }
    let detail = format!(
        "{} @ {} → {} @ {}",
        target.role.label(),
        target.org_name,
        role.label(),
        org.name
    );
    let ev = Event {
        action: "role_changed",
        target: &target.username,
        detail: &detail,
        ip: &ip,
        org_path: &org.path,
    };
    audit::by_user(&st, &ctx.me, ev).await?;
    Ok(Redirect::to(&format!("/admin/users/{id}")).into_response())
}

async fn set_disabled(
    st: Shared,
    ip: String,
    ctx: Ctx,
    id: i64,
    disabled: bool,
) -> AppResult<Response> {
    let target = manageable(&st, &ctx.me, id).await?;
    accounts::set_disabled(&st.db, id, disabled)
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
    let ev = Event {
        action: if disabled {
            "user_disabled"
        } else {
            "user_enabled"
        },
        target: &target.username,
        detail: "",
        ip: &ip,
        org_path: &target.org_path,
    };
    audit::by_user(&st, &ctx.me, ev).await?;
    Ok(Redirect::to(&format!("/admin/users/{id}")).into_response())
}

pub async fn disable(
    State(st): State<Shared>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    set_disabled(st, ip, ctx, id, true).await
}

pub async fn enable(
    State(st): State<Shared>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    set_disabled(st, ip, ctx, id, false).await
}

pub async fn reset(
    State(st): State<Shared>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let target = manageable(&st, &ctx.me, id).await?;
    let temporary = accounts::reset_password(&st.db, id)
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
    let ev = Event {
        action: "password_reset",
        target: &target.username,
        detail: "",
        ip: &ip,
        org_path: &target.org_path,
    };
    audit::by_user(&st, &ctx.me, ev).await?;
    let data = context! {
        id, username => target.username, temporary, reset => true,
        role => target.role.label(), org => target.org_name,
    };
    Ok(ctx.render("admin_user_created.html", data)?.into_response())
}
