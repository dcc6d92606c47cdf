//! GET Service Request Updates, the `servicerequestupdates` extension (as FixMyStreet and
//! others use it): one update per case event, so a partner can follow its requests by polling
//! instead of fetching each one. Public like the requests themselves, and for the same reason
//! an update tells what happened but repeats a note only when the state changed (the worker's
//! explanation of a decision): other notes are the office's internal business.

use super::dates;
use super::format::{Format, Problem, Reply};
use super::jurisdiction::InJurisdiction;
use super::node::Node;
use super::requests::{self, MAX};
use crate::server::Shared;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use quanke_app::cases::view;
use quanke_domain::case::Lifecycle;
use quanke_store::open311_requests::{self, Update};
use serde::Deserialize;

#[derive(Deserialize)]
struct UpdatesQuery {
    start_date: Option<String>,
    end_date: Option<String>,
}

/// `GET /servicerequestupdates.{format}`
pub async fn list(
    State(st): State<Shared>,
    format: Format,
    _: InJurisdiction,
    RawQuery(query): RawQuery,
) -> Result<Reply, Problem> {
    let q: UpdatesQuery = serde_urlencoded::from_str(query.as_deref().unwrap_or_default())
        .map_err(|e| format.problem(StatusCode::BAD_REQUEST, format!("查询参数有误：{e}")))?;
    let (from, to) = dates::window(format, q.start_date.as_deref(), q.end_date.as_deref())?;
    let updates = open311_requests::updates(&st.db, from, to, MAX as i64)
        .await
        .map_err(|e| format.internal(&e))?;
    let lifecycle = quanke_domain::case::Lifecycle::shipped();
    let list = Node::list(
        "request_update",
        updates.iter().map(|u| update(lifecycle, u)),
    );
    Ok(format.reply("service_request_updates", list))
}

fn update(lifecycle: &Lifecycle, u: &Update) -> Node {
    Node::fields([
        ("update_id", Node::text(u.id.to_string())),
        ("service_request_id", Node::text(&u.number)),
        ("status", Node::text(requests::status(u.to_state))),
        ("updated_datetime", Node::text(dates::datetime(u.at))),
        ("description", Node::text(description(lifecycle, u))),
    ])
}

/// "已受理", "已办结：…" for changes of state; the action alone ("分派") for the rest. The
/// opening note is the partner's own text, e-mail included, so it is not repeated either.
fn description(lifecycle: &Lifecycle, u: &Update) -> String {
    if !u.moved() {
        return view::action_label(lifecycle, &u.action);
    }
    let label = u.to_state.label();
    let opened = u.from_state.0.is_none();
    match u.note.trim() {
        note if !opened && !note.is_empty() => format!("{label}：{note}"),
        _ => label.to_string(),
    }
}
