//! Learning from the desk (群众说法). A worker who searched in their own words and then opened
//! an item's guide or started its intake leaves the pair; words that enough different workers
//! followed to the same item are proposed as its alias. A head or the street administrator
//! accepts them (the words become a synonym of the item: the street administrator publishes the
//! next version at once, a head's acceptance goes into the item's draft for publishing) or
//! rejects them. The street administrator also reads the portal's questions that no resident
//! followed to an item, the questions the catalogue does not answer yet.

use super::edit::editable;
use super::pages::parse;
use super::search;
use super::snapshot::Snapshot;
use crate::audit::{self, Event};
use crate::auth::ClientIp;
use crate::error::{AppError, AppResult};
use crate::page::Ctx;
use crate::portal::questions::KEPT_FOR_DAYS;
use crate::server::Shared;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use quanke_app::clock;
use quanke_domain::Permission;
use quanke_domain::catalogue::may_edit;
use quanke_domain::catalogue::spoken::{self, CONFIRMED_BY};
use quanke_store::StoreError;
use quanke_store::catalogue::{self as store, Draft, NewVersion};
use quanke_store::changes::Topic;
use quanke_store::search_learning::{self as learning, Change, Decision, Proposal};
use serde::Deserialize;

/// Proposals read for the page; more wait for these to be decided.
const PROPOSALS_READ: i64 = 200;

const QUESTIONS_SHOWN: i64 = 100;

/// Earlier words searched on the same screen that travel with it.
const TRIED_KEPT: usize = 3;

/// What separates the earlier words in their one field.
const TRIED_SEPARATOR: char = '|';

/// The words searched on a screen so far, for its next request: the earlier ones (`tried`, as
/// the screen sent them) and the words now in the box, the last few. They travel in the page
/// itself (a hidden field, the result links), so whichever server process answers next reads
/// them: the words that did not find the item are the ones the search most needs to learn.
pub fn tried_after(tried: &str, now: &str) -> String {
    let mut words: Vec<&str> = tried
        .split(TRIED_SEPARATOR)
        .chain(std::iter::once(now))
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .collect();
    let mut seen = std::collections::HashSet::new();
    words.retain(|w| seen.insert(*w));
    let from = words.len().saturating_sub(TRIED_KEPT);
    words[from..]
        .iter()
        .map(|w| w.replace(TRIED_SEPARATOR, " "))
        .collect::<Vec<_>>()
        .join(&TRIED_SEPARATOR.to_string())
}

/// Notes that a worker picked `code` after searching `words` and, before them on the same
/// screen, the earlier `tried`. Words that could not become an alias (a number, a code, a
/// whole story) and items not in force are not noted.
pub async fn picked(st: &Shared, ctx: &Ctx, words: &str, tried: &str, code: &str) -> AppResult<()> {
    if !ctx.me.scope.can(Permission::HandleMatters) {
        return Ok(());
    }
    let snap = st.catalogue.get(&st.db).await?;
    let Some(current) = snap.get(code) else {
        return Ok(());
    };
    let mut kept: Vec<String> = tried_after(tried, words)
        .split(TRIED_SEPARATOR)
        .filter_map(spoken::normalise)
        .filter(|k| spoken::may_become_alias(k) && !spoken::already_known(&current.item, k))
        .filter(|k| !answered_by(&snap, k, code))
        .collect();
    kept.sort();
    kept.dedup();
    for k in kept {
        learning::picked(&st.db, &k, code, ctx.me.user.id, clock::now()).await?;
    }
    Ok(())
}

/// Whether a guide was opened from one of our own pages. Opening it is a plain link (a GET),
/// which another site could make a signed-in worker's browser follow with words of its choosing;
/// browsers say where such a request comes from (`Sec-Fetch-Site`), and one that says nothing
/// (an old browser) is taken as ours.
pub fn from_this_site(headers: &HeaderMap) -> bool {
    headers
        .get("sec-fetch-site")
        .is_none_or(|v| v.as_bytes() == b"same-origin")
}

/// Whether the search already answers `words` with `code` first and sure of it: nothing to
/// learn there.
fn answered_by(snap: &Snapshot, words: &str, code: &str) -> bool {
    search::items(snap, words, 1)
        .first()
        .is_some_and(|h| h.code == code && h.answers())
}

