//! The home page, one per role: the desk for front-desk workers, the queue for back office,
//! the grid for grid workers, the dashboard for heads, the system overview for administrators.

use crate::audit::action_label;
use crate::error::AppResult;
use crate::page::Ctx;
use crate::server::Shared;
use axum::extract::State;
use axum::response::Html;
use minijinja::{Value, context};
use quanke_domain::{OrgKind, OrgPath, Role};
use quanke_store::users::User;
use quanke_store::{audit, orgs, users};
use serde::Serialize;

#[derive(Serialize)]
struct Colleague {
    name: String,
    username: String,
    role: &'static str,
    org: String,
    disabled: bool,
}

fn colleagues(list: &[User]) -> Vec<Colleague> {
    list.iter()
        .map(|u| Colleague {
            name: u.display_name.clone(),
            username: u.username.clone(),
            role: u.role.label(),
            org: u.org_name.clone(),
            disabled: u.disabled,
        })
        .collect()
}

pub async fn show(State(st): State<Shared>, ctx: Ctx) -> AppResult<Html<String>> {
    let role = ctx.me.user.role;
    let (template, data) = match role {
        Role::FrontDesk => ("home_desk.html", team(&st, &ctx).await?),
        Role::BackOffice => ("home_queue.html", team(&st, &ctx).await?),
        Role::GridWorker => ("home_grid.html", grid(&st, &ctx).await?),
        Role::CommunityHead | Role::StreetAdmin => ("home_head.html", overview(&st, &ctx).await?),
        Role::SystemAdmin => ("home_admin.html", overview(&st, &ctx).await?),
    };
    let notices = crate::catalogue::notices::pending_count(&st, &ctx).await?;
    ctx.render(template, context! { notices, ..data })
}

/// The community a desk or back-office worker belongs to, and who works there.
async fn team(st: &Shared, ctx: &Ctx) -> AppResult<Value> {
    let community = orgs::get(&st.db, ctx.me.user.org_id).await?;
    let staff = users::in_subtree(&st.db, &community.path).await?;
    Ok(context! { community => community.name, staff => colleagues(&staff) })
}

/// The grid worker's grid, its community and the community's other grid workers.
async fn grid(st: &Shared, ctx: &Ctx) -> AppResult<Value> {
    let grid = orgs::get(&st.db, ctx.me.user.org_id).await?;
    let community = match grid.parent_id {
        Some(id) => orgs::get(&st.db, id).await?,
        None => grid.clone(),
    };
    let staff = users::in_subtree(&st.db, &community.path).await?;
    let grid_workers: Vec<User> = staff
        .into_iter()
        .filter(|u| u.role == Role::GridWorker)
        .collect();
    Ok(context! {
        grid => context! { name => grid.name, code => grid.code },
        community => community.name,
        staff => colleagues(&grid_workers),
    })
}

#[derive(Serialize)]
struct CommunityRow {
    name: String,
    code: String,
    grids: usize,
    staff: usize,
}

#[derive(Serialize)]
struct RecentEvent {
    at: i64,
    actor: String,
    action: String,
    target: String,
}

/// Counts and recent security events across the user's subtree.
async fn overview(st: &Shared, ctx: &Ctx) -> AppResult<Value> {
    let root = &ctx.me.scope.org;
    let nodes = orgs::subtree(&st.db, root).await?;
    let staff = users::in_subtree(&st.db, root).await?;
    let communities: Vec<CommunityRow> = nodes
        .iter()
        .filter(|o| o.kind == OrgKind::Community)
        .map(|c| CommunityRow {
            name: c.name.clone(),
            code: c.code.clone(),
            grids: nodes
                .iter()
                .filter(|g| g.kind == OrgKind::Grid && g.parent_id == Some(c.id))
                .count(),
            staff: staff
                .iter()
                .filter(|u| c.path.contains(&u.org_path))
                .count(),
        })
        .collect();
    let by_role: Vec<(&str, usize)> = Role::ALL
        .iter()
        .map(|r| (r.label(), staff.iter().filter(|u| u.role == *r).count()))
        .collect();
    let recent = recent_events(st, root).await?;
    Ok(context! {
        communities,
        by_role,
        staff_total => staff.len(),
        disabled => staff.iter().filter(|u| u.disabled).count(),
        grids => nodes.iter().filter(|o| o.kind == OrgKind::Grid).count(),
        recent,
    })
}

async fn recent_events(st: &Shared, root: &OrgPath) -> AppResult<Vec<RecentEvent>> {
    let f = audit::Filter {
        within: root,
        action: None,
        before_id: None,
        limit: 10,
    };
    Ok(audit::list(&st.db, &f)
        .await?
        .into_iter()
        .map(|e| RecentEvent {
            at: e.at,
            actor: e.actor_name,
            action: action_label(&e.action).to_string(),
            target: e.target,
        })
        .collect())
}
