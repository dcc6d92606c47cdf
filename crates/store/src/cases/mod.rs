//! Cases (办件): creation with a day-numbered case number and an idempotency key, state changes
//! that append events and refuse a stale state, and the event history. The records around a
//! case live in the submodules.

mod approvals;
mod create;
mod documents;
mod files;
mod links;
mod mandates;
mod queue;
mod results;
mod routed;
mod search;
mod tail;
mod transfers;
mod visits;
mod writer;

pub use approvals::{
    Approval, decide_approval, pending_approval, pending_approvals, request_approval,
};
pub use create::{MAX_BATCH, create, create_many};
pub use documents::{Document, NewDocument, document, documents};
pub use files::{CaseFile, NewFile, add_file, file, files};
pub use links::{link, linked};
pub use mandates::{Mandate, mandate, record_mandate};
pub use queue::{
    OpenCase, Queue, intake_by_channel, intake_by_community, mark_escalated, open_for_resident,
    overdue_unescalated,
};
pub use results::{CaseOutcome, NewResult, outcome};
pub use routed::{Assignment, Router};
pub use search::{
    At, Cursor, Filter, Page, Sort, count, count_by_community, id_numbers, list, page,
};
pub use transfers::{Transfer, answer_transfer, pending_transfers_to, request_transfer, transfers};
pub use visits::{Visit, record_visit, visits};
pub use writer::Writer;

use sqlx::FromRow;

use crate::db::{with_pool, with_write_turn};
use crate::notifications::notify_user;
use crate::statement::Run;
use crate::{Db, Result, StoreError};
use quanke_domain::OrgPath;
use quanke_domain::calendar::Day;
use quanke_domain::case::State;
use quanke_domain::catalogue::BusinessKind;
use quanke_domain::notice::Kind;
use tail::Tail;

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct Case {
    pub id: i64,
    pub number: String,
    #[sqlx(try_from = "String")]
    pub community_path: OrgPath,
    pub item_code: String,
    pub item_version: i64,
    pub resident_id: Option<i64>,
    pub applicant_name: String,
    pub applicant_phone: String,
    pub channel: String,
    #[sqlx(try_from = "String")]
    pub state: State,
    pub promised_days: i64,
    pub assignee_id: Option<i64>,
    pub created_by: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub line: String,
    #[sqlx(try_from = "String")]
    pub business_kind: BusinessKind,
    /// JSON object: question id → answers.
    pub answers: String,
    /// JSON array of {id, name, how_to_obtain, status}.
    pub checklist: String,
    pub accepted_on: Option<Day>,
    pub due_on: Option<Day>,
    pub escalated_at: Option<i64>,
    pub open311_key_id: Option<i64>,
    /// The client's key that made it (API, portal), for answering a repeated request.
    pub idempotency_key: Option<String>,
}

/// One step of a case's history.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct Event {
    pub id: i64,
    pub at: i64,
    pub on_day: Day,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    /// None for the event that opened the case (stored as "").
    #[sqlx(try_from = "String")]
    pub from_state: Origin,
    #[sqlx(try_from = "String")]
    pub to_state: State,
    pub action: String,
    pub note: String,
}

impl Event {
    /// Whether this step changed the case's state (not a note, a visit or an assignment).
    pub fn moved(&self) -> bool {
        self.from_state.moved_to(self.to_state)
    }
}

/// A state read as a stored code outside a row type (`State::try_from`); a code the domain
/// does not know is a conflict in the data.
pub(crate) fn stored_state(code: String) -> Result<State> {
    State::try_from(code).map_err(|e| StoreError::Conflict(e.to_string()))
}

/// The state an event left: none for the event that opened the case, which the history
/// stores as "" (every other code is a state's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Origin(pub Option<State>);

impl Origin {
    /// Whether an event from here to `to` changed the state (the opening event always did).
    pub fn moved_to(self, to: State) -> bool {
        self.0 != Some(to)
    }

    /// The stored code: "" for the opening event.
    pub fn code(self) -> &'static str {
        self.0.map_or("", State::code)
    }
}

impl TryFrom<String> for Origin {
    type Error = quanke_domain::case::UnknownState;

    fn try_from(code: String) -> std::result::Result<Self, Self::Error> {
        if code.is_empty() {
            Ok(Origin(None))
        } else {
            State::try_from(code).map(|s| Origin(Some(s)))
        }
    }
}

/// Who acts, and when (Unix seconds and the Beijing day).
pub struct Actor<'a> {
    pub id: Option<i64>,
    pub name: &'a str,
    pub now: i64,
    pub today: Day,
}

