//! The case lifecycle's flow: its shipped table (`data/lifecycle.txt`) on the shared engine,
//! and how a case transition weighs its guards.

use super::guard::{self, Facts, Guard, Unmet};
use super::state::State;
use crate::lifecycle::{self, Flow};

const SHIPPED: &str = include_str!("../../data/lifecycle.txt");

/// The desk case (办件) as a flow of the lifecycle engine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseFlow;

impl Flow for CaseFlow {
    type State = State;
    type Guard = Guard;
    const NOUN: &'static str = "办件";
    const TABLE: &'static str = "办件流程表";
}

pub type Lifecycle = lifecycle::Lifecycle<CaseFlow>;
pub type Transition = lifecycle::Transition<CaseFlow>;
pub type TransitionError = lifecycle::TransitionError<CaseFlow>;

impl Transition {
    /// The requirements (note and guards) that `facts` fail; empty when the change may be
    /// taken. The one check for intake, the case page, the API and approvals alike.
    pub fn unmet(&self, facts: &Facts<'_>) -> Vec<Unmet> {
        guard::unmet(self.action_label(), self.needs_note(), self.guards(), facts)
    }
}

impl Lifecycle {
    /// The shipped table (`data/lifecycle.txt`).
    pub fn default_table() -> Self {
        // The shipped file is parsed by a test, so this cannot fail in use.
        Self::parse(SHIPPED).expect("data/lifecycle.txt is valid")
    }

    /// The shipped table, parsed once for the whole process: what every channel checks.
    pub fn shipped() -> &'static Lifecycle {
        static TABLE: std::sync::LazyLock<Lifecycle> =
            std::sync::LazyLock::new(Lifecycle::default_table);
        &TABLE
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::role::Role;
    use State::*;

    const DESK: Role = Role::FrontDesk;
    const BACK: Role = Role::BackOffice;
    const GRID: Role = Role::GridWorker;
    const HEAD: Role = Role::CommunityHead;

    /// The default table as the issue specifies it, written out independently of the data file
    /// so that an edit to the file which changes the rules fails here.
    const EXPECTED: [(State, State, &str, &[Role]); 14] = [
        (Received, AwaitingMaterials, "补正", &[DESK, HEAD]),
        (Received, Accepted, "受理", &[DESK, HEAD]),
        (Received, Completed, "即办", &[DESK, HEAD]),
        (Received, Rejected, "不予受理", &[DESK, HEAD]),
        (AwaitingMaterials, Accepted, "补齐受理", &[DESK, HEAD]),
        (AwaitingMaterials, Withdrawn, "撤回", &[DESK, BACK, HEAD]),
        (Accepted, InProgress, "开始办理", &[BACK, HEAD]),
        (Accepted, Withdrawn, "撤回", &[DESK, BACK, HEAD]),
        (Accepted, AwaitingMaterials, "要求补正", &[BACK, HEAD]),
        (InProgress, AwaitingDepartment, "转部门", &[BACK, HEAD]),
        (AwaitingDepartment, InProgress, "部门已反馈", &[BACK, HEAD]),
        (InProgress, Completed, "办结", &[BACK, HEAD]),
        (InProgress, Withdrawn, "提前终止", &[BACK, HEAD]),
        (Completed, Delivered, "送达", &[DESK, BACK, GRID, HEAD]),
    ];

    fn expected(from: State, to: State) -> Option<(&'static str, &'static [Role])> {
        EXPECTED
            .iter()
            .find(|e| e.0 == from && e.1 == to)
            .map(|e| (e.2, e.3))
    }

    #[test]
    fn the_shipped_table_parses() {
        assert_eq!(Lifecycle::parse(SHIPPED).unwrap().transitions().len(), 14);
    }

    #[test]
    fn every_role_state_pair_is_allowed_exactly_as_specified() {
        let lifecycle = Lifecycle::default_table();
        for role in Role::ALL {
            for from in State::ALL {
                for to in State::ALL {
                    let result = lifecycle.check(role, from, to);
                    match expected(from, to) {
                        Some((label, roles)) if roles.contains(&role) => {
                            let t = result.unwrap_or_else(|e| panic!("{role} {from}->{to}: {e}"));
                            assert_eq!((t.from(), t.to(), t.action_label()), (from, to, label));
                        }
                        _ => assert!(result.is_err(), "{role} {from}->{to} should be refused"),
                    }
                }
            }
        }
    }

    #[test]
    fn the_head_may_take_every_action() {
        let lifecycle = Lifecycle::default_table();
        assert!(lifecycle.transitions().iter().all(|t| t.allows(HEAD)));
    }

    #[test]
    fn admins_take_no_case_action() {
        let lifecycle = Lifecycle::default_table();
        for role in [Role::StreetAdmin, Role::SystemAdmin] {
            for state in State::ALL {
                assert!(lifecycle.actions_from(state, role).is_empty(), "{role}");
            }
        }
    }

    #[test]
    fn wrong_role_is_refused_by_name() {
        let err = Lifecycle::default_table()
            .check(DESK, Accepted, InProgress)
            .unwrap_err();
        assert_eq!(err.to_string(), "前台社工不能执行“开始办理”");
        let err = Lifecycle::default_table()
            .check(GRID, Received, Accepted)
            .unwrap_err();
        assert_eq!(err.to_string(), "网格员不能执行“受理”");
    }

