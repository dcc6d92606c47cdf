//! One person's page: the record masked, household, membership history, tags, changes and who
//! has read the record. Outside the viewer's subtree a person does not exist (404, not 403), so
//! that a page cannot be used to learn who lives elsewhere. Every view is audited.

use super::labels;
use super::places::Places;
use super::rows::row;
use crate::audit::{self, Event};
use crate::auth::ClientIp;
use crate::error::{AppError, AppResult};
use crate::page::Ctx;
use crate::server::Shared;
use axum::extract::{Path, State};
use axum::response::Response;
use minijinja::{Value, context};
use quanke_domain::mask::Show;
use quanke_domain::registry::CareTag;
use quanke_domain::{Permission, Role};
use quanke_store::registry::{self, Reader, Resident, audit_target};
use std::collections::HashMap;

/// Entries of "谁查看过" shown; the audit log keeps them all.
const READERS_SHOWN: i64 = 30;

pub async fn show(
    State(st): State<Shared>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    ctx.me.require(Permission::ReadRegistry)?;
    let person = visible(&st, &ctx, id).await?;
    record(&st, &ctx, &person, "registry_viewed", "", &ip).await?;
    render(&st, &ctx, &person, Show::Masked, context! {}).await
}

/// The person when inside the viewer's subtree; otherwise as if there were no such person.
pub(super) async fn visible(st: &Shared, ctx: &Ctx, id: i64) -> AppResult<Resident> {
    let person = registry::resident(&st.db, id).await?;
    if ctx.me.scope.covers(&person.org_path) {
        Ok(person)
    } else {
        Err(AppError::NotFound)
    }
}

/// Appends an audit entry about this person, placed at the person's org so that the heads of
/// their community read it.
pub(super) async fn record(
    st: &Shared,
    ctx: &Ctx,
    person: &Resident,
    action: &str,
    detail: &str,
    ip: &str,
) -> AppResult<()> {
    let ev = Event {
        action,
        target: &audit_target(person.id),
        detail,
        ip,
        org_path: &person.org_path,
    };
    Ok(audit::by_user(st, &ctx.me, ev).await?)
}

/// Renders the page, masked or (for one reveal) in full; `extra` carries a form's outcome.
pub(super) async fn render(
    st: &Shared,
    ctx: &Ctx,
    person: &Resident,
    show: Show,
    extra: Value,
) -> AppResult<Response> {
    let places = Places::tree_of(&st.db, &ctx.me.scope.org).await?;
    let memberships = registry::memberships(&st.db, person.id).await?;
    let households: HashMap<i64, String> = memberships
        .iter()
        .map(|m| (m.household_id, m.household_number.clone()))
        .collect();
    let (members, members_hidden) = household(st, ctx, person, &places).await?;
    let changes = registry::changes(&st.db, person.id).await?;
    let changes: Vec<Value> = changes
        .iter()
        .map(|c| {
            let value = |v: &str| change_value(&c.field, v, show, &places, &households);
            context! {
                at => c.at, actor => &c.actor, source => &c.source,
                field => labels::field(&c.field), old => value(&c.old_value),
                new => value(&c.new_value),
            }
        })
        .collect();
    let memberships: Vec<Value> = memberships
        .iter()
        .map(|m| context! { number => &m.household_number, relation => &m.relation, joined => &m.joined_on, left => m.left_on.clone().unwrap_or_default() })
        .collect();
    let (tags, tags_hidden) = tags(st, person.id, show).await?;
    let readers: Vec<Value> = registry::readers(&st.db, person.id, READERS_SHOWN)
        .await?
        .into_iter()
        .map(reader_view)
        .collect();
    let scope = &ctx.me.scope;
    let data = context! {
        p => record_view(person, show, &places),
        revealed => show == Show::Full,
        members, members_hidden, memberships, tags, tags_hidden,
        hidden_label => labels::HIDDEN, changes, readers,
        can_reveal => scope.can(Permission::RevealPersonal) && person.status != "anonymised",
        can_move => scope.can(Permission::ImportRegistry) && person.status == "active",
        can_visit => scope.can(Permission::RecordVisits),
        latest_date => super::dates::today().to_string(),
        ..extra
    };
    Ok(super::private(ctx.render("registry_person.html", data)?))
}

