//! Follow-ups (跟进事项) on the worker's list and the subject's page, and marking one done.

use crate::error::AppResult;
use crate::page::Ctx;
use crate::server::Shared;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use quanke_app::cases::Worker;
use quanke_app::grid::tasks::{self, Listed};
use quanke_domain::Permission;
use quanke_store::grid::tasks::TaskRow;
use serde::Deserialize;

/// One follow-up as `_grid_tasks.html` shows it; `label` and `href` name its subject where the
/// list mixes subjects.
pub(super) fn view(t: &TaskRow, me: &Worker, label: Option<&str>) -> Value {
    let open = t.done_at.is_none();
    context! {
        id => t.id, title => &t.title, due => t.due_day.to_string(),
        late => open && t.due_day < me.today, done => !open, note => &t.done_note,
        assignee => &t.assignee_name, label,
        href => t.subject().map(super::visits::subject_href),
        can_close => open && tasks::may_close(me, t),
    }
}

/// The worker's open follow-ups, for today's list.
pub(super) async fn mine(st: &Shared, me: &Worker) -> AppResult<Vec<Value>> {
    let listed: Vec<Listed> = tasks::mine(&st.db, me).await?;
    Ok(listed
        .iter()
        .map(|l| view(&l.row, me, Some(&l.label)))
        .collect())
}

#[derive(Deserialize)]
pub struct DoneForm {
    #[serde(default)]
    note: String,
    #[serde(default)]
    from: String,
}

/// Marks a follow-up done and returns to the list it was closed from (today's list, or the
/// subject's page).
pub async fn done(
    State(st): State<Shared>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<DoneForm>,
) -> AppResult<Response> {
    ctx.me.require(Permission::RecordVisits)?;
    tasks::complete(&st.db, &ctx.me.worker(), id, &f.note).await?;
    // Only our own pages: a list, or a subject's page by its shape.
    let back = match f.from.strip_prefix("/grid/subjects/") {
        Some(rest) if rest.split('/').count() == 2 && !rest.contains(['?', '#', ':']) => {
            f.from.clone()
        }
        _ => "/grid/due".to_string(),
    };
    Ok(Redirect::to(&format!("{back}?done=1")).into_response())
}
