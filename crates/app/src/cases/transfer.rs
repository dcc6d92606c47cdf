//! Transfers: 通办 to another community of the street (its workers accept or refuse in the
//! application) and hand-offs to a line department (the back office records the department's
//! answer). A refused transfer leaves the case where it was.

use super::Cases;
use super::act::load;
use super::refusal::{CaseError, CaseResult};
use super::routing;
use super::worker::Worker;
use quanke_domain::case::State;
use quanke_domain::{OrgKind, OrgPath, Permission};
use quanke_store::cases;

/// Where a transfer goes.
pub enum Target {
    /// Another community of the street, by org id.
    Community(i64),
    /// A line department, by name (区民政局…).
    Department(String),
}

pub async fn request(
    st: &Cases<'_>,
    by: &Worker,
    case_id: i64,
    target: Target,
    reason: &str,
) -> CaseResult<i64> {
    let case = load(st, by, case_id).await?;
    if !by.can(Permission::TransferCases) {
        return Err(CaseError::refuse("not_allowed", "只有社区工作人员可以转办"));
    }
    if case.state.is_final() {
        return Err(CaseError::refuse("final_state", "已结束的办件不能转办"));
    }
    if reason.trim().is_empty() {
        return Err(CaseError::refuse("missing_note", "转办须写明理由"));
    }
    let (kind, to, label) = match target {
        Target::Community(id) => {
            let org = st
                .orgs
                .get(st.db, id)
                .await
                .map_err(|_| CaseError::refuse("unknown_community", "没有这个社区"))?;
            if org.kind != OrgKind::Community || org.path == case.community_path {
                return Err(CaseError::refuse("bad_target", "请选择本街道的另一个社区"));
            }
            ("community", org.path.as_str().to_string(), org.name)
        }
        Target::Department(name) if !name.trim().is_empty() => (
            "department",
            name.trim().to_string(),
            name.trim().to_string(),
        ),
        Target::Department(_) => {
            return Err(CaseError::refuse("bad_target", "请填写接收的部门"));
        }
    };
    let id = cases::request_transfer(
        st.db,
        case.id,
        kind,
        case.community_path.as_str(),
        &to,
        reason.trim(),
        &by.actor(),
    )
    .await
    .map_err(|e| match e {
        quanke_store::StoreError::Conflict(_) => {
            CaseError::refuse("transfer_pending", "该办件已有待接收的转办")
        }
        other => other.into(),
    })?;
    let text = format!("转办至{label}：{}", reason.trim());
    cases::note(st.db, case.id, "transfer_requested", &text, &by.actor()).await?;
    Ok(id)
}

/// The receiver's answer. A community transfer is answered by a worker of the receiving
/// community; a department's answer is recorded by the case's own community.
pub async fn answer(
    st: &Cases<'_>,
    by: &Worker,
    case_id: i64,
    transfer_id: i64,
    accept: bool,
    answer: &str,
) -> CaseResult<()> {
    let case = cases::get(st.db, case_id).await?;
    let t = cases::transfers(st.db, case_id)
        .await?
        .into_iter()
        .find(|t| t.id == transfer_id && t.status == "pending")
        .ok_or_else(|| CaseError::refuse("no_transfer", "该转办已处理"))?;
    let receiver_ok = match t.kind.as_str() {
        "community" => by.sees(&OrgPath::from_stored(t.to_target.clone())),
        _ => by.sees(&case.community_path),
    };
    if !receiver_ok || !by.can(Permission::TransferCases) {
        return Err(CaseError::NotFound);
    }
    if !accept && answer.trim().is_empty() {
        return Err(CaseError::refuse("missing_note", "拒收须写明理由"));
    }
    cases::answer_transfer(st.db, transfer_id, accept, answer.trim(), &by.actor()).await?;
    let who = if t.kind == "community" {
        "接收社区"
    } else {
        &t.to_target
    };
    if !accept {
        let text = format!("{who}拒收：{}", answer.trim());
        cases::note(st.db, case.id, "transfer_refused", &text, &by.actor()).await?;
        return Ok(());
    }
    if t.kind == "community" {
        let text = format!("{who}已接收：{}", answer.trim());
        cases::move_to_community(st.db, case.id, &t.to_target, &text, &by.actor()).await?;
        let moved = cases::get(st.db, case.id).await?;
        if matches!(moved.state, State::Accepted | State::InProgress) {
            routing::route(st, &moved, by).await?;
        }
    } else {
        let text = format!("{who}已接收：{}", answer.trim());
        cases::note(st.db, case.id, "transfer_accepted", &text, &by.actor()).await?;
    }
    Ok(())
}
