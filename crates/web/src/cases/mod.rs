//! Cases (办件): the desk's intake, the back office's work and everything around a case. The
//! rules live in the domain (lifecycle, clock) and the records in the store; this module ties
//! them together for the pages, the JSON API, the portal and Open311, which all go through
//! `intake::open` and `act::act`.

pub(crate) mod attachments;
mod desk;
mod fields;
mod handlers;
mod page;
mod print;
pub(crate) mod queue;
pub mod rating;
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
        .route("/cases/{id}/rating", post(rating::submit))
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
