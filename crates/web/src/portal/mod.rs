//! The resident portal: no sign-in, phone-first. Search in everyday words, read a guide, work
//! out exactly what to bring before coming (最多跑一次), apply online (网上申请), follow the
//! case with its number and phone (办件查询) and rate it once it is done (好差评); report an
//! event for the community to act on (随手拍) and follow it by its number.

mod apply;
pub(crate) mod questions;
mod report;
mod track;

use crate::catalogue::search;
use crate::catalogue::snapshot::Snapshot;
use crate::error::{AppError, AppResult};
use crate::page::render_anon;
use crate::server::Shared;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Path, Query, RawQuery, State};
use axum::response::Html;
use axum::routing::{get, post};
use minijinja::{Value, context};
use quanke_domain::catalogue::spoken::ASK_ITEM;
use quanke_domain::catalogue::{Answers, BusinessKind, ServiceItem, materials_for};
use serde::Deserialize;
use tower_http::limit::RequestBodyLimitLayer;

/// Mounted at /portal.
pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/", get(home))
        .route("/search", get(results))
        .route("/items/{code}", get(guide))
        .route("/items/{code}/checklist", get(checklist))
        .route("/track", get(track::form).post(track::lookup))
        .route("/track/rating", post(track::rate))
        .route("/report", get(report::form).post(report::submit))
        .route("/events/{number}", get(report::show))
}

/// The online application, with its scans, outside the server's small default body limit.
pub fn upload_routes() -> Router<Shared> {
    Router::new()
        .route(
            "/portal/items/{code}/apply",
            get(apply::form)
                .post(apply::submit)
                .layer(DefaultBodyLimit::max(apply::BODY_LIMIT)),
        )
        .layer(RequestBodyLimitLayer::new(apply::BODY_LIMIT))
}

async fn home(State(st): State<Shared>) -> AppResult<Html<String>> {
    let snap = st.catalogue.get(&st.db).await?;
    let lines: Vec<Value> = snap
        .by_line()
        .into_iter()
        .map(|(line, items)| {
            let items: Vec<Value> = items
                .iter()
                .map(|c| context! { code => &c.public.code, name => &c.public.name })
                .collect();
            context! { line, items }
        })
        .collect();
    render_anon("portal_home.html", context! { lines })
}

/// How many of the closest items a search that found no answer shows.
const CLOSEST: usize = 3;

#[derive(Deserialize)]
struct SearchQuery {
    q: Option<String>,
}

async fn results(
    State(st): State<Shared>,
    Query(q): Query<SearchQuery>,
) -> AppResult<Html<String>> {
    let snap = st.catalogue.get(&st.db).await?;
    let query = q.q.unwrap_or_default().trim().to_string();
    let found = search::items(&snap, &query, 20);
    // Below the line of an answer the page says it found nothing and offers the closest few.
    let answered = found.first().is_some_and(|h| h.answers());
    st.portal_questions
        .searched(&query, answered, quanke_app::clock::now());
    let shown = if answered { found.len() } else { CLOSEST };
    let hits: Vec<Value> = found
        .into_iter()
        .take(shown)
        .filter_map(|h| snap.get(&h.code).map(|c| (c, h.why)))
        .map(|(c, why)| {
            context! {
                code => &c.public.code, name => &c.public.name, line => &c.public.line,
                visits => c.public.visits, mode => c.public.mode.label(), why,
            }
        })
        .collect();
    let ask = (!answered).then(|| ask_link(&snap)).flatten();
    render_anon(
        "portal_results.html",
        context! { q => query, hits, answered, ask },
    )
}

/// Where a resident whose question found no item asks the community instead (代咨询; the
/// question goes along as `note=`); None when the street publishes no such item.
pub(crate) fn ask_link(snap: &Snapshot) -> Option<String> {
    snap.get(ASK_ITEM)?;
    Some(format!("/portal/items/{ASK_ITEM}/apply"))
}

fn current<'a>(snap: &'a Snapshot, code: &str) -> AppResult<&'a quanke_app::catalogue::Current> {
    snap.get(code).ok_or(AppError::NotFound)
}

async fn guide(
    State(st): State<Shared>,
    Path(code): Path<String>,
    Query(from): Query<SearchQuery>,
) -> AppResult<Html<String>> {
    let snap = st.catalogue.get(&st.db).await?;
    let c = current(&snap, &code)?;
    // A result opened from a search: that question found something the resident wanted to read.
    if let Some(q) = from.q {
        st.portal_questions.clicked(&q, quanke_app::clock::now());
    }
    let data = context! {
        item => &c.public, version => c.version, effective_from => &c.effective_from,
        kinds => c.public.kinds.iter().map(|k| context! { code => k.kind.code(), label => k.kind.label() }).collect::<Vec<_>>(),
    };
    render_anon("portal_item.html", data)
}

/// The query pairs of a page, as `kind=new&a_who=proxy`.
fn pairs_of(raw: Option<&str>) -> Vec<(String, String)> {
    serde_urlencoded::from_str(raw.unwrap_or("")).unwrap_or_default()
}

/// The business kind named in `pairs` (`kind=`) if the item has it, and the answers given as
/// `a_<question>` (repeated for multiple choices; empty values dropped).
fn choice(item: &ServiceItem, pairs: &[(String, String)]) -> (Option<BusinessKind>, Answers) {
    let kind = pairs
        .iter()
        .find(|(k, _)| k == "kind")
        .and_then(|(_, v)| BusinessKind::parse(v))
        .filter(|k| item.kinds.iter().any(|x| x.kind == *k));
    let mut answers = Answers::new();
    for (k, v) in pairs {
        let v = v.trim();
        if let Some(q) = k.strip_prefix("a_").filter(|_| !v.is_empty()) {
            answers
                .entry(q.to_string())
                .or_default()
                .push(v.to_string());
        }
    }
    (kind, answers)
}

/// `kind=...&a_<question>=...` for links that carry a resident's choices to the next page.
fn choice_query(kind: BusinessKind, answers: &Answers) -> String {
    let mut pairs = vec![("kind".to_string(), kind.code().to_string())];
    let mut keys: Vec<&String> = answers.keys().collect();
    keys.sort();
    for q in keys {
        for v in &answers[q] {
            pairs.push((format!("a_{q}"), v.clone()));
        }
    }
    serde_urlencoded::to_string(pairs).unwrap_or_default()
}

/// The materials this resident must bring, from their business kind and their answers, given as
/// `kind=new&a_who=proxy` (repeat `a_<question>` for multiple choices).
async fn checklist(
    State(st): State<Shared>,
    Path(code): Path<String>,
    RawQuery(raw): RawQuery,
) -> AppResult<Html<String>> {
    let snap = st.catalogue.get(&st.db).await?;
    let c = current(&snap, &code)?;
    let (kind, answers) = choice(&c.public, &pairs_of(raw.as_deref()));
    let kind = kind
        .or_else(|| c.public.kinds.first().map(|k| k.kind))
        .ok_or(AppError::NotFound)?;
    let materials = materials_for(&c.public, kind, &answers);
    let unanswered: Vec<&str> = c
        .public
        .questions
        .iter()
        .filter(|q| q.datatype.has_options() && !answers.contains_key(&q.id))
        .map(|q| q.text.as_str())
        .collect();
    let data = context! {
        item => &c.public, kind => kind.label(), materials, unanswered,
        conditions => c.public.kinds.iter().find(|k| k.kind == kind).map(|k| k.conditions.clone()),
        apply_query => choice_query(kind, &answers),
    };
    render_anon("portal_checklist.html", data)
}
