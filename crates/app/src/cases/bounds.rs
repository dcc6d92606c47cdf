//! The work queues' bounds (mine, team, unassigned, due soon, overdue), written once: the queue
//! page and `GET /api/v1/cases?queue=` (through the case search) and the home pages' figures and
//! lists (through `Days::filter`) all take a queue's condition from `Days::bounds`. Two copies
//! of it once disagreed on what "unassigned" holds.

use super::calendar::CalendarCache;
use quanke_domain::calendar::{Day, WorkCalendar};
use quanke_domain::case::{DUE_SOON_DAYS, State};
use quanke_store::Db;
use quanke_store::cases::{Filter, Queue};

/// Who a case is assigned to, as a search or a queue asks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Assignee {
    Anyone,
    Nobody,
    User(i64),
}

/// The days a queue is bounded by, on the working-day calendar in force: today, the last day
/// that counts as due soon, and yesterday (overdue is due before today).
pub struct Days {
    pub today: String,
    pub soon: String,
    pub yesterday: String,
}

/// A queue's own condition on open cases; `None` and `Anyone` leave the search's as asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounds<'a> {
    pub assignee: Assignee,
    pub state: Option<State>,
    pub due_from: Option<&'a str>,
    pub due_by: Option<&'a str>,
}

impl Days {
    /// The bounds of `today` on the calendar in force.
    pub async fn of(calendar: &CalendarCache, db: &Db, today: Day) -> anyhow::Result<Days> {
        Ok(Days::on(&*calendar.get(db).await?, today))
    }

    pub fn on(calendar: &WorkCalendar, today: Day) -> Days {
        let soon = calendar.add_working_days(today.date(), DUE_SOON_DAYS);
        let yesterday = today.date().previous_day().unwrap_or(today.date());
        Days {
            today: today.to_string(),
            soon: Day::from(soon).to_string(),
            yesterday: Day::from(yesterday).to_string(),
        }
    }

    /// The condition of `queue` for the worker `me` (whose "mine" it is).
    pub fn bounds(&self, queue: Queue, me: Option<i64>) -> Bounds<'_> {
        let mut b = Bounds {
            assignee: Assignee::Anyone,
            state: None,
            due_from: None,
            due_by: None,
        };
        match queue {
            Queue::Mine => b.assignee = me.map_or(Assignee::Anyone, Assignee::User),
            Queue::Team => {}
            // Waiting for the head to give it out: accepted and nobody's. A case at the desk
            // (received, awaiting materials) has nobody to assign yet.
            Queue::Unassigned => {
                b.assignee = Assignee::Nobody;
                b.state = Some(State::Accepted);
            }
            Queue::DueSoon => {
                b.due_from = Some(&self.today);
                b.due_by = Some(&self.soon);
            }
            // Due before today: "due_on <= yesterday" in day strings.
            Queue::Overdue => b.due_by = Some(&self.yesterday),
        }
        b
    }

    /// The open cases of `queue` inside `within` (`me`: whose "mine" is), at most `limit`.
    pub fn filter<'a>(
        &'a self,
        within: &'a str,
        me: Option<i64>,
        queue: Queue,
        limit: i64,
    ) -> Filter<'a> {
        let b = self.bounds(queue, me);
        Filter {
            within,
            open_only: true,
            assignee: match b.assignee {
                Assignee::User(id) => Some(id),
                _ => None,
            },
            unassigned: b.assignee == Assignee::Nobody,
            state: b.state.map(State::code),
            due_from: b.due_from,
            due_by: b.due_by,
            limit,
            ..Filter::default()
        }
    }

    /// The open cases due today inside `within`.
    pub fn due_today<'a>(&'a self, within: &'a str, limit: i64) -> Filter<'a> {
        Filter {
            within,
            open_only: true,
            due_from: Some(&self.today),
            due_by: Some(&self.today),
            limit,
            ..Filter::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn days() -> Days {
        // Friday 4 December 2026: due soon runs over the weekend to the working days after.
        Days::on(
            &WorkCalendar::default_china(),
            "2026-12-04".parse().unwrap(),
        )
    }

    #[test]
    fn unassigned_is_accepted_and_nobodys() {
        let d = days();
        let f = d.filter("/1/2/", Some(7), Queue::Unassigned, 25);
        assert!(f.open_only && f.unassigned);
        assert_eq!(f.assignee, None);
        assert_eq!(f.state, Some("accepted"));
    }

    #[test]
    fn each_queue_bounds_its_own_field() {
        let d = days();
        assert_eq!(d.yesterday, "2026-12-03");
        let mine = d.filter("/1/", Some(7), Queue::Mine, 25);
        assert_eq!(
            (mine.assignee, mine.unassigned, mine.state),
            (Some(7), false, None)
        );
        let team = d.filter("/1/", Some(7), Queue::Team, 25);
        assert_eq!((team.assignee, team.state, team.due_by), (None, None, None));
        let soon = d.filter("/1/", None, Queue::DueSoon, 25);
        assert_eq!(soon.due_from, Some("2026-12-04"));
        assert!(soon.due_by.is_some_and(|s| s > "2026-12-04"));
        let overdue = d.filter("/1/", None, Queue::Overdue, 25);
        assert_eq!(
            (overdue.due_from, overdue.due_by),
            (None, Some("2026-12-03"))
        );
    }
}
