//! The registry's front page: one search box that reads what was typed (ID number, its last
//! digits, name, pinyin initials, phone or address) and lists matches inside the viewer's
//! subtree, masked; with the counts of that subtree and the links the role may follow.
//!
//! The box posts, so that ID and phone numbers stay out of addresses, browser history and
//! logs; `?q=` still works for links. A whole ID or phone number is not echoed back either:
//! the page names it masked.

use super::paging::{PageAt, Paging};
use super::places::Places;
use super::rows::{Row, row};
use super::{dates, labels};
use crate::audit::{self, Event};
use crate::auth::ClientIp;
use crate::error::AppResult;
use crate::page::Ctx;
use crate::server::Shared;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::Response;
use minijinja::{Value, context};
use quanke_domain::Permission;
use quanke_domain::mask::Show;
use quanke_domain::registry::{Lookup, Query as Search, read};
use quanke_store::registry::{self, MIN_ADDRESS_CHARS, counts};
use serde::Deserialize;

/// People per page: a phone shows one card per person, so a page stays a few screens long.
const LIMIT: usize = 20;

#[derive(Deserialize)]
pub struct SearchQuery {
    q: Option<String>,
    #[serde(flatten)]
    paging: Paging,
}

/// What the search found, or why it did not look.
pub(crate) struct Found {
    pub kind: Option<String>,
    pub rows: Vec<Row>,
    pub more: bool,
    /// The id the next page starts after.
    pub next: Option<i64>,
    pub hint: Option<String>,
}

pub async fn page(
    State(st): State<Shared>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    Query(q): Query<SearchQuery>,
) -> AppResult<Response> {
    let at = q.paging.read()?;
    results(&st, &ctx, &ip, q.q.unwrap_or_default(), at).await
}

pub async fn submit(
    State(st): State<Shared>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    Form(q): Form<SearchQuery>,
) -> AppResult<Response> {
    let at = q.paging.read()?;
    results(&st, &ctx, &ip, q.q.unwrap_or_default(), at).await
}

async fn results(
    st: &Shared,
    ctx: &Ctx,
    ip: &str,
    input: String,
    at: PageAt,
) -> AppResult<Response> {
    ctx.me.require(Permission::ReadRegistry)?;
    let input = input.trim().to_string();
    let lookup = read(&input);
    let found = find(st, ctx, ip, lookup.as_ref(), at, LIMIT).await?;
    let counts = overview(st, ctx).await?;
    let scope = &ctx.me.scope;
    let links = context! {
        import => scope.can(Permission::ImportRegistry),
        export => scope.can(Permission::ExportRegistry),
        retention => scope.can(Permission::ApplyRetention),
    };
    let (echo, asked) = echo(lookup.as_ref().and_then(|l| l.query.as_ref()), input);
    let data = context! {
        q => echo, asked, kind => found.kind, rows => found.rows, more => found.more,
        next => found.next, page => at.number,
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

/// The people a search box finds within the viewer's subtree, masked, at most `limit` (and
/// whether there are more): the registry's page and the desk's resident box both read the
/// box here, so a tag typed into either is a filter.
///
/// Disability and "key group" tags are sensitive: only the roles that may export the registry
/// with its tags filter by them, and each such search is audited as a reveal is.
pub(crate) async fn find(
    st: &Shared,
    ctx: &Ctx,
    ip: &str,
    lookup: Option<&Lookup>,
    at: PageAt,
    limit: usize,
) -> AppResult<Found> {
    let mut found = Found {
        kind: None,
        rows: Vec::new(),
        more: false,
        next: None,
        hint: None,
    };
    let Some(lookup) = lookup else {
        return Ok(found);
    };
    found.kind = Some(kind_label(lookup));
    if let Some(Search::Address(a)) = &lookup.query
        && a.chars().count() < MIN_ADDRESS_CHARS
    {
        found.hint = Some(format!("按地址查找请至少输入 {MIN_ADDRESS_CHARS} 个字"));
        return Ok(found);
    }
    let sensitive: Vec<&str> = lookup
        .tags
        .iter()
        .filter(|t| t.is_sensitive())
        .map(|t| t.label())
        .collect();
    if !sensitive.is_empty() {
        if !ctx.me.scope.can(Permission::ExportRegistry) {
            found.hint = Some(format!(
                "“{}”属于敏感个人信息，只有社区负责人和街道管理员可以按此类别查找",
                sensitive.join("、")
            ));
            return Ok(found);
        }
        audit_sensitive(st, ctx, ip, &sensitive).await?;
    }
    let within = &ctx.me.scope.org;
    let page = registry::find(&st.db, lookup, within, at.after, limit as i64).await?;
    found.more = page.next.is_some();
    found.next = page.next;
    let hits = page.people;
    let places = Places::within(&st.db, within).await?;
    let today = dates::today();
    found.rows = hits.iter().map(|s| row(s, &places, today)).collect();
    Ok(found)
}

/// How the results line names the search: "姓名 · 人员类别“低保”".
fn kind_label(lookup: &Lookup) -> String {
    let tags: Vec<&str> = lookup.tags.iter().map(|t| t.label()).collect();
    let tags = (!tags.is_empty()).then(|| format!("人员类别“{}”", tags.join("、")));
    [lookup.query.as_ref().map(|q| q.label().to_string()), tags]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ")
}

async fn audit_sensitive(st: &Shared, ctx: &Ctx, ip: &str, labels: &[&str]) -> AppResult<()> {
    let detail = format!("按人员类别查找：{}", labels.join("、"));
    let ev = Event {
        action: "registry_tag_searched",
        target: "",
        detail: &detail,
        ip,
        org_path: &ctx.me.scope.org,
    };
    Ok(audit::by_user(st, &ctx.me, ev).await?)
}

/// People in the viewer's subtree by status, in a fixed order.
async fn overview(st: &Shared, ctx: &Ctx) -> AppResult<Vec<Value>> {
    let counts = counts::by_status(&st.db, &ctx.me.scope.org).await?;
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
