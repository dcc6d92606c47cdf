//! The `jurisdiction_id` parameter. A deployment is one jurisdiction, so clients may leave it
//! out; one they do send must name us, so a client pointed at the wrong server finds out. Many
//! client libraries always send the parameter, empty when their user set none: an empty (or
//! blank) value means "not given", in the query and in a posted form alike.

use super::JURISDICTION_ID;
use super::format::{Format, Problem};
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::Deserialize;

/// Extracting this checks the query's parameter; it carries nothing because there is only one
/// answer.
pub struct InJurisdiction;

/// The parameters every GeoReport call shares; others (api_key...) are for later calls.
#[derive(Deserialize)]
struct Common {
    jurisdiction_id: Option<String>,
}

impl<S: Send + Sync> FromRequestParts<S> for InJurisdiction {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<InJurisdiction, Problem> {
        let format = Format::for_errors(parts.uri.path());
        let query = parts.uri.query().unwrap_or_default();
        let common: Common = serde_urlencoded::from_str(query)
            .map_err(|e| format.problem(StatusCode::BAD_REQUEST, format!("查询参数有误：{e}")))?;
        check(format, common.jurisdiction_id.as_deref())?;
        Ok(InJurisdiction)
    }
}

/// Accepts a missing or blank `jurisdiction_id` and ours; any other is "not found".
pub fn check(format: Format, given: Option<&str>) -> Result<(), Problem> {
    match given.map(str::trim).filter(|id| !id.is_empty()) {
        None => Ok(()),
        Some(id) if id == JURISDICTION_ID => Ok(()),
        Some(id) => Err(format.problem(
            StatusCode::NOT_FOUND,
            format!("辖区不存在：{id}（本服务的 jurisdiction_id 为 {JURISDICTION_ID}）"),
        )),
    }
}
