//! Days as the registry counts them: Beijing dates, ages in whole years, cut-offs years back.

use quanke_domain::registry::parse_date;
use time::{Date, OffsetDateTime};

/// Today in Beijing.
pub fn today() -> Date {
    OffsetDateTime::now_utc()
        .to_offset(time::macros::offset!(+8))
        .date()
}

/// Whole years lived on `on`; `None` when the stored birth date is not a date.
pub fn age(birth_date: &str, on: Date) -> Option<i32> {
    let birth = parse_date(birth_date)?;
    let had_birthday = (on.month(), on.day()) >= (birth.month(), birth.day());
    Some(on.year() - birth.year() - i32::from(!had_birthday))
}

/// The same day `years` earlier; 29 February becomes the 28th in a common year.
pub fn years_before(day: Date, years: i32) -> Date {
    let year = day.year() - years;
    day.replace_year(year)
        .or_else(|_| day.replace_day(28).and_then(|d| d.replace_year(year)))
        .unwrap_or(Date::MIN)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn ages_count_birthdays() {
        let on = date!(2026 - 03 - 01);
        assert_eq!(age("1950-03-01", on), Some(76));
        assert_eq!(age("1950-03-02", on), Some(75));
        assert_eq!(age("（已匿名）", on), None);
    }

    #[test]
    fn years_back_from_a_leap_day() {
        assert_eq!(
            years_before(date!(2028 - 02 - 29), 5),
            date!(2023 - 02 - 28)
        );
        assert_eq!(
            years_before(date!(2026 - 11 - 28), 5),
            date!(2021 - 11 - 28)
        );
    }
}
