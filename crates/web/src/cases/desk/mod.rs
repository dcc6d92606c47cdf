//! The front desk (受理台), keyboard-first: one box for the resident, one for the matter, one
//! Enter; pick the matter (the single resident found is already chosen); the intake screen
//! with the questions and the materials checklist; one outcome button, which prints what the
//! resident takes home.

mod find;
mod form;
mod register;
mod submit;

use crate::server::Shared;
use axum::Router;
use axum::routing::{get, post};

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/desk", get(find::page).post(find::search))
        .route("/desk/intake", post(form::show))
        .route("/desk/cases", post(submit::create))
}
