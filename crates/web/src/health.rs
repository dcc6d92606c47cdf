//! Liveness with a database round trip, for load balancers and monitors.

use crate::server::Shared;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};

pub async fn healthz(State(st): State<Shared>) -> (StatusCode, Json<Value>) {
    let backend = match st.db.backend() {
        quanke_store::Backend::Sqlite => "sqlite",
        quanke_store::Backend::Postgres => "postgres",
    };
    match st.db.ping().await {
        Ok(()) => (
            StatusCode::OK,
            Json(json!({ "status": "ok", "database": backend })),
        ),
        Err(e) => {
            tracing::warn!(error = %e, "health check: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "status": "unavailable", "database": backend })),
            )
        }
    }
}
