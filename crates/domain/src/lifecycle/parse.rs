//! The text format of a flow's table (see the header of `data/lifecycle.txt`):
//!
//! ```text
//! # comment
//! 收件 -> 已受理 | accept | 受理 | front_desk, community_head | - | materials_complete
//! ```
//!
//! Every problem is reported with the table's name and the line number, in Chinese, so an
//! admin can fix the text.

use std::collections::HashMap;

use thiserror::Error;

use super::table::Transition;
use super::{Flow, FlowGuard, FlowState};
use crate::role::Role;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{table}第 {line} 行：{problem}")]
pub struct LifecycleFileError {
    /// The table's name, e.g. 办件流程表.
    pub table: &'static str,
    pub line: usize,
    pub problem: TableProblem,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TableProblem {
    #[error("应有 6 栏（用“|”分隔：转换、动作代码、动作名、角色、标志、条件），实有 {0} 栏")]
    FieldCount(usize),
    #[error("“{0}”应写成“原状态 -> 新状态”")]
    BadEdge(String),
    #[error("未知状态“{0}”")]
    UnknownState(String),
    #[error("“{0}”不能转到自身")]
    SelfLoop(&'static str),
    #[error("“{0}”是终态，不能再转出")]
    FromFinal(&'static str),
    #[error("动作代码“{0}”无效，应由小写英文字母、数字和下划线组成")]
    BadActionCode(String),
    #[error("缺少中文动作名")]
    MissingActionLabel,
    #[error(
        "未知角色“{0}”，可选：front_desk、back_office、grid_worker、community_head、street_admin、system_admin"
    )]
    UnknownRole(String),
    #[error("至少要有一个角色")]
    NoRoles,
    #[error("未知标志“{0}”，可选：needs_note、needs_head_approval，无标志时写“-”")]
    UnknownFlag(String),
    #[error("未知条件“{word}”，{choices}")]
    UnknownGuard { word: String, choices: &'static str },
    #[error("条件“{0}”重复")]
    DuplicateGuard(String),
    #[error("条件“{0}”与“{1}”互相矛盾")]
    ContradictoryGuards(&'static str, &'static str),
    #[error("从“{from}”到“{to}”的转换已在第 {first_line} 行声明")]
    DuplicateTransition {
        from: &'static str,
        to: &'static str,
        first_line: usize,
    },
    #[error("“{from}”的动作“{action}”已在第 {first_line} 行声明")]
    DuplicateAction {
        from: &'static str,
        action: String,
        first_line: usize,
    },
}

pub(super) fn parse<F: Flow>(text: &str) -> Result<Vec<Transition<F>>, LifecycleFileError> {
    let mut seen = Seen::<F>::default();
    let mut transitions = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let content = raw.trim();
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        let fail = |problem| LifecycleFileError {
            table: F::TABLE,
            line,
            problem,
        };
        let transition = parse_line::<F>(content).map_err(fail)?;
        seen.record(&transition, line).map_err(fail)?;
        transitions.push(transition);
    }
    Ok(transitions)
}

/// The lines already read, keyed the two ways a repeat would make the table ambiguous.
struct Seen<F: Flow> {
    edges: HashMap<(F::State, F::State), usize>,
    actions: HashMap<(F::State, String), usize>,
}

impl<F: Flow> Default for Seen<F> {
    fn default() -> Self {
        Self {
            edges: HashMap::new(),
            actions: HashMap::new(),
        }
    }
}

impl<F: Flow> Seen<F> {
    fn record(&mut self, t: &Transition<F>, line: usize) -> Result<(), TableProblem> {
        if let Some(&first_line) = self.edges.get(&(t.from, t.to)) {
            return Err(TableProblem::DuplicateTransition {
                from: t.from.label(),
                to: t.to.label(),
                first_line,
            });
        }
        let action = (t.from, t.action_code.clone());
        if let Some(&first_line) = self.actions.get(&action) {
            return Err(TableProblem::DuplicateAction {
                from: t.from.label(),
                action: t.action_code.clone(),
                first_line,
            });
        }
        self.edges.insert((t.from, t.to), line);
        self.actions.insert(action, line);
        Ok(())
    }
}

fn parse_line<F: Flow>(content: &str) -> Result<Transition<F>, TableProblem> {
    let fields: Vec<&str> = content.split('|').map(str::trim).collect();
    let [edge, code, label, roles, flags, guards] = fields[..] else {
        return Err(TableProblem::FieldCount(fields.len()));
    };
    let (from, to) = parse_edge::<F::State>(edge)?;
    let (needs_note, needs_head_approval) = parse_flags(flags)?;
    Ok(Transition {
        from,
        to,
        action_code: parse_action_code(code)?,
        action_label: parse_action_label(label)?,
        roles: parse_roles(roles)?,
        needs_note,
        needs_head_approval,
        guards: parse_guards::<F::Guard>(guards)?,
    })
}

fn parse_edge<S: FlowState>(edge: &str) -> Result<(S, S), TableProblem> {
    let (from, to) = edge
        .split_once("->")
        .ok_or_else(|| TableProblem::BadEdge(edge.to_string()))?;
    let (from, to) = (parse_state::<S>(from.trim())?, parse_state::<S>(to.trim())?);
    if from == to {
        return Err(TableProblem::SelfLoop(from.label()));
    }
    // A final state means the work is over; a way out of it would contradict the state itself.
    if from.is_final() {
        return Err(TableProblem::FromFinal(from.label()));
    }
    Ok((from, to))
}

fn parse_state<S: FlowState>(text: &str) -> Result<S, TableProblem> {
    S::named(text).ok_or_else(|| TableProblem::UnknownState(text.to_string()))
}

fn parse_action_code(code: &str) -> Result<String, TableProblem> {
    let valid = !code.is_empty()
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if !valid {
        return Err(TableProblem::BadActionCode(code.to_string()));
    }
    Ok(code.to_string())
}

fn parse_action_label(label: &str) -> Result<String, TableProblem> {
    if label.is_empty() {
        return Err(TableProblem::MissingActionLabel);
    }
    Ok(label.to_string())
}

fn parse_roles(text: &str) -> Result<Vec<Role>, TableProblem> {
    let roles = comma_list(text)
        .map(|code| {
            code.parse()
                .map_err(|_| TableProblem::UnknownRole(code.to_string()))
        })
        .collect::<Result<Vec<Role>, _>>()?;
    if roles.is_empty() {
        return Err(TableProblem::NoRoles);
    }
    Ok(roles)
}

/// Returns (needs_note, needs_head_approval).
fn parse_flags(text: &str) -> Result<(bool, bool), TableProblem> {
    let mut flags = (false, false);
    if text == "-" {
        return Ok(flags);
    }
    for flag in comma_list(text) {
        match flag {
            "needs_note" => flags.0 = true,
            "needs_head_approval" => flags.1 = true,
            other => return Err(TableProblem::UnknownFlag(other.to_string())),
        }
    }
    Ok(flags)
}

/// The `requires` column: "-" or a comma-separated list of guards, each at most once. The
/// column is never optional, so that a line without checks says so.
fn parse_guards<G: FlowGuard>(text: &str) -> Result<Vec<G>, TableProblem> {
    if text == "-" {
        return Ok(Vec::new());
    }
    let mut guards = Vec::new();
    for word in comma_list(text) {
        let guard = G::parse(word).ok_or_else(|| TableProblem::UnknownGuard {
            word: word.into(),
            choices: G::CHOICES,
        })?;
        if guards.contains(&guard) {
            return Err(TableProblem::DuplicateGuard(word.into()));
        }
        guards.push(guard);
    }
    if let Some((a, b)) = G::contradiction(&guards) {
        return Err(TableProblem::ContradictoryGuards(a, b));
    }
    Ok(guards)
}

fn comma_list(text: &str) -> impl Iterator<Item = &str> {
    text.split(',').map(str::trim).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::{CaseFlow, Guard, State};

    fn parse(text: &str) -> Result<Vec<Transition<CaseFlow>>, LifecycleFileError> {
        super::parse::<CaseFlow>(text)
    }

    const GOOD: &str = "收件 -> 已受理 | accept | 受理 | front_desk, community_head | - | -";

    fn error(text: &str) -> LifecycleFileError {
        parse(text).unwrap_err()
    }

    #[test]
    fn a_line_gives_a_transition() {
        let parsed = parse(&format!("# comment\n\n{GOOD}\n")).unwrap();
        let t = &parsed[0];
        assert_eq!((t.from, t.to), (State::Received, State::Accepted));
        assert_eq!(
            (t.action_code.as_str(), t.action_label.as_str()),
            ("accept", "受理")
        );
        assert_eq!(t.roles, [Role::FrontDesk, Role::CommunityHead]);
        assert_eq!((t.needs_note, t.needs_head_approval), (false, false));
    }

    #[test]
    fn codes_work_as_well_as_chinese_names_and_flags_are_read() {
        let text = "received -> rejected | reject | 不予受理 | front_desk | needs_head_approval, needs_note | -";
        let t = &parse(text).unwrap()[0];
        assert_eq!(t.to, State::Rejected);
        assert_eq!((t.needs_note, t.needs_head_approval), (true, true));
        let text = "received -> rejected | reject | 不予受理 | front_desk | needs_note | -";
        let t = &parse(text).unwrap()[0];
        assert_eq!((t.needs_note, t.needs_head_approval), (true, false));
    }

    #[test]
    fn guards_are_read_in_order() {
        let text = "办理中 -> 已办结 | complete | 办结 | back_office | - | materials_complete, assigned, approval:street";
        let t = &parse(text).unwrap()[0];
        assert_eq!(
            t.guards,
            [
                Guard::MaterialsComplete,
                Guard::Assigned,
                Guard::Approval(crate::catalogue::Level::Street)
            ]
        );
        assert!(parse(GOOD).unwrap()[0].guards.is_empty());
    }

    #[test]
    fn an_unknown_guard_names_the_line_and_the_choices() {
        let err = error(&format!(
            "{GOOD}
收件 -> 已办结 | complete_on_spot | 即办 | front_desk | - | on_the_spot"
        ));
        assert_eq!(err.line, 2);
        assert!(
            err.to_string()
                .starts_with("办件流程表第 2 行：未知条件“on_the_spot”，可选：materials_complete"),
            "{err}"
        );
    }

    #[test]
    fn unknown_state_names_the_line() {
        let err = error(&format!(
            "{GOOD}\n\n已受理 -> 已归档 | archive | 归档 | back_office | - | -"
        ));
        assert_eq!(err.line, 3);
        assert_eq!(
            err.problem,
            TableProblem::UnknownState("已归档".to_string())
        );
        assert_eq!(err.to_string(), "办件流程表第 3 行：未知状态“已归档”");
    }

    #[test]
    fn unknown_role_names_the_line() {
        let err = error("# c\n收件 -> 已受理 | accept | 受理 | front_desk, janitor | - | -");
        assert_eq!(err.line, 2);
        assert_eq!(
            err.problem,
            TableProblem::UnknownRole("janitor".to_string())
        );
        assert!(
            err.to_string()
                .starts_with("办件流程表第 2 行：未知角色“janitor”")
        );
    }

    #[test]
    fn duplicate_transition_names_both_lines() {
        let text =
            format!("{GOOD}\n# again\n收件 -> 已受理 | accept_again | 再受理 | front_desk | - | -");
        let err = error(&text);
        assert_eq!(err.line, 3);
        assert_eq!(
            err.to_string(),
            "办件流程表第 3 行：从“收件”到“已受理”的转换已在第 1 行声明"
        );
    }

    #[test]
    fn duplicate_action_from_one_state_is_ambiguous() {
        let text = format!("{GOOD}\n收件 -> 已办结 | accept | 即办 | front_desk | - | -");
        let err = error(&text);
        assert_eq!(err.line, 2);
        assert_eq!(
            err.to_string(),
            "办件流程表第 2 行：“收件”的动作“accept”已在第 1 行声明"
        );
    }

    #[test]
    fn the_same_action_from_different_states_is_fine() {
        let text = "待补正 -> 已撤回 | withdraw | 撤回 | front_desk | needs_note | -\n\
                    已受理 -> 已撤回 | withdraw | 撤回 | front_desk | needs_note | -";
        assert_eq!(parse(text).unwrap().len(), 2);
    }

    #[test]
    fn malformed_lines_are_explained() {
        let cases = [
            (
                "收件 -> 已受理 | accept | 受理",
                TableProblem::FieldCount(3),
            ),
            (
                "收件 到 已受理 | accept | 受理 | front_desk | - | -",
                TableProblem::BadEdge("收件 到 已受理".to_string()),
            ),
            (
                "收件 -> 收件 | stay | 停留 | front_desk | - | -",
                TableProblem::SelfLoop("收件"),
            ),
            (
                "已撤回 -> 收件 | reopen | 重开 | front_desk | - | -",
                TableProblem::FromFinal("已撤回"),
            ),
            (
                "收件 -> 已受理 | Accept | 受理 | front_desk | - | -",
                TableProblem::BadActionCode("Accept".to_string()),
            ),
            (
                "收件 -> 已受理 |  | 受理 | front_desk | - | -",
                TableProblem::BadActionCode(String::new()),
            ),
            (
                "收件 -> 已受理 | accept |  | front_desk | - | -",
                TableProblem::MissingActionLabel,
            ),
            (
                "收件 -> 已受理 | accept | 受理 |  | - | -",
                TableProblem::NoRoles,
            ),
            (
                "收件 -> 已受理 | accept | 受理 | front_desk | urgent | -",
                TableProblem::UnknownFlag("urgent".to_string()),
            ),
            (
                "收件 -> 已受理 | accept | 受理 | front_desk | -",
                TableProblem::FieldCount(5),
            ),
            (
                "收件 -> 已受理 | accept | 受理 | front_desk | - | paid",
                unknown_guard("paid"),
            ),
            (
                "收件 -> 已受理 | accept | 受理 | front_desk | - | approval:community",
                unknown_guard("approval:community"),
            ),
            (
                "收件 -> 已受理 | accept | 受理 | front_desk | - | assigned, assigned",
                TableProblem::DuplicateGuard("assigned".to_string()),
            ),
            (
                "收件 -> 已受理 | accept | 受理 | front_desk | - | materials_missing, materials_complete",
                TableProblem::ContradictoryGuards("materials_complete", "materials_missing"),
            ),
        ];
        for (text, problem) in cases {
            assert_eq!(
                error(text),
                LifecycleFileError {
                    table: "办件流程表",
                    line: 1,
                    problem
                },
                "{text}"
            );
        }
    }

    fn unknown_guard(word: &str) -> TableProblem {
        TableProblem::UnknownGuard {
            word: word.to_string(),
            choices: <Guard as FlowGuard>::CHOICES,
        }
    }

    #[test]
    fn an_empty_text_has_no_transitions() {
        assert!(parse("# only comments\n\n").unwrap().is_empty());
    }
}
