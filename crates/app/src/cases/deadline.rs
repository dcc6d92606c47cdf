//! The due day of a case after a change, from its history on the calendar in force.

use quanke_domain::calendar::{Day, WorkCalendar};
use quanke_domain::case::{State, due_date};
use quanke_store::cases::Event;
use time::Date;

/// A day typed or read as text ("2026-12-06"), the stored form (`Day`).
pub fn parse_day(s: &str) -> Option<Date> {
    s.parse::<Day>().ok().map(Day::date)
}

pub fn format_day(d: Date) -> String {
    Day::from(d).to_string()
}

/// (day, state entered) from the stored events, plus the change about to happen.
pub fn history(events: &[Event], next: Option<(Day, State)>) -> Vec<(Date, State)> {
    // Assignments and notes repeat the state; they do not move the clock.
    let stored = events
        .iter()
        .filter(|e| e.moved())
        .map(|e| (e.on_day.date(), e.to_state));
    let next = next.map(|(day, s)| (day.date(), s));
    stored.chain(next).collect()
}

/// The due day while the clock runs in `state`; None while paused or once the office is done.
pub fn due_on(
    calendar: &WorkCalendar,
    accepted_on: Day,
    promised_days: i64,
    state: State,
    history: &[(Date, State)],
) -> Option<Day> {
    if !state.clock_runs() {
        return None;
    }
    let start = accepted_on.date();
    let days = u32::try_from(promised_days).ok()?;
    due_date(calendar, start, days, history).map(Day::from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn due_day_runs_only_while_the_office_works() {
        let cal = WorkCalendar::default_china();
        // Accepted Fri 2025-09-26 with 5 days: due 2025-10-10 across 国庆 and the 调休 Sunday.
        let h = [(date!(2025 - 09 - 26), State::Accepted)];
        let accepted = Day::from(date!(2025 - 09 - 26));
        assert_eq!(
            due_on(&cal, accepted, 5, State::Accepted, &h),
            Some(Day::from(date!(2025 - 10 - 10)))
        );
        assert_eq!(
            due_on(&cal, accepted, 5, State::AwaitingMaterials, &h),
            None
        );
        assert_eq!(due_on(&cal, accepted, 5, State::Completed, &h), None);
        assert_eq!(due_on(&cal, accepted, -1, State::Accepted, &h), None);
    }
}
