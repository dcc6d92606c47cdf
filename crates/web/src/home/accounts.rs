//! Accounts and security at a glance, for the administrators' pages (the street's and the
//! system administrator's homes, and the accounts page every administrator reaches): staff per
//! community and per role, disabled accounts, the latest security events. Also the colleague
//! lists the desk, back-office and grid homes show.

use crate::audit::action_label;
use crate::error::AppResult;
use crate::page::Ctx;
use crate::server::Shared;
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

/// Who works in `org`'s subtree (the colleagues a desk or back-office home lists).
pub(super) async fn staff(st: &Shared, org: &OrgPath) -> AppResult<Vec<Value>> {
    let list = users::in_subtree(&st.db, org).await?;
    Ok(colleagues(&list)
        .iter()
        .map(Value::from_serialize)
        .collect())
}

/// The grid workers of a community.
pub(super) async fn grid_workers(st: &Shared, community: &OrgPath) -> AppResult<Vec<Value>> {
    let list: Vec<User> = users::in_subtree(&st.db, community)
        .await?
        .into_iter()
        .filter(|u| u.role == Role::GridWorker)
        .collect();
    Ok(colleagues(&list)
        .iter()
        .map(Value::from_serialize)
        .collect())
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
pub(crate) async fn overview(st: &Shared, ctx: &Ctx) -> AppResult<Value> {
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
