//! Photos of a visit on the subject's page: added by the visit's author (a multipart form, the
//! CSRF token in the action URL as for every upload), each served as JPEG to those who may read
//! the visit.

use super::visits::{subject_href, subject_of};
use crate::error::{AppError, AppResult};
use crate::page::Ctx;
use crate::server::Shared;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use quanke_app::grid::photos;
use quanke_domain::Permission;
use tower_http::limit::RequestBodyLimitLayer;

/// One request's photos: six of a phone camera's largest.
const UPLOAD_LIMIT: usize = 6 * quanke_photo::MOST_BYTES;

/// The photo upload, outside the server's small default body limit.
pub fn upload_routes() -> Router<Shared> {
    Router::new()
        .route(
            "/grid/subjects/{kind}/{id}/visits/{visit}/photos",
            axum::routing::post(add).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .layer(RequestBodyLimitLayer::new(UPLOAD_LIMIT))
}

pub async fn add(
    State(st): State<Shared>,
    ctx: Ctx,
    Path((kind, id, visit)): Path<(String, i64, i64)>,
    form: Multipart,
) -> AppResult<Response> {
    ctx.me.require(Permission::RecordVisits)?;
    let subject = subject_of(&kind, id)?;
    let (files, keep_location) = read_form(form).await?;
    let n = photos::add(
        &st.db,
        &ctx.me.worker(),
        subject,
        visit,
        files,
        keep_location,
    )
    .await?;
    let to = format!("{}?photos={n}", subject_href(subject));
    Ok(Redirect::to(&to).into_response())
}

/// The chosen files (empty choices skipped) and whether to keep where they were taken.
async fn read_form(mut form: Multipart) -> AppResult<(Vec<Vec<u8>>, bool)> {
    let bad = |_| AppError::BadRequest("照片无法读取，请重新选择后上传".into());
    let (mut files, mut keep) = (Vec::new(), false);
    while let Some(field) = form.next_field().await.map_err(bad)? {
        match field.name().unwrap_or("") {
            "photo" => {
                let data = field.bytes().await.map_err(bad)?;
                if !data.is_empty() {
                    files.push(data.to_vec());
                }
            }
            "keep_location" => keep = field.text().await.map_err(bad)? == "on",
            _ => {}
        }
    }
    Ok((files, keep))
}

/// One photo, as JPEG; kept out of shared caches.
pub async fn show(
    State(st): State<Shared>,
    ctx: Ctx,
    Path((kind, id, visit, photo)): Path<(String, i64, i64, i64)>,
) -> AppResult<Response> {
    ctx.me.require(Permission::ReadRegistry)?;
    let subject = subject_of(&kind, id)?;
    let bytes = photos::read(&st.db, &ctx.me.worker(), subject, visit, photo).await?;
    let headers = [
        (header::CONTENT_TYPE, "image/jpeg"),
        (header::CACHE_CONTROL, "private, max-age=86400"),
    ];
    Ok((headers, bytes).into_response())
}
