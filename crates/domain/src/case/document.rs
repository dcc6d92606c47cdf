//! The documents a case hands to the resident, and which change of state hands out which. A
//! document is issued at the change itself (at intake, or when a worker or the head takes a
//! transition), kept as issued, and reprinted from what was kept.

use super::state::State;

/// A document the resident takes home.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Document {
    /// 受理回执: the case was accepted (or completed on the spot), with what was received.
    Receipt,
    /// 一次性告知书: every missing material at once. Each 补正 issues a new one.
    Notice,
    /// 不予受理告知书: the refusal and its reason.
    Refusal,
    /// 办结通知书: the case is completed, with the decision (准予 / 不予) and what was granted.
    Completion,
}

impl Document {
    pub const ALL: [Document; 4] = [
        Document::Receipt,
        Document::Notice,
        Document::Refusal,
        Document::Completion,
    ];

    /// Stable code, stored and used in addresses.
    pub fn code(self) -> &'static str {
        match self {
            Document::Receipt => "receipt",
            Document::Notice => "notice",
            Document::Refusal => "refusal",
            Document::Completion => "completion",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Document::Receipt => "受理回执",
            Document::Notice => "一次性告知书",
            Document::Refusal => "不予受理告知书",
            Document::Completion => "办结通知书",
        }
    }

    pub fn parse(code: &str) -> Option<Document> {
        Document::ALL.into_iter().find(|d| d.code() == code)
    }

    /// The document handed out when a case moves from `from` to `to` (an intake moves from
    /// 收件). Every completion, on the spot (即办) or after the back office's work, hands out
    /// the 办结通知书 with the decision.
    pub fn issued_by(from: State, to: State) -> Option<Document> {
        match to {
            _ if from == to => None,
            State::Accepted => Some(Document::Receipt),
            State::Completed => Some(Document::Completion),
            State::AwaitingMaterials => Some(Document::Notice),
            State::Rejected => Some(Document::Refusal),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_handing_out_change_issues_its_document() {
        use State::*;
        let issued = |from, to| Document::issued_by(from, to);
        assert_eq!(issued(Received, Accepted), Some(Document::Receipt));
        assert_eq!(issued(AwaitingMaterials, Accepted), Some(Document::Receipt));
        assert_eq!(issued(Received, Completed), Some(Document::Completion));
        assert_eq!(issued(InProgress, Completed), Some(Document::Completion));
        assert_eq!(issued(Received, AwaitingMaterials), Some(Document::Notice));
        assert_eq!(issued(Accepted, AwaitingMaterials), Some(Document::Notice));
        assert_eq!(issued(Received, Rejected), Some(Document::Refusal));
        assert_eq!(issued(Received, Received), None);
        assert_eq!(issued(Accepted, InProgress), None);
        for d in Document::ALL {
            assert_eq!(Document::parse(d.code()), Some(d));
        }
    }
}