/// A reader named as colleagues know them: display name, role and org; the username (what the
/// audit log keeps) on hover, and alone for an account that no longer exists.
fn reader_view(r: Reader) -> Value {
    let role = r.role.as_deref().and_then(|code| code.parse::<Role>().ok());
    context! {
        at => r.at, name => r.display_name.as_deref().unwrap_or(&r.username),
        username => &r.username, role => role.map(Role::label), org => r.org_name,
        action => labels::reader_action(&r.action), detail => r.detail,
    }
}

fn record_view(p: &Resident, show: Show, places: &Places) -> Value {
    let dwelling: String = [&p.building, &p.unit, &p.room]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect();
    context! {
        id => p.id, name => &p.name, id_number => show.id_number(&p.id_number),
        sex => labels::sex(&p.sex), birth_date => &p.birth_date,
        age => super::dates::age(&p.birth_date, super::dates::today()),
        active => p.status == "active",
        phone => show.phone(&p.phone), registered_address => &p.registered_address,
        actual_address => &p.actual_address, ethnicity => &p.ethnicity,
        political_status => &p.political_status, marital_status => &p.marital_status,
        employment => &p.employment, place => places.name(p.org_path.as_str()),
        household => p.household_number.clone().unwrap_or_default(),
        household_id => p.household_id,
        relation => &p.relation, dwelling, status => labels::status(&p.status),
        left_on => p.left_on.clone().unwrap_or_default(),
    }
}

/// The other current members of the person's household that the viewer may see, and how many
/// others there are outside the viewer's subtree.
async fn household(
    st: &Shared,
    ctx: &Ctx,
    person: &Resident,
    places: &Places,
) -> AppResult<(Vec<super::rows::Row>, usize)> {
    let Some(household) = person.household_id else {
        return Ok((Vec::new(), 0));
    };
    let today = super::dates::today();
    let others: Vec<_> = registry::household_members(&st.db, household)
        .await?
        .into_iter()
        .filter(|m| m.id != person.id)
        .collect();
    let (mine, theirs): (Vec<_>, Vec<_>) = others
        .into_iter()
        .partition(|m| ctx.me.scope.covers(&m.org_path));
    let rows = mine.iter().map(|m| row(m, places, today)).collect();
    Ok((rows, theirs.len()))
}

/// Tags with their dates; sensitive ones are counted, not named, unless shown.
async fn tags(st: &Shared, id: i64, show: Show) -> AppResult<(Vec<Value>, bool)> {
    let mut hidden = false;
    let mut shown = Vec::new();
    for t in registry::tags(&st.db, id).await? {
        match CareTag::from_code(&t.tag) {
            Some(tag) if !show.tag(tag) => hidden = true,
            found => {
                let label = found.map_or(t.tag.as_str(), |tag| tag.label());
                shown.push(context! { label, since => t.since });
            }
        }
    }
    Ok((shown, hidden))
}

/// A value in the change history as the page may show it: phones masked, sensitive tags
/// hidden, grids and households named.
fn change_value(
    field: &str,
    value: &str,
    show: Show,
    places: &Places,
    households: &HashMap<i64, String>,
) -> String {
    match field {
        "phone" => show.phone(value),
        "tags" => labels::tag_list(value, show),
        "grid" if !value.is_empty() => places.name(value),
        "status" => labels::status(value).to_string(),
        "household" => value
            .parse::<i64>()
            .ok()
            .and_then(|id| households.get(&id).cloned())
            .unwrap_or_else(|| value.to_string()),
        _ => value.to_string(),
    }
}
