//! Inspections (检查) for every channel: a checklist answered point by point for a business or
//! a dwelling in the inspector's scope. Failed points open a 整改 event filed and dispatched to
//! the inspector with the category's deadline (their re-inspection task); a later inspection of
//! the same subject and checklist re-checks it, and one with nothing failed closes it through the
//! event table's 复查合格 step.

use super::events::{self, StepInput};
use super::visits::described_within;
use super::{GridError, GridResult};
use crate::cases::Worker;
use quanke_domain::calendar::WorkCalendar;
use quanke_domain::event::EventState;
use quanke_domain::grid::{Answer, Checklist, Checklists, Subject};
use quanke_domain::{Permission, idempotency, limits};
use quanke_store::Db;
use quanke_store::grid::events::{self as stored_events, Dispatched, NewEvent};
use quanke_store::grid::inspections::{self, InspectionRow, NewInspection};

/// An inspection as a form or the API sends it: text, checked here.
#[derive(Debug, Clone, Default)]
pub struct InspectionInput {
    pub key: String,
    pub checklist: String,
    /// `kind:id` of a business or a dwelling.
    pub subject: String,
    /// (point code, answer code, note) as sent.
    pub answers: Vec<(String, String, String)>,
    pub note: String,
}

/// What an inspection did to the 整改 event of its subject and checklist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rectification {
    /// Nothing failed and nothing was open.
    None,
    /// Points failed: this 整改 event was opened.
    Opened(i64),
    /// A re-check failed points again: this 整改 event stays open.
    StillOpen(i64),
    /// The re-inspection passed and closed this event.
    Closed(i64),
    /// The re-inspection passed but the event could not be closed now (the reason).
    NotClosed(i64, String),
}

/// What recording did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub id: i64,
    pub fresh: bool,
    pub failed: usize,
    pub rectification: Rectification,
}

/// Records an inspection by `worker`. Sent again with the same key, it finishes what the first
/// send left undone (the 整改 event) and writes nothing twice.
pub async fn record(
    db: &Db,
    calendar: &WorkCalendar,
    worker: &Worker,
    input: &InspectionInput,
) -> GridResult<Recorded> {
    let (checklist, inspection) = prepare(db, worker, input).await?;
    let stored = inspections::record(db, &inspection).await?;
    let failed = inspection.failed();
    let rectification = match (failed, inspection.rechecked_event) {
        (0, None) => Rectification::None,
        (0, Some(event)) => close(db, calendar, worker, event).await?,
        (_, Some(event)) => Rectification::StillOpen(event),
        (_, None) => {
            let event = open(db, calendar, worker, checklist, &inspection, stored.id).await?;
            Rectification::Opened(event)
        }
    };
    Ok(Recorded {
        id: stored.id,
        fresh: stored.fresh,
        failed,
        rectification,
    })
}

async fn prepare(
    db: &Db,
    worker: &Worker,
    input: &InspectionInput,
) -> GridResult<(&'static Checklist, NewInspection)> {
    if !worker.can(Permission::RecordVisits) {
        return Err(GridError::Forbidden("只有社区工作人员可以登记检查"));
    }
    let by = worker
        .id
        .ok_or(GridError::Forbidden("检查须由工作人员登记"))?;
    let key = idempotency::read(&input.key).map_err(|e| GridError::Refused(e.to_string()))?;
    let checklist = Checklists::shipped()
        .by_code(input.checklist.trim())
        .ok_or_else(|| refused(format!("检查表“{}”不存在", input.checklist.trim())))?;
    let subject: Subject = input
        .subject
        .trim()
        .parse()
        .map_err(|_| refused(format!("检查对象“{}”无效", input.subject.trim())))?;
    if subject.kind != checklist.kind {
        return Err(refused(format!(
            "“{}”用于{}，不能用来检查{}",
            checklist.name,
            checklist.kind.label(),
            subject.kind.label()
        )));
    }
    let (_, org_path) = described_within(db, &worker.org, subject)
        .await
        .map_err(|_| GridError::NotFound("检查对象"))?;
    limits::NOTE
        .named("检查情况")
        .check(&input.note)
        .map_err(|e| refused(e.to_string()))?;
    let answers = checked_answers(checklist, &input.answers)?;
    let community_path = org_path
        .community()
        .ok_or(GridError::NotFound("检查对象"))?;
    let key = idempotency::scoped("inspection", by, key);
    // A resend re-checks what its first send re-checked, not an event opened since.
    let rechecked_event =
        match inspections::open_rectification(db, subject, &checklist.code).await? {
            Some(event) if !opened_by_key(db, &key, event).await? => Some(event),
            _ => None,
        };
    Ok((
        checklist,
        NewInspection {
            key,
            community_path,
            org_path,
            checklist: checklist.code.clone(),
            subject,
            inspector_id: by,
            day: worker.today,
            answers,
            note: input.note.trim().to_string(),
            rechecked_event,
            at: worker.now,
        },
    ))
}

/// Whether `event` is the one the inspection stored under `key` opened (a resend of it).
async fn opened_by_key(db: &Db, key: &str, event: i64) -> GridResult<bool> {
    Ok(stored_events::by_key(db, &rectification_key(key)).await? == Some(event))
}

fn refused(message: String) -> GridError {
    GridError::Refused(message)
}

