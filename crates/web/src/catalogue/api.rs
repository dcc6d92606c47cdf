//! JSON API of the catalogue: `GET /api/v1/catalogue/search?q=...&limit=N`.

use super::search;
use crate::server::Shared;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use quanke_domain::limits;
use serde::{Deserialize, Serialize};
use serde_json::json;

#[derive(Deserialize)]
pub struct SearchQuery {
    q: Option<String>,
    limit: Option<String>,
}

#[derive(Serialize)]
struct Item {
    code: String,
    name: String,
    line: String,
    score: f32,
    confidence: f32,
    /// Whether the item answers the question, rather than only coming near it.
    answers: bool,
    why: Vec<String>,
    url: String,
}

const MAX_LIMIT: usize = 50;

/// A machine-readable error: a stable code and a Chinese message.
fn error(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        Json(json!({ "error": { "code": code, "message": message } })),
    )
        .into_response()
}

pub async fn search(State(st): State<Shared>, Query(q): Query<SearchQuery>) -> Response {
    let Some(query) = q.q else {
        return error(StatusCode::BAD_REQUEST, "missing_query", "请提供查询词 q");
    };
    if let Err(e) = limits::SEARCH.named("q").check(&query) {
        return error(StatusCode::BAD_REQUEST, "field_too_long", &e.to_string());
    }
    let limit = match q.limit.as_deref().map(str::parse::<usize>) {
        None => 10,
        Some(Ok(n)) if (1..=MAX_LIMIT).contains(&n) => n,
        Some(_) => {
            return error(
                StatusCode::BAD_REQUEST,
                "bad_limit",
                "limit 应为 1 到 50 之间的整数",
            );
        }
    };
    if query.trim().is_empty() {
        // Nothing asked, nothing found: a blank box is not an error.
        return Json(json!({ "found": false, "items": [], "ask": null })).into_response();
    }
    let snap = match st.catalogue.get(&st.db).await {
        Ok(s) => s,
        Err(e) => {
            tracing::error!(error = %e, "catalogue snapshot");
            return error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "系统暂时无法完成查询，请稍后再试",
            );
        }
    };
    let items: Vec<Item> = search::items(&snap, &query, limit)
        .into_iter()
        .map(|h| Item {
            url: format!("/portal/items/{}", h.code),
            answers: h.answers(),
            code: h.code,
            name: h.name,
            line: h.line,
            score: h.score,
            confidence: h.confidence,
            why: h.why,
        })
        .collect();
    // Below the line of an answer the list holds the closest items, said as such.
    let found = items.first().is_some_and(|i| i.answers);
    let ask = (!found).then(|| crate::portal::ask_link(&snap)).flatten();
    Json(json!({ "found": found, "items": items, "ask": ask })).into_response()
}
