//! Taking a step of an event's loop: checked by the event table, the handler rules and the
//! guards, from the state it was checked against.

use super::{category, due_from, get, refused};
use crate::cases::Worker;
use crate::grid::{GridError, GridResult};
use quanke_domain::calendar::{Day, WorkCalendar};
use quanke_domain::event::{EventGuard, EventLifecycle, EventState};
use quanke_domain::{OrgPath, Permission, Role, limits};
use quanke_store::Db;
use quanke_store::grid::events::{self, EventRow, Handler};
use quanke_store::grid::inspections;
use quanke_store::users;

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
        let category = category(&event.category)?;
        return Ok(Some(due_from(calendar, category, today)));
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

/// The day the event's current suspension began.
async fn suspended_since(db: &Db, id: i64) -> GridResult<Option<Day>> {
    let steps = events::steps(db, id).await?;
    Ok(steps
        .iter()
        .rev()
        .find(|s| s.to_state == EventState::Suspended.code())
        .and_then(|s| s.day.parse().ok()))
}
