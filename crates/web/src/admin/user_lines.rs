//! Which lines (条线) a worker handles: routing gives an accepted case to a back-office worker
//! of the item's line first, so the head sets them here.

use super::users::manageable;
use crate::audit::{self, Event};
use crate::auth::ClientIp;
use crate::error::{AppError, AppResult};
use crate::page::Ctx;
use crate::server::Shared;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::Redirect;
use minijinja::{Value, context};
use quanke_store::users;

/// The lines of the catalogue in force, each marked when the worker handles it.
pub async fn choices(st: &Shared, user_id: i64) -> AppResult<Vec<Value>> {
    let snap = st.catalogue.get(&st.db).await?;
    let mine = users::lines(&st.db, user_id).await?;
    Ok(snap
        .by_line()
        .into_iter()
        .map(|(line, _)| context! { line, on => mine.iter().any(|m| m == line) })
        .collect())
}

pub async fn save(
    State(st): State<Shared>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Redirect> {
    let target = manageable(&st, &ctx.me, id).await?;
    let snap = st.catalogue.get(&st.db).await?;
    let known: Vec<&str> = snap.by_line().into_iter().map(|(l, _)| l).collect();
    let mut lines: Vec<String> = Vec::new();
    for (k, v) in fields {
        if k != "line" {
            continue;
        }
        if !known.contains(&v.as_str()) {
            return Err(AppError::BadRequest(format!("办事指南中没有“{v}”条线")));
        }
        if !lines.contains(&v) {
            lines.push(v);
        }
    }
    users::set_lines(&st.db, id, &lines).await?;
    let detail = if lines.is_empty() {
        "（无）".to_string()
    } else {
        lines.join("、")
    };
    let ev = Event {
        action: "lines_changed",
        target: &target.username,
        detail: &detail,
        ip: &ip,
        org_path: &target.org_path,
    };
    audit::by_user(&st, &ctx.me, ev).await?;
    Ok(Redirect::to(&format!("/admin/users/{id}")))
}
