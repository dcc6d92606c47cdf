//! The application value, its router and the HTTP server with graceful shutdown.

use crate::auth::client_ip::TrustedProxies;
use crate::{admin, assets, auth, error, health, home, metrics};
use axum::Router;
use axum::middleware::from_fn_with_state;
use axum::routing::get;
use quanke_store::Db;
use quanke_store::api_tokens::ActiveTokens;
use quanke_store::grouped::Grouped;
use quanke_store::registry::ByNumberWithin;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Web-facing settings, resolved from the configuration by the CLI.
#[derive(Debug, Clone)]
pub struct WebSettings {
    /// A session ends after this many seconds without a request.
    pub session_idle_secs: i64,
    /// A session ends this many seconds after sign-in, however active.
    pub session_max_secs: i64,
    /// Mark cookies Secure (set when the server sits behind TLS).
    pub secure_cookies: bool,
    /// Take the client address from X-Forwarded-For (only behind a trusted reverse proxy).
    pub trust_proxy: bool,
    /// The proxies whose X-Forwarded-For entries are believed (with `trust_proxy`).
    pub trusted_proxies: TrustedProxies,
    /// The review body and the court named on refusals (the resident's remedies).
    pub remedies: quanke_app::cases::Remedies,
}

impl Default for WebSettings {
    fn default() -> Self {
        WebSettings {
            session_idle_secs: 30 * 60,
            session_max_secs: 12 * 3600,
            secure_cookies: false,
            trust_proxy: false,
            trusted_proxies: TrustedProxies::default(),
            remedies: Default::default(),
        }
    }
}

pub struct AppState {
    pub db: Db,
    pub settings: WebSettings,
    pub(crate) metrics: metrics::Metrics,
    pub(crate) catalogue: crate::catalogue::snapshot::CatalogueCache,
    /// Registry imports waiting for a choice or running in the background.
    pub(crate) imports: crate::registry::jobs::Jobs,
    /// The working-day calendar in force.
    pub(crate) calendar: quanke_app::cases::calendar::CalendarCache,
    /// Routing's assignments whose cases are not written yet.
    pub(crate) orgs: quanke_app::orgs::Directory,
    /// New cases, written in batches (group commit).
    pub(crate) case_writer: quanke_store::cases::Writer,
    /// API tokens, read together with the other requests' (`quanke_store::grouped`).
    pub(crate) tokens: Grouped<ActiveTokens>,
    /// Applicants by ID number, read together with the other intakes'.
    pub(crate) applicants: Grouped<ByNumberWithin>,
    /// What residents asked the portal since the last flush.
    pub(crate) portal_questions: crate::portal::questions::Questions,
}

impl AppState {
    pub fn new(db: Db, settings: WebSettings) -> Arc<AppState> {
        Arc::new(AppState {
            case_writer: quanke_store::cases::Writer::new(
                db.clone(),
                quanke_app::cases::routing::assign,
            ),
            tokens: Grouped::new(db.clone()),
            applicants: Grouped::new(db.clone()),
            db,
            settings,
            metrics: metrics::Metrics::new(),
            catalogue: Default::default(),
            imports: Default::default(),
            calendar: Default::default(),
            orgs: Default::default(),
            portal_questions: Default::default(),
        })
    }

    /// Stores what residents asked the portal since the last flush (done every few seconds
    /// and when the server stops).
    pub async fn flush_portal_questions(&self) -> quanke_store::Result<()> {
        let now = quanke_app::clock::now();
        self.portal_questions.flush(&self.db, now).await
    }

    /// The case services' share of this state.
    pub fn cases(&self) -> quanke_app::cases::Cases<'_> {
        quanke_app::cases::Cases {
            db: &self.db,
            catalogue: &self.catalogue,
            calendar: &self.calendar,
            orgs: &self.orgs,
            writer: &self.case_writer,
            applicants: &self.applicants,
            remedies: &self.settings.remedies,
        }
    }
}

pub type Shared = Arc<AppState>;

/// The whole application. Tests drive this router directly; `serve` binds it to a socket.
pub fn router(state: Shared) -> Router {
    Router::new()
        .route("/", get(home::show))
        .merge(auth::routes())
        .nest("/admin", admin::routes())
        .merge(crate::catalogue::routes())
        .merge(crate::registry::routes())
        .merge(crate::grid::routes())
        .merge(crate::api::routes())
        .merge(crate::cases::routes())
        .merge(crate::notifications::routes())
        .nest("/portal", crate::portal::routes())
        .merge(crate::guide::routes())
        .route(
            "/portal/",
            get(|| async { axum::response::Redirect::permanent("/portal") }),
        )
        .nest("/open311/v2", crate::open311::routes())
        .route("/healthz", get(health::healthz))
        .route("/metrics", get(metrics::render))
        .route("/assets/{file}", get(assets::serve))
        // Both apply to the routes above only; the uploads check their own fields and have
        // their own, larger body limits. The field limits read what the body limit let through.
        .layer(axum::middleware::from_fn(crate::limits::guard))
        .layer(RequestBodyLimitLayer::new(4 * 1024 * 1024))
        .merge(crate::registry::upload_routes())
        .merge(crate::portal::upload_routes())
        .merge(crate::grid::upload_routes())
        .fallback(not_found)
        .layer(axum::middleware::from_fn(error::dress))
        .layer(from_fn_with_state(state.clone(), auth::session::resolve))
        .layer(from_fn_with_state(state.clone(), auth::csrf::guard))
        .layer(from_fn_with_state(state.clone(), metrics::track))
        .layer(axum::middleware::from_fn(
            crate::guide::links::remember_route,
        ))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(CatchPanicLayer::custom(
            |_: Box<dyn std::any::Any + Send>| error::internal(&"handler panicked"),
        ))
        // Outermost, so that every response gets them, whichever layer made it.
        .layer(axum::middleware::from_fn(crate::security_headers::add))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Nothing at this address: API clients get JSON, people the page.
async fn not_found(uri: axum::http::Uri) -> axum::response::Response {
    use axum::response::IntoResponse;
    if uri.path().starts_with("/api/") {
        let message = "没有这个接口，请对照 /api/v1/openapi.json";
        return crate::api::ApiError::new(axum::http::StatusCode::NOT_FOUND, "not_found", message)
            .into_response();
    }
    error::AppError::NotFound.into_response()
}

/// Builds the catalogue snapshot and its index in the background, so the first residents do
/// not wait for it; requests that come earlier wait for this build rather than start another.
fn warm_up(state: Shared) {
    tokio::spawn(async move {
        if let Err(e) = state.catalogue.get(&state.db).await {
            tracing::warn!(error = %e, "catalogue warm-up failed; the first request will retry");
        }
    });
}

/// Serves until `shutdown` resolves, then stops accepting and lets in-flight requests finish.
pub async fn serve(
    listener: TcpListener,
    state: Shared,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    warm_up(state.clone());
    quanke_app::cases::escalation::spawn(state.db.clone());
    crate::changes::listen(state.clone()).await;
    crate::portal::questions::spawn_flush(state.clone());
    let app = router(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await;
    if let Err(e) = state.flush_portal_questions().await {
        tracing::warn!(error = %e, "the last portal questions were not stored");
    }
    served
}
