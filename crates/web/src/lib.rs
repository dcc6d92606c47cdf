//! The web application: server-rendered pages in Simplified Chinese, plus operational endpoints.
//! One module per area; handlers stay thin and call the services of `quanke_app` (and, for
//! what no service owns yet, the store).

mod admin;
mod api;
mod assets;
mod audit;
mod auth;
pub mod cases;
pub mod catalogue;
pub mod changes;
pub mod demo;
mod error;
mod grid;
mod guide;
mod health;
mod home;
mod limits;
mod metrics;
mod notifications;
mod open311;
mod page;
mod portal;
mod registry;
mod security_headers;
mod server;
mod templates;

pub use auth::client_ip::TrustedProxies;
pub use quanke_app::cases::Remedies;
pub use server::{AppState, Shared, WebSettings, router, serve};
