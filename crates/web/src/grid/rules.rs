//! The street's coverage rules (走访覆盖规则): read by everyone who works the grids, edited by
//! the street administrator as text, every save a new version; a text with a problem is refused
//! whole with the line named, and the typed text stays in the box.

use crate::error::{AppError, AppResult};
use crate::page::Ctx;
use crate::server::Shared;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use quanke_app::grid::{GridError, coverage, purposes};
use quanke_domain::Permission;
use serde::Deserialize;

pub async fn page(State(st): State<Shared>, ctx: Ctx) -> AppResult<Response> {
    may_read(&ctx)?;
    render(&st, &ctx, None, None).await
}

#[derive(Deserialize)]
pub struct RulesForm {
    #[serde(default)]
    body: String,
    #[serde(default)]
    note: String,
}

pub async fn save(
    State(st): State<Shared>,
    ctx: Ctx,
    Form(f): Form<RulesForm>,
) -> AppResult<Response> {
    ctx.me.require(Permission::EditCoverageRules)?;
    let worker = ctx.me.worker();
    match coverage::save(&st.db, &worker, purposes(), &f.body, &f.note).await {
        Ok(_) => Ok(Redirect::to("/grid/rules?saved=1").into_response()),
        Err(GridError::Refused(message)) => render(&st, &ctx, Some(&f), Some(message)).await,
        Err(other) => Err(other.into()),
    }
}

fn may_read(ctx: &Ctx) -> AppResult<()> {
    let s = &ctx.me.scope;
    if s.can(Permission::WorkGrid)
        || s.can(Permission::ViewDashboard)
        || s.can(Permission::EditCoverageRules)
    {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

async fn render(
    st: &Shared,
    ctx: &Ctx,
    typed: Option<&RulesForm>,
    problem: Option<String>,
) -> AppResult<Response> {
    let (text, history) = coverage::text_and_history(&st.db, &ctx.me.scope.org).await?;
    let status = match problem {
        Some(_) => StatusCode::UNPROCESSABLE_ENTITY,
        None => StatusCode::OK,
    };
    let history: Vec<_> = history
        .iter()
        .map(|v| context! { version => v.version, note => &v.note, by => &v.saved_by, at => v.saved_at })
        .collect();
    let data = context! {
        body => typed.map_or(text.as_str(), |f| f.body.as_str()),
        note => typed.map(|f| f.note.as_str()),
        history,
        purposes => purposes().all().iter().map(|p| p.label.as_str()).collect::<Vec<_>>(),
        may_edit => ctx.me.scope.can(Permission::EditCoverageRules),
        problem,
    };
    Ok((status, ctx.render("grid_rules.html", data)?).into_response())
}
