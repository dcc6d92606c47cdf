//! Which days are working days: the weekend rule, overridden by the yearly official arrangement.

use std::collections::BTreeMap;

use time::{Date, Weekday};

use super::file;

const SHIPPED: &str = include_str!("../../data/holidays.txt");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayKind {
    /// A day off: a public holiday, or a weekend day inside one.
    Off,
    /// A weekend day made a working day (调休).
    Work,
}

/// A date whose status the official arrangement sets, with its Chinese name ("春节", "春节调休").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecialDay {
    pub date: Date,
    pub kind: DayKind,
    pub name: String,
}

/// The working-day calendar, built from data so that admins can add next year's arrangement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkCalendar {
    /// Years whose official arrangement is loaded, with the notice it comes from.
    years: BTreeMap<i32, String>,
    days: BTreeMap<Date, SpecialDay>,
}

impl WorkCalendar {
    /// Parses the text format of `data/holidays.txt`; errors name the line.
    pub fn parse(text: &str) -> Result<Self, file::CalendarFileError> {
        file::parse(text)
    }

    /// The shipped State Council arrangements (2025 and 2026).
    pub fn default_china() -> Self {
        // The shipped file is parsed by a test, so this cannot fail in use.
        Self::parse(SHIPPED).expect("data/holidays.txt is valid")
    }

    pub(super) fn new(years: BTreeMap<i32, String>, days: BTreeMap<Date, SpecialDay>) -> Self {
        Self { years, days }
    }

    /// Whether the official arrangement for `year` is loaded. Outside covered years only the
    /// weekend rule applies, so deadlines there ignore holidays and callers should say so.
    pub fn covers(&self, year: i32) -> bool {
        self.years.contains_key(&year)
    }

    /// The notice the arrangement for `year` comes from, e.g. "国办发明电〔2024〕12号".
    pub fn source(&self, year: i32) -> Option<&str> {
        self.years.get(&year).map(String::as_str)
    }

    /// The holiday or adjusted working day on `date`, if any.
    pub fn special_day(&self, date: Date) -> Option<&SpecialDay> {
        self.days.get(&date)
    }

    pub fn is_working_day(&self, date: Date) -> bool {
        match self.days.get(&date) {
            Some(day) => day.kind == DayKind::Work,
            None => !is_weekend(date),
        }
    }
}

pub(super) fn is_weekend(date: Date) -> bool {
    matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn shipped_file_parses_and_covers_2025_and_2026() {
        let calendar = WorkCalendar::parse(SHIPPED).unwrap();
        assert!(calendar.covers(2025));
        assert!(calendar.covers(2026));
        assert!(!calendar.covers(2024));
        assert!(!calendar.covers(2027));
        assert_eq!(calendar.source(2025), Some("国办发明电〔2024〕12号"));
        assert_eq!(calendar.source(2026), Some("国办发明电〔2025〕7号"));
        assert_eq!(calendar.source(2027), None);
    }

    #[test]
    fn holidays_of_2025_are_days_off() {
        let calendar = WorkCalendar::default_china();
        for day in [
            date!(2025 - 01 - 01), // 元旦, Wednesday
            date!(2025 - 01 - 28), // 春节 eve, Tuesday
            date!(2025 - 02 - 04), // last day of 春节, Tuesday
            date!(2025 - 04 - 04), // 清明, Friday
            date!(2025 - 05 - 05), // 劳动节, Monday
            date!(2025 - 06 - 02), // 端午, Monday
            date!(2025 - 10 - 08), // last day of 国庆/中秋, Wednesday
        ] {
            assert!(!calendar.is_working_day(day), "{day}");
        }
    }

    #[test]
    fn adjusted_weekend_days_are_working_days() {
        let calendar = WorkCalendar::default_china();
        for day in [
            date!(2025 - 01 - 26), // Sunday
            date!(2025 - 02 - 08), // Saturday
            date!(2025 - 04 - 27), // Sunday
            date!(2025 - 09 - 28), // Sunday
            date!(2025 - 10 - 11), // Saturday
            date!(2026 - 01 - 04), // Sunday
            date!(2026 - 02 - 14), // Saturday
            date!(2026 - 02 - 28), // Saturday
            date!(2026 - 05 - 09), // Saturday
            date!(2026 - 09 - 20), // Sunday
            date!(2026 - 10 - 10), // Saturday
        ] {
            assert!(is_weekend(day), "{day} should be a weekend day");
            assert!(calendar.is_working_day(day), "{day}");
        }
    }

    #[test]
    fn ordinary_days_follow_the_weekend_rule() {
        let calendar = WorkCalendar::default_china();
        assert!(calendar.is_working_day(date!(2025 - 03 - 03))); // Monday
        assert!(!calendar.is_working_day(date!(2025 - 03 - 01))); // Saturday
        assert!(!calendar.is_working_day(date!(2026 - 02 - 21))); // Saturday inside 春节
        assert!(calendar.is_working_day(date!(2026 - 02 - 24))); // Tuesday after 春节
    }

    #[test]
    fn uncovered_years_fall_back_to_weekends() {
        let calendar = WorkCalendar::default_china();
        // 2027-01-01 (Friday) will surely be a holiday, but no arrangement is loaded for 2027.
        assert!(!calendar.covers(2027));
        assert!(calendar.is_working_day(date!(2027 - 01 - 01)));
        assert!(!calendar.is_working_day(date!(2027 - 01 - 02)));
    }

    #[test]
    fn special_days_carry_their_names() {
        let calendar = WorkCalendar::default_china();
        let first = calendar.special_day(date!(2026 - 02 - 15)).unwrap();
        assert_eq!((first.kind, first.name.as_str()), (DayKind::Off, "春节"));
        let adjusted = calendar.special_day(date!(2026 - 02 - 28)).unwrap();
        assert_eq!(
            (adjusted.kind, adjusted.name.as_str()),
            (DayKind::Work, "春节调休")
        );
        assert_eq!(calendar.special_day(date!(2026 - 03 - 02)), None);
    }
}