    #[test]
    fn skipping_a_state_is_refused() {
        let lifecycle = Lifecycle::default_table();
        let err = lifecycle.check(HEAD, Received, InProgress).unwrap_err();
        assert_eq!(err.to_string(), "从“收件”不能直接到“办理中”");
        // Once work has started, missing materials no longer send a case back to 待补正.
        let err = lifecycle
            .check(HEAD, InProgress, AwaitingMaterials)
            .unwrap_err();
        assert_eq!(
            err,
            TransitionError::NotAllowed {
                from: InProgress,
                to: AwaitingMaterials
            }
        );
        // A completed case is delivered, not reopened.
        assert!(lifecycle.check(HEAD, Completed, InProgress).is_err());
    }

    #[test]
    fn final_states_refuse_every_change() {
        let lifecycle = Lifecycle::default_table();
        let err = lifecycle.check(HEAD, Delivered, Completed).unwrap_err();
        assert_eq!(err.to_string(), "已送达的办件不能再变更状态");
        for from in [Delivered, Rejected, Withdrawn] {
            for to in State::ALL {
                assert_eq!(
                    lifecycle.check(HEAD, from, to),
                    Err(TransitionError::Final(from))
                );
            }
        }
    }

    #[test]
    fn desk_buttons_at_intake_in_table_order() {
        let lifecycle = Lifecycle::default_table();
        let labels: Vec<&str> = lifecycle
            .actions_from(Received, DESK)
            .iter()
            .map(|t| t.action_label())
            .collect();
        assert_eq!(labels, ["补正", "受理", "即办", "不予受理"]);
        assert!(lifecycle.actions_from(Received, BACK).is_empty());
    }

    #[test]
    fn back_office_buttons_while_in_progress() {
        let lifecycle = Lifecycle::default_table();
        let codes: Vec<&str> = lifecycle
            .actions_from(InProgress, BACK)
            .iter()
            .map(|t| t.action_code())
            .collect();
        assert_eq!(
            codes,
            ["refer_to_department", "complete", "terminate_early"]
        );
        assert_eq!(lifecycle.actions_from(Completed, GRID).len(), 1);
    }

    #[test]
    fn rejection_and_early_closure_need_a_note_and_the_heads_approval() {
        let lifecycle = Lifecycle::default_table();
        let approved: Vec<&str> = lifecycle
            .transitions()
            .iter()
            .filter(|t| t.needs_head_approval())
            .map(|t| t.action_code())
            .collect();
        assert_eq!(approved, ["reject", "terminate_early"]);
        let noted: Vec<&str> = lifecycle
            .transitions()
            .iter()
            .filter(|t| t.needs_note())
            .map(|t| t.action_code())
            .collect();
        assert_eq!(
            noted,
            [
                "reject",
                "withdraw",
                "withdraw",
                "request_more_materials",
                "refer_to_department",
                "terminate_early"
            ]
        );
    }

    /// The shipped guards, written out independently of the data file: which step needs
    /// complete materials, a 即办件, a handler or a decision from above.
    #[test]
    fn the_shipped_guards_are_as_specified() {
        use crate::catalogue::Level::Street;
        use Guard::*;
        let lifecycle = Lifecycle::default_table();
        let guards: Vec<(&str, State, &[Guard])> = lifecycle
            .transitions()
            .iter()
            .filter(|t| !t.guards().is_empty())
            .map(|t| (t.action_code(), t.from(), t.guards()))
            .collect();
        let expected: [(&str, State, &[Guard]); 7] = [
            ("request_materials", Received, &[MaterialsMissing]),
            ("accept", Received, &[MaterialsComplete]),
            (
                "complete_on_spot",
                Received,
                &[MaterialsComplete, OnTheSpotItem],
            ),
            (
                "accept_after_materials",
                AwaitingMaterials,
                &[MaterialsComplete],
            ),
            ("start", Accepted, &[Assigned]),
            ("request_more_materials", Accepted, &[MaterialsMissing]),
            (
                "complete",
                InProgress,
                &[MaterialsComplete, Assigned, Approval(Street)],
            ),
        ];
        assert_eq!(guards, expected);
    }

    #[test]
    fn a_transition_weighs_its_note_and_guards() {
        let lifecycle = Lifecycle::default_table();
        let mut item: crate::catalogue::ServiceItem =
            serde_json::from_str(include_str!("../catalogue/sample.json")).unwrap();
        item.mode = crate::catalogue::Mode::Promised;
        let facts = Facts {
            item: &item,
            missing: &["户口簿"],
            assigned: false,
            decision_recorded: false,
            note_given: false,
        };
        let on_spot = lifecycle.check(DESK, Received, Completed).unwrap();
        let codes: Vec<&str> = on_spot.unmet(&facts).iter().map(|u| u.code()).collect();
        assert_eq!(codes, ["materials_missing", "not_on_the_spot"]);
        let reject = lifecycle.check(DESK, Received, Rejected).unwrap();
        let codes: Vec<&str> = reject.unmet(&facts).iter().map(|u| u.code()).collect();
        assert_eq!(codes, ["missing_note"]);
        let deliver = lifecycle.check(GRID, Completed, Delivered).unwrap();
        assert!(deliver.unmet(&facts).is_empty());
    }

    #[test]
    fn transitions_expose_their_roles() {
        let lifecycle = Lifecycle::default_table();
        let deliver = lifecycle.check(GRID, Completed, Delivered).unwrap();
        assert_eq!(deliver.roles(), [DESK, BACK, GRID, HEAD]);
        assert_eq!(deliver.action_code(), "deliver");
    }
}
