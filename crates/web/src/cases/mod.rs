//! Cases (办件): the desk's intake, the back office's work and everything around a case. The
//! rules live in the domain (lifecycle, clock) and the records in the store; this module ties
//! them together for the pages, the JSON API, the portal and Open311, which all go through
//! `intake::open` and `act::act`.

pub mod act;
pub mod calendar;
pub mod checklist;
pub mod deadline;
pub mod escalation;
pub mod intake;
pub mod refusal;
pub mod routing;
pub mod transfer;
pub mod worker;

pub use refusal::{CaseError, CaseResult, Refusal};
pub use worker::Worker;
