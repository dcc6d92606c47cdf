//! Recording a visit and reading a subject's visits, for every channel alike.

use super::events::{self, EventInput};
use super::{GridError, GridResult, tasks};
use crate::cases::Worker;
use quanke_domain::calendar::Day;
use quanke_domain::grid::{Purposes, Subject, SubjectKind};
use quanke_domain::{OrgPath, Permission, idempotency, limits};
use quanke_store::Db;
use quanke_store::grid::visits::{self, NewVisit, Reached, Recorded, VisitRow};
use time::Duration;

/// How far back a visit may be dated: a phone may hold a draft for days without signal, but a
/// year typed wrong is a mistake.
pub const OLDEST_DAYS: i64 = 90;
/// How many subjects one visit may name (a household and a few others met there).
pub const MOST_SUBJECTS: usize = 20;
/// The longest visit recorded, in minutes.
pub const LONGEST_MINUTES: i64 = 720;

/// A visit as sent by a form, the API or a phone's queue: text, checked here.
#[derive(Debug, Clone, Default)]
pub struct VisitInput {
    /// The sender's idempotency key (the form's hidden key, the phone's draft id).
    pub key: String,
    /// YYYY-MM-DD; empty for today.
    pub day: String,
    /// Whole minutes; empty when not recorded.
    pub minutes: String,
    /// Purpose codes.
    pub purposes: Vec<String>,
    pub findings: String,
    /// The worker marked the findings as health or disability information.
    pub sensitive: bool,
    /// Subjects as `kind:id`.
    pub subjects: Vec<String>,
    /// What must be done after the visit (跟进事项); empty for nothing.
    pub follow_up: String,
    /// YYYY-MM-DD: the day the follow-up is due.
    pub follow_up_due: String,
    /// An event found on the visit, to report at once (a category code; empty for none).
    pub event_category: String,
    pub event_summary: String,
}

