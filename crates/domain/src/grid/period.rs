//! How often a rule wants a visit: every N days from the last one, or once per calendar month,
//! quarter, half-year or year.

use time::{Date, Duration, Month};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    /// Rolling: the next visit is due N days after the last.
    EveryDays(u16),
    /// Once in each calendar period.
    Calendar(Calendar),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Calendar {
    Month,
    Quarter,
    HalfYear,
    Year,
}

impl Period {
    /// Reads 每7天, 每月, 每季度, 每半年, 每年 (spaces allowed: 每 7 天).
    pub fn parse(text: &str) -> Option<Period> {
        let text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        match text.as_str() {
            "每月" => Some(Period::Calendar(Calendar::Month)),
            "每季度" | "每季" => Some(Period::Calendar(Calendar::Quarter)),
            "每半年" => Some(Period::Calendar(Calendar::HalfYear)),
            "每年" => Some(Period::Calendar(Calendar::Year)),
            other => {
                let n = other.strip_prefix('每')?.strip_suffix('天')?.parse().ok()?;
                (1..=366).contains(&n).then_some(Period::EveryDays(n))
            }
        }
    }

    /// As people write it, and as `parse` reads it back.
    pub fn label(self) -> String {
        match self {
            Period::EveryDays(n) => format!("每{n}天"),
            Period::Calendar(Calendar::Month) => "每月".into(),
            Period::Calendar(Calendar::Quarter) => "每季度".into(),
            Period::Calendar(Calendar::HalfYear) => "每半年".into(),
            Period::Calendar(Calendar::Year) => "每年".into(),
        }
    }

    /// The earliest visit that still covers a subject on `today`: for a rolling period N days
    /// back (a visit N days ago makes the next one due today), else the period's first day.
    pub fn counts_from(self, today: Date) -> Date {
        match self {
            Period::EveryDays(n) => today - Duration::days(n.into()),
            Period::Calendar(c) => c.span(today).0,
        }
    }
}

impl Calendar {
    fn months(self) -> u8 {
        match self {
            Calendar::Month => 1,
            Calendar::Quarter => 3,
            Calendar::HalfYear => 6,
            Calendar::Year => 12,
        }
    }

    /// The period holding `day`: its first and last day.
    pub fn span(self, day: Date) -> (Date, Date) {
        let months = self.months();
        let first_month = (u8::from(day.month()) - 1) / months * months + 1;
        let start = first_of(day.year(), first_month);
        let next = first_month + months;
        let end = if next > 12 {
            first_of(day.year() + 1, next - 12)
        } else {
            first_of(day.year(), next)
        };
        (start, end - Duration::days(1))
    }
}

fn first_of(year: i32, month: u8) -> Date {
    let month = Month::try_from(month).expect("month computed within 1..=12");
    Date::from_calendar_date(year, month, 1).expect("the first of a month exists")
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn periods_read_back_as_labelled() {
        let calendar = [
            Calendar::Month,
            Calendar::Quarter,
            Calendar::HalfYear,
            Calendar::Year,
        ];
        let all = calendar
            .map(Period::Calendar)
            .into_iter()
            .chain([Period::EveryDays(7)]);
        for p in all {
            assert_eq!(Period::parse(&p.label()), Some(p));
        }
        assert_eq!(Period::parse("每 30 天"), Some(Period::EveryDays(30)));
        for bad in ["每0天", "每400天", "7天", "每周几", "每天天"] {
            assert_eq!(Period::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn calendar_spans_hold_the_day() {
        let d = date!(2026 - 11 - 15);
        assert_eq!(
            Calendar::Month.span(d),
            (date!(2026 - 11 - 01), date!(2026 - 11 - 30))
        );
        assert_eq!(
            Calendar::Quarter.span(d),
            (date!(2026 - 10 - 01), date!(2026 - 12 - 31))
        );
        assert_eq!(
            Calendar::HalfYear.span(d),
            (date!(2026 - 07 - 01), date!(2026 - 12 - 31))
        );
        assert_eq!(
            Calendar::Year.span(d),
            (date!(2026 - 01 - 01), date!(2026 - 12 - 31))
        );
        let leap = date!(2028 - 02 - 10);
        assert_eq!(
            Calendar::Month.span(leap),
            (date!(2028 - 02 - 01), date!(2028 - 02 - 29))
        );
    }

    #[test]
    fn a_rolling_period_counts_back_from_today() {
        let d = date!(2026 - 12 - 07);
        assert_eq!(Period::EveryDays(7).counts_from(d), date!(2026 - 11 - 30));
        assert_eq!(
            Period::Calendar(Calendar::Quarter).counts_from(d),
            date!(2026 - 10 - 01)
        );
    }
}
