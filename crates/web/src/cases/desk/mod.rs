//! The front desk (受理台), keyboard-first: one box for the resident, one for the matter, one
//! Enter; pick the matter (the single resident found is already chosen); the intake screen
//! with the questions and the materials checklist; one outcome button, which prints what the
//! resident takes home.

mod find;
mod form;
mod register;
mod submit;

use crate::error::{AppError, AppResult};
use crate::page::Ctx;
use crate::server::Shared;
use axum::Router;
use axum::routing::{get, post};
use quanke_domain::Permission;

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/desk", get(find::page).post(find::search))
        .route("/desk/intake", post(form::show))
        .route("/desk/cases", post(submit::create))
}

/// The desk is for desk workers; grid workers use it to take a matter in on a resident's
/// behalf (代办), which the desk then checks.
fn may_take(ctx: &Ctx) -> AppResult<()> {
    let scope = &ctx.me.scope;
    if scope.can(Permission::UseDesk) || scope.can(Permission::WorkGrid) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}
