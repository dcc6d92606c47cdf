//! GET Service Requests and GET Service Request: every case and every event, whatever channel
//! brought it in, as a GeoReport service request (events: `events.rs`). These are public (no api_key, as the spec allows), so a
//! request shows the matter and its progress, never the person: no applicant, phone, resident
//! or worker, and for cases not opened through Open311 no description, since the desk's
//! notes may name people.

use super::dates;
use super::events;
use super::format::{Format, Problem, Reply};
use super::jurisdiction::InJurisdiction;
use super::node::Node;
use super::note::Details;
use crate::catalogue::snapshot::Snapshot;
use crate::server::Shared;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use quanke_domain::case::State as CaseState;
use quanke_domain::catalogue::{Mode, ServiceItem};
use quanke_store::grid::events::{self as stored_events, EventRow};
use quanke_store::open311_requests::{self, Filter, ServiceRequest};
use serde::Deserialize;

/// The most requests one call returns, as the spec suggests.
pub const MAX: usize = 1000;

/// The channel code of cases opened by `POST /requests`.
pub const CHANNEL: &str = "open311";

#[derive(Deserialize)]
struct ListQuery {
    service_request_id: Option<String>,
    service_code: Option<String>,
    start_date: Option<String>,
    end_date: Option<String>,
    status: Option<String>,
}

/// `GET /requests.{format}`
pub async fn list(
    State(st): State<Shared>,
    format: Format,
    _: InJurisdiction,
    RawQuery(query): RawQuery,
) -> Result<Reply, Problem> {
    let q: ListQuery = serde_urlencoded::from_str(query.as_deref().unwrap_or_default())
        .map_err(|e| format.problem(StatusCode::BAD_REQUEST, format!("查询参数有误：{e}")))?;
    let (found, events) = match q.service_request_id.as_deref() {
        // The spec: named requests override every other parameter.
        Some(ids) => by_numbers(&st, format, ids).await?,
        None => filtered(&st, format, &q).await?,
    };
    let snap = st
        .catalogue
        .get(&st.db)
        .await
        .map_err(|e| format.internal(&e))?;
    // Cases and events, each newest first, merged newest first (named ones in their order).
    let mut dated: Vec<(i64, Node)> = found
        .iter()
        .map(|r| (r.created_at, request(r, &snap)))
        .collect();
    for e in &events {
        dated.push((e.reported_at, event_request(&st, e).await));
    }
    if q.service_request_id.is_none() {
        dated.sort_by_key(|(at, _)| std::cmp::Reverse(*at));
        dated.truncate(MAX);
    }
    let requests = dated.into_iter().map(|(_, node)| node);
    Ok(format.reply("service_requests", Node::list("request", requests)))
}

/// An event as a public request, its community named where its address is not public.
async fn event_request(st: &Shared, e: &EventRow) -> Node {
    let community = events::community_name(st, &e.community_path).await;
    events::request(e, &community)
}

/// `GET /requests/{service_request_id}.{format}`: a list of one, as the spec has it.
pub async fn show(
    State(st): State<Shared>,
    format: Format,
    _: InJurisdiction,
    Path(file): Path<String>,
) -> Result<Reply, Problem> {
    // The Format extractor has already seen the extension; what precedes it is the number.
    let number = file.rsplit_once('.').map_or(file.as_str(), |(n, _)| n);
    if let Some(id) = events::event_id(number) {
        let event = stored_events::by_id(&st.db, id)
            .await
            .map_err(|e| format.internal(&e))?
            .ok_or_else(|| {
                format.problem(StatusCode::NOT_FOUND, format!("服务请求不存在：{number}"))
            })?;
        let node = event_request(&st, &event).await;
        return Ok(format.reply("service_requests", Node::list("request", [node])));
    }
    let found = open311_requests::by_number(&st.db, number)
        .await
        .map_err(|e| format.internal(&e))?
        .ok_or_else(|| {
            format.problem(StatusCode::NOT_FOUND, format!("服务请求不存在：{number}"))
        })?;
    let snap = st
        .catalogue
        .get(&st.db)
        .await
        .map_err(|e| format.internal(&e))?;
    Ok(format.reply(
        "service_requests",
        Node::list("request", [request(&found, &snap)]),
    ))
}

/// "A-1,B-2": each named request that exists, in the order named, each once.
async fn by_numbers(st: &Shared, format: Format, ids: &str) -> Result<Found, Problem> {
    let mut numbers: Vec<&str> = Vec::new();
    for id in ids.split(',').map(str::trim).filter(|id| !id.is_empty()) {
        if !numbers.contains(&id) {
            numbers.push(id);
        }
    }
    let (mut found, mut events) = (Vec::new(), Vec::new());
    for number in numbers.into_iter().take(MAX) {
        if let Some(id) = events::event_id(number) {
            let e = stored_events::by_id(&st.db, id)
                .await
                .map_err(|e| format.internal(&e))?;
            events.extend(e);
            continue;
        }
        let r = open311_requests::by_number(&st.db, number)
            .await
            .map_err(|e| format.internal(&e))?;
        found.extend(r);
    }
    Ok((found, events))
}

/// Cases and events a list names or filters.
type Found = (Vec<ServiceRequest>, Vec<EventRow>);

