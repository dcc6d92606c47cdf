//! Policy-change notices: every worker who handles matters sees each changed item until they
//! acknowledge it; heads see who in their subtree has not.

use crate::error::AppResult;
use crate::page::Ctx;
use crate::server::Shared;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use quanke_domain::{OrgPath, Permission, Role};
use quanke_store::catalogue as store;
use quanke_store::users;
use std::collections::HashSet;

fn notice(v: &store::Version) -> Value {
    context! {
        id => v.id, code => &v.item_code, name => &v.name, line => &v.line, version => v.version,
        previous => v.version - 1, effective_from => &v.effective_from, change_note => &v.change_note,
        at => v.published_at,
    }
}

/// How many changed guides this worker has yet to read (0 for those who handle no matters),
/// for the banner pages show.
pub async fn pending_count(st: &Shared, ctx: &Ctx) -> AppResult<usize> {
    if !ctx.me.scope.can(Permission::HandleMatters) {
        return Ok(0);
    }
    let today = quanke_app::clock::today();
    Ok(store::unacknowledged(&st.db, ctx.me.user.id, &today)
        .await?
        .len())
}

pub async fn mine(State(st): State<Shared>, ctx: Ctx) -> AppResult<Html<String>> {
    ctx.me.require(Permission::HandleMatters)?;
    let snap = st.catalogue.get(&st.db).await?;
    let pending = store::unacknowledged(&st.db, ctx.me.user.id, &snap.date).await?;
    let notices: Vec<Value> = pending.iter().map(notice).collect();
    ctx.render("catalogue_notices.html", context! { notices })
}

pub async fn acknowledge(
    State(st): State<Shared>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    ctx.me.require(Permission::HandleMatters)?;
    // Only an existing version can be acknowledged.
    store::version_by_id(&st.db, id).await?;
    store::acknowledge(&st.db, id, ctx.me.user.id, quanke_app::clock::now()).await?;
    Ok(Redirect::to("/notices").into_response())
}

/// For heads: each changed item in force and the workers of their subtree yet to acknowledge it.
pub async fn status(State(st): State<Shared>, ctx: Ctx) -> AppResult<Html<String>> {
    ctx.me.require(Permission::ViewDashboard)?;
    let rows = acknowledgement_status(&st, &ctx.me.scope.org).await?;
    ctx.render("catalogue_ack_status.html", context! { rows })
}

/// Each changed item in force: how many of the workers who handle matters in `within` have
/// acknowledged it, and who has not (the status page and the head's home).
pub(crate) async fn acknowledgement_status(st: &Shared, within: &OrgPath) -> AppResult<Vec<Value>> {
    let snap = st.catalogue.get(&st.db).await?;
    let workers: Vec<users::User> = users::in_subtree(&st.db, within)
        .await?
        .into_iter()
        .filter(|u| !u.disabled && handles_matters(u.role))
        .collect();
    let acked: HashSet<(i64, i64)> = store::acknowledgements(&st.db).await?.into_iter().collect();
    let mut rows = Vec::new();
    for c in snap.items.iter().filter(|c| c.version > 1) {
        let missing: Vec<&str> = workers
            .iter()
            .filter(|u| !acked.contains(&(c.version_id, u.id)))
            .map(|u| u.display_name.as_str())
            .collect();
        rows.push(context! {
            code => &c.item.code, name => &c.item.name, version => c.version,
            done => workers.len() - missing.len(), total => workers.len(), missing,
        });
    }
    Ok(rows)
}

fn handles_matters(role: Role) -> bool {
    Permission::HandleMatters.granted_to(role)
}
