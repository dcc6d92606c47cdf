//! The transition table of a flow and the check every state change goes through.

use std::fmt;

use super::parse::{self, LifecycleFileError};
use super::{Flow, FlowState};
use crate::role::Role;

/// One allowed state change: the button a worker presses and what it requires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition<F: Flow> {
    pub(crate) from: F::State,
    pub(crate) to: F::State,
    pub(crate) action_code: String,
    pub(crate) action_label: String,
    pub(crate) roles: Vec<Role>,
    pub(crate) needs_note: bool,
    pub(crate) needs_head_approval: bool,
    pub(crate) guards: Vec<F::Guard>,
}

impl<F: Flow> Transition<F> {
    pub fn from(&self) -> F::State {
        self.from
    }

    pub fn to(&self) -> F::State {
        self.to
    }

    /// Stable code of the action, e.g. "accept".
    pub fn action_code(&self) -> &str {
        &self.action_code
    }

    /// The button label, e.g. "受理".
    pub fn action_label(&self) -> &str {
        &self.action_label
    }

    pub fn roles(&self) -> &[Role] {
        &self.roles
    }

    pub fn allows(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// The worker must write a reason, kept on the timeline.
    pub fn needs_note(&self) -> bool {
        self.needs_note
    }

    /// The change waits for the community head's approval.
    pub fn needs_head_approval(&self) -> bool {
        self.needs_head_approval
    }

    /// What the work must satisfy for this change (the `requires` column).
    pub fn guards(&self) -> &[F::Guard] {
        &self.guards
    }
}

/// Why a state change is refused, worded for the worker who tried it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransitionError<F: Flow> {
    Final(F::State),
    NotAllowed { from: F::State, to: F::State },
    RoleRefused { role: Role, action_label: String },
}

impl<F: Flow> fmt::Display for TransitionError<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransitionError::Final(state) => {
                write!(f, "{}的{}不能再变更状态", state.label(), F::NOUN)
            }
            TransitionError::NotAllowed { from, to } => {
                write!(f, "从“{}”不能直接到“{}”", from.label(), to.label())
            }
            TransitionError::RoleRefused { role, action_label } => {
                write!(f, "{}不能执行“{action_label}”", role.label())
            }
        }
    }
}

impl<F: Flow> std::error::Error for TransitionError<F> {}

/// The allowed transitions, in the order the table lists them (the order buttons appear in).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lifecycle<F: Flow> {
    transitions: Vec<Transition<F>>,
}

impl<F: Flow> Lifecycle<F> {
    /// Parses the text format of a flow's table; errors name the line.
    pub fn parse(text: &str) -> Result<Self, LifecycleFileError> {
        parse::parse::<F>(text).map(|transitions| Self { transitions })
    }

    pub fn transitions(&self) -> &[Transition<F>] {
        &self.transitions
    }

    /// The transition `role` would take from `from` to `to`, or why it may not.
    pub fn check(
        &self,
        role: Role,
        from: F::State,
        to: F::State,
    ) -> Result<&Transition<F>, TransitionError<F>> {
        if from.is_final() {
            return Err(TransitionError::Final(from));
        }
        let transition = self
            .between(from, to)
            .ok_or(TransitionError::NotAllowed { from, to })?;
        if !transition.allows(role) {
            return Err(TransitionError::RoleRefused {
                role,
                action_label: transition.action_label.clone(),
            });
        }
        Ok(transition)
    }

    /// The line of the table from `from` to `to`, whoever takes it.
    pub fn between(&self, from: F::State, to: F::State) -> Option<&Transition<F>> {
        self.transitions
            .iter()
            .find(|t| t.from == from && t.to == to)
    }

    /// The line leaving `from` by the action `code`, whoever takes it.
    pub fn action(&self, from: F::State, code: &str) -> Option<&Transition<F>> {
        self.transitions
            .iter()
            .find(|t| t.from == from && t.action_code == code)
    }

    /// The actions `role` may take in `state`: the buttons to show.
    pub fn actions_from(&self, state: F::State, role: Role) -> Vec<&Transition<F>> {
        self.transitions
            .iter()
            .filter(|t| t.from == state && t.allows(role))
            .collect()
    }
}
