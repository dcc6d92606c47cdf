//! `GET /api/v1/openapi.json`: the OpenAPI document of the JSON API, generated from the
//! handlers' annotations and the API's own body types, so it cannot drift from the code.

use super::limits_doc::Limits;
use super::{cases, events, grid, grid_work, schema};
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use serde::Serialize;
use std::sync::LazyLock;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "全科社区服务平台 Quanke API",
        version = "1",
        description = "办件（cases）与办事指南检索的 JSON 接口。\n\n\
            Authenticate with an API token (`Authorization: Bearer qk_...`, issued with \
            `quanke api token add USERNAME`) or a signed-in session cookie; with the cookie, \
            writes need the `X-CSRF-Token` header (the `qk_csrf` cookie's value). Every error \
            is `{\"error\": {\"code\": \"...\", \"message\": \"...\"}}`: a stable code and a \
            message in Chinese. Phone numbers are masked in every response.",
        license(name = "AGPL-3.0-or-later"),
    ),
    paths(
        cases::create,
        cases::list,
        cases::show,
        cases::transition,
        grid::sync,
        events::report,
        events::list,
        events::show,
        events::step,
        grid_work::inspect,
        grid_work::my_tasks,
        grid_work::task_done,
        catalogue_search,
    ),
    components(schemas(
        schema::CreateCase,
        schema::MandateBody,
        schema::OutcomeIn,
        schema::MaterialIn,
        schema::TransitionIn,
        schema::ResultIn,
        schema::ResultOut,
        schema::CaseSummary,
        schema::CaseDetail,
        schema::CaseRef,
        schema::Created,
        schema::CaseList,
        schema::TransitionOut,
        schema::MaterialOut,
        schema::EventOut,
        schema::ActionOut,
        schema::ErrorBody,
        schema::ErrorDetail,
        schema::ErrorReason,
        SearchResults,
        SearchHit,
        grid::SyncIn,
        grid::VisitIn,
        grid::FollowUpIn,
        grid::VisitEventIn,
        grid::SyncOut,
        grid::SyncResult,
        grid::SyncError,
        events::GridEventIn,
        events::GridEventOut,
        events::GridEventReported,
        events::GridEventList,
        events::GridEventStep,
        events::GridEventAction,
        events::GridEventDetail,
        events::GridEventStepIn,
        grid_work::InspectionIn,
        grid_work::AnswerIn,
        grid_work::InspectionOut,
        grid_work::TaskOut,
        grid_work::TaskListOut,
        grid_work::DoneIn,
        grid_work::DoneOut,
    )),
    modifiers(&Security, &Limits),
    security(("bearer" = []), ("session" = [])),
    tags(
        (name = "cases", description = "办件：受理、查询、办理"),
        (name = "catalogue", description = "办事指南检索（无需登录）"),
        (name = "grid", description = "网格工作：走访同步、事件、检查、跟进事项"),
    ),
)]
struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("API 令牌：quanke api token add USERNAME"))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                "qk_session",
                "网页登录会话；写操作须带 X-CSRF-Token 头",
            ))),
        );
    }
}

/// The catalogue search's answer (served by `catalogue::api::search`).
#[derive(Serialize, ToSchema)]
struct SearchResults {
    /// False when no item answers the question ("没有找到对应事项"): `items` then holds the
    /// closest items, none of which it is sure of.
    found: bool,
    items: Vec<SearchHit>,
    /// When nothing was found and the street offers it (代咨询): the portal page where the
    /// resident asks the community (add `?note=` and the question to write it in); otherwise
    /// null.
    ask: Option<String>,
}

#[derive(Serialize, ToSchema)]
struct SearchHit {
    code: String,
    name: String,
    /// 条线.
    line: String,
    score: f32,
    /// The share of the question the item accounts for, 0 to 1.
    confidence: f32,
    /// Whether the item answers the question (its confidence is at or above the line).
    answers: bool,
    /// Why it matched, for people.
    why: Vec<String>,
    /// The item's page on the residents' portal.
    url: String,
}

/// Search the service catalogue.
///
/// Residents' words, typos, homophones and pinyin find the items in force.
#[utoipa::path(
    get,
    path = "/api/v1/catalogue/search",
    tag = "catalogue",
    security(()),
    params(
        ("q" = String, Query, description = "What the resident asks, e.g. 我妈今年八十了能领什么钱"),
        ("limit" = Option<u32>, Query, minimum = 1, maximum = 50, description = "1 to 50, default 10"),
    ),
    responses(
        (status = 200, description = "The best items first", body = SearchResults),
        (status = 400, description = "No q, q over its limit, or a bad limit", body = schema::ErrorBody),
    )
)]
#[allow(dead_code)] // Documents the handler in catalogue::api; never called.
fn catalogue_search() {}

static DOCUMENT: LazyLock<String> = LazyLock::new(|| {
    ApiDoc::openapi()
        .to_pretty_json()
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
});

pub async fn serve() -> impl IntoResponse {
    ([(CONTENT_TYPE, "application/json")], DOCUMENT.as_str())
}
