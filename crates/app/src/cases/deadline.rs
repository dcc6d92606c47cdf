//! The due day of a case after a change, from its history on the calendar in force.

use quanke_domain::calendar::WorkCalendar;
use quanke_domain::case::{State, due_date};
use quanke_store::cases::Event;
use time::Date;
use time::macros::format_description;

pub fn parse_day(s: &str) -> Option<Date> {
    Date::parse(s, format_description!("[year]-[month]-[day]")).ok()
}

pub fn format_day(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// (day, state entered) from the stored events, plus the change about to happen.
pub fn history(events: &[Event], next: Option<(&str, State)>) -> Vec<(Date, State)> {
    // Assignments and notes repeat the state; they do not move the clock.
    let stored = events
        .iter()
        .filter(|e| e.moved())
        .filter_map(|e| Some((parse_day(&e.on_day)?, e.to_state)));
    let next = next.and_then(|(day, s)| Some((parse_day(day)?, s)));
    stored.chain(next).collect()
}

/// The due day while the clock runs in `state`; None while paused or once the office is done.
pub fn due_on(
    calendar: &WorkCalendar,
    accepted_on: &str,
    promised_days: i64,
    state: State,
    history: &[(Date, State)],
) -> Option<String> {
    if !state.clock_runs() {
        return None;
    }
    let start = parse_day(accepted_on)?;
    let days = u32::try_from(promised_days).ok()?;
    due_date(calendar, start, days, history).map(format_day)
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
        assert_eq!(
            due_on(&cal, "2025-09-26", 5, State::Accepted, &h).as_deref(),
            Some("2025-10-10")
        );
        assert_eq!(
            due_on(&cal, "2025-09-26", 5, State::AwaitingMaterials, &h),
            None
        );
        assert_eq!(due_on(&cal, "2025-09-26", 5, State::Completed, &h), None);
        assert_eq!(due_on(&cal, "bad", 5, State::Accepted, &h), None);
    }
}
