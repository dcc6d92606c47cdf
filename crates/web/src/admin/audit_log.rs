//! Reading the security audit log: newest first, inside the reader's subtree (a system
//! administrator reads everything, including failed sign-ins for unknown names).

use crate::audit::{ACTIONS, action_label};
use crate::error::AppResult;
use crate::page::Ctx;
use crate::server::Shared;
use axum::extract::{Query, State};
use axum::response::Html;
use minijinja::context;
use quanke_domain::{OrgPath, Permission, Role};
use quanke_store::audit;
use serde::{Deserialize, Serialize};

const PAGE: i64 = 50;

#[derive(Deserialize)]
pub struct AuditQuery {
    action: Option<String>,
    before: Option<i64>,
}

#[derive(Serialize)]
struct Row {
    id: i64,
    at: i64,
    actor: String,
    action: String,
    target: String,
    detail: String,
    ip: String,
}

pub async fn list(
    State(st): State<Shared>,
    ctx: Ctx,
    Query(q): Query<AuditQuery>,
) -> AppResult<Html<String>> {
    ctx.me.require(Permission::ReadAudit)?;
    let everything = OrgPath::from_stored("/".into());
    let within = if ctx.me.user.role == Role::SystemAdmin {
        &everything
    } else {
        &ctx.me.scope.org
    };
    let action = q.action.filter(|a| ACTIONS.iter().any(|(c, _)| c == a));
    let f = audit::Filter {
        within,
        action: action.as_deref(),
        before_id: q.before,
        limit: PAGE,
    };
    let entries = audit::list(&st.db, &f).await?;
    let older = (entries.len() as i64 == PAGE)
        .then(|| entries.last().map(|e| e.id))
        .flatten();
    let rows: Vec<Row> = entries
        .into_iter()
        .map(|e| Row {
            id: e.id,
            at: e.at,
            actor: e.actor_name,
            action: action_label(&e.action).to_string(),
            target: e.target,
            detail: e.detail,
            ip: e.ip,
        })
        .collect();
    let actions: Vec<(&str, &str)> = ACTIONS.to_vec();
    ctx.render(
        "admin_audit.html",
        context! { rows, actions, action, older },
    )
}
