//! The floor under every field that arrives: query strings, posted forms and JSON bodies are
//! checked against the general limits (`quanke_domain::limits`) before any handler sees them,
//! so a field that nobody gave a limit of its own still cannot store 300,000 characters, and a
//! form cannot repeat one answer 100,000 times. Fields with a smaller limit of their own are
//! checked where the service reads them; this is only the backstop.

use crate::error::error_page;
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use quanke_domain::limits::{ANY_FIELD, MAX_FIELDS, MAX_REPEATS};
use std::collections::HashMap;

/// Why a request was turned away before its handler.
#[derive(Debug, PartialEq, Eq)]
enum Excess {
    /// One value longer than any field may be; the field's name as sent.
    Long(String),
    /// More fields than any form has.
    Fields,
    /// One name repeated (or one JSON list) more often than any choice list allows.
    Repeats(String),
}

impl Excess {
    fn code(&self) -> &'static str {
        match self {
            Excess::Long(_) => "field_too_long",
            Excess::Fields => "too_many_fields",
            Excess::Repeats(_) => "too_many_values",
        }
    }

    fn message(&self) -> String {
        match self {
            Excess::Long(name) => format!(
                "提交的内容过长：字段“{name}”超过 {} 个字。请删减后重新提交",
                ANY_FIELD.max_chars
            ),
            Excess::Fields => format!("提交的项目过多（超过 {MAX_FIELDS} 项），请检查后重新提交"),
            Excess::Repeats(name) => {
                format!("字段“{name}”重复了 {MAX_REPEATS} 次以上，请检查后重新提交")
            }
        }
    }
}

pub async fn guard(req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    if let Err(e) = check_pairs(parts.uri.query().unwrap_or_default().as_bytes()) {
        return refuse(&parts, e);
    }
    let Some(kind) = body_kind(&parts) else {
        return next.run(Request::from_parts(parts, body)).await;
    };
    // The body limit around this layer has already bounded what can be read here.
    let bytes = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(b) => b,
        Err(_) => return StatusCode::PAYLOAD_TOO_LARGE.into_response(),
    };
    let checked = match kind {
        Kind::Form => check_pairs(&bytes),
        Kind::Json => check_json(&bytes),
    };
    if let Err(e) = checked {
        return refuse(&parts, e);
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

enum Kind {
    Form,
    Json,
}

fn body_kind(parts: &Parts) -> Option<Kind> {
    let ct = parts.headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let essence = ct.split(';').next().unwrap_or("").trim();
    if essence.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
        Some(Kind::Form)
    } else if essence.eq_ignore_ascii_case("application/json") || essence.ends_with("+json") {
        Some(Kind::Json)
    } else {
        None
    }
}

/// A query string or a urlencoded form.
fn check_pairs(raw: &[u8]) -> Result<(), Excess> {
    let mut repeats: HashMap<String, usize> = HashMap::new();
    for (i, (name, value)) in form_urlencoded::parse(raw).enumerate() {
        if i >= MAX_FIELDS {
            return Err(Excess::Fields);
        }
        if ANY_FIELD.check(&value).is_err() || ANY_FIELD.check(&name).is_err() {
            return Err(Excess::Long(shorten(&name)));
        }
        let n = repeats.entry(name.to_string()).or_default();
        *n += 1;
        if *n > MAX_REPEATS {
            return Err(Excess::Repeats(shorten(&name)));
        }
    }
    Ok(())
}

/// A JSON body; one that does not parse is left to the handler, which says where it is wrong.
fn check_json(raw: &Bytes) -> Result<(), Excess> {
    match serde_json::from_slice::<serde_json::Value>(raw) {
        Ok(v) => check_value("", &v),
        Err(_) => Ok(()),
    }
}

fn check_value(name: &str, v: &serde_json::Value) -> Result<(), Excess> {
    use serde_json::Value;
    match v {
        Value::String(s) if ANY_FIELD.check(s).is_err() => Err(Excess::Long(shorten(name))),
        Value::Array(items) if items.len() > MAX_REPEATS => Err(Excess::Repeats(shorten(name))),
        Value::Array(items) => items.iter().try_for_each(|x| check_value(name, x)),
        Value::Object(map) if map.len() > MAX_FIELDS => Err(Excess::Fields),
        Value::Object(map) => map.iter().try_for_each(|(k, x)| {
            if ANY_FIELD.check(k).is_err() {
                return Err(Excess::Long(shorten(k)));
            }
            check_value(k, x)
        }),
        _ => Ok(()),
    }
}

/// A field name as it may appear in a message (an attacker's names can be long too).
fn shorten(name: &str) -> String {
    name.chars().take(40).collect()
}

/// The refusal in the caller's language: JSON for the API, the GeoReport error list for
/// Open311, a Chinese page for people.
fn refuse(parts: &Parts, e: Excess) -> Response {
    let path = parts.uri.path();
    if path.starts_with("/api/") {
        return crate::api::ApiError::new(StatusCode::BAD_REQUEST, e.code(), e.message())
            .into_response();
    }
    if path.starts_with("/open311/") {
        return crate::open311::format::Format::for_errors(path)
            .problem(StatusCode::BAD_REQUEST, e.message())
            .into_response();
    }
    error_page(StatusCode::BAD_REQUEST, "提交内容有误", &e.message())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_form_value_is_refused_by_name() {
        let body = format!(
            "name=%E5%BC%A0&note={}",
            "a".repeat(ANY_FIELD.max_chars + 1)
        );
        assert_eq!(
            check_pairs(body.as_bytes()),
            Err(Excess::Long("note".into()))
        );
        let fits = format!("note={}", "字".repeat(ANY_FIELD.max_chars));
        assert_eq!(check_pairs(fits.as_bytes()), Ok(()));
    }

    #[test]
    fn repeated_answers_are_refused() {
        let body = "a_q1=x&".repeat(MAX_REPEATS + 1);
        assert_eq!(
            check_pairs(body.as_bytes()),
            Err(Excess::Repeats("a_q1".into()))
        );
        let fits = "a_q1=x&".repeat(MAX_REPEATS);
        assert_eq!(check_pairs(fits.as_bytes()), Ok(()));
    }

    #[test]
    fn too_many_distinct_fields_are_refused() {
        let body: String = (0..=MAX_FIELDS).map(|i| format!("f{i}=1&")).collect();
        assert_eq!(check_pairs(body.as_bytes()), Err(Excess::Fields));
    }

    #[test]
    fn json_strings_and_lists_are_checked_at_any_depth() {
        let long = "名".repeat(ANY_FIELD.max_chars + 1);
        let body = serde_json::json!({ "answers": { "q1": [long] } }).to_string();
        assert_eq!(
            check_json(&Bytes::from(body)),
            Err(Excess::Long("q1".into()))
        );
        let many = vec!["x"; MAX_REPEATS + 1];
        let body = serde_json::json!({ "answers": { "q1": many } }).to_string();
        assert_eq!(
            check_json(&Bytes::from(body)),
            Err(Excess::Repeats("q1".into()))
        );
        assert_eq!(check_json(&Bytes::from_static(b"{not json")), Ok(()));
    }
}
