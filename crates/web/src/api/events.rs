//! `/api/v1/grid/events`: report an event, list and read the caller's events, take a step of
//! the loop. Everything goes through `grid::events`, exactly as the pages do; a phone that sends
//! a step queued offline names the state it saw, so a step on an event moved on meanwhile is a
//! 409 the phone shows, never a silent overwrite.

use super::grid::api_error;
use super::schema::ErrorBody;
use super::{ApiError, Caller, parse_body};
use crate::server::Shared;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use quanke_app::cases::Worker;
use quanke_app::grid::events::{self, EventInput, Reporting, StepInput};
use quanke_domain::Permission;
use quanke_domain::event::{Categories, EventLifecycle};
use quanke_store::grid::events::{EventRow, Listing};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// An event as reported.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GridEventIn {
    /// The sender's key for this report (1–128 visible ASCII characters); the same key is the
    /// same event, however often it is sent.
    pub key: String,
    /// Category code (`environment`, `illegal_building`, `fire_hazard`, `dispute`, ...).
    pub category: String,
    pub summary: String,
    /// Where, as written; may be empty when a subject is linked.
    #[serde(default)]
    pub place: String,
    /// Subjects as `kind:id` (`resident:12`, `household:7`, `dwelling:3`, `business:5`).
    #[serde(default)]
    pub subjects: Vec<String>,
    /// The sender saw the possible duplicates (a 409 `possible_duplicate`) and reports anyway.
    #[serde(default)]
    pub despite_alike: bool,
}

/// One event.
#[derive(Debug, Serialize, ToSchema)]
pub struct GridEventOut {
    pub id: i64,
    pub category: String,
    pub category_label: String,
    /// `reported`, `filed`, `dispatched`, `handling`, `suspended`, `fed_back`, `verified`,
    /// `closed`, `dismissed`.
    pub state: &'static str,
    pub state_label: &'static str,
    pub summary: String,
    pub place: String,
    pub reporter: String,
    /// The worker's name or the line department handling it.
    pub handler: Option<String>,
    /// YYYY-MM-DD: the day the handler's report is due, once filed.
    pub due: Option<String>,
    /// Unix seconds.
    pub reported_at: i64,
    pub closed_at: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GridEventReported {
    pub event: GridEventOut,
    /// False when the key had been stored before (a resend).
    pub new: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GridEventList {
    pub events: Vec<GridEventOut>,
}

/// One step of an event's timeline.
#[derive(Debug, Serialize, ToSchema)]
pub struct GridEventStep {
    pub action: String,
    pub from_state: String,
    pub to_state: String,
    pub by: String,
    pub note: String,
    pub day: String,
}

/// A step the caller's role may take now (the handler rules are checked when it is taken).
#[derive(Debug, Serialize, ToSchema)]
pub struct GridEventAction {
    pub action: String,
    pub label: String,
    pub needs_note: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GridEventDetail {
    pub event: GridEventOut,
    /// Linked subjects as `kind:id`.
    pub subjects: Vec<String>,
    pub steps: Vec<GridEventStep>,
    pub actions: Vec<GridEventAction>,
}

/// A step asked for.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GridEventStepIn {
    /// Action code (`file`, `dispatch`, `take`, `suspend`, `resume`, `report_back`, `verify`,
    /// `reopen`, `close`, `dismiss`, `return`).
    pub action: String,
    #[serde(default)]
    pub note: String,
    /// For `dispatch`: `worker:ID` or `department:名称`.
    #[serde(default)]
    pub handler: String,
    /// The state the sender last saw; when the event is in another state now the answer is 409
    /// `state_changed` and nothing is written.
    #[serde(default)]
    pub expected_state: String,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ListParams {
    /// true: every event, the newest first; otherwise the open ones, the earliest due first.
    #[serde(default)]
    pub all: bool,
}

fn out(e: &EventRow) -> GridEventOut {
    let category_label = Categories::shipped()
        .by_code(&e.category)
        .map_or_else(|| e.category.clone(), |c| c.label.clone());
    GridEventOut {
        id: e.id,
        category: e.category.clone(),
        category_label,
        state: e.state.code(),
        state_label: e.state.label(),
        summary: e.summary.clone(),
        place: e.place.clone(),
        reporter: e.reporter_name.clone(),
        handler: e.handler_label(),
        due: e.due_day.clone(),
        reported_at: e.reported_at,
        closed_at: e.closed_at,
    }
}

fn reporter(caller: &Caller) -> Result<Worker, ApiError> {
    match caller.me.scope.can(Permission::ReportEvents) {
        true => Ok(caller.me.worker()),
        false => Err(ApiError::forbidden("只有社区工作人员可以上报和办理事件")),
    }
}

/// Report an event.
///
/// A report of the same category at the same place within the category's window is answered
/// 409 `possible_duplicate` and not stored, unless `despite_alike` is true.
#[utoipa::path(
    post,
    path = "/api/v1/grid/events",
    tag = "grid",
    request_body = GridEventIn,
    responses(
        (status = 201, description = "Reported", body = GridEventReported),
        (status = 200, description = "The key was reported before: that event", body = GridEventReported),
        (status = 400, description = "Malformed JSON or fields", body = ErrorBody),
        (status = 401, description = "No valid session or API token", body = ErrorBody),
        (status = 403, description = "The caller's role does not report events", body = ErrorBody),
        (status = 404, description = "A linked subject is unknown or outside the caller's area", body = ErrorBody),
        (status = 409, description = "`possible_duplicate`: the message names the earlier events", body = ErrorBody),
        (status = 422, description = "Refused: unknown category, no place, too long...", body = ErrorBody),
    )
)]
pub async fn report(
    State(st): State<Shared>,
    caller: Caller,
    body: Bytes,
) -> Result<Response, ApiError> {
    let me = reporter(&caller)?;
    let sent: GridEventIn = parse_body(&body)?;
    let input = EventInput {
        key: sent.key,
        category: sent.category,
        summary: sent.summary,
        place: sent.place,
        subjects: sent.subjects,
        despite_alike: sent.despite_alike,
    };
    let reported = match events::report(&st.db, &me, "api", &input).await {
        Ok(Reporting::Stored(r)) => r,
        Ok(Reporting::Alike(alike)) => return Err(possible_duplicate(&alike)),
        Err(e) => return Err(api_error(e)),
    };
    let event = events::get(&st.db, &me, reported.id)
        .await
        .map_err(api_error)?;
    let status = match reported.fresh {
        true => StatusCode::CREATED,
        false => StatusCode::OK,
    };
    let body = GridEventReported {
        event: out(&event),
        new: reported.fresh,
    };
    Ok((status, Json(body)).into_response())
}

fn possible_duplicate(alike: &[EventRow]) -> ApiError {
    let ids: Vec<String> = alike.iter().map(|e| format!("事件 {}", e.id)).collect();
    ApiError::new(
        StatusCode::CONFLICT,
        "possible_duplicate",
        format!(
            "同一地点最近已上报同类事件（{}），确是新情况请带 despite_alike: true 重新提交",
            ids.join("、")
        ),
    )
}

/// List the events within the caller's area.
#[utoipa::path(
    get,
    path = "/api/v1/grid/events",
    tag = "grid",
    params(ListParams),
    responses(
        (status = 200, description = "At most 100 events", body = GridEventList),
        (status = 401, description = "No valid session or API token", body = ErrorBody),
        (status = 403, description = "The caller's role reads no events", body = ErrorBody),
    )
)]
pub async fn list(
    State(st): State<Shared>,
    caller: Caller,
    Query(params): Query<ListParams>,
) -> Result<Json<GridEventList>, ApiError> {
    let listing = match params.all {
        true => Listing::All,
        false => Listing::Open,
    };
    let rows = events::listed(&st.db, &caller.me.worker(), listing)
        .await
        .map_err(api_error)?;
    Ok(Json(GridEventList {
        events: rows.iter().map(out).collect(),
    }))
}

