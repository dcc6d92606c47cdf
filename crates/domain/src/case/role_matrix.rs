//! Every (from, to, role) combination checked against an explicit table of what the shipped
//! lifecycle allows.
//!
//! The workflow: 收件 → 待补正 ↔ 已受理 → 办理中 ⇄ 待部门反馈 → 已办结 → 已送达, with 不予受理
//! and 已撤回 as the other ways out. The allowed triples below are copied from
//! `data/lifecycle.txt` and written out literally, one line per (from, to, role), so that a change
//! to the data file that changes who may do what must be a conscious change here as well.

use super::state::State::{self, *};
use super::table::{Lifecycle, TransitionError};
use crate::role::Role::{self, *};

/// Every state change the shipped table allows, and to whom: one line per triple.
const ALLOWED: [(State, State, Role); 32] = [
    // 收件 → 待补正 (补正)
    (Received, AwaitingMaterials, FrontDesk),
    (Received, AwaitingMaterials, CommunityHead),
    // 收件 → 已受理 (受理)
    (Received, Accepted, FrontDesk),
    (Received, Accepted, CommunityHead),
    // 收件 → 已办结 (即办)
    (Received, Completed, FrontDesk),
    (Received, Completed, CommunityHead),
    // 收件 → 不予受理 (不予受理)
    (Received, Rejected, FrontDesk),
    (Received, Rejected, CommunityHead),
    // 待补正 → 已受理 (补齐受理)
    (AwaitingMaterials, Accepted, FrontDesk),
    (AwaitingMaterials, Accepted, CommunityHead),
    // 待补正 → 已撤回 (撤回)
    (AwaitingMaterials, Withdrawn, FrontDesk),
    (AwaitingMaterials, Withdrawn, BackOffice),
    (AwaitingMaterials, Withdrawn, CommunityHead),
    // 已受理 → 办理中 (开始办理)
    (Accepted, InProgress, BackOffice),
    (Accepted, InProgress, CommunityHead),
    // 已受理 → 已撤回 (撤回)
    (Accepted, Withdrawn, FrontDesk),
    (Accepted, Withdrawn, BackOffice),
    (Accepted, Withdrawn, CommunityHead),
    // 已受理 → 待补正 (要求补正)
    (Accepted, AwaitingMaterials, BackOffice),
    (Accepted, AwaitingMaterials, CommunityHead),
    // 办理中 → 待部门反馈 (转部门)
    (InProgress, AwaitingDepartment, BackOffice),
    (InProgress, AwaitingDepartment, CommunityHead),
    // 待部门反馈 → 办理中 (部门已反馈)
    (AwaitingDepartment, InProgress, BackOffice),
    (AwaitingDepartment, InProgress, CommunityHead),
    // 办理中 → 已办结 (办结)
    (InProgress, Completed, BackOffice),
    (InProgress, Completed, CommunityHead),
    // 办理中 → 已撤回 (提前终止)
    (InProgress, Withdrawn, BackOffice),
    (InProgress, Withdrawn, CommunityHead),
    // 已办结 → 已送达 (送达)
    (Completed, Delivered, FrontDesk),
    (Completed, Delivered, BackOffice),
    (Completed, Delivered, GridWorker),
    (Completed, Delivered, CommunityHead),
];

/// The button label of each listed pair, which a refusal for the wrong role names.
const LABELS: [(State, State, &str); 14] = [
    (Received, AwaitingMaterials, "补正"),
    (Received, Accepted, "受理"),
    (Received, Completed, "即办"),
    (Received, Rejected, "不予受理"),
    (AwaitingMaterials, Accepted, "补齐受理"),
    (AwaitingMaterials, Withdrawn, "撤回"),
    (Accepted, InProgress, "开始办理"),
    (Accepted, Withdrawn, "撤回"),
    (Accepted, AwaitingMaterials, "要求补正"),
    (InProgress, AwaitingDepartment, "转部门"),
    (AwaitingDepartment, InProgress, "部门已反馈"),
    (InProgress, Completed, "办结"),
    (InProgress, Withdrawn, "提前终止"),
    (Completed, Delivered, "送达"),
];

fn allowed(from: State, to: State, role: Role) -> bool {
    ALLOWED.contains(&(from, to, role))
}

fn label(from: State, to: State) -> Option<&'static str> {
    LABELS
        .iter()
        .find(|(f, t, _)| *f == from && *t == to)
        .map(|(_, _, l)| *l)
}