/// A new idempotency key for a visit form: 128 random bits in hex.
pub fn fresh_key() -> String {
    rand::random::<[u8; 16]>()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Records a visit by `worker`. Sent again with the same key, it returns the first visit and
/// writes nothing. A subject outside the worker's part of the org tree is "not found".
pub async fn record(
    db: &Db,
    worker: &Worker,
    purposes: &Purposes,
    input: &VisitInput,
) -> GridResult<Recorded> {
    let event = event_of(input)?;
    let visit = prepare(db, worker, purposes, input).await?;
    let recorded = visits::record(db, &visit).await?;
    if let Some(event) = event {
        events::report(db, worker, "grid", &event).await?;
    }
    Ok(recorded)
}

/// The event a visit reports, checked before anything is written; `None` when it reports
/// none. It concerns the visit's first subject and goes under the visit's own key (in the
/// events' scope), so a resent visit never reports it twice; the worker is on the spot, so a
/// possible duplicate is reported anyway and named on the event's page.
fn event_of(input: &VisitInput) -> GridResult<Option<EventInput>> {
    let (category, summary) = (input.event_category.trim(), input.event_summary.trim());
    if category.is_empty() {
        return match summary.is_empty() {
            true => Ok(None),
            false => Err(GridError::Refused(
                "填写了事件情况，请同时选择事件类别".into(),
            )),
        };
    }
    events::category(category)?;
    if summary.is_empty() {
        return Err(GridError::Refused("请写明要上报的事件情况".into()));
    }
    Ok(Some(EventInput {
        key: input.key.clone(),
        category: category.to_string(),
        summary: summary.to_string(),
        place: String::new(),
        subjects: input.subjects.first().cloned().into_iter().collect(),
        despite_alike: true,
    }))
}

/// What became of one visit of a phone's queue.
#[derive(Debug)]
pub enum Synced {
    /// Stored now, or found stored under its key before (`fresh` false): the phone may drop it.
    Stored(Recorded),
    /// Not stored, and why: the phone keeps it as a draft and shows the reason.
    Refused(GridError),
}

/// The most visits one sync request may carry: as long as any list a request may send
/// (`limits::MAX_REPEATS`); a phone with more sends them in several requests.
pub const MOST_SYNCED: usize = limits::MAX_REPEATS;

/// Records the visits a phone kept while offline, each checked as `record` checks one; those
/// that pass are written in one transaction, those that do not are answered with their reason.
/// Sent again, stored visits are found by their keys and nothing is doubled.
pub async fn sync(
    db: &Db,
    worker: &Worker,
    purposes: &Purposes,
    inputs: &[VisitInput],
) -> GridResult<Vec<Synced>> {
    if inputs.len() > MOST_SYNCED {
        return Err(GridError::Refused(format!(
            "一次最多同步 {MOST_SYNCED} 条走访记录"
        )));
    }
    let mut prepared: Vec<GridResult<(NewVisit, Option<EventInput>)>> =
        Vec::with_capacity(inputs.len());
    for input in inputs {
        let checked = match event_of(input) {
            Ok(event) => prepare(db, worker, purposes, input)
                .await
                .map(|visit| (visit, event)),
            Err(e) => Err(e),
        };
        prepared.push(checked);
    }
    let ready: Vec<NewVisit> = prepared
        .iter()
        .filter_map(|p| p.as_ref().ok().map(|(visit, _)| visit.clone()))
        .collect();
    // The batch writer answers once per visit, in order: each checked visit takes the next.
    let mut stored = visits::record_batch(db, &ready).await?.into_iter();
    let mut out = Vec::with_capacity(prepared.len());
    for p in prepared {
        match p {
            Ok((_, event)) => {
                let Some(recorded) = stored.next() else {
                    continue;
                };
                if let Some(event) = event {
                    events::report(db, worker, "grid", &event).await?;
                }
                out.push(Synced::Stored(recorded));
            }
            Err(e) => out.push(Synced::Refused(e)),
        }
    }
    Ok(out)
}

/// A visit checked and its subjects found, ready to store.
async fn prepare(
    db: &Db,
    worker: &Worker,
    purposes: &Purposes,
    input: &VisitInput,
) -> GridResult<NewVisit> {
    if !worker.can(Permission::RecordVisits) {
        return Err(GridError::Forbidden("只有社区工作人员可以登记走访"));
    }
    let by = worker
        .id
        .ok_or(GridError::Forbidden("走访须由工作人员登记"))?;
    let key = idempotency::read(&input.key).map_err(|e| GridError::Refused(e.to_string()))?;
    let codes = checked_purposes(purposes, &input.purposes)?;
    limits::NOTE
        .named("发现情况")
        .check(&input.findings)
        .map_err(|e| GridError::Refused(e.to_string()))?;
    let day = checked_day(&input.day, worker.today)?;
    let follow_up = tasks::checked_follow_up(&input.follow_up, &input.follow_up_due, day)?;
    Ok(NewVisit {
        key: idempotency::scoped("visit", by, key),
        community_path: worker.case_scope(),
        day,
        minutes: checked_minutes(&input.minutes)?,
        worker_id: by,
        sensitive: input.sensitive || purposes.any_sensitive(codes.iter().map(String::as_str)),
        purposes: codes,
        findings: input.findings.trim().to_string(),
        recorded_at: worker.now,
        reached: reached(db, &worker.org, &input.subjects).await?,
        follow_up,
    })
}

fn checked_purposes(purposes: &Purposes, sent: &[String]) -> GridResult<Vec<String>> {
    let mut codes: Vec<String> = Vec::new();
    for code in sent.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
        let purpose = purposes
            .by_code(code)
            .ok_or_else(|| GridError::Refused(format!("走访目的“{code}”不存在")))?;
        if !codes.contains(&purpose.code) {
            codes.push(purpose.code.clone());
        }
    }
    if codes.is_empty() {
        return Err(GridError::Refused("请至少选择一个走访目的".into()));
    }
    Ok(codes)
}

fn checked_day(sent: &str, today: Day) -> GridResult<Day> {
    let sent = sent.trim();
    if sent.is_empty() {
        return Ok(today);
    }
    let day: Day = sent
        .parse()
        .map_err(|e: quanke_domain::calendar::BadDay| GridError::Refused(format!("走访日期{e}")))?;
    if day > today {
        return Err(GridError::Refused("走访日期不能晚于今天".into()));
    }
    if day.date() < today.date() - Duration::days(OLDEST_DAYS) {
        return Err(GridError::Refused(format!(
            "走访日期早于 {OLDEST_DAYS} 天前，请核对"
        )));
    }
    Ok(day)
}

fn checked_minutes(sent: &str) -> GridResult<i64> {
    let sent = sent.trim();
    if sent.is_empty() {
        return Ok(0);
    }
    sent.parse::<i64>()
        .ok()
        .filter(|m| (1..=LONGEST_MINUTES).contains(m))
        .ok_or_else(|| {
            GridError::Refused(format!("走访时长应为 1 到 {LONGEST_MINUTES} 分钟的整数"))
        })
}

