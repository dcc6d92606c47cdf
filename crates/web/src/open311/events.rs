//! Events (事件) as Open311 services and requests: each event category is a service
//! (`SJ-` and its code), a partner's request for one becomes an event reported for the
//! community its address names, and every event is a public request `SJ` + its id (case
//! numbers always hold two dashes, so the two never meet). Publicly an event shows its
//! category, state and deadline; the description, address and position only when a resident
//! sent them through Open311 (a worker's report may name people), and never a person.

use super::dates;
use super::node::Node;
use super::requests::text_or_null;
use crate::server::Shared;
use quanke_domain::OrgPath;
use quanke_domain::event::{Categories, Category};
use quanke_store::grid::events::EventRow;

/// Service codes of event categories start with this.
const SERVICE_PREFIX: &str = "SJ-";
/// Request ids of events start with this.
const REQUEST_PREFIX: &str = "SJ";
/// The channel of events reported through Open311.
pub const CHANNEL: &str = "open311";

/// The category a service code names, if it is an event service.
pub fn category_of(service_code: &str) -> Option<&'static Category> {
    let code = service_code.strip_prefix(SERVICE_PREFIX)?;
    Categories::shipped().by_code(code)
}

/// Whether a service code is an event service's (known or not).
pub fn is_event_service(service_code: &str) -> bool {
    service_code.starts_with(SERVICE_PREFIX)
}

/// The event id a request id names ("SJ42" → 42).
pub fn event_id(request_id: &str) -> Option<i64> {
    let digits = request_id.strip_prefix(REQUEST_PREFIX)?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

pub fn request_id(event: i64) -> String {
    format!("{REQUEST_PREFIX}{event}")
}

/// Every event category as a service of the list.
pub fn services() -> impl Iterator<Item = Node> {
    Categories::shipped().all().iter().map(|c| {
        Node::fields([
            ("service_code", Node::text(service_code(c))),
            ("service_name", Node::text(&c.label)),
            ("description", Node::text(notice(c))),
            ("metadata", Node::Bool(false)),
            ("type", Node::text("realtime")),
            ("keywords", Node::text(&c.label)),
            ("group", Node::text("事件上报")),
        ])
    })
}

fn service_code(c: &Category) -> String {
    format!("{SERVICE_PREFIX}{}", c.code)
}

/// An event service's definition: it asks nothing beyond the description and the place.
pub fn definition(c: &Category) -> Node {
    Node::fields([
        ("service_code", Node::text(service_code(c))),
        ("attributes", Node::list("attribute", [])),
    ])
}

/// What happens to a report of `c`.
pub fn notice(c: &Category) -> String {
    format!(
        "社区核实后立案，派网格员或职能部门处置，立案后 {} 个工作日内处置反馈",
        c.days
    )
}

/// An event as a public request; `community` names the community where no address is public.
pub fn request(e: &EventRow, community: &str) -> Node {
    let category = Categories::shipped().by_code(&e.category);
    // A resident's own report (through a partner or the portal) is public by its nature.
    let theirs = e.channel == CHANNEL || e.channel == "portal";
    let public = |text: &str| text_or_null(Some(text).filter(|_| theirs));
    let address = if theirs && !e.place.is_empty() {
        e.place.as_str()
    } else {
        community
    };
    let coordinate = |v: Option<f64>| v.filter(|_| theirs).map_or(Node::Null, Node::Float);
    let status = if e.state.is_final() { "closed" } else { "open" };
    Node::fields([
        ("service_request_id", Node::text(request_id(e.id))),
        ("status", Node::text(status)),
        ("status_notes", Node::text(e.state.label())),
        (
            "service_name",
            Node::text(category.map_or(e.category.as_str(), |c| c.label.as_str())),
        ),
        (
            "service_code",
            Node::text(format!("{SERVICE_PREFIX}{}", e.category)),
        ),
        ("description", public(&e.summary)),
        (
            "agency_responsible",
            Node::text(match e.handler_department.as_str() {
                "" => community,
                department => department,
            }),
        ),
        (
            "service_notice",
            category.map_or(Node::Null, |c| Node::text(notice(c))),
        ),
        (
            "requested_datetime",
            Node::text(dates::datetime(e.reported_at)),
        ),
        (
            "updated_datetime",
            Node::text(dates::datetime(e.updated_at)),
        ),
        (
            "expected_datetime",
            text_or_null(e.due().map(dates::end_of_day).as_deref()),
        ),
        ("address", Node::text(address)),
        ("address_id", Node::Null),
        ("zipcode", Node::Null),
        ("lat", coordinate(e.lat)),
        ("long", coordinate(e.lon)),
        ("media_url", public(&e.media_url)),
    ])
}

/// The name of the community at `path` (empty when it is gone).
pub async fn community_name(st: &Shared, path: &OrgPath) -> String {
    let Some(id) = path.ids().last().copied() else {
        return String::new();
    };
    st.orgs
        .get(&st.db, id)
        .await
        .map(|o| o.name)
        .unwrap_or_default()
}
