//! Labels for what is stored as codes, shared by the pages, printouts and API.

use quanke_domain::case::Lifecycle;

/// Events that are not state changes, and their timeline labels.
const NOTES: [(&str, &str); 12] = [
    ("receive", "收件"),
    ("assign", "分派"),
    ("unassigned", "待分派"),
    ("approval_requested", "申请审批"),
    ("approval_granted", "审批同意"),
    ("approval_refused", "审批不同意"),
    ("transfer_requested", "申请转办"),
    ("transfer_accepted", "转办已接收"),
    ("transfer_refused", "转办被拒收"),
    ("escalate", "逾期督办"),
    ("link", "关联办件"),
    ("rate", "评价"),
];

/// The event's action as the timeline shows it: the lifecycle's button label for a state
/// change, the fixed label of a note, or the code itself for anything unknown.
pub fn action_label(lifecycle: &Lifecycle, code: &str) -> String {
    if let Some((_, label)) = NOTES.iter().find(|(c, _)| *c == code) {
        return (*label).to_string();
    }
    lifecycle
        .transitions()
        .iter()
        .find(|t| t.action_code() == code)
        .map_or_else(|| code.to_string(), |t| t.action_label().to_string())
}
