//! Acting on a case: the buttons of its page and the API's transitions. Each action is looked
//! up in the lifecycle table for the case's state and checked for the worker's role; one that
//! needs the head's approval becomes a request instead; the due day is recomputed; a case that
//! becomes accepted is routed.

use super::checklist::{self, MaterialStatus};
use super::deadline;
use super::refusal::{CaseError, CaseResult};
use super::routing;
use super::worker::Worker;
use crate::server::Shared;
use quanke_domain::Role;
use quanke_domain::case::{Lifecycle, State, Transition};
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
/// and whether the resident came in for it (a visit, for 最多跑一次).
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub action: String,
    pub note: String,
    pub statuses: HashMap<String, MaterialStatus>,
    pub visit: Option<String>,
}

/// Loads a case the worker may see.
pub async fn load(st: &Shared, by: &Worker, case_id: i64) -> CaseResult<Case> {
    let case = cases::get(&st.db, case_id).await?;
    if by.role.is_some() && !by.sees(&case.community_path) {
        return Err(CaseError::NotFound);
    }
    Ok(case)
}

pub fn state_of(case: &Case) -> CaseResult<State> {
    case.state.parse().map_err(|_| {
        CaseError::Internal(anyhow::anyhow!("case {} has state {}", case.id, case.state))
    })
}

pub async fn act(st: &Shared, by: &Worker, case_id: i64, req: &Request) -> CaseResult<Acted> {
    let case = load(st, by, case_id).await?;
    let from = state_of(&case)?;
    let lifecycle = super::lifecycle();
    let t = find(lifecycle, from, &req.action)?;
    let role = by
        .role
        .ok_or_else(|| CaseError::refuse("not_allowed", "须由工作人员办理"))?;
    lifecycle
        .check(role, from, t.to())
        .map_err(|e| CaseError::refuse("not_allowed", e.to_string()))?;
    if t.needs_note() && req.note.trim().is_empty() {
        return Err(CaseError::refuse(
            "missing_note",
            format!("“{}”须写明理由", t.action_label()),
        ));
    }
    if cases::pending_approval(&st.db, case.id).await?.is_some() {
        return Err(CaseError::refuse(
            "awaiting_approval",
            "该办件有待社区负责人审批的申请，审批后再办理",
        ));
    }
    if t.needs_head_approval() && role != Role::CommunityHead {
        ask_approval(st, by, &case, from, t.to(), t.action_code(), &req.note).await?;
        return Ok(Acted::AwaitingApproval);
    }
    let to = t.to();
    let action = t.action_code().to_string();
    apply(st, by, &case, from, to, &action, req).await?;
    Ok(Acted::Moved(to))
}

/// The transition of `action` from `from`, or a refusal naming what may be done instead.
fn find(lifecycle: &Lifecycle, from: State, action: &str) -> CaseResult<Transition> {
    if from.is_final() {
        return Err(CaseError::refuse(
            "final_state",
            format!("{}的办件不能再变更状态", from.label()),
        ));
    }
    lifecycle
        .transitions()
        .iter()
        .find(|t| t.from() == from && t.action_code() == action)
        .cloned()
        .ok_or_else(|| {
            CaseError::refuse(
                "bad_action",
                format!("“{}”状态的办件不能执行“{action}”", from.label()),
            )
        })
}

/// Takes the transition: checklist, due day, event, visit, routing.
async fn apply(
    st: &Shared,
    by: &Worker,
    case: &Case,
    from: State,
    to: State,
    action: &str,
    req: &Request,
) -> CaseResult<()> {
    let list = updated_checklist(case, to, req)?;
    let events = cases::events(&st.db, case.id).await?;
    let history = deadline::history(&events, Some((&by.today, to)));
    let calendar = st.calendar.get(&st.db).await?;
    let started = case.accepted_on.clone().unwrap_or_else(|| by.today.clone());
    let due = deadline::due_on(&calendar, &started, case.promised_days, to, &history);
    let checklist_json = list.as_ref().map(|l| checklist::to_json(l));
    let m = Move {
        from: from.code(),
        to: to.code(),
        action,
        note: req.note.trim(),
        due_on: due.as_deref(),
        accepted_on: None,
        checklist: checklist_json.as_deref(),
    };
    let document = super::documents::for_move(st, case, &events, &m).await?;
    cases::transition_issuing(&st.db, case.id, &m, document.as_ref(), &by.actor()).await?;
    if let Some(purpose) = &req.visit {
        cases::record_visit(&st.db, case.id, purpose, &by.actor()).await?;
    }
    if to == State::Accepted && case.assignee_id.is_none() {
        let fresh = cases::get(&st.db, case.id).await?;
        routing::route(st, &fresh, by).await?;
    }
    Ok(())
}