#[derive(Deserialize)]
pub struct PageQuery {
    /// What the last decision did: published, drafted or rejected.
    done: Option<String>,
}

pub async fn page(
    State(st): State<Shared>,
    ctx: Ctx,
    Query(q): Query<PageQuery>,
) -> AppResult<Html<String>> {
    ctx.me.require(Permission::EditCatalogue)?;
    let proposals: Vec<Value> = decidable(&st, &ctx)
        .await?
        .into_iter()
        .map(|(p, shown)| shown_proposal(&p, shown))
        .collect();
    let publisher = ctx.me.scope.can(Permission::PublishCatalogue);
    let questions = if publisher {
        st.flush_portal_questions().await?;
        let since = clock::now() - KEPT_FOR_DAYS * 86_400;
        learning::unanswered(&st.db, since, QUESTIONS_SHOWN).await?
    } else {
        Vec::new()
    };
    let questions: Vec<Value> = questions
        .iter()
        .map(|q| context! { query => &q.query, searches => q.searches, answered => q.answered, first_at => q.first_at, last_at => q.last_at })
        .collect();
    let data = context! {
        proposals, questions, publisher, confirmed_by => CONFIRMED_BY, days => KEPT_FOR_DAYS,
        done => q.done,
    };
    ctx.render("catalogue_spoken.html", data)
}

/// What the page shows of an item a proposal names, and where today's search puts it.
struct Shown {
    name: String,
    rank: Option<usize>,
    first: Option<String>,
}

fn shown_proposal(p: &Proposal, s: Shown) -> Value {
    context! {
        query => &p.query, code => &p.item_code, workers => p.workers, last => p.last_picked,
        name => s.name, rank => s.rank, first => s.first,
    }
}

/// The proposals this person may decide: items in force they may edit, that neither answer to
/// the words already nor come first for them (the catalogue may have changed since the picks).
async fn decidable(st: &Shared, ctx: &Ctx) -> AppResult<Vec<(Proposal, Shown)>> {
    let snap = st.catalogue.get(&st.db).await?;
    let owners = store::owners(&st.db).await?;
    let mut out = Vec::new();
    for p in learning::proposals(&st.db, CONFIRMED_BY, PROPOSALS_READ).await? {
        let Some(current) = snap.get(&p.item_code) else {
            continue;
        };
        if !may_edit(&ctx.me.scope, owners.get(&p.item_code))
            || spoken::already_known(&current.item, &p.query)
            || answered_by(&snap, &p.query, &p.item_code)
        {
            continue;
        }
        let hits = search::items(&snap, &p.query, 10);
        let rank = hits
            .iter()
            .position(|h| h.code == p.item_code)
            .map(|i| i + 1);
        let first = hits
            .first()
            .filter(|h| h.code != p.item_code)
            .and_then(|h| snap.get(&h.code))
            .map(|c| c.item.name.clone());
        let name = current.item.name.clone();
        out.push((p, Shown { name, rank, first }));
    }
    Ok(out)
}

#[derive(Deserialize)]
pub struct Decide {
    query: String,
    item: String,
}

/// The proposal a form names, if it is still open and this person may decide it.
async fn open_proposal(st: &Shared, ctx: &Ctx, f: &Decide) -> AppResult<Proposal> {
    ctx.me.require(Permission::EditCatalogue)?;
    let p = learning::proposal(&st.db, &f.query, &f.item, CONFIRMED_BY)
        .await?
        .ok_or(AppError::NotFound)?;
    editable(st, ctx, &p.item_code).await?;
    Ok(p)
}

pub async fn accept(
    State(st): State<Shared>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    Form(f): Form<Decide>,
) -> AppResult<Response> {
    let p = open_proposal(&st, &ctx, &f).await?;
    let decision = decision(&p, &ctx);
    let note = format!(
        "采纳群众说法“{}”（{} 位工作人员搜索后选择了本事项）",
        p.query, p.workers
    );
    let draft = store::draft(&st.db, &p.item_code).await?;
    let published = if ctx.me.scope.can(Permission::PublishCatalogue) && draft.is_none() {
        publish(&st, &ctx, &p, &decision, &note).await?
    } else {
        into_draft(&st, &ctx, &p, draft, &decision, &note).await?;
        false
    };
    record(&st, &ctx, &ip, "alias_accepted", &p).await?;
    let to = if published { "published" } else { "drafted" };
    Ok(Redirect::to(&format!("/catalogue/spoken?done={to}")).into_response())
}

