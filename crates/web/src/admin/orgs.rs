//! The org tree page: see the subtree, add communities and grids, rename them.

use crate::audit::{self, Event};
use crate::auth::ClientIp;
use crate::error::{AppError, AppResult};
use crate::page::Ctx;
use crate::server::Shared;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::context;
use quanke_domain::org::{validate_code, validate_name};
use quanke_domain::{Permission, Role};
use quanke_store::changes::Topic;
use quanke_store::orgs::{self, Org};
use quanke_store::{StoreError, users};
use serde::{Deserialize, Serialize};

#[derive(Serialize)]
struct Node {
    id: i64,
    depth: usize,
    kind: &'static str,
    code: String,
    name: String,
    staff: usize,
    /// Label of the child kind, when this node can take children and the user may add them.
    add_child: Option<&'static str>,
    renamable: bool,
}

/// Renaming a node strictly below one's own place; only a system administrator may rename
/// the node they sit on (a head does not rename their own community).
fn may_rename(ctx: &Ctx, org: &Org) -> bool {
    ctx.me.scope.covers(&org.path)
        && (org.path != ctx.me.scope.org || ctx.me.user.role == Role::SystemAdmin)
}

async fn tree(st: &Shared, ctx: &Ctx) -> AppResult<Vec<Node>> {
    let mut nodes = orgs::subtree(&st.db, &ctx.me.scope.org).await?;
    let staff = users::in_subtree(&st.db, &ctx.me.scope.org).await?;
    // Depth-first order: sorting by the id path groups every node under its parent.
    nodes.sort_by_key(|o| o.path.ids());
    let base = ctx.me.scope.org.ids().len();
    Ok(nodes
        .iter()
        .map(|o| Node {
            id: o.id,
            depth: o.path.ids().len() - base,
            kind: o.kind.label(),
            code: o.code.clone(),
            name: o.name.clone(),
            staff: staff
                .iter()
                .filter(|u| o.path.contains(&u.org_path))
                .count(),
            add_child: o.kind.child().map(|k| k.label()),
            renamable: may_rename(ctx, o),
        })
        .collect())
}

pub async fn list(State(st): State<Shared>, ctx: Ctx) -> AppResult<Html<String>> {
    ctx.me.require(Permission::ManageOrgs)?;
    let nodes = tree(&st, &ctx).await?;
    ctx.render("admin_orgs.html", context! { nodes })
}

#[derive(Deserialize)]
pub struct NewOrgForm {
    parent_id: i64,
    code: String,
    name: String,
}

pub async fn create(
    State(st): State<Shared>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    Form(f): Form<NewOrgForm>,
) -> AppResult<Response> {
    ctx.me.require(Permission::ManageOrgs)?;
    let parent = orgs::get(&st.db, f.parent_id).await?;
    if !ctx.me.scope.covers(&parent.path) {
        return Err(AppError::Forbidden);
    }
    let code = f.code.trim().to_uppercase();
    let name = f.name.trim();
    let problem = validate_code(&code)
        .and_then(|_| validate_name(name))
        .err()
        .or_else(|| {
            parent
                .kind
                .child()
                .is_none()
                .then(|| "网格下不能再建下级组织".to_string())
        });
    let created = match problem {
        Some(p) => Err(p),
        None => {
            match orgs::create_child(&st.db, &parent, &code, name, quanke_app::clock::now()).await {
                Ok(o) => Ok(o),
                Err(StoreError::Conflict(_)) => Err(format!("编码 {code} 已被使用")),
                Err(e) => return Err(e.into()),
            }
        }
    };
    match created {
        Ok(org) => {
            let detail = format!("{} {}({})", org.kind.label(), org.name, org.code);
            let ev = Event {
                action: "org_created",
                target: &org.code,
                detail: &detail,
                ip: &ip,
                org_path: &org.path,
            };
            audit::by_user(&st, &ctx.me, ev).await?;
            Ok(Redirect::to("/admin/orgs").into_response())
        }
        Err(error) => {
            let nodes = tree(&st, &ctx).await?;
            let form = context! { parent_id => f.parent_id, code, name };
            Ok(ctx
                .render("admin_orgs.html", context! { nodes, error, form })?
                .into_response())
        }
    }
}

#[derive(Deserialize)]
pub struct RenameForm {
    name: String,
}

pub async fn rename(
    State(st): State<Shared>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<RenameForm>,
) -> AppResult<Response> {
    ctx.me.require(Permission::ManageOrgs)?;
    let org = orgs::get(&st.db, id).await?;
    if !may_rename(&ctx, &org) {
        return Err(AppError::Forbidden);
    }
    let name = f.name.trim();
    validate_name(name).map_err(AppError::BadRequest)?;
    orgs::rename(&st.db, id, name).await?;
    crate::changes::made(&st, Topic::Orgs).await;
    let detail = format!("{} → {}", org.name, name);
    let ev = Event {
        action: "org_renamed",
        target: &org.code,
        detail: &detail,
        ip: &ip,
        org_path: &org.path,
    };
    audit::by_user(&st, &ctx.me, ev).await?;
    Ok(Redirect::to("/admin/orgs").into_response())
}
