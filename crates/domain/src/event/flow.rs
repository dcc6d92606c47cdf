//! The event as a flow of the lifecycle engine: its guards and its shipped table
//! (`data/event_lifecycle.txt`).

use std::sync::LazyLock;

use super::state::EventState;
use crate::lifecycle::{self, Flow, FlowGuard};

const SHIPPED: &str = include_str!("../../data/event_lifecycle.txt");

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventFlow;

impl Flow for EventFlow {
    type State = EventState;
    type Guard = EventGuard;
    const NOUN: &'static str = "事件";
    const TABLE: &'static str = "事件流程表";
}

/// What an event step may require, as the table's `requires` column names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventGuard {
    /// `handler`: the step names who handles the event, a worker or a line department.
    Handler,
    /// `reinspected`: the event is a 整改 event and a re-inspection of what failed has passed.
    Reinspected,
}

impl FlowGuard for EventGuard {
    const CHOICES: &'static str = "可选：handler、reinspected，无条件时写“-”";

    fn parse(text: &str) -> Option<EventGuard> {
        match text {
            "handler" => Some(EventGuard::Handler),
            "reinspected" => Some(EventGuard::Reinspected),
            _ => None,
        }
    }

    fn contradiction(_: &[EventGuard]) -> Option<(&'static str, &'static str)> {
        None
    }
}

pub type EventLifecycle = lifecycle::Lifecycle<EventFlow>;
pub type EventTransition = lifecycle::Transition<EventFlow>;

impl EventLifecycle {
    /// The shipped table, parsed once for the whole process: what every channel checks.
    pub fn shipped() -> &'static EventLifecycle {
        static TABLE: LazyLock<EventLifecycle> = LazyLock::new(|| {
            EventLifecycle::parse(SHIPPED).expect("data/event_lifecycle.txt is valid (tested)")
        });
        &TABLE
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::role::Role;
    use EventState::*;

    const GRID: Role = Role::GridWorker;
    const BACK: Role = Role::BackOffice;
    const HEAD: Role = Role::CommunityHead;

    /// The loop as the issue names it, written out apart from the data file so that an edit
    /// changing the rules fails here.
    const EXPECTED: [(EventState, EventState, &str); 14] = [
        (Reported, Filed, "立案"),
        (Reported, Dismissed, "不予立案"),
        (Filed, Dispatched, "派遣"),
        (Dispatched, Handling, "签收"),
        (Dispatched, Filed, "退回"),
        (Handling, Suspended, "挂起"),
        (Suspended, Handling, "恢复处置"),
        (Handling, FedBack, "处置反馈"),
        (FedBack, Verified, "核查通过"),
        (FedBack, Handling, "核查不通过"),
        (Verified, Closed, "结案"),
        (Dispatched, Closed, "复查合格"),
        (Handling, Closed, "复查合格"),
        (Filed, Closed, ""),
    ];

    #[test]
    fn the_shipped_table_is_the_loop() {
        let table = EventLifecycle::shipped();
        assert_eq!(table.transitions().len(), 13);
        for (from, to, label) in EXPECTED {
            match table.between(from, to) {
                Some(t) => assert_eq!(t.action_label(), label, "{from:?}->{to:?}"),
                None => assert!(label.is_empty(), "{from:?}->{to:?} is missing"),
            }
        }
    }

    #[test]
    fn the_head_takes_every_step_and_grid_workers_do_not_file_or_close() {
        let table = EventLifecycle::shipped();
        assert!(table.transitions().iter().all(|t| t.allows(HEAD)));
        assert!(table.check(GRID, Reported, Filed).is_err());
        assert!(table.check(GRID, Verified, Closed).is_err());
        assert!(table.check(BACK, Filed, Dispatched).is_ok());
        for role in [Role::StreetAdmin, Role::SystemAdmin, Role::FrontDesk] {
            for state in EventState::ALL {
                assert!(table.actions_from(state, role).is_empty(), "{role}");
            }
        }
    }

    #[test]
    fn refusals_name_the_event() {
        let table = EventLifecycle::shipped();
        let err = table.check(HEAD, Closed, Handling).unwrap_err();
        assert_eq!(err.to_string(), "已结案的事件不能再变更状态");
        let err = table.check(HEAD, Reported, Handling).unwrap_err();
        assert_eq!(err.to_string(), "从“已上报”不能直接到“处置中”");
    }

    #[test]
    fn dispatch_names_a_handler_and_accounts_need_a_note() {
        let table = EventLifecycle::shipped();
        let dispatch = table.action(Filed, "dispatch").unwrap();
        assert_eq!(dispatch.guards(), [EventGuard::Handler]);
        let passed = table.action(Handling, "pass_reinspection").unwrap();
        assert_eq!(passed.guards(), [EventGuard::Reinspected]);
        let noted: Vec<&str> = table
            .transitions()
            .iter()
            .filter(|t| t.needs_note())
            .map(|t| t.action_code())
            .collect();
        assert_eq!(
            noted,
            ["dismiss", "return", "suspend", "report_back", "reopen"]
        );
    }

    #[test]
    fn an_unknown_guard_in_an_event_table_lists_the_event_guards() {
        let err =
            EventLifecycle::parse("已上报 -> 已立案 | file | 立案 | community_head | - | assigned")
                .unwrap_err();
        assert_eq!(
            err.to_string(),
            "事件流程表第 1 行：未知条件“assigned”，可选：handler、reinspected，无条件时写“-”"
        );
    }
}
