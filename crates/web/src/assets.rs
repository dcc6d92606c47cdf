//! Static assets compiled into the binary; nothing is fetched from outside at run time.

use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

const FILES: &[(&str, &str, &str)] = &[
    (
        "app.css",
        "text/css; charset=utf-8",
        include_str!("../assets/app.css"),
    ),
    (
        "favicon.svg",
        "image/svg+xml",
        include_str!("../assets/favicon.svg"),
    ),
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_str!("../assets/app.js"),
    ),
    (
        "grid-offline.js",
        "text/javascript; charset=utf-8",
        include_str!("../assets/grid-offline.js"),
    ),
    (
        "print.css",
        "text/css; charset=utf-8",
        include_str!("../assets/print.css"),
    ),
];

/// A short fingerprint of the embedded assets, appended to their URLs so that browsers fetch the
/// new files after an upgrade instead of keeping yesterday's cached ones.
pub fn fingerprint() -> &'static str {
    static FP: LazyLock<String> = LazyLock::new(|| {
        let mut h = Sha256::new();
        for (_, _, body) in FILES {
            h.update(body.as_bytes());
        }
        hex::encode(&h.finalize()[..4])
    });
    &FP
}

pub async fn serve(Path(file): Path<String>) -> Response {
    match FILES.iter().find(|(name, _, _)| *name == file) {
        Some((_, mime, body)) => (
            [
                (header::CONTENT_TYPE, *mime),
                (header::CACHE_CONTROL, "public, max-age=3600"),
            ],
            *body,
        )
            .into_response(),
        None => crate::error::AppError::NotFound.into_response(),
    }
}

/// The grid pages' service worker, served from their own path so that its scope is `/grid/`.
pub async fn grid_service_worker() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        include_str!("../assets/grid-sw.js"),
    )
        .into_response()
}
