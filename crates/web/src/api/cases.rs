//! `/api/v1/cases`: open a case, list the caller's cases, read one with its timeline, act on it.
//! Everything goes through the case service (`cases::intake::open`, `cases::act::act`), exactly
//! as the desk's pages do; this module only translates JSON and errors.

use super::schema::{
    self, CaseDetail, CaseList, CreateCase, Created, ErrorBody, ListQuery, OutcomeIn, TransitionIn,
    TransitionOut,
};
use super::{ApiError, Caller, parse_body};
use crate::server::Shared;
use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::header::LOCATION;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use quanke_app::cases::Worker;
use quanke_app::cases::act::{self, Acted};
use quanke_app::cases::channel::{MandateIn, Via};
use quanke_app::cases::intake::{self, Intake, Outcome};
use quanke_app::cases::search::{self, Asked};
use quanke_domain::case::Lifecycle;
use quanke_domain::catalogue::BusinessKind;
use quanke_domain::{Permission, idempotency};
use quanke_store::cases::{self, At, Case, Filter, Sort};

const DEFAULT_LIMIT: i64 = 50;
const MAX_LIMIT: i64 = 200;

/// Open a case.
///
/// Checks everything before writing anything: a refused intake leaves no trace. With outcome
/// accept the case is routed to a back-office worker at once.
#[utoipa::path(
    post,
    path = "/api/v1/cases",
    tag = "cases",
    request_body = CreateCase,
    params(("Idempotency-Key" = Option<String>, Header,
        description = "Makes retries safe: the same key (per account, at most 128 characters) returns the case created the first time")),
    responses(
        (status = 201, description = "Created", body = Created,
            headers(("Location" = String, description = "/api/v1/cases/{number}"))),
        (status = 200, description = "The Idempotency-Key was used before: the case created then", body = Created),
        (status = 400, description = "Malformed JSON or fields; `server_decided_field` when the body sends channel, visit or open311_key_id", body = ErrorBody),
        (status = 401, description = "No valid session or API token", body = ErrorBody),
        (status = 403, description = "The caller's role may not open cases, or not this way (a grid worker accepting)", body = ErrorBody),
        (status = 422, description = "Refused: unknown item, unknown_resident (also for a resident outside the caller's subtree), unidentified_applicant, bad_id_number, missing_mandate, mandate_not_applicable, missing materials, bad answer...", body = ErrorBody),
    )
)]
pub async fn create(
    State(st): State<Shared>,
    caller: Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let me = &caller.me;
    if !(me.scope.can(Permission::UseDesk) || me.scope.can(Permission::WorkGrid)) {
        return Err(ApiError::forbidden(
            "只有窗口、后台、网格员和社区负责人可以受理办件",
        ));
    }
    refuse_server_decided(&body)?;
    let req: CreateCase = parse_body(&body)?;
    let key = idempotency_key(&headers, me.user.id)?;
    let intake = to_intake(req, key)?;
    let opened = intake::open(&st.cases(), &me.worker(), &intake).await?;
    let snap = st.catalogue.get(&st.db).await?;
    let out = Created {
        case: schema::summary(&opened.case, &snap),
        created: opened.created,
        duplicates: opened
            .duplicates
            .iter()
            .map(|d| schema::case_ref(&d.number, d.state))
            .collect(),
    };
    let status = if opened.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let mut resp = (status, Json(out)).into_response();
    let location = format!("/api/v1/cases/{}", opened.case.number);
    if let Ok(v) = HeaderValue::from_str(&location) {
        resp.headers_mut().insert(LOCATION, v);
    }
    Ok(resp)
}

/// The client's key, kept per account (`quanke_domain::idempotency`).
fn idempotency_key(headers: &HeaderMap, user_id: i64) -> Result<Option<String>, ApiError> {
    let Some(v) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    match idempotency::read(v.to_str().unwrap_or("")) {
        Ok(key) => Ok(Some(idempotency::scoped("api", user_id, key))),
        Err(bad) => Err(ApiError::bad_request(
            "bad_idempotency_key",
            bad.to_string(),
        )),
    }
}

/// A body that tries to say how the case came in is told that the server decides it (a client
/// relying on its value would otherwise be silently wrong).
fn refuse_server_decided(body: &Bytes) -> Result<(), ApiError> {
    match schema::ServerDecided::named(body) {
        Some(field) => Err(ApiError::bad_request(
            "server_decided_field",
            format!(
                "{field} 由服务器按调用方决定（窗口、网格员代办、网上申请、Open311），请求中不能指定"
            ),
        )),
        None => Ok(()),
    }
}

