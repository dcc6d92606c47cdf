//! The lifecycle table's guards applied to a case: what they are weighed against (the item
//! version the case was opened under, its checklist as the action leaves it, its handler and
//! timeline) and the one refusal they make. The desk's intake, the case page, the JSON API and
//! the head's approvals all come here, so no channel can do what another refuses.

use super::checklist::{self, Entry};
use super::refusal::{CaseError, CaseResult, Reason, Refusal};
use quanke_domain::case::{Facts, Transition, Unmet};
use quanke_domain::catalogue::ServiceItem;
use quanke_store::Db;
use quanke_store::cases::{Case, Event};
use std::borrow::Cow;

/// What a case holds that the action does not change. The item is borrowed at intake (from the
/// catalogue in force: copying it for every intake was 1.5 % of the server's work) and owned
/// when read back for an existing case.
pub struct Standing<'a> {
    pub item: Cow<'a, ServiceItem>,
    pub assigned: bool,
    pub decision_recorded: bool,
}

/// The action that records the deciding office's reply (`approval:LEVEL`).
const DECISION_ACTION: &str = "department_replied";

impl<'a> Standing<'a> {
    /// A case being opened: nobody assigned yet, nothing on its timeline.
    pub fn at_intake(item: &'a ServiceItem) -> Standing<'a> {
        Standing {
            item: Cow::Borrowed(item),
            assigned: false,
            decision_recorded: false,
        }
    }

    /// An existing case, with the item version it was opened under.
    pub async fn of(db: &Db, case: &Case, events: &[Event]) -> CaseResult<Standing<'static>> {
        let version = quanke_store::catalogue::version(db, &case.item_code, case.item_version)
            .await
            .map_err(|e| {
                anyhow::anyhow!(
                    "case {} item {} v{}: {e}",
                    case.id,
                    case.item_code,
                    case.item_version
                )
            })?;
        let item: ServiceItem = serde_json::from_str(&version.body).map_err(|e| {
            anyhow::anyhow!("stored item {} v{}: {e}", case.item_code, case.item_version)
        })?;
        Ok(Standing {
            item: Cow::Owned(item),
            assigned: case.assignee_id.is_some(),
            decision_recorded: events.iter().any(|e| e.action == DECISION_ACTION),
        })
    }

    /// The requirements of `t` that fail, with the checklist as the action leaves it.
    pub fn unmet(&self, t: &Transition, list: &[Entry], note: &str) -> Vec<Unmet> {
        let missing: Vec<&str> = checklist::missing(list)
            .iter()
            .map(|e| e.name.as_str())
            .collect();
        t.unmet(&Facts {
            item: &self.item,
            missing: &missing,
            assigned: self.assigned,
            decision_recorded: self.decision_recorded,
            note_given: !note.trim().is_empty(),
        })
    }

    /// Refuses `t` when anything it requires fails, naming every reason at once.
    pub fn check(&self, t: &Transition, list: &[Entry], note: &str) -> CaseResult<()> {
        let unmet = self.unmet(t, list, note);
        match unmet.first() {
            None => Ok(()),
            Some(first) => Err(CaseError::Refused(refusal(t, first.code(), &unmet))),
        }
    }
}

/// One refusal for all that fails: the first reason's code for programs that look at one,
/// every reason in the message and in the list.
fn refusal(t: &Transition, code: &'static str, unmet: &[Unmet]) -> Refusal {
    let reasons: Vec<Reason> = unmet
        .iter()
        .map(|u| Reason {
            code: u.code(),
            message: u.to_string(),
        })
        .collect();
    let text: Vec<&str> = reasons.iter().map(|r| r.message.as_str()).collect();
    let message = format!("不能“{}”：{}", t.action_label(), text.join("；"));
    Refusal::new(code, message).with_reasons(reasons)
}
