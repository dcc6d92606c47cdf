//! Events (事件): reporting one (any channel), the steps of the city-management loop on the
//! shared lifecycle engine, and the rules the table cannot say: only the handler works an event
//! they hold, nobody checks their own work, a dispatch names a handler inside the community.

use super::visits::{described_within, place_within};
use super::{GridError, GridResult};
use crate::cases::Worker;
use quanke_domain::calendar::{Day, WorkCalendar};
use quanke_domain::event::{Categories, Category, EventGuard, EventLifecycle, EventState};
use quanke_domain::grid::{Subject, SubjectKind};
use quanke_domain::{OrgPath, Permission, Role, idempotency, limits};
use quanke_store::Db;
use quanke_store::grid::events::{
    self, EventRow, Handler, Listing, Located, NewEvent, Reported, StepRow,
};
use quanke_store::grid::inspections;
use quanke_store::users;

/// The most subjects one event may be linked to.
pub const MOST_LINKS: usize = 10;
/// Events on one list.
const SHOWN: i64 = 100;

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
        let alike = alike(db, &event, category).await?;
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
    let summary = input.summary.trim();
    if summary.is_empty() {
        return Err(refused("请描述事件情况"));
    }
    limits::DESCRIPTION
        .named("事件描述")
        .check(summary)
        .map_err(|e| refused(&e.to_string()))?;
    limits::ADDRESS
        .named("事件地点")
        .check(&input.place)
        .map_err(|e| refused(&e.to_string()))?;
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