#[test]
fn the_expected_tables_are_consistent() {
    // Each listed triple has a labelled pair, and each labelled pair at least one role.
    for (from, to, role) in ALLOWED {
        assert!(
            label(from, to).is_some(),
            "{from}->{to} ({role}) has no label"
        );
        assert!(!from.is_final(), "{from} is final yet listed");
    }
    for (from, to, _) in LABELS {
        assert!(
            ALLOWED.iter().any(|(f, t, _)| (*f, *t) == (from, to)),
            "{from}->{to} has no role"
        );
    }
    // No duplicates.
    for (i, a) in ALLOWED.iter().enumerate() {
        assert!(!ALLOWED[i + 1..].contains(a), "{a:?} listed twice");
    }
    for (i, a) in LABELS.iter().enumerate() {
        assert!(
            !LABELS[i + 1..].iter().any(|b| (b.0, b.1) == (a.0, a.1)),
            "{}->{} labelled twice",
            a.0,
            a.1
        );
    }
}

#[test]
fn check_allows_exactly_the_listed_triples_and_refuses_the_rest_for_the_right_reason() {
    let lifecycle = Lifecycle::default_table();
    let mut allowed_seen = 0;
    for role in Role::ALL {
        for from in State::ALL {
            for to in State::ALL {
                let got = lifecycle.check(role, from, to);
                let case = format!("{} {}→{}", role.label(), from.label(), to.label());
                if from.is_final() {
                    assert_eq!(got, Err(TransitionError::Final(from)), "{case}");
                } else if allowed(from, to, role) {
                    let t = got.unwrap_or_else(|e| panic!("{case} refused: {e}"));
                    assert_eq!((t.from(), t.to()), (from, to), "{case}");
                    assert_eq!(Some(t.action_label()), label(from, to), "{case}");
                    assert!(t.allows(role), "{case}");
                    allowed_seen += 1;
                } else if let Some(action_label) = label(from, to) {
                    assert_eq!(
                        got,
                        Err(TransitionError::RoleRefused {
                            role,
                            action_label: action_label.to_string(),
                        }),
                        "{case}"
                    );
                } else {
                    assert_eq!(got, Err(TransitionError::NotAllowed { from, to }), "{case}");
                }
            }
        }
    }
    assert_eq!(allowed_seen, ALLOWED.len());
}

#[test]
fn the_table_has_no_transition_beyond_the_listed_ones() {
    let lifecycle = Lifecycle::default_table();
    assert_eq!(lifecycle.transitions().len(), LABELS.len());
    let mut triples = 0;
    for t in lifecycle.transitions() {
        assert_eq!(Some(t.action_label()), label(t.from(), t.to()));
        for role in t.roles() {
            assert!(
                allowed(t.from(), t.to(), *role),
                "{}→{} grants {} unexpectedly",
                t.from().label(),
                t.to().label(),
                role.label()
            );
            triples += 1;
        }
    }
    assert_eq!(triples, ALLOWED.len());
}

#[test]
fn actions_from_lists_exactly_the_allowed_targets() {
    let lifecycle = Lifecycle::default_table();
    for role in Role::ALL {
        for from in State::ALL {
            let mut got: Vec<State> = lifecycle
                .actions_from(from, role)
                .iter()
                .map(|t| t.to())
                .collect();
            got.sort();
            let mut want: Vec<State> = ALLOWED
                .iter()
                .filter(|(f, _, r)| *f == from && *r == role)
                .map(|(_, t, _)| *t)
                .collect();
            want.sort();
            assert_eq!(got, want, "{} from {}", role.label(), from.label());
        }
    }
}

#[test]
fn final_states_refuse_every_role_even_towards_themselves() {
    let lifecycle = Lifecycle::default_table();
    for from in [Delivered, Rejected, Withdrawn] {
        for role in Role::ALL {
            for to in State::ALL {
                assert_eq!(
                    lifecycle.check(role, from, to),
                    Err(TransitionError::Final(from))
                );
            }
        }
    }
}

#[test]
fn staying_in_the_same_state_is_never_a_transition() {
    let lifecycle = Lifecycle::default_table();
    for role in Role::ALL {
        for state in State::ALL.into_iter().filter(|s| !s.is_final()) {
            assert_eq!(
                lifecycle.check(role, state, state),
                Err(TransitionError::NotAllowed {
                    from: state,
                    to: state
                })
            );
        }
    }
}

#[test]
fn admins_and_grid_workers_are_refused_by_role_at_intake() {
    let lifecycle = Lifecycle::default_table();
    for role in [StreetAdmin, SystemAdmin, GridWorker, BackOffice] {
        let err = lifecycle.check(role, Received, Accepted).unwrap_err();
        assert_eq!(
            err,
            TransitionError::RoleRefused {
                role,
                action_label: "受理".to_string()
            }
        );
        assert_eq!(err.to_string(), format!("{}不能执行“受理”", role.label()));
    }
}
