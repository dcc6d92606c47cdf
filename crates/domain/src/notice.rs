//! In-app notifications: which events tell whom. The store writes them with the event that
//! causes them, so every channel (desk, JSON API, portal, Open311) produces the same ones.

use crate::Role;

/// What a notification is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A case was given to me (by routing or by the head).
    Assigned,
    /// A resident's application came in online (portal or Open311) in my community.
    OnlineApplication,
    /// The head decided an approval I asked for.
    ApprovalDecided,
    /// Another community transferred a case to mine.
    TransferIn,
}

impl Kind {
    pub const ALL: [Kind; 4] = [
        Kind::Assigned,
        Kind::OnlineApplication,
        Kind::ApprovalDecided,
        Kind::TransferIn,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Kind::Assigned => "assigned",
            Kind::OnlineApplication => "online_application",
            Kind::ApprovalDecided => "approval_decided",
            Kind::TransferIn => "transfer_in",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Kind::Assigned => "分派给我",
            Kind::OnlineApplication => "网上申请",
            Kind::ApprovalDecided => "审批结果",
            Kind::TransferIn => "转入本社区",
        }
    }

    pub fn from_code(code: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// Channels by which a resident applies without coming in: the community's desk must look.
pub fn is_online(channel: &str) -> bool {
    matches!(channel, "portal" | "open311")
}

/// Who of a community hears of what arrives there (an online application, a transfer in):
/// the desk, which checks it, and the head, who answers for it.
pub const RECEIVERS: [Role; 2] = [Role::FrontDesk, Role::CommunityHead];

/// The notification text for an approval decided.
pub fn approval_text(approved: bool, to_state: crate::case::State, answer: &str) -> String {
    let verdict = if approved { "同意" } else { "不同意" };
    let state = to_state.label();
    if answer.trim().is_empty() {
        format!("社区负责人{verdict}“{state}”")
    } else {
        format!("社区负责人{verdict}“{state}”：{}", answer.trim())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_only_portal_and_open311_are_online() {
        for k in Kind::ALL {
            assert_eq!(Kind::from_code(k.code()), Some(k));
        }
        assert_eq!(Kind::from_code("x"), None);
        assert!(is_online("portal") && is_online("open311"));
        assert!(!is_online("desk") && !is_online("grid") && !is_online("phone"));
    }

    #[test]
    fn an_approval_text_names_the_state_and_the_answer() {
        assert_eq!(
            approval_text(false, crate::case::State::Rejected, " 请再核实 "),
            "社区负责人不同意“不予受理”：请再核实"
        );
        assert_eq!(
            approval_text(true, crate::case::State::Rejected, ""),
            "社区负责人同意“不予受理”"
        );
    }
}
