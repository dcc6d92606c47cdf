//! Photos of a visit (现场照片): added by the worker who made the visit, once it is stored (from
//! the phone when it has signal), and read through a subject the visit reached, within the
//! reader's scope. A sensitive visit's photos are its author's only, like its findings.

use super::visits::described_within;
use super::{GridError, GridResult};
use crate::cases::Worker;
use quanke_domain::grid::Subject;
use quanke_domain::{OrgPath, Permission};
use quanke_photo::Prepared;
use quanke_store::Db;
use quanke_store::grid::photos::{self, NewPhoto, PhotoRow};
use quanke_store::grid::visits::{self, VisitRow};

/// The most photos one visit keeps.
pub const MOST_PER_VISIT: i64 = 6;

/// Adds photos (as uploaded: JPEG, PNG or WebP) to visit `visit_id` of `subject`. All are
/// prepared (turned upright, scaled, metadata dropped; the place kept only with
/// `keep_location`) before any is stored; one that cannot be read refuses them all.
pub async fn add(
    db: &Db,
    worker: &Worker,
    subject: Subject,
    visit_id: i64,
    uploads: Vec<Vec<u8>>,
    keep_location: bool,
) -> GridResult<usize> {
    let visit = visit_of(db, worker, subject, visit_id).await?;
    let by = worker
        .id
        .filter(|id| *id == visit.worker_id)
        .ok_or(GridError::Forbidden(
            "只有登记这次走访的工作人员可以添加照片",
        ))?;
    if uploads.is_empty() {
        return Err(GridError::Refused("请选择要上传的照片".into()));
    }
    let prepared = tokio::task::spawn_blocking(move || prepare_all(&uploads, keep_location))
        .await
        .map_err(|e| GridError::Refused(format!("照片处理失败：{e}")))??;
    if !photos::add(db, visit_id, &prepared, MOST_PER_VISIT, by, worker.now).await? {
        return Err(GridError::Refused(format!(
            "每次走访最多保存 {MOST_PER_VISIT} 张照片"
        )));
    }
    Ok(prepared.len())
}

fn prepare_all(uploads: &[Vec<u8>], keep_location: bool) -> GridResult<Vec<NewPhoto>> {
    uploads
        .iter()
        .enumerate()
        .map(|(i, bytes)| {
            let p: Prepared = quanke_photo::prepare(bytes, keep_location)
                .map_err(|e| GridError::Refused(format!("第 {} 张照片：{e}", i + 1)))?;
            Ok(NewPhoto {
                width: p.width,
                height: p.height,
                lat: p.location.map(|l| l.lat),
                lon: p.location.map(|l| l.lon),
                jpeg: p.jpeg,
            })
        })
        .collect()
}

/// The photos of the visits shown on a subject's page, for `reader` (none of a sensitive
/// visit but its author's).
pub async fn of_shown(db: &Db, reader: &Worker, shown: &[VisitRow]) -> GridResult<Vec<PhotoRow>> {
    let open: Vec<i64> = shown
        .iter()
        .filter(|v| open_to(reader, v))
        .map(|v| v.id)
        .collect();
    Ok(photos::of_visits(db, &open).await?)
}

/// One photo's JPEG bytes, through a subject its visit reached; "not found" outside the
/// reader's scope, for another visit, or for a sensitive visit not theirs.
pub async fn read(
    db: &Db,
    reader: &Worker,
    subject: Subject,
    visit_id: i64,
    photo_id: i64,
) -> GridResult<Vec<u8>> {
    if !reader.can(Permission::ReadRegistry) {
        return Err(GridError::Forbidden("不能查看居民信息"));
    }
    let visit = visit_of(db, reader, subject, visit_id).await?;
    if !open_to(reader, &visit) {
        return Err(GridError::NotFound("照片"));
    }
    photos::photo(db, visit_id, photo_id)
        .await?
        .ok_or(GridError::NotFound("照片"))
}

fn open_to(reader: &Worker, visit: &VisitRow) -> bool {
    !visit.sensitive || reader.id == Some(visit.worker_id)
}

/// Visit `visit_id`, when it reached `subject` and the subject lies within the worker's scope.
async fn visit_of(
    db: &Db,
    worker: &Worker,
    subject: Subject,
    visit_id: i64,
) -> GridResult<VisitRow> {
    described_within(db, &worker.org, subject).await?;
    let reached = visits::reached(db, visit_id).await?;
    if !reached
        .iter()
        .any(|(kind, id, _)| *kind == subject.kind && *id == subject.id)
    {
        return Err(GridError::NotFound("走访记录"));
    }
    visits::visit_within(db, visit_id, &OrgPath::whole())
        .await?
        .ok_or(GridError::NotFound("走访记录"))
}
