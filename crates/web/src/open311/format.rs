//! The two GeoReport formats, chosen by the path's extension, and the responses written in them:
//! documents (`Reply`) and the spec's error lists (`Problem`).

use super::node::{self, Node};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

#[derive(Clone, Copy)]
pub enum Format {
    Json,
    Xml,
}

impl Format {
    /// The format named by the extension of the path's last segment ("services.json").
    fn of_path(path: &str) -> Option<Format> {
        let last = path.rsplit('/').next().unwrap_or_default();
        match last.rsplit_once('.')?.1 {
            "json" => Some(Format::Json),
            "xml" => Some(Format::Xml),
            _ => None,
        }
    }

    /// The format to answer an error in when the path names none: XML, the one format every
    /// GeoReport server must support.
    pub fn for_errors(path: &str) -> Format {
        Format::of_path(path).unwrap_or(Format::Xml)
    }

    fn content_type(self) -> &'static str {
        match self {
            Format::Json => "application/json; charset=utf-8",
            Format::Xml => "text/xml; charset=utf-8",
        }
    }

    pub fn reply(self, root: &'static str, body: Node) -> Reply {
        Reply {
            format: self,
            root,
            body,
        }
    }

    pub fn problem(self, status: StatusCode, description: impl Into<String>) -> Problem {
        Problem {
            format: self,
            status,
            description: description.into(),
        }
    }

    /// Logs the cause under a reference and tells the client only the reference.
    pub fn internal(self, cause: &dyn std::fmt::Display) -> Problem {
        let reference = format!("{:08x}", rand::random::<u32>());
        tracing::error!(reference, error = %cause, "open311: internal error");
        self.problem(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("系统内部错误，请稍后再试。如问题持续，请将编号 {reference} 告知系统管理员。"),
        )
    }

    fn render(self, status: StatusCode, root: &str, body: &Node) -> Response {
        let bytes = match self {
            Format::Json => serde_json::to_vec(body).map_err(|e| e.to_string()),
            Format::Xml => node::to_xml(root, body).map_err(|e| e.to_string()),
        };
        match bytes {
            Ok(bytes) => {
                (status, [(header::CONTENT_TYPE, self.content_type())], bytes).into_response()
            }
            Err(e) => {
                tracing::error!(error = %e, "open311: cannot write response");
                StatusCode::INTERNAL_SERVER_ERROR.into_response()
            }
        }
    }
}

/// Every GeoReport path ends in its format; anything else is an unknown resource.
impl<S: Send + Sync> FromRequestParts<S> for Format {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Format, Problem> {
        Format::of_path(parts.uri.path()).ok_or_else(|| {
            Format::Xml.problem(
                StatusCode::NOT_FOUND,
                "不支持的格式：请在地址末尾使用 .xml 或 .json",
            )
        })
    }
}

/// A successful document: `root` names the XML root element; JSON has no root.
pub struct Reply {
    format: Format,
    root: &'static str,
    body: Node,
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        self.format.render(StatusCode::OK, self.root, &self.body)
    }
}

/// An error in the spec's format, with the HTTP status equal to the code it reports.
pub struct Problem {
    format: Format,
    status: StatusCode,
    description: String,
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let error = Node::fields([
            ("code", Node::Int(self.status.as_u16().into())),
            ("description", Node::Text(self.description)),
        ]);
        let body = Node::list("error", [error]);
        self.format.render(self.status, "errors", &body)
    }
}
