//! Policy documents (政策文件): searchable with the items, each linked to the items it governs.

use super::search;
use crate::error::{AppError, AppResult};
use crate::page::Ctx;
use crate::server::Shared;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use minijinja::{Value, context};
use quanke_domain::Permission;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct PolicyQuery {
    q: Option<String>,
}

pub async fn list(
    State(st): State<Shared>,
    ctx: Ctx,
    Query(q): Query<PolicyQuery>,
) -> AppResult<Html<String>> {
    ctx.me.require(Permission::ReadCatalogue)?;
    let snap = st.catalogue.get(&st.db).await?;
    let query = q.q.unwrap_or_default().trim().to_string();
    let rows: Vec<Value> = if query.is_empty() {
        snap.policies
            .iter()
            .map(|p| context! { number => &p.number, title => &p.title, issuer => &p.issuer, issued_on => &p.issued_on })
            .collect()
    } else {
        search::policies(&snap, &query, 30)
            .into_iter()
            .filter_map(|h| snap.policies.iter().find(|p| p.number == h.number).map(|p| (p, h.why)))
            .map(|(p, why)| context! { number => &p.number, title => &p.title, issuer => &p.issuer, issued_on => &p.issued_on, why })
            .collect()
    };
    ctx.render("policies.html", context! { rows, q => query })
}

pub async fn show(
    State(st): State<Shared>,
    ctx: Ctx,
    Path(number): Path<String>,
) -> AppResult<Html<String>> {
    ctx.me.require(Permission::ReadCatalogue)?;
    let snap = st.catalogue.get(&st.db).await?;
    let policy = snap
        .policies
        .iter()
        .find(|p| p.number == number)
        .ok_or(AppError::NotFound)?;
    let items: Vec<Value> = snap
        .items
        .iter()
        .filter(|c| c.item.policies.contains(&number))
        .map(|c| context! { code => &c.item.code, name => &c.item.name })
        .collect();
    ctx.render("policy.html", context! { policy, items })
}