fn to_intake(req: CreateCase, key: Option<String>) -> Result<Intake, ApiError> {
    let business_kind = match req.business_kind.as_deref() {
        None | Some("") => BusinessKind::New,
        Some(code) => BusinessKind::parse(code).ok_or_else(|| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "bad_business_kind",
                format!("未知的业务类型“{code}”（应为 new、change、renewal 或 cancel）"),
            )
        })?,
    };
    let outcome = match req.outcome {
        OutcomeIn::Accept => Outcome::Accept,
        OutcomeIn::RequestMaterials => Outcome::RequestMaterials,
        OutcomeIn::OnTheSpot => Outcome::OnTheSpot,
        OutcomeIn::Reject => Outcome::Reject,
        OutcomeIn::Receive => Outcome::Receive,
    };
    Ok(Intake {
        item_code: req.item_code.trim().to_string(),
        business_kind,
        answers: req.answers,
        statuses: req
            .materials
            .into_iter()
            .map(|(k, v)| (k, v.into()))
            .collect(),
        resident_id: req.resident_id,
        applicant_id_number: req.applicant_id_number.unwrap_or_default(),
        applicant_name: req.applicant_name,
        applicant_phone: req.applicant_phone,
        via: Via::Api,
        mandate: req.mandate.map(|m| MandateIn {
            grantor: m.grantor,
            scope: m.scope,
            until: m.valid_until,
        }),
        outcome,
        note: req.note,
        result: req.result.map(Into::into),
        idempotency_key: key,
        community_id: req.community_id,
    })
}

/// Who may read cases: the same as who may search them.
fn may_read(caller: &Caller) -> Result<(), ApiError> {
    if search::may_search(&caller.me.worker()) {
        Ok(())
    } else {
        Err(ApiError::forbidden("您的角色不能查看办件"))
    }
}

impl From<search::Refused> for ApiError {
    fn from(r: search::Refused) -> Self {
        match (r.code, r.not_found) {
            ("internal", _) => ApiError::internal(&r.message),
            (_, true) => ApiError::new(StatusCode::NOT_FOUND, r.code, r.message),
            _ => ApiError::bad_request(r.code, r.message),
        }
    }
}

/// List and search cases (办件查询).
///
/// Always inside the caller's part of the org tree; only the filters given apply. Pages are
/// read by cursor: pass the answer's `next` as `after` (or `prev` as `before`) with the same
/// filters and sort. Phone and ID numbers are masked in the answer.
#[utoipa::path(
    get,
    path = "/api/v1/cases",
    tag = "cases",
    params(ListQuery),
    responses(
        (status = 200, description = "One page of cases", body = CaseList),
        (status = 400, description = "A filter is malformed: bad_state, bad_queue, bad_channel, bad_sort, bad_number, bad_phone, bad_id_number, bad_date, bad_assignee, bad_cursor, bad_paging, too_long", body = ErrorBody),
        (status = 401, description = "No valid session or API token", body = ErrorBody),
        (status = 403, description = "The caller's role may not read cases", body = ErrorBody),
        (status = 404, description = "unknown_assignee: no such worker in the caller's part of the org tree", body = ErrorBody),
    )
)]
pub async fn list(
    State(st): State<Shared>,
    caller: Caller,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Json<CaseList>, ApiError> {
    may_read(&caller)?;
    let Query(q) = query.map_err(|e| ApiError::bad_request("bad_query", e.body_text()))?;
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let asked = Asked {
        number: text(&q.number),
        applicant_name: text(&q.applicant_name),
        phone: text(&q.phone),
        id_number: text(&q.id_number),
        item_code: text(&q.item_code),
        state: text(&q.state),
        channel: text(&q.channel),
        received_from: text(&q.received_from),
        received_to: text(&q.received_to),
        assignee: text(&q.assignee),
        queue: text(&q.queue),
        sort: text(&q.sort),
    };
    let criteria = search::read(&st.cases(), &caller.me.worker(), &asked, Sort::Due).await?;
    let limit = number(q.limit.as_deref(), DEFAULT_LIMIT, 1, MAX_LIMIT, "limit")?;
    let offset = number(q.offset.as_deref(), 0, 0, i64::MAX, "offset")?;
    for (name, value) in [("after", &q.after), ("before", &q.before)] {
        if let Some(limit) = search::limit_of(name) {
            limit
                .check(value.as_deref().unwrap_or(""))
                .map_err(|e| ApiError::bad_request("too_long", e.to_string()))?;
        }
    }
    let at = search::at(&criteria, &text(&q.after), &text(&q.before))?;
    let snap = st.catalogue.get(&st.db).await?;
    let sort = criteria.sort.code().to_string();
    if offset > 0 {
        // Older clients: offset paging, in due order as it always was.
        let found = cases::list(
            &st.db,
            &Filter {
                offset,
                ..criteria.filter(limit)
            },
        )
        .await?;
        let full = found.len() as i64 == limit;
        return Ok(Json(CaseList {
            cases: found.iter().map(|c| schema::summary(c, &snap)).collect(),
            limit,
            sort: Sort::Due.code().into(),
            next: None,
            prev: None,
            offset,
            next_offset: full.then_some(offset + limit),
        }));
    }
    let first = matches!(at, At::First);
    let page = search::run(&st.cases(), &criteria, &at, limit).await?;
    Ok(Json(CaseList {
        cases: page
            .cases
            .iter()
            .map(|c| schema::summary(c, &snap))
            .collect(),
        limit,
        sort,
        next_offset: page.next.as_ref().filter(|_| first).map(|_| limit),
        next: page.next.map(|c| c.encode()),
        prev: page.prev.map(|c| c.encode()),
        offset: 0,
    }))
}

fn number(
    given: Option<&str>,
    default: i64,
    min: i64,
    max: i64,
    name: &'static str,
) -> Result<i64, ApiError> {
    match given.filter(|s| !s.is_empty()) {
        None => Ok(default),
        Some(s) => match s.parse::<i64>() {
            Ok(n) if (min..=max).contains(&n) => Ok(n),
            _ => Err(ApiError::bad_request(
                "bad_paging",
                if max == i64::MAX {
                    format!("{name} 应为不小于 {min} 的整数")
                } else {
                    format!("{name} 应为 {min} 到 {max} 之间的整数")
                },
            )),
        },
    }
}

async fn detail(st: &Shared, worker: &Worker, case: &Case) -> Result<CaseDetail, ApiError> {
    let events = cases::events(&st.db, case.id).await?;
    let snap = st.catalogue.get(&st.db).await?;
    let actions = match worker.role {
        Some(role) => Lifecycle::shipped().actions_from(case.state, role),
        None => Vec::new(),
    };
    let result = cases::outcome(&st.db, case.id).await?.map(Into::into);
    Ok(schema::detail(case, &snap, &events, &actions, result))
}

/// Read a case.
///
/// The case with its answers, materials checklist, timeline (oldest first) and the actions the
/// caller may take now.
#[utoipa::path(
    get,
    path = "/api/v1/cases/{number}",
    tag = "cases",
    params(("number" = String, Path, description = "The case number, e.g. MYQ-20261128-0007")),
    responses(
        (status = 200, description = "The case", body = CaseDetail),
        (status = 401, description = "No valid session or API token", body = ErrorBody),
        (status = 403, description = "The caller's role may not read cases", body = ErrorBody),
        (status = 404, description = "No such case in the caller's part of the org tree", body = ErrorBody),
    )
)]
pub async fn show(
    State(st): State<Shared>,
    caller: Caller,
    Path(number): Path<String>,
) -> Result<Json<CaseDetail>, ApiError> {
    may_read(&caller)?;
    let worker = caller.me.worker();
    let case = act::load_numbered(&st.cases(), &worker, &number).await?;
    Ok(Json(detail(&st, &worker, &case).await?))
}

