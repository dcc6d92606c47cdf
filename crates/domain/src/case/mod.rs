//! The case (办件) lifecycle: its states, the transitions allowed between them and who may take
//! each, and the deadline clock that stops while the resident gathers materials (补正).
//!
//! The transitions are data (`data/lifecycle.txt`) so that the rules a street office follows can
//! be read and changed without touching code; every state change is checked against them, and
//! against the guards each line declares (materials complete, a 即办件, an assignee...).

mod clock;
mod document;
mod guard;
mod result;
#[cfg(test)]
mod role_matrix;
mod state;
mod table;

pub use crate::lifecycle::{LifecycleFileError, TableProblem};
pub use clock::{DUE_SOON_DAYS, DueStatus, clock_pauses, due_date, due_status};
pub use document::Document;
pub use guard::{Facts, Guard, Unmet};
pub use result::{Decision, DecisionInput, DecisionProblem, Verdict, month_label, yuan};
pub use state::{State, UnknownState};
pub use table::{CaseFlow, Lifecycle, Transition, TransitionError};
