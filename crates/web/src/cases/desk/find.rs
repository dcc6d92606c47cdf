//! The desk's first screen: who and what, searched together.

use crate::auth::ClientIp;
use crate::catalogue::search as catalogue_search;
use crate::error::AppResult;
use crate::page::Ctx;
use crate::registry::dates;
use crate::registry::paging::PageAt;
use crate::registry::search::{Found, find};
use crate::server::Shared;
use axum::Form;
use axum::extract::State;
use axum::response::Response;
use minijinja::{Value, context};
use quanke_domain::ident::resident_id;
use quanke_domain::registry::{Query, classify, read};
use serde::Deserialize;

const PEOPLE: usize = 20;
const ITEMS: usize = 8;

#[derive(Deserialize, Default)]
pub struct Asked {
    #[serde(default)]
    who: String,
    #[serde(default)]
    what: String,
    /// Words searched earlier on this screen (`aliases::tried_after`).
    #[serde(default)]
    tried: String,
}

pub async fn page(State(st): State<Shared>, ip: ClientIp, ctx: Ctx) -> AppResult<Response> {
    search(State(st), ip, ctx, Form(Asked::default())).await
}

pub async fn search(
    State(st): State<Shared>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    Form(asked): Form<Asked>,
) -> AppResult<Response> {
    super::may_take(&ctx)?;
    let found = people(&st, &ctx, &ip, asked.who.trim()).await?;
    let people = found.rows;
    let items = items(&st, asked.what.trim()).await?;
    let (new_person, invalid_id) = typed_number(asked.who.trim(), people.is_empty());
    let data = context! {
        who => echo(asked.who.trim(), !people.is_empty()), what => asked.what.trim(), people, items,
        new_person, invalid_id, hint => found.hint,
        searched => !asked.who.trim().is_empty() || !asked.what.trim().is_empty(),
        tried => crate::catalogue::aliases::tried_after(&asked.tried, &asked.what),
    };
    Ok(crate::registry::private(ctx.render("desk.html", data)?))
}

/// What goes back into the box: a whole ID or phone number is not echoed once it found
/// someone (the chosen person travels as their registry id); a new person's number stays.
fn echo(who: &str, found: bool) -> &str {
    let identifying = matches!(classify(who), Some(Query::IdNumber(_) | Query::Phone(_)));
    if identifying && found { "" } else { who }
}

/// Residents matching the box (tags of care filter, as on the registry's page), inside the
/// worker's subtree, masked.
pub(super) async fn people(st: &Shared, ctx: &Ctx, ip: &str, who: &str) -> AppResult<Found> {
    find(st, ctx, ip, read(who).as_ref(), PageAt::FIRST, PEOPLE).await
}

async fn items(st: &Shared, what: &str) -> AppResult<Vec<Value>> {
    if what.is_empty() {
        return Ok(Vec::new());
    }
    let snap = st.catalogue.get(&st.db).await?;
    Ok(catalogue_search::items(&snap, what, ITEMS)
        .into_iter()
        .filter_map(|h| snap.get(&h.code).map(|c| (c, h.why)))
        .map(|(c, why)| {
            context! {
                code => &c.item.code, name => &c.item.name, line => &c.item.line,
                mode => c.item.mode.label(), days => c.item.promised_days, why,
            }
        })
        .collect())
}

/// A whole ID number nobody in the worker's subtree has: a valid one offers to register the
/// person with the case (masked); an invalid one is said to be invalid and why (check digit,
/// date), never offered for registration.
fn typed_number(who: &str, nobody: bool) -> (Option<Value>, Option<String>) {
    if !nobody || !matches!(classify(who), Some(Query::IdNumber(_))) {
        return (None, None);
    }
    match resident_id::parse(who, dates::today()) {
        Ok(parsed) => {
            let masked = quanke_domain::mask::Show::Masked.id_number(parsed.id.as_str());
            (Some(context! { masked }), None)
        }
        Err(e) => (None, Some(e.to_string())),
    }
}
