//! Acting on a case: the buttons of its page and the API's transitions. Each action is looked
//! up in the lifecycle table for the case's state and checked for the worker's role; one that
//! needs the head's approval becomes a request instead; the due day is recomputed; a case that
//! becomes accepted is routed. Every action, including a head's approval, is weighed against
//! the requirements its line of the table declares (`guards`), as the desk's intake is.

use super::Cases;
use super::checklist::{self, MaterialStatus};
use super::deadline;
use super::guards::Standing;
use super::outcome;
use super::refusal::{CaseError, CaseResult};
use super::routing;
use super::worker::Worker;
use quanke_domain::Role;
use quanke_domain::case::{Decision, DecisionInput, Lifecycle, State, Transition};
use quanke_store::cases::{self, Case, Move};
use std::collections::HashMap;

/// What came of an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Acted {
    Moved(State),
    /// Waiting for the community head.
    AwaitingApproval,
}

/// An action as asked: the action code, the note, the materials now brought or found missing,
/// whether the resident came in for it (a visit, for 最多跑一次), and for a completion the
/// decision (办结结果).
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub action: String,
    pub note: String,
    pub statuses: HashMap<String, MaterialStatus>,
    pub visit: Option<String>,
    pub result: Option<DecisionInput>,
}

/// Loads a case the worker may see; any other is "not found", as if it did not exist.
pub async fn load(st: &Cases<'_>, by: &Worker, case_id: i64) -> CaseResult<Case> {
    seen_by(by, cases::get(st.db, case_id).await?)
}

/// Loads the case with this number (how the API names cases), by the same rule as `load`.
pub async fn load_numbered(st: &Cases<'_>, by: &Worker, number: &str) -> CaseResult<Case> {
    seen_by(by, cases::by_number(st.db, number).await?)
}

fn seen_by(by: &Worker, case: Case) -> CaseResult<Case> {
    if by.role.is_some() && !by.sees(&case.community_path) {
        return Err(CaseError::NotFound);
    }
    Ok(case)
}

pub async fn act(st: &Cases<'_>, by: &Worker, case_id: i64, req: &Request) -> CaseResult<Acted> {
    let case = load(st, by, case_id).await?;
    let from = case.state;
    let lifecycle = Lifecycle::shipped();
    let t = find(lifecycle, from, &req.action)?;
    let role = by
        .role
        .ok_or_else(|| CaseError::refuse("not_allowed", "须由工作人员办理"))?;
    lifecycle
        .check(role, from, t.to())
        .map_err(|e| CaseError::refuse("not_allowed", e.to_string()))?;
    if cases::pending_approval(st.db, case.id).await?.is_some() {
        return Err(CaseError::refuse(
            "awaiting_approval",
            "该办件有待社区负责人审批的申请，审批后再办理",
        ));
    }
    // Checked before a request for approval is filed too: the head is never asked to approve
    // what the table would refuse anyway.
    let checked = checked(st, &case, &t, req).await?;
    if t.needs_head_approval() && role != Role::CommunityHead {
        ask_approval(st, by, &case, from, t.to(), t.action_code(), &req.note).await?;
        return Ok(Acted::AwaitingApproval);
    }
    apply(st, by, &case, &t, req, checked).await?;
    Ok(Acted::Moved(t.to()))
}

/// A transition whose requirements hold: the checklist it leaves (when the step records
/// materials), the case's timeline so far and, for a completion, its decision.
struct Checked {
    list: Option<Vec<checklist::Entry>>,
    events: Vec<cases::Event>,
    decision: Option<Decision>,
}

/// Weighs the transition's guards (the lifecycle table's `requires`) against the case as the
/// action would leave it: the same check the desk's intake makes. A completion must also
/// carry a decision the item's kind of result accepts.
async fn checked(
    st: &Cases<'_>,
    case: &Case,
    t: &Transition,
    req: &Request,
) -> CaseResult<Checked> {
    let list = updated_checklist(case, t, req);
    let stored = checklist::from_json(&case.checklist);
    let events = cases::events(st.db, case.id).await?;
    let standing = Standing::of(st.db, case, &events).await?;
    standing.check(t, list.as_deref().unwrap_or(&stored), &req.note)?;
    let decision = match t.to() {
        State::Completed => Some(outcome::decide(&standing.item, req.result.as_ref())?),
        _ => None,
    };
    Ok(Checked {
        list,
        events,
        decision,
    })
}

/// The transition of `action` from `from`, or a refusal naming what may be done instead.
fn find(lifecycle: &Lifecycle, from: State, action: &str) -> CaseResult<Transition> {
    if from.is_final() {
        return Err(CaseError::refuse(
            "final_state",
            format!("{}的办件不能再变更状态", from.label()),
        ));
    }
    lifecycle.action(from, action).cloned().ok_or_else(|| {
        CaseError::refuse(
            "bad_action",
            format!("“{}”状态的办件不能执行“{action}”", from.label()),
        )
    })
}

