//! The lifecycle engine shared by every kind of work that moves through states: desk cases
//! (办件) and grid events (事件). A flow names its states and the guards its table may use;
//! the transitions themselves are data, one text table per flow, read by the same parser and
//! checked by the same rules (role, final state, allowed edge), so that a change to how the
//! engine refuses a step applies to every flow at once.

mod parse;
mod table;

use std::fmt::Debug;
use std::hash::Hash;

pub use parse::{LifecycleFileError, TableProblem};
pub use table::{Lifecycle, Transition, TransitionError};

/// One kind of work with its own states, guards and table.
pub trait Flow: Debug + Clone + PartialEq + Eq + 'static {
    type State: FlowState;
    type Guard: FlowGuard;
    /// What one piece of this work is called in messages, e.g. "办件".
    const NOUN: &'static str;
    /// What the table is called in messages about its lines, e.g. "办件流程表".
    const TABLE: &'static str;
}

/// A state of a flow: stored by code, shown by its Chinese name, either accepted in a table.
pub trait FlowState: Copy + Eq + Hash + Debug + 'static {
    const ALL: &'static [Self];
    fn code(self) -> &'static str;
    fn label(self) -> &'static str;
    /// No change may follow.
    fn is_final(self) -> bool;

    /// The state a table names by code or by Chinese name.
    fn named(text: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|s| s.code() == text || s.label() == text)
    }
}

/// A requirement a flow's table may put on a transition.
pub trait FlowGuard: Copy + Eq + Debug + 'static {
    /// The guards a table may name, listed in the message about an unknown one.
    const CHOICES: &'static str;
    fn parse(text: &str) -> Option<Self>;
    /// A pair of guards nothing could pass together, if `guards` holds one: the line would be
    /// a button that never works.
    fn contradiction(guards: &[Self]) -> Option<(&'static str, &'static str)>;
}
