//! The deadline clock of a case, on the working-day calendar.
//!
//! The clock starts on `accepted`, the day the office took the case (for a case that went
//! through 补正 at the desk, the day it was first received, so that the resident's wait is what
//! gets excluded, not the office's). It stops for every interval the case spends in a state
//! whose `pauses_clock()` is true: from the day it enters through the day it leaves, both
//! included, the day it leaves being treated like an acceptance day (it does not count). The
//! working-day arithmetic is the calendar's (`WorkCalendar::deadline_with_pauses`).

use time::Date;

use super::state::State;
use crate::calendar::{Pause, WorkCalendar};

/// Working days left at or below which a case is flagged as due soon (即将到期).
pub const DUE_SOON_DAYS: u32 = 2;

/// The pauses in a state history given as (date, state entered) events in the order they
/// happened. The last pause is open (`end: None`) while the case is still paused.
pub fn clock_pauses(history: &[(Date, State)]) -> Vec<Pause> {
    let mut pauses: Vec<Pause> = Vec::new();
    for &(date, state) in history {
        let open = pauses.last_mut().filter(|p| p.end.is_none());
        match (open, state.pauses_clock()) {
            (None, true) => pauses.push(Pause {
                start: date,
                end: None,
            }),
            (Some(pause), false) => pause.end = Some(date),
            // Still paused, or still running: the event does not move the clock.
            _ => {}
        }
    }
    pauses
}

/// The due date of a case accepted on `accepted` with `working_days` promised, given its state
/// history; `None` while the case waits for materials, since the date depends on when the
/// resident returns.
pub fn due_date(
    calendar: &WorkCalendar,
    accepted: Date,
    working_days: u32,
    history: &[(Date, State)],
) -> Option<Date> {
    calendar.deadline_with_pauses(accepted, working_days, &clock_pauses(history))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DueStatus {
    OnTime,
    /// At most two working days left, the due day included.
    DueSoon,
    Overdue,
}

impl DueStatus {
    pub fn label(self) -> &'static str {
        match self {
            DueStatus::OnTime => "正常",
            DueStatus::DueSoon => "即将到期",
            DueStatus::Overdue => "已逾期",
        }
    }
}

