//! Grid work (网格工作) in the web application: recording visits on the phone or at a desk, each
//! subject's visits, photos, follow-ups, inspections and events, inspecting
//! businesses and dwellings, reporting events and taking them through
//! their loop, the due list of a grid with the worker's
//! follow-ups, the coverage of the street's places with each worker's visits, and the street's
//! coverage rules. Every page stays inside the viewer's part of the org tree.

mod coverage;
mod due;
mod events;
mod handover;
mod inspections;
mod photos;
mod places;
mod rules;
mod tasks;
mod visits;

use crate::server::Shared;
use axum::Router;
use axum::routing::get;

pub use photos::upload_routes;

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/grid/visits/new", get(visits::form))
        .route("/grid/visits", axum::routing::post(visits::submit))
        .route("/grid/subjects/{kind}/{id}", get(visits::subject))
        .route(
            "/grid/subjects/{kind}/{id}/reveal",
            axum::routing::post(visits::reveal),
        )
        .route(
            "/grid/subjects/{kind}/{id}/visits/{visit}/photos/{photo}",
            get(photos::show),
        )
        .route("/grid/due", get(due::page))
        .route("/grid/handover", get(handover::page).post(handover::submit))
        .route("/grid/inspections/new", get(inspections::form))
        .route(
            "/grid/inspections",
            axum::routing::post(inspections::submit),
        )
        .route("/grid/inspections/{id}", get(inspections::page))
        .route("/grid/events/new", get(events::form))
        .route("/grid/events", get(events::list).post(events::submit))
        .route("/grid/events/{id}", get(events::page))
        .route("/grid/events/{id}/steps", axum::routing::post(events::step))
        .route("/grid/tasks/{id}/done", axum::routing::post(tasks::done))
        .route("/grid/coverage", get(coverage::page))
        .route("/grid/rules", get(rules::page).post(rules::save))
        .route("/grid/sw.js", get(crate::assets::grid_service_worker))
}
