//! The residents registry (居民信息) in the web application: search and person pages with masked
//! identifiers, reveals with an audited reason, ledger imports with a dry run first, exports,
//! moves and the retention rule. Every page stays inside the viewer's part of the org tree.

mod businesses;
pub(crate) mod dates;
pub(crate) mod demo;
pub(crate) mod download;
mod export;
mod import;
pub(crate) mod jobs;
mod labels;
mod mappings;
mod move_out;
pub(crate) mod paging;
mod person;
pub(crate) mod places;
mod problems;
mod retention;
pub(crate) mod reveal;
pub(crate) mod rows;
mod runner;
pub(crate) mod search;

use crate::server::Shared;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use tower_http::limit::RequestBodyLimitLayer;

/// Ledgers are uploaded whole: 64 MB holds a ledger of over half a million people, far more
/// than a community keeps (larger files go through `quanke registry import`).
pub const UPLOAD_LIMIT: usize = 64 * 1024 * 1024;

/// The ledger upload, outside the server's small default body limit.
pub fn upload_routes() -> Router<Shared> {
    Router::new()
        .route(
            "/registry/import",
            get(import::form)
                .post(import::upload)
                .layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .layer(RequestBodyLimitLayer::new(UPLOAD_LIMIT))
}

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/registry", get(search::page).post(search::submit))
        .route("/registry/people/{id}", get(person::show))
        .route("/registry/people/{id}/reveal", post(reveal::submit))
        .route("/registry/people/{id}/move-out", post(move_out::submit))
        .route("/registry/import/{job}", get(import::job))
        .route("/registry/import/{job}/status", get(import::status))
        .route("/registry/import/{job}/report.xlsx", get(import::report))
        .route("/registry/import/{job}/commit", post(import::commit))
        .route("/registry/import/{job}/discard", post(import::discard))
        .route(
            "/registry/mappings",
            get(mappings::page).post(mappings::save),
        )
        .route(
            "/registry/businesses",
            get(businesses::page).post(businesses::register),
        )
        .route("/registry/export", get(export::form).post(export::download))
        .route(
            "/registry/retention",
            get(retention::form).post(retention::apply),
        )
}

/// Pages with personal data are not kept by the browser or any proxy: a revealed number must
/// not come back from a cache.
pub(crate) fn private(page: Html<String>) -> Response {
    ([(header::CACHE_CONTROL, "no-store")], page).into_response()
}
