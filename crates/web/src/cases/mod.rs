//! Case pages (办件): the desk's forms, the queue and search pages, a case's page with its
//! action handlers, printouts and reports. Each handler reads the request, calls a service of
//! `quanke_app::cases` (intake, actions, transfers, search, rating) and renders what it answers.

pub(crate) mod attachments;
mod desk;
mod fields;
mod handlers;
mod page;
mod print;
pub(crate) mod queue;
pub mod reports;
mod search_page;

use crate::server::Shared;
use axum::Router;
use axum::routing::{get, post};

pub fn routes() -> Router<Shared> {
    Router::new()
        .merge(desk::routes())
        .route("/cases", get(queue::page))
        .route("/cases/reports", get(reports::page))
        .route(
            "/cases/search",
            get(search_page::page).post(search_page::submit),
        )
        .route("/cases/search/export", post(search_page::export))
        .route("/cases/{id}/rating", post(handlers::rate))
        .route("/cases/{id}", get(page::show))
        .route("/cases/{id}/act", post(handlers::act))
        .route("/cases/{id}/approvals/{approval}", post(handlers::decide))
        .route("/cases/{id}/transfer", post(handlers::transfer))
        .route(
            "/cases/{id}/transfers/{transfer}",
            post(handlers::answer_transfer),
        )
        .route("/cases/{id}/assign", post(handlers::assign))
        .route("/cases/{id}/link", post(handlers::link))
        .route("/cases/{id}/files/{file}", get(handlers::file))
        .route("/cases/{id}/print/{kind}", get(print::newest))
        .route("/cases/{id}/documents/{doc}", get(print::reprint))
}