/// The subjects named, each found within `scope`, and for a household its members.
async fn reached(db: &Db, scope: &OrgPath, sent: &[String]) -> GridResult<Vec<Reached>> {
    let mut named: Vec<Subject> = Vec::new();
    for text in sent.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        let subject: Subject = text.parse().map_err(GridError::Refused)?;
        if !named.contains(&subject) {
            named.push(subject);
        }
    }
    if named.is_empty() {
        return Err(GridError::Refused("请选择走访对象".into()));
    }
    if named.len() > MOST_SUBJECTS {
        return Err(GridError::Refused(format!(
            "一次走访最多登记 {MOST_SUBJECTS} 个对象"
        )));
    }
    let mut out: Vec<Reached> = Vec::new();
    for subject in named {
        let org_path = place_within(db, scope, subject).await?;
        out.retain(|r| r.subject != subject);
        out.push(Reached {
            subject,
            org_path,
            named: true,
        });
        if subject.kind == SubjectKind::Household {
            for (id, org_path) in visits::members(db, subject.id).await? {
                let member = Subject {
                    kind: SubjectKind::Resident,
                    id,
                };
                let known = out.iter().any(|r| r.subject == member);
                if scope.contains(&org_path) && !known {
                    out.push(Reached {
                        subject: member,
                        org_path,
                        named: false,
                    });
                }
            }
        }
    }
    Ok(out)
}

/// Whom the visit form offers beside a person: the other members of their household within
/// `scope` (met at the same visit, each recorded as visited by name). Other subjects have none;
/// a household's members are recorded with it anyway.
pub async fn companions(
    db: &Db,
    scope: &OrgPath,
    subject: Subject,
) -> GridResult<Vec<(Subject, String)>> {
    if subject.kind != SubjectKind::Resident {
        return Ok(Vec::new());
    }
    Ok(visits::housemates(db, subject.id)
        .await?
        .into_iter()
        .filter(|(_, _, path)| scope.contains(path))
        .map(|(id, name, _)| {
            let kind = SubjectKind::Resident;
            (Subject { kind, id }, name)
        })
        .collect())
}

/// Where `subject` is, when that is within `scope`; else "not found", whether it exists or not.
pub async fn place_within(db: &Db, scope: &OrgPath, subject: Subject) -> GridResult<OrgPath> {
    Ok(described_within(db, scope, subject).await?.1)
}

/// What `subject` is called and where it is, when that is within `scope`; else "not found".
pub async fn described_within(
    db: &Db,
    scope: &OrgPath,
    subject: Subject,
) -> GridResult<(String, OrgPath)> {
    match visits::described(db, subject).await? {
        Some((label, path)) if scope.contains(&path) => Ok((label, path)),
        _ => Err(GridError::NotFound("走访对象")),
    }
}

/// A visit as a list shows it to one reader: sensitive findings hidden unless they may read them.
#[derive(Debug, Clone)]
pub struct Shown {
    pub row: VisitRow,
    /// Purpose names, in the order recorded.
    pub purposes: Vec<String>,
    /// The findings, or `None` when hidden from this reader.
    pub findings: Option<String>,
}

/// The visits that reached `subject`, newest first, for a reader within whose scope it lies.
pub async fn timeline(
    db: &Db,
    reader: &Worker,
    purposes: &Purposes,
    subject: Subject,
    limit: i64,
) -> GridResult<Vec<Shown>> {
    if !reader.can(Permission::ReadRegistry) {
        return Err(GridError::Forbidden("不能查看居民信息"));
    }
    place_within(db, &reader.org, subject).await?;
    let rows = visits::timeline(db, subject, limit).await?;
    Ok(rows
        .into_iter()
        .map(|row| shown(reader, purposes, row))
        .collect())
}

/// The visits that reached `subject` as `timeline` gives them, with the sensitive findings of
/// visit `visit_id` open: for a reader who may reveal personal data. The caller records the
/// reveal in the audit log before showing it. A visit that did not reach the subject (or is not
/// among those shown) is not found.
pub async fn timeline_revealing(
    db: &Db,
    reader: &Worker,
    purposes: &Purposes,
    subject: Subject,
    limit: i64,
    visit_id: i64,
) -> GridResult<Vec<Shown>> {
    if !reader.can(Permission::RevealPersonal) {
        return Err(GridError::Forbidden("不能查看走访记录中的敏感信息"));
    }
    let mut shown = timeline(db, reader, purposes, subject, limit).await?;
    let visit = shown
        .iter_mut()
        .find(|s| s.row.id == visit_id)
        .ok_or(GridError::NotFound("走访记录"))?;
    visit.findings = Some(visit.row.findings.clone());
    Ok(shown)
}

/// Sensitive findings are shown in lists only to their author; others who may reveal personal
/// data open them one visit at a time (`timeline_revealing`), with a reason that is audited.
pub fn shown(reader: &Worker, purposes: &Purposes, row: VisitRow) -> Shown {
    let names = row
        .purpose_codes()
        .map(|c| {
            purposes
                .by_code(c)
                .map_or(c, |p| p.label.as_str())
                .to_string()
        })
        .collect();
    let open = !row.sensitive || reader.id == Some(row.worker_id);
    Shown {
        findings: open.then(|| row.findings.clone()),
        purposes: names,
        row,
    }
}
