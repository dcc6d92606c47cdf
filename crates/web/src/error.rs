//! One error type for page handlers. People see a Chinese page with no internals; the internal
//! cause is logged with a reference so an operator can find it.

use crate::auth::CurrentUser;
use crate::page::{Csrf, Ctx};
use crate::templates;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::context;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    /// Input the user can fix; the message is shown as is.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// Not signed in: go to the sign-in page and come back to `next`.
    #[error("sign-in required")]
    SignIn { next: String },
    /// Signed in with a temporary password: change it first.
    #[error("password change required")]
    ChangePassword,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<quanke_store::StoreError> for AppError {
    fn from(e: quanke_store::StoreError) -> Self {
        match e {
            quanke_store::StoreError::NotFound => AppError::NotFound,
            other => AppError::Internal(other.into()),
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match self {
            AppError::NotFound => error_page(
                StatusCode::NOT_FOUND,
                "页面不存在",
                "您要找的页面不存在或已被移除。请检查地址，或返回首页。",
            ),
            AppError::Forbidden => error_page(
                StatusCode::FORBIDDEN,
                "无权访问",
                "您的角色或所属组织无权查看或办理此项内容。如需权限，请联系社区负责人或系统管理员。",
            ),
            AppError::BadRequest(msg) => error_page(StatusCode::BAD_REQUEST, "请求有误", &msg),
            AppError::SignIn { next } => {
                let q = serde_urlencoded::to_string([("next", next)]).unwrap_or_default();
                Redirect::to(&format!("/login?{q}")).into_response()
            }
            AppError::ChangePassword => Redirect::to("/password").into_response(),
            AppError::Internal(e) => internal(&e),
        }
    }
}

/// Logs the cause and shows a reference the user can quote to an operator.
pub fn internal(e: &dyn std::fmt::Display) -> Response {
    let reference = format!("{:08x}", rand::random::<u32>());
    tracing::error!(reference, error = %e, "internal error");
    let msg = format!(
        "系统暂时无法完成此操作，请稍后再试。如问题持续，请将编号 {reference} 告知系统管理员。"
    );
    error_page(StatusCode::INTERNAL_SERVER_ERROR, "系统内部错误", &msg)
}

/// What an error page says; kept on the response so `dress` can re-render it with the
/// signed-in user's header and navigation.
#[derive(Clone, Debug)]
pub struct ErrorInfo {
    pub title: String,
    pub message: String,
}

pub fn error_page(status: StatusCode, title: &str, message: &str) -> Response {
    let ctx = context! { status => status.as_u16(), title, message };
    let mut resp = match templates::render("error.html", ctx) {
        Ok(html) => (status, Html(html)).into_response(),
        // The error template is embedded and tested; if it ever fails, fall back to plain text.
        Err(_) => (status, format!("{} {}", status.as_u16(), title)).into_response(),
    };
    resp.extensions_mut().insert(ErrorInfo {
        title: title.into(),
        message: message.into(),
    });
    resp
}

/// Gives error pages of signed-in users the usual header, so they keep their navigation and
/// the sign-out button instead of a dead end.
pub async fn dress(
    me: Option<CurrentUser>,
    Csrf(csrf): Csrf,
    req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path().to_string();
    let api = path.starts_with("/api/");
    let mut resp = next.run(req).await;
    if resp.status() == StatusCode::PAYLOAD_TOO_LARGE
        && resp.extensions().get::<ErrorInfo>().is_none()
    {
        resp = too_large(api);
    } else if is_bare_rejection(&resp) {
        resp = rejection(&path, resp).await;
    }
    let (Some(me), Some(info)) = (me, resp.extensions().get::<ErrorInfo>().cloned()) else {
        return resp;
    };
    let status = resp.status();
    // An error page leaves out the notification badge rather than query again on a failure.
    let ctx = Ctx {
        me,
        csrf,
        unread: 0,
    };
    let extra =
        context! { status => status.as_u16(), title => info.title, message => info.message };
    match ctx.render("error.html", extra) {
        Ok(html) => (status, html).into_response(),
        Err(_) => resp,
    }
}

/// The body limits answer in plain English text; people get the page, API clients JSON.
fn too_large(api: bool) -> Response {
    let message = "提交的内容（含附件）超过了允许的大小。请压缩或减少附件后重新提交。";
    if api {
        return crate::api::ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", message)
            .into_response();
    }
    error_page(StatusCode::PAYLOAD_TOO_LARGE, "提交内容过大", message)
}

/// A 4xx in plain text that no handler dressed: one of axum's extractor rejections (a repeated
/// or malformed query parameter, a form that does not parse).
fn is_bare_rejection(resp: &Response) -> bool {
    resp.status().is_client_error()
        && resp.status() != StatusCode::PAYLOAD_TOO_LARGE
        && resp.extensions().get::<ErrorInfo>().is_none()
        && resp
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("text/plain"))
}

/// The rejection in the caller's format: JSON for the API, GeoReport errors for Open311, the
/// Chinese page for people. axum's English explanation is kept as the technical detail.
async fn rejection(path: &str, resp: Response) -> Response {
    let status = resp.status();
    let detail = axum::body::to_bytes(resp.into_body(), 4096)
        .await
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let message = format!("请求的参数或内容格式有误，请检查后重试（{detail}）");
    if path.starts_with("/api/") {
        return crate::api::ApiError::new(status, "bad_request", message).into_response();
    }
    if path.starts_with("/open311/") {
        return crate::open311::format::Format::for_errors(path)
            .problem(status, message)
            .into_response();
    }
    error_page(status, "请求有误", &message)
}

/// A refused case operation shows its Chinese message; an internal failure is logged, not shown.
impl From<quanke_app::cases::CaseError> for AppError {
    fn from(e: quanke_app::cases::CaseError) -> Self {
        use quanke_app::cases::CaseError;
        match e {
            CaseError::Refused(r) => AppError::BadRequest(r.message),
            CaseError::NotFound => AppError::NotFound,
            CaseError::Internal(e) => AppError::Internal(e),
        }
    }
}

/// A refused grid-work request shows its Chinese message; outside the caller's scope is 404.
impl From<quanke_app::grid::GridError> for AppError {
    fn from(e: quanke_app::grid::GridError) -> Self {
        use quanke_app::grid::GridError;
        match e {
            GridError::NotFound(_) => AppError::NotFound,
            GridError::Forbidden(_) => AppError::Forbidden,
            GridError::Refused(message) | GridError::Conflict(message) => {
                AppError::BadRequest(message)
            }
            GridError::Store(e) => e.into(),
        }
    }
}
