//! Administration: the org tree, staff accounts and their API tokens, the audit log and Open311
//! partners' keys.

mod api_tokens;
mod audit_log;
mod calendar;
mod open311_keys;
mod orgs;
mod user_lines;
mod users;

use crate::auth::CurrentUser;
use crate::server::Shared;
use axum::Router;
use axum::routing::{get, post};

/// Street-wide credentials (Open311 keys, API tokens) are handed out by street and system
/// administrators only.
fn street_or_system_admin(me: &CurrentUser) -> bool {
    matches!(
        me.user.role,
        quanke_domain::Role::StreetAdmin | quanke_domain::Role::SystemAdmin
    )
}

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/orgs", get(orgs::list).post(orgs::create))
        .route("/orgs/{id}/rename", post(orgs::rename))
        .route("/users", get(users::list).post(users::create))
        .route("/users/{id}", get(users::show))
        .route("/users/{id}/role", post(users::change_role))
        .route("/users/{id}/disable", post(users::disable))
        .route("/users/{id}/enable", post(users::enable))
        .route("/users/{id}/reset", post(users::reset))
        .route("/users/{id}/lines", post(user_lines::save))
        .route("/users/{id}/tokens", post(api_tokens::issue))
        .route(
            "/users/{id}/tokens/{token}/revoke",
            post(api_tokens::revoke),
        )
        .route("/audit", get(audit_log::list))
        .route("/calendar", get(calendar::show).post(calendar::save))
        .route(
            "/open311",
            get(open311_keys::list).post(open311_keys::issue),
        )
        .route("/open311/{id}/revoke", post(open311_keys::revoke))
}