/// Every point of `checklist` answered once, in the checklist's order; a point it does not
/// have, a point twice, or an answer that is not 合格/不合格/不适用 is refused by name.
fn checked_answers(
    checklist: &Checklist,
    sent: &[(String, String, String)],
) -> GridResult<Vec<(String, Answer, String)>> {
    let mut given: Vec<(&str, Answer, String)> = Vec::new();
    for (point, answer, note) in sent {
        let point = point.trim();
        let known = checklist
            .point(point)
            .ok_or_else(|| refused(format!("“{}”没有检查项“{point}”", checklist.name)))?;
        if given.iter().any(|(p, _, _)| *p == point) {
            return Err(refused(format!("检查项“{}”填了两次", known.text)));
        }
        let answer = Answer::from_code(answer.trim()).ok_or_else(|| {
            refused(format!(
                "检查项“{}”的结果应为合格、不合格或不适用",
                known.text
            ))
        })?;
        limits::NOTE
            .named("检查项说明")
            .check(note)
            .map_err(|e| refused(e.to_string()))?;
        given.push((point, answer, note.trim().to_string()));
    }
    let mut out = Vec::with_capacity(checklist.points.len());
    for p in &checklist.points {
        let (_, answer, note) = given
            .iter()
            .find(|(code, _, _)| *code == p.code)
            .ok_or_else(|| refused(format!("请填写检查项“{}”", p.text)))?;
        out.push((p.code.clone(), *answer, note.clone()));
    }
    Ok(out)
}

/// The key of the 整改 event an inspection opens: one per inspection, however often sent.
fn rectification_key(inspection_key: &str) -> String {
    format!("rectify:{inspection_key}")
}

/// Opens the 整改 event of a failed inspection: filed and dispatched to the inspector, due by
/// the category's working days, linked to the subject; then records it on the inspection.
async fn open(
    db: &Db,
    calendar: &WorkCalendar,
    worker: &Worker,
    checklist: &Checklist,
    inspection: &NewInspection,
    id: i64,
) -> GridResult<i64> {
    let category = events::category(&checklist.category)?;
    let failed: Vec<&str> = inspection
        .answers
        .iter()
        .filter(|(_, a, _)| *a == Answer::Fail)
        .filter_map(|(code, _, _)| checklist.point(code).map(|p| p.text.as_str()))
        .collect();
    let (label, _) = described_within(db, &worker.org, inspection.subject).await?;

    let event = NewEvent {
        key: rectification_key(&inspection.key),
        community_path: inspection.community_path.clone(),
        org_path: inspection.org_path.clone(),
        category: category.code.clone(),
        summary: format!("{}不合格：{}", checklist.name, failed.join("；")),
        place: label,
        place_key: format!(
            "{}:{}",
            inspection.subject.kind.code(),
            inspection.subject.id
        ),
        channel: "inspection".into(),
        reporter_id: Some(inspection.inspector_id),
        reporter_name: worker.name.clone(),
        links: vec![inspection.subject],
        dispatched: Some(Dispatched {
            handler_id: inspection.inspector_id,
            due: events::due_from(calendar, category, worker.today),
            by: "系统".into(),
            note: format!("检查记录 {id} 有不合格项，自动立案，派检查人督促整改并复查"),
        }),
        located: None,
        day: worker.today,
        at: worker.now,
    };
    let reported = stored_events::report(db, &event).await?;
    inspections::set_opened(db, id, reported.id).await?;
    Ok(reported.id)
}

/// Closes a 整改 event whose re-inspection passed, by the table's 复查合格 step, as the
/// re-inspector; when the step cannot be taken now, says why (the inspection stays stored).
async fn close(
    db: &Db,
    calendar: &WorkCalendar,
    worker: &Worker,
    event: i64,
) -> GridResult<Rectification> {
    let input = StepInput {
        action: "pass_reinspection".into(),
        note: "复查合格".into(),
        ..StepInput::default()
    };
    match events::act(db, calendar, worker, event, &input).await {
        Ok(_) => Ok(Rectification::Closed(event)),
        Err(GridError::Refused(why) | GridError::Conflict(why)) => {
            Ok(Rectification::NotClosed(event, why))
        }
        Err(GridError::Forbidden(why)) => Ok(Rectification::NotClosed(event, why.into())),
        Err(other) => Err(other),
    }
}

/// The inspections of `subject`, for a reader within whose scope it lies.
pub async fn of_subject(
    db: &Db,
    reader: &Worker,
    subject: Subject,
) -> GridResult<Vec<InspectionRow>> {
    described_within(db, &reader.org, subject).await?;
    Ok(inspections::of_subject(db, subject, 50).await?)
}

/// One inspection with its answers in the checklist's order (point text, answer, note), for a
/// reader within whose scope it lies.
pub async fn detail(
    db: &Db,
    reader: &Worker,
    id: i64,
) -> GridResult<(InspectionRow, Vec<(String, Answer, String)>)> {
    if !reader.can(Permission::ReadRegistry) {
        return Err(GridError::NotFound("检查记录"));
    }
    let row = inspections::within(db, id, &reader.org)
        .await?
        .ok_or(GridError::NotFound("检查记录"))?;
    let stored = inspections::answers(db, id).await?;
    let list = Checklists::shipped().by_code(&row.checklist);
    let mut out = Vec::new();
    for p in list.map(|l| l.points.as_slice()).unwrap_or_default() {
        if let Some((_, answer, note)) = stored.iter().find(|(code, _, _)| *code == p.code) {
            let answer = Answer::from_code(answer).unwrap_or(Answer::NotApplicable);
            out.push((p.text.clone(), answer, note.clone()));
        }
    }
    Ok((row, out))
}

/// The inspections that opened or re-checked `event`, the first first.
pub async fn of_event(db: &Db, event: i64) -> GridResult<Vec<InspectionRow>> {
    Ok(inspections::of_event(db, event).await?)
}

/// Whether the event's state lets a re-inspection close it (the page offers 复查 then).
pub fn awaits_reinspection(state: EventState) -> bool {
    matches!(state, EventState::Dispatched | EventState::Handling)
}