const VISIT_PURPOSES: [&str; 4] = ["intake", "materials", "pickup", "other"];

/// Act on a case.
///
/// The action must be allowed from the case's state for the caller's role (the lifecycle
/// table); one that needs the community head's approval is filed for it instead.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{number}/transitions",
    tag = "cases",
    request_body = TransitionIn,
    params(("number" = String, Path, description = "The case number")),
    responses(
        (status = 200, description = "Done, or filed for approval", body = TransitionOut),
        (status = 400, description = "Malformed JSON or fields", body = ErrorBody),
        (status = 401, description = "No valid session or API token", body = ErrorBody),
        (status = 403, description = "The caller's role may not take this action", body = ErrorBody),
        (status = 404, description = "No such case in the caller's part of the org tree", body = ErrorBody),
        (status = 409, description = "Not possible in the case's state, or someone acted first", body = ErrorBody),
        (status = 422, description = "Refused: a reason is missing, materials still missing...", body = ErrorBody),
    )
)]
pub async fn transition(
    State(st): State<Shared>,
    caller: Caller,
    Path(number): Path<String>,
    body: Bytes,
) -> Result<Json<TransitionOut>, ApiError> {
    if !caller.me.scope.can(Permission::HandleMatters) {
        return Err(ApiError::forbidden("您的角色不能办理办件"));
    }
    let req: TransitionIn = parse_body(&body)?;
    if let Some(v) = req.visit.as_deref()
        && !VISIT_PURPOSES.contains(&v)
    {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_visit",
            "visit 应为 intake、materials、pickup 或 other",
        ));
    }
    let worker = caller.me.worker();
    let case = act::load_numbered(&st.cases(), &worker, &number).await?;
    let request = act::Request {
        action: req.action.trim().to_string(),
        note: req.note,
        statuses: req
            .materials
            .into_iter()
            .map(|(k, v)| (k, v.into()))
            .collect(),
        visit: req.visit,
        result: req.result.map(Into::into),
    };
    let acted = act::act(&st.cases(), &worker, case.id, &request).await?;
    let now = cases::get(&st.db, case.id).await?;
    let result = match acted {
        Acted::Moved(_) => "moved",
        Acted::AwaitingApproval => "awaiting_approval",
    };
    Ok(Json(TransitionOut {
        result: result.into(),
        case: detail(&st, &worker, &now).await?,
    }))
}
