//! `/api/v1/grid/visits/sync`: the visits a phone recorded without signal, sent when it is back.
//! Each visit is checked as the visit form checks it (`grid::visits::sync`); the answer says,
//! visit by visit and under the phone's own key, whether it is stored (now, or before under the
//! same key) or refused and why, so the phone drops what is stored and keeps the rest as drafts.

use super::schema::ErrorBody;
use super::{ApiError, Caller, parse_body};
use crate::server::Shared;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use quanke_app::grid::visits::{self, Synced, VisitInput};
use quanke_app::grid::{GridError, purposes};
use quanke_domain::Permission;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Visits kept on a phone, at most 200 a request (a longer queue is sent in several).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SyncIn {
    pub visits: Vec<VisitIn>,
}

/// One visit as the phone recorded it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VisitIn {
    /// The phone's key for this visit (1–128 visible ASCII characters); the same key is the
    /// same visit, however often it is sent.
    pub key: String,
    /// The visit's day, YYYY-MM-DD (today when absent); at most 90 days back.
    #[serde(default)]
    pub day: Option<String>,
    /// Whole minutes, 1–720.
    #[serde(default)]
    pub minutes: Option<u32>,
    /// Purpose codes (`daily`, `living_alone`, `fire_safety`, ...).
    pub purposes: Vec<String>,
    #[serde(default)]
    pub findings: String,
    /// The findings concern health or disability.
    #[serde(default)]
    pub sensitive: bool,
    /// Subjects as `kind:id` (`resident:12`, `household:7`, `dwelling:3`, `business:5`).
    pub subjects: Vec<String>,
    /// What must be done after the visit, by a day; it concerns the first subject and is the
    /// sender's to do.
    #[serde(default)]
    pub follow_up: Option<FollowUpIn>,
    /// An event found on the visit, reported with it (concerning its first subject).
    #[serde(default)]
    pub event: Option<VisitEventIn>,
}

/// An event a visit reports (事件).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VisitEventIn {
    /// Category code (`environment`, `fire_hazard`, ...).
    pub category: String,
    pub summary: String,
}

/// A visit's follow-up (跟进事项).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowUpIn {
    /// What is to be done (at most 100 characters).
    pub title: String,
    /// YYYY-MM-DD, from the visit's day to a year after it.
    pub due: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SyncOut {
    /// One result per visit sent, in the order sent.
    pub results: Vec<SyncResult>,
}

/// What became of one visit.
#[derive(Debug, Serialize, ToSchema)]
pub struct SyncResult {
    pub key: String,
    /// `stored` (drop it from the phone) or `refused` (keep it; `error` says why).
    pub status: &'static str,
    /// The stored visit's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub visit_id: Option<i64>,
    /// False when the key had been stored before (a resend).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<SyncError>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SyncError {
    /// `refused` (a field is wrong), `not_found` (a subject outside the caller's area or
    /// unknown), `forbidden`.
    pub code: &'static str,
    pub message: String,
}

/// Send the visits recorded offline.
///
/// Visits that pass their checks are stored together; the others are answered with their
/// reason and nothing of them is stored. Sending the same visits again stores nothing twice.
#[utoipa::path(
    post,
    path = "/api/v1/grid/visits/sync",
    tag = "grid",
    request_body = SyncIn,
    responses(
        (status = 200, description = "One result per visit", body = SyncOut),
        (status = 401, description = "No valid session or API token", body = ErrorBody),
        (status = 403, description = "The caller's role does not record visits", body = ErrorBody),
        (status = 400, description = "Malformed JSON or fields; more than 200 visits in one request", body = ErrorBody),
    )
)]
pub async fn sync(
    State(st): State<Shared>,
    caller: Caller,
    body: Bytes,
) -> Result<Json<SyncOut>, ApiError> {
    let me = &caller.me;
    if !me.scope.can(Permission::RecordVisits) {
        return Err(ApiError::forbidden("只有社区工作人员可以登记走访"));
    }
    let sent: SyncIn = parse_body(&body)?;
    let inputs: Vec<VisitInput> = sent.visits.iter().map(input_of).collect();
    let outcomes = visits::sync(&st.db, &me.worker(), purposes(), &inputs)
        .await
        .map_err(api_error)?;
    let results = sent
        .visits
        .into_iter()
        .zip(outcomes)
        .map(|(v, outcome)| result_of(v.key, outcome))
        .collect();
    Ok(Json(SyncOut { results }))
}

fn input_of(v: &VisitIn) -> VisitInput {
    let (follow_up, follow_up_due) = v
        .follow_up
        .as_ref()
        .map(|f| (f.title.clone(), f.due.clone()))
        .unwrap_or_default();
    VisitInput {
        key: v.key.clone(),
        day: v.day.clone().unwrap_or_default(),
        minutes: v.minutes.map(|m| m.to_string()).unwrap_or_default(),
        purposes: v.purposes.clone(),
        findings: v.findings.clone(),
        sensitive: v.sensitive,
        subjects: v.subjects.clone(),
        follow_up,
        follow_up_due,
        event_category: v
            .event
            .as_ref()
            .map(|e| e.category.clone())
            .unwrap_or_default(),
        event_summary: v
            .event
            .as_ref()
            .map(|e| e.summary.clone())
            .unwrap_or_default(),
    }
}

fn result_of(key: String, outcome: Synced) -> SyncResult {
    match outcome {
        Synced::Stored(r) => SyncResult {
            key,
            status: "stored",
            visit_id: Some(r.id),
            new: Some(r.fresh),
            error: None,
        },
        Synced::Refused(e) => SyncResult {
            key,
            status: "refused",
            visit_id: None,
            new: None,
            error: Some(SyncError {
                code: code_of(&e),
                message: e.to_string(),
            }),
        },
    }
}

fn code_of(e: &GridError) -> &'static str {
    match e {
        GridError::NotFound(_) => "not_found",
        GridError::Forbidden(_) => "forbidden",
        GridError::Conflict(_) => "state_changed",
        GridError::Refused(_) | GridError::Store(_) => "refused",
    }
}

/// A grid-work error as the API answers it: not found (404), not the caller's to do (403), the
/// record moved on (409), or the request is wrong (422).
pub(super) fn api_error(e: GridError) -> ApiError {
    let status = match e {
        GridError::Store(e) => return e.into(),
        GridError::Forbidden(m) => return ApiError::forbidden(m),
        GridError::NotFound(_) => StatusCode::NOT_FOUND,
        GridError::Conflict(_) => StatusCode::CONFLICT,
        GridError::Refused(_) => StatusCode::UNPROCESSABLE_ENTITY,
    };
    ApiError::new(status, code_of(&e), e.to_string())
}
