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
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::cell::RefCell;
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
/// Walked as it is read, without building it: every API request passes here before its
/// handler parses the body for itself.
fn check_json(raw: &Bytes) -> Result<(), Excess> {
    let found = RefCell::new(None);
    let mut reader = serde_json::Deserializer::from_slice(raw);
    // An error here is an excess (kept in `found`) or a body the handler will refuse.
    let _ = JsonField {
        name: "",
        found: &found,
    }
    .deserialize(&mut reader);
    found.into_inner().map_or(Ok(()), Err)
}

/// One JSON value under the field `name` (the nearest key above it). The first excess found
/// is kept in `found` and stops the walk, as an error the caller sets aside.
#[derive(Clone, Copy)]
struct JsonField<'n, 'f> {
    name: &'n str,
    found: &'f RefCell<Option<Excess>>,
}

impl JsonField<'_, '_> {
    fn refuse<E: serde::de::Error>(&self, excess: Excess) -> E {
        *self.found.borrow_mut() = Some(excess);
        E::custom("over a general limit")
    }
}

impl<'de> DeserializeSeed<'de> for JsonField<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for JsonField<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<(), E> {
        match ANY_FIELD.check(s) {
            Ok(()) => Ok(()),
            Err(_) => Err(self.refuse(Excess::Long(shorten(self.name)))),
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<(), A::Error> {
        let mut n = 0;
        while items.next_element_seed(self)?.is_some() {
            n += 1;
            if n > MAX_REPEATS {
                return Err(self.refuse(Excess::Repeats(shorten(self.name))));
            }
        }
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut fields: A) -> Result<(), A::Error> {
        let mut n = 0;
        while let Some(key) = fields.next_key::<String>()? {
            n += 1;
            if n > MAX_FIELDS {
                return Err(self.refuse(Excess::Fields));
            }
            if ANY_FIELD.check(&key).is_err() {
                return Err(self.refuse(Excess::Long(shorten(&key))));
            }
            fields.next_value_seed(JsonField {
                name: &key,
                found: self.found,
            })?;
        }
        Ok(())
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

    #[test]
    fn json_objects_are_bounded_in_fields_and_names() {
        let fields: serde_json::Map<String, serde_json::Value> = (0..=MAX_FIELDS)
            .map(|i| (format!("f{i}"), serde_json::Value::from(i)))
            .collect();
        let body = serde_json::json!({ "answers": fields }).to_string();
        assert_eq!(check_json(&Bytes::from(body)), Err(Excess::Fields));
        let name = "键".repeat(ANY_FIELD.max_chars + 1);
        let named = serde_json::Map::from_iter([(name.clone(), serde_json::Value::from(1))]);
        let body = serde_json::json!({ "answers": named }).to_string();
        assert_eq!(
            check_json(&Bytes::from(body)),
            Err(Excess::Long(shorten(&name)))
        );
        // An excess is found even when the body goes wrong after it.
        let long = "x".repeat(ANY_FIELD.max_chars + 1);
        let body = format!(r#"{{"note": "{long}", "#);
        assert_eq!(
            check_json(&Bytes::from(body)),
            Err(Excess::Long("note".into()))
        );
        let full = vec!["a"; MAX_REPEATS];
        let fits = serde_json::json!({ "q": full, "n": null, "b": true, "f": 1.5 });
        assert_eq!(check_json(&Bytes::from(fits.to_string())), Ok(()));
    }
}
