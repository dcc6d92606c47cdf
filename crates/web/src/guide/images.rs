//! The guide's screenshots, embedded by `build.rs` from `crates/web/guide/img`.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

include!(concat!(env!("OUT_DIR"), "/guide_images.rs"));

pub fn exists(name: &str) -> bool {
    IMAGES.iter().any(|(n, _)| *n == name)
}

/// A short hash of every screenshot, appended to their addresses: a new set of screenshots
/// gets new addresses, so browsers may keep each one as long as they like.
pub fn fingerprint() -> &'static str {
    static FP: LazyLock<String> = LazyLock::new(|| {
        let mut h = Sha256::new();
        for (name, bytes) in IMAGES {
            h.update(name.as_bytes());
            h.update(bytes);
        }
        hex::encode(&h.finalize()[..4])
    });
    &FP
}

/// The screenshot `name`, cached for a year by the browser only (`private`) or by any cache.
pub fn serve(name: &str, shared_caches: bool) -> Response {
    let Some((_, bytes)) = IMAGES.iter().find(|(n, _)| *n == name) else {
        return crate::error::AppError::NotFound.into_response();
    };
    let cache = if shared_caches {
        "public, max-age=31536000, immutable"
    } else {
        "private, max-age=31536000, immutable"
    };
    (
        [
            (header::CONTENT_TYPE, "image/png"),
            (header::CACHE_CONTROL, cache),
        ],
        *bytes,
    )
        .into_response()
}
