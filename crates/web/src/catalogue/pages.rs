//! Staff pages of the catalogue: browse by line, read a guide, its history and the differences
//! between versions.

use super::snapshot::Snapshot;
use crate::error::{AppError, AppResult};
use crate::page::Ctx;
use crate::server::Shared;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Html;
use minijinja::{Value, context};
use quanke_domain::Permission;
use quanke_domain::catalogue::{ServiceItem, diff, may_edit};
use quanke_store::catalogue as store;
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
pub struct ListQuery {
    q: Option<String>,
    line: Option<String>,
    /// Words searched earlier on this screen (`aliases::tried_after`).
    #[serde(default)]
    tried: String,
}

#[derive(Serialize)]
struct Row {
    code: String,
    name: String,
    line: String,
    mode: &'static str,
    visits: u8,
    promised_days: u32,
    version: i64,
    why: Vec<String>,
}

fn row(c: &quanke_app::catalogue::Current, why: Vec<String>) -> Row {
    Row {
        code: c.item.code.clone(),
        name: c.item.name.clone(),
        line: c.item.line.clone(),
        mode: c.item.mode.label(),
        visits: c.item.visits,
        promised_days: c.item.promised_days,
        version: c.version,
        why,
    }
}

/// Rows for the list: search hits in rank order, or every item of the chosen line.
fn rows(snap: &Snapshot, q: &str, line: Option<&str>) -> Vec<Row> {
    if !q.is_empty() {
        return super::search::items(snap, q, 30)
            .into_iter()
            .filter_map(|h| snap.get(&h.code).map(|c| row(c, h.why)))
            .collect();
    }
    snap.by_line()
        .into_iter()
        .filter(|(l, _)| line.is_none_or(|x| x == *l))
        .flat_map(|(_, items)| items.into_iter().map(|c| row(c, Vec::new())))
        .collect()
}

pub async fn list(
    State(st): State<Shared>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> AppResult<Html<String>> {
    ctx.me.require(Permission::ReadCatalogue)?;
    let snap = st.catalogue.get(&st.db).await?;
    let query = q.q.unwrap_or_default().trim().to_string();
    let lines: Vec<(&str, usize)> = snap.by_line().iter().map(|(l, v)| (*l, v.len())).collect();
    let editor = ctx.me.scope.can(Permission::EditCatalogue);
    let (drafts, reviews) = if editor {
        // Only what this editor may open: other streets' and communities' items are not theirs.
        let owners = store::owners(&st.db).await?;
        let mine = |code: &str| may_edit(&ctx.me.scope, owners.get(code));
        let mut drafts = store::drafts(&st.db).await?;
        drafts.retain(|d| mine(&d.item_code));
        let mut reviews = store::open_reviews(&st.db).await?;
        reviews.retain(|(code, _, _)| mine(code));
        (drafts, reviews)
    } else {
        (Vec::new(), Vec::new())
    };
    let notices = super::notices::pending_count(&st, &ctx).await?;
    let data = context! {
        items => rows(&snap, &query, q.line.as_deref()),
        lines, line => q.line, total => snap.items.len(),
        tried => super::aliases::tried_after(&q.tried, &query), q => query,
        editor, publisher => ctx.me.scope.can(Permission::PublishCatalogue),
        drafts => drafts.iter().map(|d| context! { code => &d.item_code, name => &d.name, by => &d.updated_by, at => d.updated_at }).collect::<Vec<_>>(),
        reviews, notices,
    };
    ctx.render("catalogue_list.html", data)
}

#[derive(Deserialize)]
pub struct FromSearch {
    /// The words searched when the guide was opened from the results, and earlier ones.
    q: Option<String>,
    #[serde(default)]
    tried: String,
}

/// An item's guide as in force today, with what is coming next and what awaits the reader.
pub async fn show(
    State(st): State<Shared>,
    ctx: Ctx,
    Path(code): Path<String>,
    Query(from): Query<FromSearch>,
    headers: HeaderMap,
) -> AppResult<Html<String>> {
    ctx.me.require(Permission::ReadCatalogue)?;
    if let Some(words) = from
        .q
        .as_deref()
        .filter(|_| super::aliases::from_this_site(&headers))
    {
        super::aliases::picked(&st, &ctx, words, &from.tried, &code).await?;
    }
    let snap = st.catalogue.get(&st.db).await?;
    let history = store::history(&st.db, &code).await?;
    let Some(newest) = history.first() else {
        return Err(AppError::NotFound);
    };
    let current = snap.get(&code);
    let upcoming = current
        .is_none_or(|c| c.version < newest.version)
        .then(|| context! { version => newest.version, effective_from => &newest.effective_from });
    let item: ServiceItem = match current {
        Some(c) => c.item.clone(),
        None => parse(&newest.body)?,
    };
    let pending: Vec<i64> = if ctx.me.scope.can(Permission::HandleMatters) {
        store::unacknowledged(&st.db, ctx.me.user.id, &snap.date)
            .await?
            .into_iter()
            .filter(|v| v.item_code == code)
            .map(|v| v.id)
            .collect()
    } else {
        Vec::new()
    };
    let version = current.map(|c| context! { version => c.version, effective_from => &c.effective_from, id => c.version_id });
    let change_note = current
        .and_then(|c| history.iter().find(|v| v.version == c.version))
        .map(|v| v.change_note.clone());
    let data = context! {
        item, version, upcoming, pending, change_note,
        has_draft => store::draft(&st.db, &code).await?.is_some(),
        editor => ctx.me.scope.can(Permission::EditCatalogue),
        policy_base => "/policies/",
    };
    ctx.render("catalogue_item.html", data)
}

pub fn parse(body: &str) -> AppResult<ServiceItem> {
    serde_json::from_str(body).map_err(|e| AppError::Internal(anyhow::anyhow!("stored item: {e}")))
}

pub async fn history(
    State(st): State<Shared>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> AppResult<Html<String>> {
    ctx.me.require(Permission::ReadCatalogue)?;
    let versions = store::history(&st.db, &code).await?;
    if versions.is_empty() {
        return Err(AppError::NotFound);
    }
    let rows: Vec<Value> = versions
        .iter()
        .map(|v| context! { version => v.version, effective_from => &v.effective_from, change_note => &v.change_note, by => &v.published_by, at => v.published_at })
        .collect();
    ctx.render(
        "catalogue_history.html",
        context! { code, name => &versions[0].name, versions => rows },
    )
}

#[derive(Deserialize)]
pub struct DiffQuery {
    from: i64,
    to: i64,
}

pub async fn compare(
    State(st): State<Shared>,
    ctx: Ctx,
    Path(code): Path<String>,
    Query(q): Query<DiffQuery>,
) -> AppResult<Html<String>> {
    ctx.me.require(Permission::ReadCatalogue)?;
    let old = store::version(&st.db, &code, q.from).await?;
    let new = store::version(&st.db, &code, q.to).await?;
    let changes: Vec<Value> = diff(&parse(&old.body)?, &parse(&new.body)?)
        .into_iter()
        .map(|c| context! { field => super::fields::label(&c.field), path => c.field, before => c.before, after => c.after })
        .collect();
    let data = context! {
        code, name => &new.name, changes,
        from => context! { version => old.version, effective_from => &old.effective_from },
        to => context! { version => new.version, effective_from => &new.effective_from, change_note => &new.change_note },
    };
    ctx.render("catalogue_diff.html", data)
}
