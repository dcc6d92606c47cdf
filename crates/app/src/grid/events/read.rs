//! Reading events within the reader's area: one, a list, a handler's, a subject's, the
//! figures of a home page, and the earlier ones an event may duplicate.

use super::{SHOWN, category};
use crate::cases::Worker;
use crate::grid::visits::place_within;
use crate::grid::{GridError, GridResult};
use quanke_domain::event::Category;
use quanke_domain::grid::Subject;
use quanke_domain::{OrgPath, Permission};
use quanke_store::Db;
use quanke_store::grid::events::{self, EventRow, Listing, StepRow};

/// Earlier events an event may duplicate (shown on its page, e.g. to whoever files it).
pub async fn alike_before(db: &Db, reader: &Worker, event: &EventRow) -> GridResult<Vec<EventRow>> {
    let category = category(&event.category)?;
    let place = &event.place_key;
    let at = event.reported_at;
    let mut rows = alike(db, &reader.org, &event.community_path, category, place, at).await?;
    rows.retain(|e| e.id < event.id);
    Ok(rows)
}

/// The events of `category` at `place_key` in `community` reported within the category's window
/// before `at`, those within `scope` only (one in a grid the reader does not serve is not theirs
/// to read, even as a warning).
pub(super) async fn alike(
    db: &Db,
    scope: &OrgPath,
    community: &OrgPath,
    category: &Category,
    place_key: &str,
    at: i64,
) -> GridResult<Vec<EventRow>> {
    if category.duplicate_window == 0 {
        return Ok(Vec::new());
    }
    let since = at - i64::from(category.duplicate_window) * 86_400;
    let mut rows = events::alike(db, community, &category.code, place_key, since).await?;
    rows.retain(|e| scope.contains(&e.org_path));
    Ok(rows)
}

/// One event for a reader within whose scope it lies; "not found" otherwise.
pub async fn get(db: &Db, reader: &Worker, id: i64) -> GridResult<EventRow> {
    if !reader.can(Permission::ReadRegistry) {
        return Err(GridError::NotFound("事件"));
    }
    events::within(db, id, &reader.org)
        .await?
        .ok_or(GridError::NotFound("事件"))
}

/// An event's page: the event, its steps and the subjects it concerns.
pub async fn detail(
    db: &Db,
    reader: &Worker,
    id: i64,
) -> GridResult<(EventRow, Vec<StepRow>, Vec<Subject>)> {
    let event = get(db, reader, id).await?;
    let steps = events::steps(db, id).await?;
    let links = events::links(db, id).await?;
    Ok((event, steps, links))
}

/// The events within the reader's scope.
pub async fn listed(db: &Db, reader: &Worker, listing: Listing) -> GridResult<Vec<EventRow>> {
    if !reader.can(Permission::ReadRegistry) {
        return Err(GridError::Forbidden("不能查看事件"));
    }
    Ok(events::listed(db, &reader.org, listing, SHOWN).await?)
}

/// The open events `worker` handles within their scope: their part of today's list.
pub async fn held(db: &Db, worker: &Worker) -> GridResult<Vec<EventRow>> {
    let Some(id) = worker.id else {
        return Ok(Vec::new());
    };
    Ok(events::held_by(db, id, &worker.org, SHOWN).await?)
}

/// The events linked to `subject`, for a reader within whose scope it lies.
pub async fn of_subject(db: &Db, reader: &Worker, subject: Subject) -> GridResult<Vec<EventRow>> {
    place_within(db, &reader.org, subject).await?;
    Ok(events::of_subject(db, subject, SHOWN).await?)
}

/// The home page's figures for the events within `worker`'s scope.
pub async fn counted(db: &Db, worker: &Worker) -> GridResult<events::Counts> {
    Ok(events::counts(db, &worker.org, worker.today).await?)
}
