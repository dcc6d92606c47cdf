//! 网格交接 in the web application: the head chooses a grid, the outgoing and the incoming
//! worker; the open follow-ups and events move, and the page lists past hand-overs.

use crate::error::AppResult;
use crate::page::Ctx;
use crate::server::Shared;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use quanke_app::grid::GridError;
use quanke_app::grid::handover::{self, HandOverInput};
use quanke_domain::{OrgKind, Permission, Role};
use quanke_store::{orgs, users};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct PageQuery {
    #[serde(default)]
    tasks: Option<u64>,
    #[serde(default)]
    events: Option<u64>,
}

pub async fn page(
    State(st): State<Shared>,
    ctx: Ctx,
    Query(q): Query<PageQuery>,
) -> AppResult<Response> {
    let done = q.tasks.zip(q.events);
    render(&st, &ctx, done, None, &Typed::default()).await
}

#[derive(Deserialize, Default, serde::Serialize)]
pub struct Typed {
    #[serde(default)]
    grid: i64,
    #[serde(default)]
    from: i64,
    #[serde(default)]
    to: i64,
    #[serde(default)]
    move_account: Option<String>,
    #[serde(default)]
    note: String,
}

pub async fn submit(
    State(st): State<Shared>,
    ctx: Ctx,
    Form(typed): Form<Typed>,
) -> AppResult<Response> {
    ctx.me.require(Permission::HandOverGrids)?;
    let input = HandOverInput {
        grid: typed.grid,
        from: typed.from,
        to: typed.to,
        move_account: typed.move_account.is_some(),
        note: typed.note.clone(),
    };
    match handover::hand_over(&st.db, &ctx.me.worker(), &input).await {
        Ok(m) => {
            let to = format!("/grid/handover?tasks={}&events={}", m.tasks, m.events);
            Ok(Redirect::to(&to).into_response())
        }
        Err(GridError::Refused(message)) => render(&st, &ctx, None, Some(message), &typed).await,
        Err(other) => Err(other.into()),
    }
}

async fn render(
    st: &Shared,
    ctx: &Ctx,
    done: Option<(u64, u64)>,
    problem: Option<String>,
    typed: &Typed,
) -> AppResult<Response> {
    ctx.me.require(Permission::HandOverGrids)?;
    let me = ctx.me.worker();
    let places = orgs::subtree(&st.db, &me.org).await?;
    let name_of = |path: &str| {
        places
            .iter()
            .find(|o| o.path.as_str() == path)
            .map_or_else(String::new, |o| o.name.clone())
    };
    let grids: Vec<Value> = places
        .iter()
        .filter(|o| o.kind == OrgKind::Grid)
        .map(|g| context! { id => g.id, name => &g.name, on => g.id == typed.grid })
        .collect();
    let staff = users::in_subtree(&st.db, &me.org).await?;
    let workers: Vec<Value> = staff
        .iter()
        .filter(|u| u.role == Role::GridWorker)
        .map(|u| {
            context! {
                id => u.id, name => &u.display_name, place => &u.org_name, disabled => u.disabled,
                from => u.id == typed.from, to => u.id == typed.to,
            }
        })
        .collect();
    let history: Vec<Value> = handover::history(&st.db, &me)
        .await?
        .iter()
        .map(|h| context! {
            grid => name_of(&h.grid_path), from => &h.from_name, to => &h.to_name, by => &h.by_name,
            tasks => h.tasks_moved, events => h.events_moved, moved => h.account_moved,
            note => &h.note, at => h.at,
        })
        .collect();
    let status = match problem {
        Some(_) => StatusCode::UNPROCESSABLE_ENTITY,
        None => StatusCode::OK,
    };
    let data = context! {
        grids, workers, history, problem, typed,
        done => done.map(|(tasks, events)| context! { tasks, events }),
    };
    Ok((status, ctx.render("grid_handover.html", data)?).into_response())
}
