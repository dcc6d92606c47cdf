//! `/api/v1/grid/inspections` and `/api/v1/grid/tasks`: record an inspection and read one; list
//! the caller's open follow-ups and close one. Everything goes through `grid::inspections` and
//! `grid::tasks`, exactly as the pages do.

use super::grid::api_error;
use super::schema::ErrorBody;
use super::{ApiError, Caller, parse_body};
use crate::server::Shared;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use quanke_app::grid::inspections::{self, InspectionInput, Rectification};
use quanke_app::grid::tasks;
use quanke_domain::Permission;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An inspection as recorded: every point of the checklist answered once.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InspectionIn {
    /// The sender's key (1–128 visible ASCII characters); the same key is the same inspection.
    pub key: String,
    /// Checklist code (`fire_small_venue`, `rental_safety`, `drain_patrol`, `food_safety`).
    pub checklist: String,
    /// `business:ID` or `dwelling:ID`, as the checklist inspects.
    pub subject: String,
    pub answers: Vec<AnswerIn>,
    #[serde(default)]
    pub note: String,
}

/// One point's answer.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerIn {
    pub point: String,
    /// `pass`, `fail` or `na`.
    pub answer: String,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InspectionOut {
    pub id: i64,
    /// False when the key had been recorded before (a resend).
    pub new: bool,
    /// Points answered 不合格.
    pub failed: usize,
    /// `none`, `opened` (a 整改 event), `still_open` (a re-check that failed), `closed` (a
    /// re-check that passed closed the event), `not_closed` (it passed, but the event could not
    /// be closed now: `message` says why).
    pub rectification: &'static str,
    pub event_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// Record an inspection.
#[utoipa::path(
    post,
    path = "/api/v1/grid/inspections",
    tag = "grid",
    request_body = InspectionIn,
    responses(
        (status = 201, description = "Recorded", body = InspectionOut),
        (status = 200, description = "The key was recorded before", body = InspectionOut),
        (status = 400, description = "Malformed JSON or fields", body = ErrorBody),
        (status = 401, description = "No valid session or API token", body = ErrorBody),
        (status = 403, description = "The caller's role records no inspections", body = ErrorBody),
        (status = 404, description = "The subject is unknown or outside the caller's area", body = ErrorBody),
        (status = 422, description = "Refused: unknown checklist or point, a point missing or twice, a wrong answer...", body = ErrorBody),
    )
)]
pub async fn inspect(
    State(st): State<Shared>,
    caller: Caller,
    body: Bytes,
) -> Result<Response, ApiError> {
    if !caller.me.scope.can(Permission::RecordVisits) {
        return Err(ApiError::forbidden("只有社区工作人员可以登记检查"));
    }
    let sent: InspectionIn = parse_body(&body)?;
    let input = InspectionInput {
        key: sent.key,
        checklist: sent.checklist,
        subject: sent.subject,
        answers: sent
            .answers
            .into_iter()
            .map(|a| (a.point, a.answer, a.note))
            .collect(),
        note: sent.note,
    };
    let calendar = st.calendar.get(&st.db).await?;
    let done = inspections::record(&st.db, &calendar, &caller.me.worker(), &input)
        .await
        .map_err(api_error)?;
    let (rectification, event_id, message) = match done.rectification {
        Rectification::None => ("none", None, None),
        Rectification::Opened(e) => ("opened", Some(e), None),
        Rectification::StillOpen(e) => ("still_open", Some(e), None),
        Rectification::Closed(e) => ("closed", Some(e), None),
        Rectification::NotClosed(e, why) => ("not_closed", Some(e), Some(why)),
    };
    let status = if done.fresh {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let out = InspectionOut {
        id: done.id,
        new: done.fresh,
        failed: done.failed,
        rectification,
        event_id,
        message,
    };
    Ok((status, Json(out)).into_response())
}

/// One follow-up (跟进事项).
#[derive(Debug, Serialize, ToSchema)]
pub struct TaskOut {
    pub id: i64,
    pub title: String,
    /// YYYY-MM-DD.
    pub due: String,
    /// `kind:id` of what it concerns.
    pub subject: String,
    /// What it concerns, by name or address.
    pub label: String,
    pub late: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TaskListOut {
    pub tasks: Vec<TaskOut>,
}

/// The caller's open follow-ups, the earliest due first.
#[utoipa::path(
    get,
    path = "/api/v1/grid/tasks",
    tag = "grid",
    responses(
        (status = 200, description = "At most 50", body = TaskListOut),
        (status = 401, description = "No valid session or API token", body = ErrorBody),
    )
)]
pub async fn my_tasks(
    State(st): State<Shared>,
    caller: Caller,
) -> Result<Json<TaskListOut>, ApiError> {
    let me = caller.me.worker();
    let listed = tasks::mine(&st.db, &me).await.map_err(api_error)?;
    let tasks = listed
        .into_iter()
        .map(|l| TaskOut {
            id: l.row.id,
            title: l.row.title.clone(),
            due: l.row.due_day.to_string(),
            subject: format!("{}:{}", l.row.subject_kind, l.row.subject_id),
            label: l.label,
            late: l.row.due_day < me.today,
        })
        .collect();
    Ok(Json(TaskListOut { tasks }))
}

/// What was done.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DoneIn {
    #[serde(default)]
    pub note: String,
}

/// Close a follow-up, once: its worker or the community head.
#[utoipa::path(
    post,
    path = "/api/v1/grid/tasks/{id}/done",
    tag = "grid",
    params(("id" = i64, Path, description = "The follow-up's id")),
    request_body = DoneIn,
    responses(
        (status = 200, description = "Closed", body = DoneOut),
        (status = 401, description = "No valid session or API token", body = ErrorBody),
        (status = 403, description = "Not the caller's follow-up", body = ErrorBody),
        (status = 404, description = "No such follow-up in the caller's area", body = ErrorBody),
        (status = 422, description = "Closed before, or the note too long", body = ErrorBody),
    )
)]
pub async fn task_done(
    State(st): State<Shared>,
    caller: Caller,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Json<DoneOut>, ApiError> {
    if !caller.me.scope.can(Permission::RecordVisits) {
        return Err(ApiError::forbidden("只有社区工作人员可以办结跟进事项"));
    }
    let sent: DoneIn = parse_body(&body)?;
    tasks::complete(&st.db, &caller.me.worker(), id, &sent.note)
        .await
        .map_err(api_error)?;
    Ok(Json(DoneOut { id, done: true }))
}

/// The follow-up closed.
#[derive(Debug, Serialize, ToSchema)]
pub struct DoneOut {
    pub id: i64,
    pub done: bool,
}
