//! The JSON API, version 1: cases (create, list, read, act), grid visits and events beside the
//! catalogue search, and the
//! OpenAPI document describing them. Callers authenticate with an API token
//! (`Authorization: Bearer ...`, see `auth::bearer`) or a signed-in session (writes then need
//! the `X-CSRF-Token` header, checked by `auth::csrf`). Every error is
//! `{"error": {"code", "message"}}`: a stable code for programs and a Chinese message for people.

mod cases;
mod events;
mod grid;
mod grid_work;
mod limits_doc;
mod openapi;
mod schema;

use crate::auth::CurrentUser;
use crate::auth::bearer::ViaToken;
use crate::server::Shared;
use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::FromRequestParts;
use axum::http::header::WWW_AUTHENTICATE;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use quanke_app::cases::CaseError;
use quanke_app::cases::refusal::Reason;
use serde::de::DeserializeOwned;
use serde_json::json;

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/api/v1/cases", post(cases::create).get(cases::list))
        .route("/api/v1/cases/{number}", get(cases::show))
        .route(
            "/api/v1/cases/{number}/transitions",
            post(cases::transition),
        )
        .route("/api/v1/grid/visits/sync", post(grid::sync))
        .route(
            "/api/v1/grid/events",
            post(events::report).get(events::list),
        )
        .route("/api/v1/grid/events/{id}", get(events::show))
        .route("/api/v1/grid/events/{id}/steps", post(events::step))
        .route("/api/v1/grid/inspections", post(grid_work::inspect))
        .route("/api/v1/grid/tasks", get(grid_work::my_tasks))
        .route("/api/v1/grid/tasks/{id}/done", post(grid_work::task_done))
        .route("/api/v1/openapi.json", get(openapi::serve))
}

/// An API error: the HTTP status, a stable code and a message people can read.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    /// The lifecycle requirements that failed, when the refusal comes from them.
    reasons: Vec<Reason>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            reasons: Vec::new(),
        }
    }

    fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "没有这个办件，或不在您的管辖范围内",
        )
    }

    fn internal(e: &dyn std::fmt::Display) -> Self {
        let reference = format!("{:08x}", rand::random::<u32>());
        tracing::error!(reference, error = %e, "internal error in the API");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            format!(
                "系统暂时无法完成此操作，请稍后再试。如问题持续，请将编号 {reference} 告知系统管理员"
            ),
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut error = json!({ "code": self.code, "message": self.message });
        if !self.reasons.is_empty() {
            error["reasons"] = self
                .reasons
                .iter()
                .map(|r| json!({ "code": r.code, "message": r.message }))
                .collect();
        }
        let body = json!({ "error": error });
        let mut resp = (self.status, Json(body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            resp.headers_mut()
                .insert(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        resp
    }
}

/// A JSON 500 with a reference in the log, for failures outside the handlers (token lookup).
pub fn internal(e: &dyn std::fmt::Display) -> Response {
    ApiError::internal(e).into_response()
}

impl From<CaseError> for ApiError {
    fn from(e: CaseError) -> Self {
        match e {
            CaseError::Refused(r) => ApiError {
                reasons: r.reasons,
                ..ApiError::new(refusal_status(r.code), r.code, r.message)
            },
            CaseError::NotFound => ApiError::not_found(),
            CaseError::Internal(e) => ApiError::internal(&e),
        }
    }
}

impl From<anyhow::Error> for ApiError {
    fn from(e: anyhow::Error) -> Self {
        ApiError::internal(&e)
    }
}

impl From<quanke_store::StoreError> for ApiError {
    fn from(e: quanke_store::StoreError) -> Self {
        CaseError::from(e).into()
    }
}

/// The status of a refusal: not the caller's to do (403), the case is not in a state for it
/// (409), or the request itself is wrong (422).
fn refusal_status(code: &str) -> StatusCode {
    match code {
        "not_allowed" | "outside_scope" => StatusCode::FORBIDDEN,
        "stale_state" | "awaiting_approval" | "final_state" | "bad_action" => StatusCode::CONFLICT,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

/// Reads a JSON body; malformed JSON and wrong fields are a 400 that says where.
fn parse_body<T: DeserializeOwned>(body: &Bytes) -> Result<T, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request(
            "missing_body",
            "请求体为空：应为一个 JSON 对象",
        ));
    }
    serde_json::from_slice(body).map_err(|e| {
        use serde_json::error::Category;
        let at = format!("第 {} 行第 {} 列", e.line(), e.column());
        match e.classify() {
            Category::Data => ApiError::bad_request(
                "invalid_body",
                format!("请求体字段有误（{at}）：{}", strip_position(&e.to_string())),
            ),
            _ => ApiError::bad_request(
                "bad_json",
                format!(
                    "请求体不是有效的 JSON（{at}）：{}",
                    strip_position(&e.to_string())
                ),
            ),
        }
    })
}

/// serde_json appends " at line L column C", which the message already says in Chinese.
fn strip_position(msg: &str) -> &str {
    msg.rfind(" at line ").map_or(msg, |i| &msg[..i])
}

/// The caller: a signed-in user, by session or API token.
pub struct Caller {
    pub me: CurrentUser,
}

impl FromRequestParts<Shared> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &Shared) -> Result<Self, Self::Rejection> {
        let Some(me) = parts.extensions.get::<CurrentUser>().cloned() else {
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "sign_in_required",
                "请先登录，或在 Authorization 头中提供 API 令牌（Bearer）",
            ));
        };
        // A token was issued to act as the account; a browser session must first replace
        // its temporary password, as on every page.
        let via_token = parts.extensions.get::<ViaToken>().is_some();
        if me.user.must_change_password && !via_token {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "password_change_required",
                "请先在网页上修改临时密码",
            ));
        }
        Ok(Caller { me })
    }
}
