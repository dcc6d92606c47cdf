//! The registry's front page: one search box that reads what was typed (ID number, its last
//! digits, name, pinyin initials, phone or address) and lists matches inside the viewer's
//! subtree, masked; with the counts of that subtree and the links the role may follow.
//!
//! The box posts, so that ID and phone numbers stay out of addresses, browser history and
//! logs; `?q=` still works for links. A whole ID or phone number is not echoed back either:
//! the page names it masked.

use super::mask::Show;
use super::places::Places;
use super::rows::{Row, row};
use super::{dates, labels};
use crate::error::AppResult;
use crate::page::Ctx;
use crate::server::Shared;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::Response;
use minijinja::{Value, context};
use quanke_domain::Permission;
use quanke_domain::registry::{Query as Search, classify};
use quanke_store::registry::{self, MIN_ADDRESS_CHARS, export};
use serde::Deserialize;

/// Results shown at once; more means the search should be narrower.
const LIMIT: usize = 50;

#[derive(Deserialize)]
pub struct SearchQuery {
    q: Option<String>,
}

/// What the search found, or why it did not look.
struct Found {
    kind: Option<&'static str>,
    rows: Vec<Row>,
    more: bool,
    hint: Option<String>,
}

pub async fn page(
    State(st): State<Shared>,
    ctx: Ctx,
    Query(q): Query<SearchQuery>,
) -> AppResult<Response> {
    results(&st, &ctx, q.q.unwrap_or_default()).await
}

pub async fn submit(
    State(st): State<Shared>,
    ctx: Ctx,
    Form(q): Form<SearchQuery>,
) -> AppResult<Response> {
    results(&st, &ctx, q.q.unwrap_or_default()).await
}

async fn results(st: &Shared, ctx: &Ctx, input: String) -> AppResult<Response> {
    ctx.me.require(Permission::ReadRegistry)?;
    let input = input.trim().to_string();
    let query = classify(&input);
    let found = find(st, ctx, query.as_ref()).await?;
    let counts = overview(st, ctx).await?;
    let scope = &ctx.me.scope;
    let links = context! {
        import => scope.can(Permission::ImportRegistry),
        export => scope.can(Permission::ExportRegistry),
        retention => scope.can(Permission::ApplyRetention),
    };
    let (echo, asked) = echo(query.as_ref(), input);
    let data = context! {
        q => echo, asked, kind => found.kind, rows => found.rows, more => found.more,
        hint => found.hint, limit => LIMIT, counts, links,
    };
    Ok(super::private(ctx.render("registry_search.html", data)?))
}

/// What goes back into the box, and how the page names what was searched.
fn echo(query: Option<&Search>, input: String) -> (String, String) {
    match query {
        Some(Search::IdNumber(n)) => (String::new(), Show::Masked.id_number(n)),
        Some(Search::Phone(p)) => (String::new(), Show::Masked.phone(p)),
        _ => (input.clone(), input),
    }
}

async fn find(st: &Shared, ctx: &Ctx, query: Option<&Search>) -> AppResult<Found> {
    let mut found = Found {
        kind: None,
        rows: Vec::new(),
        more: false,
        hint: None,
    };
    let Some(query) = query else {
        return Ok(found);
    };
    found.kind = Some(query.label());
    if let Search::Address(a) = query
        && a.chars().count() < MIN_ADDRESS_CHARS
    {
        found.hint = Some(format!("按地址查找请至少输入 {MIN_ADDRESS_CHARS} 个字"));
        return Ok(found);
    }
    let within = &ctx.me.scope.org;
    let mut hits = registry::search(&st.db, query, within, LIMIT as i64 + 1).await?;
    found.more = hits.len() > LIMIT;
    hits.truncate(LIMIT);
    let places = Places::within(&st.db, within).await?;
    let today = dates::today();
    found.rows = hits.iter().map(|s| row(s, &places, today)).collect();
    Ok(found)
}

/// People in the viewer's subtree by status, in a fixed order.
async fn overview(st: &Shared, ctx: &Ctx) -> AppResult<Vec<Value>> {
    let counts = export::counts(&st.db, &ctx.me.scope.org).await?;
    Ok(["active", "moved_out", "anonymised"]
        .into_iter()
        .map(|status| {
            let n = counts
                .iter()
                .find(|(s, _)| s == status)
                .map_or(0, |(_, n)| *n);
            context! { label => labels::status(status), n }
        })
        .collect())
}
