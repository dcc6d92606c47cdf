//! A calendar day as cases, events and visits keep it: "2026-12-06" in the database, in pages
//! and in the API, a `time::Date` for the rules that count working days.
//!
//! Decoded once where a row is read (the store), so a malformed stored day is an error there,
//! not a deadline silently skipped by each rule that would otherwise parse the text again.

use serde::{Serialize, Serializer};
use std::fmt;
use std::str::FromStr;
use time::Date;
use time::macros::format_description;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(Date);

/// Text that is not a day in the stored form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("不是有效的日期（应为 年-月-日，如 2026-12-06）：{0}")]
pub struct BadDay(pub String);

impl Day {
    pub fn date(self) -> Date {
        self.0
    }
}

impl From<Date> for Day {
    fn from(d: Date) -> Day {
        Day(d)
    }
}

impl FromStr for Day {
    type Err = BadDay;

    fn from_str(s: &str) -> Result<Day, BadDay> {
        Date::parse(s, format_description!("[year]-[month]-[day]"))
            .map(Day)
            .map_err(|_| BadDay(s.to_string()))
    }
}

/// Decoding a stored day (`#[sqlx(try_from = "String")]`).
impl TryFrom<String> for Day {
    type Error = BadDay;

    fn try_from(s: String) -> Result<Day, BadDay> {
        s.parse()
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.0;
        write!(
            f,
            "{:04}-{:02}-{:02}",
            d.year(),
            u8::from(d.month()),
            d.day()
        )
    }
}

/// Pages and the API show the stored form.
impl Serialize for Day {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_read_and_write_the_stored_form() {
        let day: Day = "2026-02-03".parse().unwrap();
        assert_eq!(day.to_string(), "2026-02-03");
        assert_eq!(day.date().ordinal(), 34);
        assert_eq!(serde_json::to_string(&day).unwrap(), "\"2026-02-03\"");
    }

    #[test]
    fn other_text_is_refused_with_its_text() {
        for bad in ["", "2026-2-3", "2026-02-30", "明天", "2026-02-03 08:00"] {
            assert_eq!(bad.parse::<Day>(), Err(BadDay(bad.to_string())), "{bad}");
        }
    }

    #[test]
    fn days_order_as_the_calendar() {
        let a: Day = "2025-12-31".parse().unwrap();
        let b: Day = "2026-01-01".parse().unwrap();
        assert!(a < b);
    }
}