async fn filtered(st: &Shared, format: Format, q: &ListQuery) -> Result<Found, Problem> {
    let (from, to) = dates::window(format, q.start_date.as_deref(), q.end_date.as_deref())?;
    let code = q
        .service_code
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    let closed = closed_filter(format, q.status.as_deref())?;
    let (cases_wanted, events_wanted) = match code {
        None => (true, true),
        Some(c) if events::is_event_service(c) => (false, true),
        Some(_) => (true, false),
    };
    let mut found = Vec::new();
    if cases_wanted {
        let f = Filter {
            from,
            to,
            item_code: code,
            closed,
            limit: MAX as i64,
        };
        found = open311_requests::list(&st.db, &f)
            .await
            .map_err(|e| format.internal(&e))?;
    }
    let mut events = Vec::new();
    if events_wanted {
        // An event service no category has matches nothing, as an unknown item code does.
        let category = code.map(|c| events::category_of(c).map_or("-", |cat| cat.code.as_str()));
        events = stored_events::reported_between(&st.db, from, to, category, closed, MAX as i64)
            .await
            .map_err(|e| format.internal(&e))?;
    }
    Ok((found, events))
}

/// `status`: open, closed, or both comma separated (the same as leaving it out).
fn closed_filter(format: Format, status: Option<&str>) -> Result<Option<bool>, Problem> {
    let Some(status) = status else {
        return Ok(None);
    };
    let (mut open, mut closed) = (false, false);
    for s in status.split(',').map(str::trim) {
        match s {
            "open" => open = true,
            "closed" => closed = true,
            other => {
                return Err(format.problem(
                    StatusCode::BAD_REQUEST,
                    format!("status 只能是 open 或 closed，而不是“{other}”"),
                ));
            }
        }
    }
    Ok((open != closed).then_some(closed))
}

/// GeoReport's two statuses for a stored state.
pub fn status(state: CaseState) -> &'static str {
    if state.is_decided() { "closed" } else { "open" }
}

/// What a client should know when submitting, and what happens next.
pub fn notice(item: &ServiceItem) -> String {
    let limit = match item.mode {
        Mode::OnTheSpot => format!("{}，材料齐全当场办结", Mode::OnTheSpot.label()),
        Mode::Promised => format!(
            "{}，受理后 {} 个工作日内办结",
            Mode::Promised.label(),
            item.promised_days
        ),
    };
    format!("社区工作人员核验后受理；{limit}")
}

pub fn text_or_null(value: Option<&str>) -> Node {
    value
        .filter(|v| !v.is_empty())
        .map_or(Node::Null, Node::text)
}

/// A coordinate as the number the spec shows (stored as the text the partner sent, checked).
fn coordinate(value: Option<&str>) -> Node {
    value
        .and_then(|v| v.parse::<f64>().ok())
        .map_or(Node::Null, Node::Float)
}

fn request(r: &ServiceRequest, snap: &Snapshot) -> Node {
    let item = snap.get(&r.item_code).map(|c| &c.public);
    // Only a partner's own request carries details meant to be public.
    let d = if r.channel == CHANNEL {
        Details::of_note(&r.opening_note)
    } else {
        Details::default()
    };
    let address = d.address.as_deref().or(r.community_name.as_deref());
    let expected = r.due_on.map(dates::end_of_day);
    Node::fields([
        ("service_request_id", Node::text(&r.number)),
        ("status", Node::text(status(r.state))),
        ("status_notes", Node::text(status_notes(r))),
        (
            "service_name",
            Node::text(item.map_or(&r.item_code, |i| &i.name)),
        ),
        ("service_code", Node::text(&r.item_code)),
        ("description", text_or_null(Some(&d.description))),
        (
            "agency_responsible",
            text_or_null(item.map(|i| i.department.as_str())),
        ),
        (
            "service_notice",
            item.map_or(Node::Null, |i| Node::text(notice(i))),
        ),
        (
            "requested_datetime",
            Node::text(dates::datetime(r.created_at)),
        ),
        (
            "updated_datetime",
            Node::text(dates::datetime(r.updated_at)),
        ),
        ("expected_datetime", text_or_null(expected.as_deref())),
        ("address", text_or_null(address)),
        ("address_id", text_or_null(d.address_id.as_deref())),
        ("zipcode", Node::Null),
        ("lat", coordinate(d.lat.as_deref())),
        ("long", coordinate(d.long.as_deref())),
        ("media_url", text_or_null(d.media_url.as_deref())),
    ])
}

/// "已办结：证件已制作完成…": the state, and why it was entered when the worker said. Only
/// notes of state changes are shown: the others (assignments, approvals) are the office's
/// internal business, and the opening note is the partner's own text, e-mail included.
fn status_notes(r: &ServiceRequest) -> String {
    let label = r.state.label();
    match r.last_move_note.as_deref().map(str::trim) {
        Some(note) if !note.is_empty() => format!("{label}：{note}"),
        _ => label.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_filter_open_closed_or_both() {
        let f = Format::Xml;
        assert_eq!(closed_filter(f, None).ok(), Some(None));
        assert_eq!(closed_filter(f, Some("open")).ok(), Some(Some(false)));
        assert_eq!(closed_filter(f, Some("closed")).ok(), Some(Some(true)));
        assert_eq!(closed_filter(f, Some("closed,open")).ok(), Some(None));
        assert!(closed_filter(f, Some("pending")).is_err());
        assert_eq!(status(CaseState::Completed), "closed");
        assert_eq!(status(CaseState::Withdrawn), "closed");
        assert_eq!(status(CaseState::AwaitingMaterials), "open");
        assert_eq!(status(CaseState::Accepted), "open");
    }
}