/// Read one event with its steps.
#[utoipa::path(
    get,
    path = "/api/v1/grid/events/{id}",
    tag = "grid",
    params(("id" = i64, Path, description = "The event's id")),
    responses(
        (status = 200, description = "The event", body = GridEventDetail),
        (status = 401, description = "No valid session or API token", body = ErrorBody),
        (status = 404, description = "No such event in the caller's area", body = ErrorBody),
    )
)]
pub async fn show(
    State(st): State<Shared>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<GridEventDetail>, ApiError> {
    let me = caller.me.worker();
    Ok(Json(detail(&st, &me, id).await?))
}

async fn detail(st: &Shared, me: &Worker, id: i64) -> Result<GridEventDetail, ApiError> {
    let (event, steps, links) = events::detail(&st.db, me, id).await.map_err(api_error)?;
    let actions = match (me.role, me.can(Permission::ReportEvents)) {
        (Some(role), true) => EventLifecycle::shipped()
            .actions_from(event.state, role)
            .into_iter()
            .map(|t| GridEventAction {
                action: t.action_code().to_string(),
                label: t.action_label().to_string(),
                needs_note: t.needs_note(),
            })
            .collect(),
        _ => Vec::new(),
    };
    Ok(GridEventDetail {
        event: out(&event),
        subjects: links.iter().map(ToString::to_string).collect(),
        steps: steps
            .into_iter()
            .map(|s| GridEventStep {
                action: s.action,
                from_state: s.from_state,
                to_state: s.to_state,
                by: s.actor_name,
                note: s.note,
                day: s.day,
            })
            .collect(),
        actions,
    })
}

/// Take a step of the event's loop.
#[utoipa::path(
    post,
    path = "/api/v1/grid/events/{id}/steps",
    tag = "grid",
    params(("id" = i64, Path, description = "The event's id")),
    request_body = GridEventStepIn,
    responses(
        (status = 200, description = "Taken: the event as it is now", body = GridEventDetail),
        (status = 400, description = "Malformed JSON or fields", body = ErrorBody),
        (status = 401, description = "No valid session or API token", body = ErrorBody),
        (status = 403, description = "The caller's role takes no event steps", body = ErrorBody),
        (status = 404, description = "No such event (or handler) in the caller's area", body = ErrorBody),
        (status = 409, description = "`state_changed`: the event is no longer in `expected_state`", body = ErrorBody),
        (status = 422, description = "Refused: not this step now, not the handler, a note missing...", body = ErrorBody),
    )
)]
pub async fn step(
    State(st): State<Shared>,
    caller: Caller,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Json<GridEventDetail>, ApiError> {
    let me = reporter(&caller)?;
    let sent: GridEventStepIn = parse_body(&body)?;
    let input = StepInput {
        action: sent.action,
        note: sent.note,
        handler: sent.handler,
        expected: sent.expected_state,
    };
    let calendar = st.calendar.get(&st.db).await?;
    events::act(&st.db, &calendar, &me, id, &input)
        .await
        .map_err(api_error)?;
    Ok(Json(detail(&st, &me, id).await?))
}
