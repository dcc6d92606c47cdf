//! Headers that tell the browser what this site's responses may do, on every response (pages,
//! the API, Open311, assets, errors). The pages are plain forms with their CSS and the one small
//! script (the print buttons) served from `/assets`, so the policy allows nothing else: no
//! inline script or style, no other origin, no framing (clickjacking), no guessing of types.

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::http::header::{
    CONTENT_SECURITY_POLICY, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::middleware::Next;
use axum::response::Response;

/// Everything the pages load comes from this site; forms post only to it.
pub const POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
    img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; \
    base-uri 'none'";

pub async fn add(req: Request, next: Next) -> Response {
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(POLICY));
    h.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    // Addresses carry case numbers and search words: other sites never see them.
    h.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    resp
}