/// Where a case due on `due` stands on `today`.
pub fn due_status(due: Date, today: Date, calendar: &WorkCalendar) -> DueStatus {
    // Compared by date first: on the weekend after a Friday deadline no working day has passed,
    // yet the case is late.
    if today > due {
        return DueStatus::Overdue;
    }
    if calendar.working_days_between(today, due) <= i64::from(DUE_SOON_DAYS) {
        DueStatus::DueSoon
    } else {
        DueStatus::OnTime
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use State::*;
    use time::macros::date;

    fn china() -> WorkCalendar {
        WorkCalendar::default_china()
    }

    #[test]
    fn without_a_pause_the_promise_counts_from_acceptance() {
        // Accepted Fri 2025-09-26: 09-28 Sun 调休 (1), 09-29 (2), 09-30 (3), 10-01–10-08 国庆,
        // 10-09 (4), 10-10 (5).
        let history = [
            (date!(2025 - 09 - 26), Received),
            (date!(2025 - 09 - 26), Accepted),
        ];
        assert_eq!(
            due_date(&china(), date!(2025 - 09 - 26), 5, &history),
            Some(date!(2025 - 10 - 10))
        );
    }

    #[test]
    fn materials_pause_across_national_day_2025() {
        // Received online Wed 2025-09-24, 5 working days promised. The desk checks it on Fri
        // 09-26 and asks for a missing material (补正); the resident brings it Thu 10-09.
        // After 09-24: 09-25 Thu (1); 09-26–10-09 paused, which swallows the 调休 Sunday 09-28
        // and the working days 09-29, 09-30 and 10-09 (10-01–10-08 are off anyway);
        // 10-10 Fri (2); 10-11 Sat 调休 (3); 10-12 Sun off; 10-13 Mon (4); 10-14 Tue (5).
        // Unpaused it would have been due 09-30.
        let history = [
            (date!(2025 - 09 - 24), Received),
            (date!(2025 - 09 - 26), AwaitingMaterials),
            (date!(2025 - 10 - 09), Accepted),
            (date!(2025 - 10 - 10), InProgress),
        ];
        assert_eq!(
            due_date(&china(), date!(2025 - 09 - 24), 5, &history),
            Some(date!(2025 - 10 - 14))
        );
    }

    #[test]
    fn materials_pause_before_spring_festival_2026() {
        // Received Tue 2026-02-10, 3 working days. 补正 Wed 02-11, the resident returns Fri 02-13.
        // After 02-10: 02-11, 02-12, 02-13 paused; 02-14 Sat 调休 (1); 02-15–02-23 春节;
        // 02-24 Tue (2); 02-25 Wed (3). Unpaused: 02-11, 02-12, 02-13, due Fri 02-13.
        let history = [
            (date!(2026 - 02 - 10), Received),
            (date!(2026 - 02 - 11), AwaitingMaterials),
            (date!(2026 - 02 - 13), Accepted),
        ];
        assert_eq!(
            due_date(&china(), date!(2026 - 02 - 10), 3, &history),
            Some(date!(2026 - 02 - 25))
        );
    }

    #[test]
    fn a_second_request_for_materials_after_acceptance_pauses_again() {
        // Received Mon 2025-11-03, 5 working days. 补正 at the desk Tue 11-04, back Wed 11-05;
        // back office asks for more Thu 11-06, back Mon 11-10. Paused: 11-04, 11-05, 11-06 to
        // 11-10. Counted: 11-11 (1), 11-12 (2), 11-13 (3), 11-14 (4), Mon 11-17 (5).
        let history = [
            (date!(2025 - 11 - 03), Received),
            (date!(2025 - 11 - 04), AwaitingMaterials),
            (date!(2025 - 11 - 05), Accepted),
            (date!(2025 - 11 - 06), AwaitingMaterials),
            (date!(2025 - 11 - 10), Accepted),
        ];
        assert_eq!(clock_pauses(&history).len(), 2);
        assert_eq!(
            due_date(&china(), date!(2025 - 11 - 03), 5, &history),
            Some(date!(2025 - 11 - 17))
        );
    }

    #[test]
    fn an_open_pause_has_no_deadline() {
        let history = [
            (date!(2025 - 09 - 24), Received),
            (date!(2025 - 09 - 26), AwaitingMaterials),
        ];
        assert_eq!(due_date(&china(), date!(2025 - 09 - 24), 5, &history), None);
    }

    #[test]
    fn pauses_are_the_intervals_in_pausing_states() {
        let history = [
            (date!(2026 - 03 - 02), Received),
            (date!(2026 - 03 - 03), AwaitingMaterials),
            // A second event in the same pausing state does not open a second pause.
            (date!(2026 - 03 - 04), AwaitingMaterials),
            (date!(2026 - 03 - 05), Accepted),
            (date!(2026 - 03 - 06), InProgress),
            (date!(2026 - 03 - 09), AwaitingMaterials),
        ];
        assert_eq!(
            clock_pauses(&history),
            [
                Pause {
                    start: date!(2026 - 03 - 03),
                    end: Some(date!(2026 - 03 - 05)),
                },
                Pause {
                    start: date!(2026 - 03 - 09),
                    end: None,
                },
            ]
        );
        assert!(clock_pauses(&history[..1]).is_empty());
    }

    #[test]
    fn due_status_counts_working_days_left() {
        let calendar = china();
        let due = date!(2025 - 10 - 09); // Thu, the first working day after 国庆
        let status = |today| due_status(due, today, &calendar);
        // 09-28 调休 Sunday: 09-29, 09-30, 10-09 left.
        assert_eq!(status(date!(2025 - 09 - 28)), DueStatus::OnTime);
        // 09-29: two left (09-30, 10-09).
        assert_eq!(status(date!(2025 - 09 - 29)), DueStatus::DueSoon);
        // 09-30 is nine calendar days before but only one working day.
        assert_eq!(status(date!(2025 - 09 - 30)), DueStatus::DueSoon);
        assert_eq!(status(due), DueStatus::DueSoon);
        assert_eq!(status(date!(2025 - 10 - 10)), DueStatus::Overdue);
    }

    #[test]
    fn the_weekend_after_a_friday_deadline_is_overdue() {
        let calendar = china();
        let due = date!(2025 - 10 - 17); // Friday
        assert_eq!(
            due_status(due, date!(2025 - 10 - 19), &calendar),
            DueStatus::Overdue
        );
        assert_eq!(DueStatus::Overdue.label(), "已逾期");
        assert_eq!(DueStatus::DueSoon.label(), "即将到期");
        assert_eq!(DueStatus::OnTime.label(), "正常");
    }
}
