//! The OpenAPI document states the limits the server enforces, taken from the same table
//! (`quanke_domain::limits`) instead of numbers written twice, and the error answers that any
//! operation can give (the field floor's 400, the body limit's 413, a 500 with a reference).

use quanke_domain::limits::{
    ANSWER, ANY_FIELD, CERTIFICATE_NO, CODE, Limit, MAX_REPEATS, NOTE, PERSON_NAME, PHONE, REASON,
    RESULT_FIGURE, SEARCH,
};
use utoipa::Modify;
use utoipa::openapi::path::{Operation, Parameter};
use utoipa::openapi::schema::{AdditionalProperties, ArrayItems, Schema};
use utoipa::openapi::{Content, OpenApi, Ref, RefOr, ResponseBuilder};

/// The request bodies whose string fields carry a maximum.
const REQUEST_SCHEMAS: [&str; 3] = ["CreateCase", "TransitionIn", "ResultIn"];

/// Numbers sent as text in a query (limit, offset).
const NUMBER_TEXT: Limit = Limit::new("数字", 10);

/// The limit of a field or parameter by its name; others have the floor every request meets.
fn limit_of(name: &str) -> Limit {
    if let Some(limit) = quanke_app::cases::search::limit_of(name) {
        return limit;
    }
    match name {
        "applicant_name" => PERSON_NAME,
        "applicant_phone" => PHONE,
        "note" => NOTE,
        "reason" => REASON,
        "certificate_no" => CERTIFICATE_NO,
        "amount" | "start_month" => RESULT_FIGURE,
        "answers" => ANSWER,
        "q" => SEARCH,
        "limit" | "offset" => NUMBER_TEXT,
        "Idempotency-Key" => quanke_domain::idempotency::KEY,
        "item_code" | "business_kind" | "action" | "visit" | "state" | "assignee" | "queue" => CODE,
        _ => ANY_FIELD,
    }
}

pub struct Limits;

impl Modify for Limits {
    fn modify(&self, doc: &mut OpenApi) {
        if let Some(components) = doc.components.as_mut() {
            for name in REQUEST_SCHEMAS {
                if let Some(RefOr::T(schema)) = components.schemas.get_mut(name) {
                    limit_properties(schema);
                }
            }
        }
        for item in doc.paths.paths.values_mut() {
            for op in [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.delete,
            ]
            .into_iter()
            .flatten()
            {
                for p in op.parameters.iter_mut().flatten() {
                    if let RefOr::T(p) = p {
                        limit_parameter(p);
                    }
                }
                common_errors(op);
            }
        }
    }
}

fn limit_properties(schema: &mut Schema) {
    let Schema::Object(obj) = schema else { return };
    for (name, prop) in obj.properties.iter_mut() {
        if let RefOr::T(prop) = prop {
            set_max(prop, limit_of(name).max_chars);
        }
    }
}

/// Sets the maximum on a string, on each string of a list (and the list's length), and on
/// each value of a map of lists (the answers).
fn set_max(schema: &mut Schema, max: usize) {
    match schema {
        Schema::Object(obj) => {
            if let Some(extra) = obj.additional_properties.as_deref_mut()
                && let AdditionalProperties::RefOr(RefOr::T(values)) = extra
            {
                set_max(values, max);
            } else if obj.enum_values.is_none() && obj.properties.is_empty() {
                obj.max_length = Some(max);
            }
        }
        Schema::Array(arr) => {
            arr.max_items = Some(MAX_REPEATS);
            if let ArrayItems::RefOrSchema(items) = &mut arr.items
                && let RefOr::T(items) = items.as_mut()
            {
                set_max(items, max);
            }
        }
        _ => {}
    }
}

fn limit_parameter(p: &mut Parameter) {
    if let Some(RefOr::T(schema)) = p.schema.as_mut() {
        set_max(schema, limit_of(&p.name).max_chars);
    }
}

/// Adds the answers every operation can give when the handler did not describe them.
fn common_errors(op: &mut Operation) {
    let public = op.security.as_ref().is_some_and(|s| {
        s.iter()
            .all(|r| serde_json::to_value(r).is_ok_and(|v| v == serde_json::json!({})))
    });
    let mut add = |code: &str, text: String| {
        op.responses
            .responses
            .entry(code.to_string())
            .or_insert_with(|| {
                RefOr::T(
                    ResponseBuilder::new()
                        .description(text)
                        .content(
                            "application/json",
                            Content::new(Some(Ref::from_schema_name("ErrorBody"))),
                        )
                        .build(),
                )
            });
    };
    add(
        "400",
        format!(
            "Malformed request, or a field over its limit (codes bad_request, field_too_long, \
             too_many_fields, too_many_values; any field at most {} characters, at most {} \
             values per name)",
            ANY_FIELD.max_chars, MAX_REPEATS
        ),
    );
    if !public {
        add("401", "No valid session or API token".into());
    }
    if op.request_body.is_some() {
        add(
            "413",
            "The body is larger than 4 MiB (code too_large)".into(),
        );
    }
    add(
        "500",
        "Internal error; the message carries a reference for the operator".into(),
    );
    // Answered by the HTTP layer before any handler, so without a JSON body.
    op.responses
        .responses
        .entry("414".to_string())
        .or_insert_with(|| {
            RefOr::T(
                ResponseBuilder::new()
                    .description("The address is longer than the server reads (no body)")
                    .build(),
            )
        });
}