#[derive(Debug, Clone)]
pub struct NewCase {
    pub community_path: OrgPath,
    /// The community's code, the case number's prefix.
    pub community_code: String,
    pub item_code: String,
    pub item_version: i64,
    pub line: String,
    pub business_kind: BusinessKind,
    pub answers: String,
    pub checklist: String,
    pub resident_id: Option<i64>,
    pub applicant_name: String,
    pub applicant_phone: String,
    /// desk, portal, grid, phone or open311.
    pub channel: String,
    /// The state the case starts in and the action that put it there.
    pub state: State,
    pub action: String,
    pub note: String,
    pub promised_days: i64,
    pub accepted_on: Option<Day>,
    pub due_on: Option<Day>,
    pub assignee_id: Option<i64>,
    pub open311_key_id: Option<i64>,
    pub idempotency_key: Option<String>,
    /// The resident came in for this (intake at the desk): recorded as a visit with the case.
    pub visit: Option<String>,
    /// Why `assignee_id` got the case (routing's note), appended as an "assign" event.
    pub assign_note: Option<String>,
    /// Give the case out by the writer's `Router` in the transaction that writes it (setting
    /// `assignee_id` and `assign_note`); for an accepted case.
    pub route: bool,
    /// The resident's mandate for a grid worker's 代办, written with the case.
    pub mandate: Option<Mandate>,
}

/// What is written in the same transaction as a new case, so that the case is never seen
/// without it: the scans that came with an application (a crash cannot leave a case with some
/// of its scans) and the document handed out at intake.
#[derive(Debug, Clone, Default)]
pub struct Enclosures {
    /// Attached to the case's opening event.
    pub files: Vec<Attachment>,
    pub document: Option<NewDocument>,
    /// The decision of a case completed at intake (即办).
    pub result: Option<NewResult>,
}

/// A file that comes with a new case (owned: it waits in the case writer's queue).
#[derive(Debug, Clone)]
pub struct Attachment {
    pub file_name: String,
    pub content_type: String,
    pub data: Vec<u8>,
}

macro_rules! select_cases {
    () => {
        "SELECT id, number, community_path, item_code, item_version, resident_id, \
         applicant_name, applicant_phone, channel, state, promised_days, assignee_id, \
         created_by, created_at, updated_at, line, business_kind, answers, checklist, \
         accepted_on, due_on, escalated_at, open311_key_id, idempotency_key FROM cases "
    };
}
pub(crate) use select_cases;

macro_rules! insert_event {
    ($tx:ident, $case:expr, $by:expr, $from:expr, $to:expr, $action:expr, $note:expr) => {
        sqlx::query_as::<_, (i64,)>(
            "INSERT INTO case_events (case_id, at, on_day, actor_id, actor_name, from_state, \
             to_state, action, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind($case)
        .bind($by.now)
        .bind($by.today)
        .bind($by.id)
        .bind($by.name)
        .bind($from)
        .bind($to)
        .bind($action)
        .bind($note)
        .fetch_one(&mut *$tx)
        .await?
        .0
    };
}
pub(crate) use insert_event;

pub async fn get(db: &Db, id: i64) -> Result<Case> {
    let sql = concat!(select_cases!(), "WHERE id = $1");
    Ok(with_pool!(db, |p| sqlx::query_as(sql)
        .bind(id)
        .fetch_one(p)
        .await?))
}

pub async fn by_number(db: &Db, number: &str) -> Result<Case> {
    let sql = concat!(select_cases!(), "WHERE number = $1");
    Ok(with_pool!(db, |p| sqlx::query_as(sql)
        .bind(number)
        .fetch_one(p)
        .await?))
}

/// A state change and what changes with it.
pub struct Move<'a> {
    pub from: State,
    pub to: State,
    pub action: &'a str,
    pub note: &'a str,
    /// The due day after the change (None: paused or closed).
    pub due_on: Option<Day>,
    /// Set when the clock starts with this change; left as it was when None.
    pub accepted_on: Option<Day>,
    /// The checklist after the change (materials brought on return); left when None.
    pub checklist: Option<&'a str>,
}

/// Moves a case (the caller has checked the lifecycle) and appends the event; returns the
/// event's id, for files attached to it. Refused with `Conflict` when the case is no longer
/// in `from`: someone else acted first, and the worker must see the case as it is now.
pub async fn transition(db: &Db, case_id: i64, m: &Move<'_>, by: &Actor<'_>) -> Result<i64> {
    transition_issuing(db, case_id, m, None, None, by).await
}

