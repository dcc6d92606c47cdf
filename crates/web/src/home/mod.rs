//! The home page, one per role, saying what needs doing now: the desk's cases of today and the
//! residents due back with materials; the back office's queues and what is due today; the grid
//! worker's residents by tag and open tasks; the head's approvals, deadlines, intake, policy
//! changes and ratings; the street's same figures per community. Every figure is scoped to the
//! worker's org subtree and read with indexed queries; lists are short and link to the full
//! queue ("全部 N 件").

mod accounts;
mod back;
mod community;
mod desk;
mod grid;

pub(crate) use accounts::overview;

use crate::cases::queue;
use crate::error::AppResult;
use crate::page::Ctx;
use crate::server::Shared;
use axum::extract::State;
use axum::response::Html;
use minijinja::{Value, context};
use quanke_app::cases::Worker;
use quanke_domain::Role;
use quanke_store::cases::{self, At, Filter, Sort};

/// Cases a home list shows; the rest are behind its "全部 N 件" link.
const SHOWN: i64 = 5;

pub async fn show(State(st): State<Shared>, ctx: Ctx) -> AppResult<Html<String>> {
    let (template, data) = match ctx.me.user.role {
        Role::FrontDesk => ("home_desk.html", desk::data(&st, &ctx).await?),
        Role::BackOffice => ("home_queue.html", back::data(&st, &ctx).await?),
        Role::GridWorker => ("home_grid.html", grid::data(&st, &ctx).await?),
        Role::CommunityHead => ("home_head.html", community::head(&st, &ctx).await?),
        Role::StreetAdmin => ("home_street.html", community::street(&st, &ctx).await?),
        Role::SystemAdmin => ("home_admin.html", overview(&st, &ctx).await?),
    };
    let notices = crate::catalogue::notices::pending_count(&st, &ctx).await?;
    ctx.render(template, context! { notices, ..data })
}

/// The first cases of `f` in `sort` order as queue rows, and how many match in all (counted
/// only when there are more than shown).
async fn listed(
    st: &Shared,
    ctx: &Ctx,
    by: &Worker,
    f: &Filter<'_>,
    sort: Sort,
) -> AppResult<Value> {
    let found = cases::page(&st.db, f, sort, &At::First).await?;
    let total = match found.next {
        None => found.cases.len() as i64,
        Some(_) => cases::count(&st.db, f).await?,
    };
    let rows = queue::rows(st, ctx, by, &found.cases).await?;
    Ok(context! { rows, total })
}