fn refused(message: &str) -> GridError {
    GridError::Refused(message.to_string())
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
    let summary = r.summary.trim();
    if summary.is_empty() {
        return Err(refused("请描述事件情况（description）"));
    }
    limits::DESCRIPTION
        .named("事件描述")
        .check(summary)
        .map_err(|e| refused(&e.to_string()))?;
    limits::ADDRESS
        .named("事件地点")
        .check(&r.place)
        .map_err(|e| refused(&e.to_string()))?;
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

/// The category of `code` among those in force.
pub fn category(code: &str) -> GridResult<&'static Category> {
    Categories::shipped()
        .by_code(code)
        .ok_or_else(|| GridError::Refused(format!("事件类别“{code}”不存在")))
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

/// The events of the same category at the same place within the category's window.
async fn alike(db: &Db, event: &NewEvent, category: &Category) -> GridResult<Vec<EventRow>> {
    if category.duplicate_window == 0 {
        return Ok(Vec::new());
    }
    let since = event.at - i64::from(category.duplicate_window) * 86_400;
    Ok(events::alike(
        db,
        &event.community_path,
        &event.category,
        &event.place_key,
        since,
    )
    .await?)
}

/// Earlier events an event may duplicate (shown on its page, e.g. to whoever files it).
pub async fn alike_before(db: &Db, event: &EventRow) -> GridResult<Vec<EventRow>> {
    let category = category(&event.category)?;
    if category.duplicate_window == 0 {
        return Ok(Vec::new());
    }
    let since = event.reported_at - i64::from(category.duplicate_window) * 86_400;
    let mut rows = events::alike(
        db,
        &event.community_path,
        &event.category,
        &event.place_key,
        since,
    )
    .await?;
    rows.retain(|e| e.id < event.id);
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

/// A step as a form or the API asks for it.
#[derive(Debug, Clone, Default)]
pub struct StepInput {
    pub action: String,
    pub note: String,
    /// For a dispatch: `worker:ID` or `department:名称`.
    pub handler: String,
    /// The state the sender saw (a code); empty when not sent. A phone that queued a step
    /// offline sends it, so that a step on an event moved on meanwhile is a conflict.
    pub expected: String,
}

/// Takes one step of `event`'s loop for `worker`, checked by the event table, the handler
/// rules and the guards; a step from a state the event has left meanwhile is refused.
pub async fn act(
    db: &Db,
    calendar: &WorkCalendar,
    worker: &Worker,
    id: i64,
    input: &StepInput,
) -> GridResult<EventState> {
    let event = get(db, worker, id).await?;
    let role = worker
        .role
        .filter(|_| worker.can(Permission::ReportEvents))
        .ok_or(GridError::Forbidden("只有社区工作人员可以处理事件"))?;
    let expected = input.expected.trim();
    if !expected.is_empty() && expected != event.state.code() {
        return Err(moved_on(event.state));
    }
    let table = EventLifecycle::shipped();
    if event.state.is_final() {
        return Err(refused(&format!(
            "{}的事件不能再变更状态",
            event.state.label()
        )));
    }
    let t = table
        .action(event.state, input.action.trim())
        .ok_or_else(|| {
            refused(&format!(
                "“{}”状态的事件不能执行“{}”",
                event.state.label(),
                input.action.trim()
            ))
        })?;
    table
        .check(role, t.from(), t.to())
        .map_err(|e| refused(&e.to_string()))?;
    may_take(worker, role, &event, t.action_label())?;
    let note = input.note.trim();
    if t.needs_note() && note.is_empty() {
        return Err(refused(&format!("{}须写明情况", t.action_label())));
    }
    limits::NOTE
        .named("说明")
        .check(note)
        .map_err(|e| refused(&e.to_string()))?;
    if t.guards().contains(&EventGuard::Reinspected)
        && !inspections::recheck_passed(db, event.id).await?
    {
        return Err(refused(
            "须先登记一次复查，全部检查项合格后才能“复查合格”结案",
        ));
    }
    let handler = match t.guards().contains(&EventGuard::Handler) {
        true => Some(checked_handler(db, &event, &input.handler).await?),
        false => None,
    };
    let due = due_after(db, calendar, worker.today, &event, t.to()).await?;
    let step = events::Step {
        event: event.id,
        action: t.action_code().to_string(),
        from: t.from(),
        to: t.to(),
        handler,
        due,
        actor_id: worker.id,
        actor_name: worker.name.clone(),
        note: note.to_string(),
        day: worker.today,
        at: worker.now,
    };
    if !events::advance(db, &step).await? {
        let now = get(db, worker, id).await?;
        return Err(moved_on(now.state));
    }
    Ok(t.to())
}

fn moved_on(now: EventState) -> GridError {
    GridError::Conflict(format!(
        "这个事件已被他人办理，现在是“{}”，请查看最新情况后再操作",
        now.label()
    ))
}

/// The rules beside the table: while a handler holds the event only they act (for a line
/// department, the community's office records its steps); the handler's result is checked by
/// someone else. The head may always act, except on their own work.
fn may_take(worker: &Worker, role: Role, event: &EventRow, label: &str) -> GridResult<()> {
    let is_handler = event.handler_id.is_some() && event.handler_id == worker.id;
    if event.state == EventState::FedBack && is_handler {
        return Err(refused("处置结果须由处置人以外的人员核查"));
    }
    if !event.state.with_handler() || is_handler || role == Role::CommunityHead {
        return Ok(());
    }
    if event.handler_id.is_none() && role == Role::BackOffice {
        return Ok(());
    }
    Err(GridError::Refused(format!(
        "只有处置人{}可以{label}",
        event.handler_label().unwrap_or_default()
    )))
}

/// A dispatch's handler: a working member of the event's community who takes events, or a line
/// department by name.
async fn checked_handler(db: &Db, event: &EventRow, sent: &str) -> GridResult<Handler> {
    let sent = sent.trim();
    if let Some(name) = sent.strip_prefix("department:") {
        let name = name.trim();
        if name.is_empty() {
            return Err(refused("请填写接收事件的部门"));
        }
        limits::EVENT_DEPARTMENT
            .check(name)
            .map_err(|e| refused(&e.to_string()))?;
        return Ok(Handler::Department(name.to_string()));
    }
    let id: i64 = sent
        .strip_prefix("worker:")
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| refused("请选择处置人或接收部门"))?;
    let found = handlers(db, &event.org_path)
        .await?
        .into_iter()
        .any(|(uid, _)| uid == id);
    match found {
        true => Ok(Handler::Worker(id)),
        false => Err(GridError::NotFound("处置人")),
    }
}

/// Who may be sent an event at `place`: the enabled grid workers, back-office workers and
/// heads of its community whose part of the tree holds the place (so that they can read it),
/// by name.
pub async fn handlers(db: &Db, place: &OrgPath) -> GridResult<Vec<(i64, String)>> {
    let Some(community) = place.community() else {
        return Ok(Vec::new());
    };
    Ok(users::in_subtree(db, &community)
        .await?
        .into_iter()
        .filter(|u| !u.disabled && u.org_path.contains(place))
        .filter(|u| {
            matches!(
                u.role,
                Role::GridWorker | Role::BackOffice | Role::CommunityHead
            )
        })
        .map(|u| (u.id, u.display_name))
        .collect())
}

/// The due day after a step into `to`: counted from today at 立案; moved on by the working
/// days the event spent suspended when it resumes.
async fn due_after(
    db: &Db,
    calendar: &WorkCalendar,
    today: Day,
    event: &EventRow,
    to: EventState,
) -> GridResult<Option<Day>> {
    if to == EventState::Filed && event.state == EventState::Reported {
        let days = category(&event.category)?.days;
        return Ok(Some(Day::from(
            calendar.add_working_days(today.date(), days),
        )));
    }
    if event.state != EventState::Suspended {
        return Ok(None);
    }
    let (Some(due), Some(since)) = (event.due(), suspended_since(db, event.id).await?) else {
        return Ok(None);
    };
    let paused = calendar.working_days_between(since.date(), today.date());
    let paused = u32::try_from(paused.max(0)).unwrap_or(0);
    Ok(Some(Day::from(
        calendar.add_working_days(due.date(), paused),
    )))
}

/// The due day of an event of `category` filed on `day`: its working days on the calendar.
pub fn due_from(calendar: &WorkCalendar, category: &Category, day: Day) -> Day {
    Day::from(calendar.add_working_days(day.date(), category.days))
}

/// The day the event's current suspension began.
async fn suspended_since(db: &Db, id: i64) -> GridResult<Option<Day>> {
    let steps = events::steps(db, id).await?;
    Ok(steps
        .iter()
        .rev()
        .find(|s| s.to_state == EventState::Suspended.code())
        .and_then(|s| s.day.parse().ok()))
}

/// Events escalated per transaction, as cases are.
const ESCALATION_BATCH: i64 = 200;

/// Escalates every overdue event not yet escalated to the community head (once per event, as a
/// step on its timeline); returns how many. Run by the escalation sweep beside the cases.
pub async fn escalate_overdue(db: &Db, today: Day, now: i64) -> GridResult<usize> {
    let mut total = 0;
    loop {
        let batch = events::overdue_unescalated(db, today, ESCALATION_BATCH).await?;
        let notes: Vec<(i64, EventState, String)> = batch
            .iter()
            .map(|e| {
                let due = e.due_day.clone().unwrap_or_default();
                let note = format!("已超期（应于 {due} 前处置反馈），已提醒社区负责人督办");
                (e.id, e.state, note)
            })
            .collect();
        let marked = events::mark_escalated(db, &notes, today, now).await?;
        total += marked;
        if batch.len() < ESCALATION_BATCH as usize || marked == 0 {
            return Ok(total);
        }
    }
}

/// The home page's figures for the events within `worker`'s scope.
pub async fn counted(db: &Db, worker: &Worker) -> GridResult<events::Counts> {
    Ok(events::counts(db, &worker.org, worker.today).await?)
}
