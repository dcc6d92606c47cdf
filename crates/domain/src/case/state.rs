//! The states a case passes through, from the desk to the resident's hands.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

use crate::lifecycle::FlowState;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Received,
    AwaitingMaterials,
    Accepted,
    InProgress,
    AwaitingDepartment,
    Completed,
    Delivered,
    Rejected,
    Withdrawn,
}

impl State {
    pub const ALL: [State; 9] = [
        State::Received,
        State::AwaitingMaterials,
        State::Accepted,
        State::InProgress,
        State::AwaitingDepartment,
        State::Completed,
        State::Delivered,
        State::Rejected,
        State::Withdrawn,
    ];

    /// The state whose stored code this is (not its Chinese name: the database holds codes).
    pub fn from_code(code: &str) -> Option<State> {
        State::ALL.into_iter().find(|st| st.code() == code)
    }

    /// Stable code stored in the database and used in the API.
    pub fn code(self) -> &'static str {
        match self {
            State::Received => "received",
            State::AwaitingMaterials => "awaiting_materials",
            State::Accepted => "accepted",
            State::InProgress => "in_progress",
            State::AwaitingDepartment => "awaiting_department",
            State::Completed => "completed",
            State::Delivered => "delivered",
            State::Rejected => "rejected",
            State::Withdrawn => "withdrawn",
        }
    }

    /// The name workers and residents see.
    pub fn label(self) -> &'static str {
        match self {
            State::Received => "收件",
            State::AwaitingMaterials => "待补正",
            State::Accepted => "已受理",
            State::InProgress => "办理中",
            State::AwaitingDepartment => "待部门反馈",
            State::Completed => "已办结",
            State::Delivered => "已送达",
            State::Rejected => "不予受理",
            State::Withdrawn => "已撤回",
        }
    }

    /// No change may follow: the case is over. 已办结 is not final because the result must
    /// still reach the resident (送达).
    pub fn is_final(self) -> bool {
        matches!(self, State::Delivered | State::Rejected | State::Withdrawn)
    }

    /// The deadline clock stops here: the resident, not the office, holds the case while
    /// gathering the missing materials.
    pub fn pauses_clock(self) -> bool {
        self == State::AwaitingMaterials
    }

    /// The case still needs the office: it counts in queues and in a worker's load.
    pub fn is_open(self) -> bool {
        !self.is_final()
    }

    /// The office has decided the matter (Open311's "closed"): over, or 已办结 with only the
    /// result's delivery left.
    pub fn is_decided(self) -> bool {
        self.is_final() || self == State::Completed
    }

    /// The office owes work against the deadline clock: open, not paused for 补正, and not
    /// yet 办结 (the result is made; only its delivery remains).
    pub fn clock_runs(self) -> bool {
        self.is_open() && !self.pauses_clock() && self != State::Completed
    }
}

impl FlowState for State {
    const ALL: &'static [State] = &State::ALL;

    fn code(self) -> &'static str {
        State::code(self)
    }

    fn label(self) -> &'static str {
        State::label(self)
    }

    fn is_final(self) -> bool {
        State::is_final(self)
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("未知状态“{0}”")]
pub struct UnknownState(pub String);

impl FromStr for State {
    type Err = UnknownState;

    /// Accepts the code or the Chinese name, so the lifecycle file can use either.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        State::ALL
            .into_iter()
            .find(|st| st.code() == s || st.label() == s)
            .ok_or_else(|| UnknownState(s.to_string()))
    }
}

/// A stored code, as the store decodes its rows.
impl TryFrom<String> for State {
    type Error = UnknownState;

    fn try_from(code: String) -> Result<Self, Self::Error> {
        State::from_code(&code).ok_or(UnknownState(code))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_labels_round_trip() {
        for st in State::ALL {
            assert_eq!(st.code().parse::<State>().unwrap(), st);
            assert_eq!(st.label().parse::<State>().unwrap(), st);
            assert_eq!(st.to_string(), st.code());
        }
        assert_eq!(
            "已归档".parse::<State>(),
            Err(UnknownState("已归档".to_string()))
        );
    }

    #[test]
    fn stored_codes_decode_and_names_do_not() {
        for st in State::ALL {
            assert_eq!(State::try_from(st.code().to_string()), Ok(st));
            assert!(State::try_from(st.label().to_string()).is_err());
        }
    }

    #[test]
    fn serde_uses_the_stable_codes() {
        for st in State::ALL {
            let json = serde_json::to_string(&st).unwrap();
            assert_eq!(json, format!("\"{}\"", st.code()));
            assert_eq!(serde_json::from_str::<State>(&json).unwrap(), st);
        }
    }

    #[test]
    fn only_delivered_rejected_and_withdrawn_are_final() {
        let finals: Vec<State> = State::ALL.into_iter().filter(|s| s.is_final()).collect();
        assert_eq!(
            finals,
            [State::Delivered, State::Rejected, State::Withdrawn]
        );
    }

    #[test]
    fn only_awaiting_materials_pauses_the_clock() {
        let pausing: Vec<State> = State::ALL
            .into_iter()
            .filter(|s| s.pauses_clock())
            .collect();
        assert_eq!(pausing, [State::AwaitingMaterials]);
    }
}