/// `transition`, with the document the change hands out and the result a completion decides
/// written in the same transaction: a change is never kept without them, nor they without it.
pub async fn transition_issuing(
    db: &Db,
    case_id: i64,
    m: &Move<'_>,
    document: Option<&NewDocument>,
    result: Option<&NewResult>,
    by: &Actor<'_>,
) -> Result<i64> {
    let backend = db.backend();
    let event = with_write_turn!(db, |tx| {
        let moved = sqlx::query(
            "UPDATE cases SET state = $1, updated_at = $2, due_on = $3, \
             accepted_on = COALESCE($4, accepted_on), checklist = COALESCE($5, checklist) \
             WHERE id = $6 AND state = $7",
        )
        .bind(m.to.code())
        .bind(by.now)
        .bind(m.due_on)
        .bind(m.accepted_on)
        .bind(m.checklist)
        .bind(case_id)
        .bind(m.from.code())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if moved == 0 {
            tx.rollback().await?;
            return Err(StoreError::Conflict(format!(
                "case {case_id} is not in {}",
                m.from.code()
            )));
        }
        let id = insert_event!(
            tx,
            case_id,
            by,
            m.from.code(),
            m.to.code(),
            m.action,
            m.note
        );
        let issued = Tail {
            documents: document.map(|d| (case_id, d, by)).into_iter().collect(),
            results: result.map(|r| (case_id, r, by)).into_iter().collect(),
            ..Tail::default()
        };
        for s in issued.statements(backend) {
            Run::execute(&mut *tx, &s).await?;
        }
        tx.commit().await?;
        id
    });
    Ok(event)
}

/// Appends an event that does not change the state (assignment, transfer, escalation, note).
pub async fn note(db: &Db, case_id: i64, action: &str, note: &str, by: &Actor<'_>) -> Result<i64> {
    let event = with_pool!(db, |pool| {
        let mut tx = pool.begin().await?;
        let (state,): (String,) = sqlx::query_as("SELECT state FROM cases WHERE id = $1")
            .bind(case_id)
            .fetch_one(&mut *tx)
            .await?;
        let id = insert_event!(tx, case_id, by, &state, &state, action, note);
        tx.commit().await?;
        id
    });
    Ok(event)
}

/// Gives the case to a worker (None: back to the unassigned queue), records who did it and
/// tells the worker (the note is the notification's text).
pub async fn assign(
    db: &Db,
    case_id: i64,
    assignee: Option<i64>,
    note: &str,
    by: &Actor<'_>,
) -> Result<()> {
    with_pool!(db, |pool| {
        let mut tx = pool.begin().await?;
        let (state,): (String,) = sqlx::query_as(
            "UPDATE cases SET assignee_id = $1, updated_at = $2 WHERE id = $3 RETURNING state",
        )
        .bind(assignee)
        .bind(by.now)
        .bind(case_id)
        .fetch_one(&mut *tx)
        .await?;
        insert_event!(tx, case_id, by, &state, &state, "assign", note);
        notify_user!(tx, assignee, Kind::Assigned, case_id, note, by);
        tx.commit().await?;
    });
    Ok(())
}

/// Moves the case to another community (an accepted 通办 transfer), unassigned.
pub async fn move_to_community(
    db: &Db,
    case_id: i64,
    community_path: &str,
    note: &str,
    by: &Actor<'_>,
) -> Result<()> {
    with_pool!(db, |pool| {
        let mut tx = pool.begin().await?;
        let (state,): (String,) = sqlx::query_as(
            "UPDATE cases SET community_path = $1, assignee_id = NULL, updated_at = $2 \
             WHERE id = $3 RETURNING state",
        )
        .bind(community_path)
        .bind(by.now)
        .bind(case_id)
        .fetch_one(&mut *tx)
        .await?;
        insert_event!(tx, case_id, by, &state, &state, "transfer_accepted", note);
        tx.commit().await?;
    });
    Ok(())
}

/// The case's history, oldest first.
pub async fn events(db: &Db, case_id: i64) -> Result<Vec<Event>> {
    let sql = "SELECT id, at, on_day, actor_id, actor_name, from_state, to_state, action, note \
               FROM case_events WHERE case_id = $1 ORDER BY id";
    Ok(with_pool!(db, |p| sqlx::query_as(sql)
        .bind(case_id)
        .fetch_all(p)
        .await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_events_origin_is_a_stored_code_or_none() {
        assert_eq!(Origin::try_from(String::new()), Ok(Origin(None)));
        let accepted = Origin::try_from("accepted".to_string()).unwrap();
        assert_eq!(accepted, Origin(Some(State::Accepted)));
        assert_eq!(accepted.code(), "accepted");
        assert_eq!(Origin(None).code(), "");
        // The Chinese name is a label, never a stored code.
        assert!(Origin::try_from("已受理".to_string()).is_err());
        assert!(Origin(None).moved_to(State::Received));
        assert!(accepted.moved_to(State::InProgress));
        assert!(!accepted.moved_to(State::Accepted));
    }
}
