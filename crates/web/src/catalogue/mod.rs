//! The service catalogue (办事指南) in the web application: staff pages, the editor, policy-change
//! notices, import and export, policy documents and the search API.

pub(crate) mod aliases;
mod api;
mod edit;
mod fields;
mod files;
pub mod form;
pub mod labels;
pub(crate) mod notices;
mod pages;
mod policies;
pub mod rows;
pub(crate) mod search;
pub mod snapshot;

use crate::server::Shared;
use axum::Router;
use axum::routing::{get, post};

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/catalogue", get(pages::list))
        .route("/catalogue/new", get(edit::new_form))
        .route("/catalogue/drafts", post(edit::save))
        .route("/catalogue/import", get(files::page).post(files::upload))
        .route("/catalogue/spoken", get(aliases::page))
        .route("/catalogue/spoken/accept", post(aliases::accept))
        .route("/catalogue/spoken/reject", post(aliases::reject))
        .route("/catalogue/export.json", get(files::export))
        .route("/catalogue/export.xlsx", get(files::export_xlsx))
        .route("/catalogue/{code}", get(pages::show))
        .route("/catalogue/{code}/history", get(pages::history))
        .route("/catalogue/{code}/diff", get(pages::compare))
        .route("/catalogue/{code}/edit", get(edit::edit_form))
        .route("/catalogue/{code}/draft", get(edit::draft))
        .route("/catalogue/{code}/publish", post(edit::publish))
        .route("/catalogue/{code}/discard", post(edit::discard))
        .route("/catalogue/{code}/reviewed", post(edit::reviewed))
        .route("/notices", get(notices::mine))
        .route("/notices/status", get(notices::status))
        .route("/notices/{id}/ack", post(notices::acknowledge))
        .route("/policies", get(policies::list))
        .route("/policies/{number}", get(policies::show))
        .route("/api/v1/catalogue/search", get(api::search))
}