/// Publishes the item's next version with the words among its synonyms, effective today.
async fn publish(
    st: &Shared,
    ctx: &Ctx,
    p: &Proposal,
    decision: &Decision<'_>,
    note: &str,
) -> AppResult<bool> {
    let mut item = parse(&newest_body(st, &p.item_code).await?)?;
    spoken::add_alias(&mut item, &p.query);
    let body = quanke_app::catalogue::transfer::body(&item)?;
    let today = clock::today();
    let v = NewVersion {
        item_code: &p.item_code,
        name: &item.name,
        line: &item.line,
        effective_from: &today,
        change_note: note,
        body: &body,
        published_by: &ctx.me.user.username,
    };
    decided(learning::accept(&st.db, decision, &Change::Publish(v)).await)?;
    crate::changes::made(st, Topic::Catalogue).await;
    Ok(true)
}

/// Adds the words to the item's draft (started from its newest version when it has none).
async fn into_draft(
    st: &Shared,
    ctx: &Ctx,
    p: &Proposal,
    draft: Option<Draft>,
    decision: &Decision<'_>,
    note: &str,
) -> AppResult<()> {
    let (body, effective_from, change_note) = match draft {
        Some(d) => (
            d.body,
            d.effective_from,
            format!("{}；{note}", d.change_note),
        ),
        None => (
            newest_body(st, &p.item_code).await?,
            clock::today(),
            note.to_string(),
        ),
    };
    let mut item = parse(&body)?;
    spoken::add_alias(&mut item, &p.query);
    let d = Draft {
        item_code: p.item_code.clone(),
        name: item.name.clone(),
        line: item.line.clone(),
        effective_from,
        change_note,
        body: quanke_app::catalogue::transfer::body(&item)?,
        updated_by: ctx.me.user.username.clone(),
        updated_at: decision.decided_at,
    };
    decided(learning::accept(&st.db, decision, &Change::Draft(&d)).await)
}

pub async fn reject(
    State(st): State<Shared>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    Form(f): Form<Decide>,
) -> AppResult<Response> {
    let p = open_proposal(&st, &ctx, &f).await?;
    decided(learning::reject(&st.db, &decision(&p, &ctx)).await)?;
    record(&st, &ctx, &ip, "alias_rejected", &p).await?;
    Ok(Redirect::to("/catalogue/spoken?done=rejected").into_response())
}

/// The item's newest published version, as stored.
async fn newest_body(st: &Shared, code: &str) -> AppResult<String> {
    let newest = store::history(&st.db, code).await?.into_iter().next();
    Ok(newest.ok_or(AppError::NotFound)?.body)
}

/// This person's decision on `p`, now.
fn decision<'a>(p: &'a Proposal, ctx: &'a Ctx) -> Decision<'a> {
    Decision {
        query: &p.query,
        item_code: &p.item_code,
        decided_by: &ctx.me.user.username,
        decided_at: clock::now(),
    }
}

/// The audit entry of a decision, in the decider's place.
async fn record(st: &Shared, ctx: &Ctx, ip: &str, action: &str, p: &Proposal) -> AppResult<()> {
    let ev = Event {
        action,
        target: &p.item_code,
        detail: &p.query,
        ip,
        org_path: &ctx.me.user.org_path,
    };
    audit::by_user(st, &ctx.me, ev).await?;
    Ok(())
}

/// A decision that lost a race (decided by someone else meanwhile, or a draft started while
/// publishing) says so in words.
fn decided(r: Result<(), StoreError>) -> AppResult<()> {
    match r {
        Err(StoreError::Conflict(_)) => Err(AppError::BadRequest(
            "这条说法刚刚已由他人处理，或该事项刚有了草稿。请刷新页面后再看。".into(),
        )),
        other => Ok(other?),
    }
}
