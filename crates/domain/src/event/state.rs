//! The states an event passes through, from the report to its closure.

use crate::lifecycle::FlowState;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventState {
    Reported,
    Filed,
    Dispatched,
    Handling,
    Suspended,
    FedBack,
    Verified,
    Closed,
    Dismissed,
}

impl EventState {
    pub const ALL: [EventState; 9] = [
        EventState::Reported,
        EventState::Filed,
        EventState::Dispatched,
        EventState::Handling,
        EventState::Suspended,
        EventState::FedBack,
        EventState::Verified,
        EventState::Closed,
        EventState::Dismissed,
    ];

    /// The state whose stored code this is.
    pub fn from_code(code: &str) -> Option<EventState> {
        EventState::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Stable code stored in the database and used in the API.
    pub fn code(self) -> &'static str {
        match self {
            EventState::Reported => "reported",
            EventState::Filed => "filed",
            EventState::Dispatched => "dispatched",
            EventState::Handling => "handling",
            EventState::Suspended => "suspended",
            EventState::FedBack => "fed_back",
            EventState::Verified => "verified",
            EventState::Closed => "closed",
            EventState::Dismissed => "dismissed",
        }
    }

    /// The name workers and residents see.
    pub fn label(self) -> &'static str {
        match self {
            EventState::Reported => "已上报",
            EventState::Filed => "已立案",
            EventState::Dispatched => "已派遣",
            EventState::Handling => "处置中",
            EventState::Suspended => "已挂起",
            EventState::FedBack => "已反馈",
            EventState::Verified => "已核查",
            EventState::Closed => "已结案",
            EventState::Dismissed => "不予立案",
        }
    }

    pub fn is_final(self) -> bool {
        matches!(self, EventState::Closed | EventState::Dismissed)
    }

    /// The deadline runs from 立案 until the handler reports back, except while suspended
    /// (the handler waits on something outside the community's hands).
    pub fn clock_runs(self) -> bool {
        matches!(
            self,
            EventState::Filed | EventState::Dispatched | EventState::Handling
        )
    }

    /// A handler holds the event: the states in which only they act on it.
    pub fn with_handler(self) -> bool {
        matches!(
            self,
            EventState::Dispatched | EventState::Handling | EventState::Suspended
        )
    }
}

impl FlowState for EventState {
    const ALL: &'static [EventState] = &EventState::ALL;

    fn code(self) -> &'static str {
        EventState::code(self)
    }

    fn label(self) -> &'static str {
        EventState::label(self)
    }

    fn is_final(self) -> bool {
        EventState::is_final(self)
    }
}

/// A stored code, as the store decodes its rows.
impl TryFrom<String> for EventState {
    type Error = String;

    fn try_from(code: String) -> Result<Self, Self::Error> {
        EventState::from_code(&code).ok_or(code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_are_unique_and_read_back() {
        for s in EventState::ALL {
            assert_eq!(EventState::from_code(s.code()), Some(s));
            assert_eq!(<EventState as FlowState>::named(s.label()), Some(s));
            assert_eq!(EventState::try_from(s.code().to_string()), Ok(s));
        }
        assert_eq!(EventState::from_code("已结案"), None);
    }

    #[test]
    fn only_closed_and_dismissed_are_final_and_suspension_stops_the_clock() {
        let finals: Vec<_> = EventState::ALL
            .into_iter()
            .filter(|s| s.is_final())
            .collect();
        assert_eq!(finals, [EventState::Closed, EventState::Dismissed]);
        assert!(!EventState::Suspended.clock_runs());
        assert!(EventState::Handling.clock_runs());
        assert!(!EventState::FedBack.clock_runs());
        assert!(!EventState::Reported.clock_runs());
    }
}
