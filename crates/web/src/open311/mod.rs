//! Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) over the service catalogue and
//! the cases, and over the event categories and events (`events.rs`), for third-party apps and
//! city platforms: discovery, the service list and service definitions (`services.rs`); service
//! requests, submitted by partners with an api_key (`submit.rs`) and read by anyone
//! (`requests.rs`); and the `servicerequestupdates` extension (`updates.rs`, cases only). Partners' keys are issued at /admin/open311 or with
//! `quanke open311 key add`.
//!
//! Every path ends in `.json` or `.xml`; answers, errors included, come in that format (in XML,
//! the spec's mandatory format, when the path names none).
//!
//! Jurisdiction: a deployment serves one street and nothing in its configuration names it for
//! Open311. The demo street's code was not used because a deployment is not the demo, and an
//! org code can be edited while an identifier handed to outside clients must not change. So the
//! identifier is the constant `JURISDICTION_ID`; `jurisdiction_id` is optional, as the spec
//! allows for servers of a single jurisdiction, and one that is sent must equal it.

mod dates;
mod discovery;
mod events;
pub(crate) mod format;
mod jurisdiction;
mod node;
mod note;
mod requests;
mod services;
mod submit;
mod updates;

use crate::server::Shared;
use axum::Router;
use axum::http::{StatusCode, Uri};
use axum::response::IntoResponse;
use axum::routing::get;
use format::Format;

pub const JURISDICTION_ID: &str = "quanke.local";

/// Mounted at /open311/v2. No sign-in is needed: reading is public and posting takes an
/// api_key, so no cookie is involved and the CSRF guard lets these paths through.
pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/discovery.{format}", get(discovery::show))
        .route("/services.{format}", get(services::list))
        .route("/services/{file}", get(services::definition))
        .route(
            "/requests.{format}",
            get(requests::list).post(submit::create),
        )
        .route("/requests/{file}", get(requests::show))
        .route("/servicerequestupdates.{format}", get(updates::list))
        .fallback(unknown)
}

/// Unknown resources get the spec's error list rather than the site's HTML page.
async fn unknown(uri: Uri) -> impl IntoResponse {
    Format::for_errors(uri.path()).problem(StatusCode::NOT_FOUND, "接口不存在")
}
