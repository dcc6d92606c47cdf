//! Sign-in, sessions, CSRF and the signed-in user as an extractor.

pub mod bearer;
pub mod client_ip;
pub mod cookies;
pub mod csrf;
mod login;
mod redirect;
pub mod session;

use crate::error::AppError;
use crate::server::Shared;
use axum::Router;
use axum::extract::{ConnectInfo, FromRequestParts, OptionalFromRequestParts};
use axum::http::request::Parts;
use axum::routing::{get, post};
use quanke_domain::{Permission, Scope};
use quanke_store::users::User;
use std::net::SocketAddr;

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/login", get(login::form).post(login::submit))
        .route("/logout", post(login::logout))
        .route(
            "/password",
            get(login::password_form).post(login::password_submit),
        )
}

/// The signed-in user, placed in the request by `session::resolve`.
#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub user: User,
    pub scope: Scope,
    pub token_hash: String,
}

impl CurrentUser {
    pub fn require(&self, p: Permission) -> Result<(), AppError> {
        if self.scope.can(p) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// This user as the case services see who acts: now, in their place in the tree.
    pub fn worker(&self) -> quanke_app::cases::Worker {
        quanke_app::cases::Worker::staff(
            self.user.id,
            &self.user.display_name,
            self.user.role,
            self.scope.org.clone(),
        )
    }
}

/// Paths a user with a temporary password may still reach.
const PASSWORD_CHANGE_PATHS: [&str; 2] = ["/password", "/logout"];

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let Some(me) = parts.extensions.get::<CurrentUser>().cloned() else {
            let next = parts
                .uri
                .path_and_query()
                .map(|p| p.as_str().to_string())
                .unwrap_or_else(|| "/".into());
            return Err(AppError::SignIn { next });
        };
        if me.user.must_change_password && !PASSWORD_CHANGE_PATHS.contains(&parts.uri.path()) {
            return Err(AppError::ChangePassword);
        }
        Ok(me)
    }
}

/// `Option<CurrentUser>`: the user when signed in, whatever the password state.
impl<S: Send + Sync> OptionalFromRequestParts<S> for CurrentUser {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Option<Self>, Self::Rejection> {
        Ok(parts.extensions.get::<CurrentUser>().cloned())
    }
}

/// The client's address for throttling and the audit log: the TCP peer, or behind a trusted
/// reverse proxy (`trust_proxy`) the address it saw (see `client_ip`). "local" when the router
/// runs without a socket (tests).
#[derive(Clone, Debug)]
pub struct ClientIp(pub String);

impl FromRequestParts<Shared> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, st: &Shared) -> Result<Self, Self::Rejection> {
        let Some(peer) = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
        else {
            return Ok(ClientIp("local".into()));
        };
        if !st.settings.trust_proxy {
            return Ok(ClientIp(peer.to_canonical().to_string()));
        }
        let forwarded: Vec<&str> = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        let ip = client_ip::client_address(peer, &forwarded, &st.settings.trusted_proxies);
        Ok(ClientIp(ip.to_string()))
    }
}
