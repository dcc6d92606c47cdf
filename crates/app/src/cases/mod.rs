//! Cases (办件): intake, the actions of the lifecycle, transfers, approvals, routing, the
//! escalation of overdue cases, and the case search behind the work queues. The rules live in
//! the domain (lifecycle, clock) and the records in the store; these services tie them together
//! for the desk, the back office, the JSON API, the portal and Open311, which all go through
//! `intake::open`, `act::act` and `search::read`.

pub mod act;
pub mod applicant;
pub mod bounds;
pub mod calendar;
pub mod channel;
pub mod checklist;
pub mod deadline;
pub mod documents;
pub mod escalation;
pub mod guards;
pub mod intake;
pub mod outcome;
pub mod rating;
pub mod refusal;
pub mod remedies;
pub mod routing;
pub mod search;
pub mod transfer;
pub mod view;
pub mod worker;

pub use refusal::{CaseError, CaseResult, Refusal};
pub use remedies::Remedies;
pub use worker::Worker;

use crate::catalogue::Catalogue;
use crate::orgs::Directory;
use calendar::CalendarCache;
use quanke_store::Db;
use quanke_store::cases::Writer;
use quanke_store::grouped::Grouped;
use quanke_store::registry::ByNumberWithin;

/// What the case services use, and nothing more: the database, the catalogue and calendar in
/// force, the organisations, the group-commit case writer (which routes new cases), and the
/// remedies printed on refusals. The server builds one per request from its own state.
#[derive(Clone, Copy)]
pub struct Cases<'a> {
    pub db: &'a Db,
    pub catalogue: &'a dyn Catalogue,
    pub calendar: &'a CalendarCache,
    pub orgs: &'a Directory,
    pub writer: &'a Writer,
    /// Applicants by ID number, read together with the other intakes'.
    pub applicants: &'a Grouped<ByNumberWithin>,
    pub remedies: &'a Remedies,
}