/// The checklist after the change: on acceptance after 补正 the materials still marked
/// missing must now be brought (those not named are taken as brought); when back office asks
/// for more, the named ones become missing.
fn updated_checklist(
    case: &Case,
    to: State,
    req: &Request,
) -> CaseResult<Option<Vec<checklist::Entry>>> {
    let mut list = checklist::from_json(&case.checklist);
    let from_waiting = case.state == State::AwaitingMaterials.code();
    match to {
        State::Accepted if from_waiting => {
            for e in &mut list {
                if e.status == MaterialStatus::Missing {
                    e.status = req
                        .statuses
                        .get(&e.id)
                        .copied()
                        .unwrap_or(MaterialStatus::Brought);
                }
            }
            let still: Vec<&str> = checklist::missing(&list)
                .iter()
                .map(|e| e.name.as_str())
                .collect();
            if !still.is_empty() {
                return Err(CaseError::refuse(
                    "materials_missing",
                    format!("材料仍不齐（缺：{}），不能受理", still.join("、")),
                ));
            }
            Ok(Some(list))
        }
        State::AwaitingMaterials => {
            for e in &mut list {
                if let Some(s) = req.statuses.get(&e.id) {
                    e.status = *s;
                }
            }
            Ok(Some(list))
        }
        _ => Ok(None),
    }
}

/// Files a request for the head's approval and notes it on the timeline.
pub async fn ask_approval(
    st: &Shared,
    by: &Worker,
    case: &Case,
    from: State,
    to: State,
    action: &str,
    note: &str,
) -> CaseResult<()> {
    cases::request_approval(
        &st.db,
        case.id,
        from.code(),
        to.code(),
        action,
        note,
        &by.actor(),
    )
    .await?;
    let text = format!("申请“{}”，待社区负责人审批：{}", to.label(), note.trim());
    cases::note(&st.db, case.id, "approval_requested", &text, &by.actor()).await?;
    Ok(())
}

/// The head approves (the transition is taken, as the head) or refuses (the case stays).
pub async fn decide(
    st: &Shared,
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
    cases::decide_approval(&st.db, approval_id, approve, answer.trim(), &head.actor()).await?;
    if !approve {
        let text = format!("不同意“{}”：{}", approval.action, answer.trim());
        cases::note(&st.db, case.id, "approval_refused", &text, &head.actor()).await?;
        return Ok(());
    }
    let from = state_of(&case)?;
    let to: State = approval
        .to_state
        .parse()
        .map_err(|_| CaseError::Internal(anyhow::anyhow!("approval {approval_id} state")))?;
    let note = if answer.trim().is_empty() {
        format!("{}（经社区负责人审批同意）", approval.note)
    } else {
        format!(
            "{}（经社区负责人审批同意：{}）",
            approval.note,
            answer.trim()
        )
    };
    let req = Request {
        action: approval.action.clone(),
        note,
        ..Request::default()
    };
    apply(st, head, &case, from, to, &approval.action, &req).await
}

async fn find_approval(
    st: &Shared,
    head: &Worker,
    approval_id: i64,
) -> CaseResult<cases::Approval> {
    cases::pending_approvals(&st.db, head.org.as_str())
        .await?
        .into_iter()
        .find(|a| a.id == approval_id)
        .ok_or_else(|| CaseError::refuse("no_approval", "该审批已处理或不在您的管辖范围内"))
}
