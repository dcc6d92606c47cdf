//! Reporting an event: by a worker (any channel; subjects in their area, the duplicate
//! warning) or from outside (a partner through Open311, a resident on the portal).

use super::{category, refused};
use crate::cases::Worker;
use crate::grid::visits::{described_within, place_within};
use crate::grid::{GridError, GridResult};
use quanke_domain::calendar::Day;
use quanke_domain::grid::{Subject, SubjectKind};
use quanke_domain::{OrgPath, Permission, idempotency, limits};
use quanke_store::Db;
use quanke_store::grid::events::{self, EventRow, Located, NewEvent, Reported};

/// The most subjects one event may be linked to.
pub const MOST_LINKS: usize = 10;

/// An event as sent by a form, the API or a phone's queue: text, checked here.
#[derive(Debug, Clone, Default)]
pub struct EventInput {
    pub key: String,
    pub category: String,
    pub summary: String,
    /// Where, as the reporter writes it; may be empty when a subject is linked.
    pub place: String,
    /// Subjects as `kind:id`.
    pub subjects: Vec<String>,
    /// The reporter saw the possible duplicates and reports anyway.
    pub despite_alike: bool,
}

/// What reporting did.
#[derive(Debug)]
pub enum Reporting {
    /// Stored now, or found stored under its key (`fresh` false).
    Stored(Reported),
    /// Not stored: events of the same category at the same place were reported recently. The
    /// reporter may look at them and send again with `despite_alike`.
    Alike(Vec<EventRow>),
}

/// Reports an event by `worker` through `channel` (`grid`, `desk`, `api`).
pub async fn report(
    db: &Db,
    worker: &Worker,
    channel: &str,
    input: &EventInput,
) -> GridResult<Reporting> {
    let event = prepare(db, worker, channel, input).await?;
    if let Some(id) = events::by_key(db, &event.key).await? {
        return Ok(Reporting::Stored(Reported { id, fresh: false }));
    }
    if !input.despite_alike {
        let category = category(&event.category)?;
        let alike = super::read::alike(
            db,
            &worker.org,
            &event.community_path,
            category,
            &event.place_key,
            event.at,
        )
        .await?;
        if !alike.is_empty() {
            return Ok(Reporting::Alike(alike));
        }
    }
    Ok(Reporting::Stored(events::report(db, &event).await?))
}

async fn prepare(
    db: &Db,
    worker: &Worker,
    channel: &str,
    input: &EventInput,
) -> GridResult<NewEvent> {
    if !worker.can(Permission::ReportEvents) {
        return Err(GridError::Forbidden("只有社区工作人员可以上报事件"));
    }
    let by = worker
        .id
        .ok_or(GridError::Forbidden("事件须由工作人员上报"))?;
    let key = idempotency::read(&input.key).map_err(|e| GridError::Refused(e.to_string()))?;
    let category = category(input.category.trim())?;
    let summary = checked_text(&input.summary, &input.place, "请描述事件情况")?;
    let links = linked(db, &worker.org, &input.subjects).await?;
    let place = match (input.place.trim(), links.first()) {
        ("", None) => return Err(refused("请填写事件地点，或关联所在的房屋、企业、居民")),
        // Where a household, dwelling or business is, its address or name says (a person's
        // name is no place).
        ("", Some((s, _))) if s.kind != SubjectKind::Resident => {
            described_within(db, &worker.org, *s).await?.0
        }
        (typed, _) => typed.to_string(),
    };
    let place = place.as_str();
    let org_path = match links.first() {
        Some((_, path)) => path.clone(),
        None => worker.org.clone(),
    };
    let community_path = org_path
        .community()
        .ok_or(GridError::Forbidden("事件须在社区或网格内上报"))?;
    Ok(NewEvent {
        key: idempotency::scoped("event", by, key),
        community_path,
        org_path,
        category: category.code.clone(),
        summary: summary.to_string(),
        place: place.to_string(),
        place_key: place_key(place, links.first().map(|(s, _)| *s)),
        channel: channel.to_string(),
        reporter_id: Some(by),
        reporter_name: worker.name.clone(),
        links: links.into_iter().map(|(s, _)| s).collect(),
        dispatched: None,
        located: None,
        day: worker.today,
        at: worker.now,
    })
}

/// A report from outside the office: a partner's app through Open311 for a resident. It names
/// no registry subject and lies in the community its address names; whoever files it sees any
/// alike events on its page (a resident is never turned away as a duplicate).
#[derive(Debug, Clone)]
pub struct OutsideReport {
    /// The sender's key, already scoped to the sender.
    pub key: String,
    pub community: OrgPath,
    pub category: String,
    pub summary: String,
    pub place: String,
    pub located: Located,
    pub channel: String,
    /// Who reported, as workers read it (the partner, and the resident's name if sent).
    pub reporter: String,
}

/// Stores an outside report, checked as a worker's is; a resend under its key finds the first.
pub async fn report_from_outside(
    db: &Db,
    today: Day,
    now: i64,
    r: &OutsideReport,
) -> GridResult<Reported> {
    let category = category(r.category.trim())?;
    let summary = checked_text(&r.summary, &r.place, "请描述事件情况（description）")?;
    let event = NewEvent {
        key: r.key.clone(),
        community_path: r.community.clone(),
        org_path: r.community.clone(),
        category: category.code.clone(),
        summary: summary.to_string(),
        place: r.place.trim().to_string(),
        place_key: place_key(r.place.trim(), None),
        channel: r.channel.clone(),
        reporter_id: None,
        reporter_name: r.reporter.clone(),
        links: Vec::new(),
        dispatched: None,
        located: Some(r.located.clone()),
        day: today,
        at: now,
    };
    Ok(events::report(db, &event).await?)
}

/// The subjects sent as `kind:id`, each found within `scope` ("not found" otherwise), once each.
async fn linked(db: &Db, scope: &OrgPath, sent: &[String]) -> GridResult<Vec<(Subject, OrgPath)>> {
    let mut out: Vec<(Subject, OrgPath)> = Vec::new();
    for text in sent.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        let subject: Subject = text
            .parse()
            .map_err(|_| GridError::Refused(format!("关联对象“{text}”无效")))?;
        if out.iter().any(|(s, _)| *s == subject) {
            continue;
        }
        if out.len() == MOST_LINKS {
            return Err(GridError::Refused(format!(
                "一个事件最多关联 {MOST_LINKS} 个对象"
            )));
        }
        let path = place_within(db, scope, subject)
            .await
            .map_err(|_| GridError::NotFound("关联对象"))?;
        out.push((subject, path));
    }
    Ok(out)
}

/// What the duplicate warning compares: the first linked subject, else the place as written
/// without spaces or case.
fn place_key(place: &str, first: Option<Subject>) -> String {
    match first {
        Some(s) => format!("{}:{}", s.kind.code(), s.id),
        None => place
            .chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_lowercase)
            .collect(),
    }
}

/// A report's description, not empty and within its limit, and its place within its limit.
fn checked_text<'a>(summary: &'a str, place: &str, when_empty: &str) -> GridResult<&'a str> {
    let summary = summary.trim();
    if summary.is_empty() {
        return Err(refused(when_empty));
    }
    limits::DESCRIPTION
        .named("事件描述")
        .check(summary)
        .map_err(|e| refused(&e.to_string()))?;
    limits::ADDRESS
        .named("事件地点")
        .check(place)
        .map_err(|e| refused(&e.to_string()))?;
    Ok(summary)
}
