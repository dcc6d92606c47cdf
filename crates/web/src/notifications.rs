//! The worker's notifications (通知): the list, unread first; opening one marks it read and
//! goes to its case; marking all read. A worker only ever reaches their own: another's id is
//! "not found". The events write them (see `quanke_store::notifications`).

use crate::error::AppResult;
use crate::page::Ctx;
use crate::server::Shared;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use minijinja::{Value, context};
use quanke_domain::notice::Kind;
use quanke_store::notifications;

/// Notifications shown on the page; older ones stay stored and are counted.
const SHOWN: i64 = 100;

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/notifications", get(list))
        .route("/notifications/read", post(mark_all_read))
        .route("/notifications/{id}", get(open))
}

async fn list(State(st): State<Shared>, ctx: Ctx) -> AppResult<Html<String>> {
    let me = ctx.me.user.id;
    let snap = st.catalogue.get(&st.db).await?;
    let stored = notifications::list(&st.db, me, SHOWN).await?;
    let rows: Vec<Value> = stored
        .iter()
        .map(|n| {
            let kind = Kind::from_code(&n.kind).map_or(n.kind.as_str(), |k| k.label());
            let item = snap
                .get(&n.item_code)
                .map_or(n.item_code.as_str(), |c| c.item.name.as_str());
            context! {
                id => n.id, kind, number => &n.case_number, item, applicant => &n.applicant_name,
                text => &n.text, at => n.created_at, unread => n.read_at.is_none(),
            }
        })
        .collect();
    let total = notifications::count(&st.db, me).await?;
    ctx.render(
        "notifications.html",
        context! { rows, total, shown => SHOWN },
    )
}

/// Marks the notification read and shows its case.
async fn open(State(st): State<Shared>, ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    let n = notifications::open(&st.db, ctx.me.user.id, id, quanke_app::clock::now()).await?;
    Ok(Redirect::to(&format!("/cases/{}", n.case_id)).into_response())
}

async fn mark_all_read(State(st): State<Shared>, ctx: Ctx) -> AppResult<Response> {
    notifications::mark_all_read(&st.db, ctx.me.user.id, quanke_app::clock::now()).await?;
    Ok(Redirect::to("/notifications").into_response())
}