/// Takes a checked transition: checklist, due day, event, visit, routing.
async fn apply(
    st: &Cases<'_>,
    by: &Worker,
    case: &Case,
    t: &Transition,
    req: &Request,
    checked: Checked,
) -> CaseResult<()> {
    let (from, to) = (t.from(), t.to());
    let history = deadline::history(&checked.events, Some((by.today, to)));
    let calendar = st.calendar.get(st.db).await?;
    let started = case.accepted_on.unwrap_or(by.today);
    let due = deadline::due_on(&calendar, started, case.promised_days, to, &history);
    let checklist_json = checked.list.as_ref().map(|l| checklist::to_json(l));
    let m = Move {
        from,
        to,
        action: t.action_code(),
        note: req.note.trim(),
        due_on: due,
        accepted_on: None,
        checklist: checklist_json.as_deref(),
    };
    let decision = checked.decision.as_ref();
    let document = super::documents::for_move(st, case, &checked.events, &m, decision).await?;
    let result = decision.map(outcome::record);
    cases::transition_issuing(
        st.db,
        case.id,
        &m,
        document.as_ref(),
        result.as_ref(),
        &by.actor(),
    )
    .await?;
    if let Some(purpose) = &req.visit {
        cases::record_visit(st.db, case.id, purpose, &by.actor()).await?;
    }
    if to == State::Accepted && case.assignee_id.is_none() {
        let fresh = cases::get(st.db, case.id).await?;
        routing::route(st, &fresh, by).await?;
    }
    Ok(())
}

/// The checklist as the step leaves it, for the steps that check materials (a materials guard
/// in the table) or ask for them: the materials are recorded where they are checked. On
/// acceptance after 补正 a material still marked missing and not named is taken as brought
/// (the resident came back with the list); elsewhere a material not named keeps its status.
/// None: the step leaves the checklist as it is.
fn updated_checklist(case: &Case, t: &Transition, req: &Request) -> Option<Vec<checklist::Entry>> {
    let records =
        t.to() == State::AwaitingMaterials || t.guards().iter().any(|g| g.about_materials());
    if !records {
        return None;
    }
    let returned = t.from() == State::AwaitingMaterials && t.to() == State::Accepted;
    let mut list = checklist::from_json(&case.checklist);
    for e in &mut list {
        match req.statuses.get(&e.id) {
            Some(s) => e.status = *s,
            None if returned && e.status == MaterialStatus::Missing => {
                e.status = MaterialStatus::Brought;
            }
            None => {}
        }
    }
    Some(list)
}

/// Files a request for the head's approval and notes it on the timeline.
pub async fn ask_approval(
    st: &Cases<'_>,
    by: &Worker,
    case: &Case,
    from: State,
    to: State,
    action: &str,
    note: &str,
) -> CaseResult<()> {
    cases::request_approval(st.db, case.id, from, to, action, note, &by.actor()).await?;
    let text = format!("申请“{}”，待社区负责人审批：{}", to.label(), note.trim());
    cases::note(st.db, case.id, "approval_requested", &text, &by.actor()).await?;
    Ok(())
}

/// The head approves (the transition is taken, as the head) or refuses (the case stays).
pub async fn decide(
    st: &Cases<'_>,
    head: &Worker,
    approval_id: i64,
    approve: bool,
    answer: &str,
) -> CaseResult<()> {
    if head.role != Some(Role::CommunityHead) {
        return Err(CaseError::refuse("not_allowed", "只有社区负责人可以审批"));
    }
    let approval = find_approval(st, head, approval_id).await?;
    let case = load(st, head, approval.case_id).await?;
    if !approve && answer.trim().is_empty() {
        return Err(CaseError::refuse("missing_note", "不同意须写明理由"));
    }
    if !approve {
        cases::decide_approval(st.db, approval_id, false, answer.trim(), &head.actor()).await?;
        let text = format!("不同意“{}”：{}", approval.action, answer.trim());
        cases::note(st.db, case.id, "approval_refused", &text, &head.actor()).await?;
        return Ok(());
    }
    let from = case.state;
    let t = find(Lifecycle::shipped(), from, &approval.action)?;
    // The change carries the requester's reason, which the resident is given; the head's
    // remark is the office's, on an internal note the tracking page leaves out.
    let req = Request {
        action: approval.action.clone(),
        note: approval.note.clone(),
        ..Request::default()
    };
    // Weighed again as the case is now, before the approval is recorded: approving does not
    // lift the table's requirements, and a refused step leaves the request open.
    let checked = checked(st, &case, &t, &req).await?;
    cases::decide_approval(st.db, approval_id, true, answer.trim(), &head.actor()).await?;
    apply(st, head, &case, &t, &req, checked).await?;
    let text = match answer.trim() {
        "" => format!("同意“{}”", t.action_label()),
        remark => format!("同意“{}”：{remark}", t.action_label()),
    };
    cases::note(st.db, case.id, "approval_granted", &text, &head.actor()).await?;
    Ok(())
}

async fn find_approval(
    st: &Cases<'_>,
    head: &Worker,
    approval_id: i64,
) -> CaseResult<cases::Approval> {
    cases::pending_approvals(st.db, head.org.as_str())
        .await?
        .into_iter()
        .find(|a| a.id == approval_id)
        .ok_or_else(|| CaseError::refuse("no_approval", "该审批已处理或不在您的管辖范围内"))
}
