//! Where a subject stands against a coverage rule on a day: visited recently enough, due soon,
//! or overdue. The one rule the due list, the coverage page and the worker's home all apply.

use super::period::{Calendar, Period};
use time::{Date, Duration};

/// How many days before a rolling due date a subject is listed as due.
pub const DUE_SOON_DAYS: i64 = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Visited recently enough; the next visit is due on `next_due`.
    Covered { next_due: Date },
    /// Not yet visited in this period, or a rolling visit due within `DUE_SOON_DAYS`: visit by `by`.
    Due { by: Date },
    /// A rolling visit that was due on `due` and has not happened.
    Overdue { due: Date },
}

/// The visits that cover a subject on a day: from `from` to the day itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub from: Date,
    pub to: Date,
}

impl Window {
    pub fn on(period: Period, today: Date) -> Window {
        Window {
            from: period.counts_from(today),
            to: today,
        }
    }

    /// Whether a subject last visited on `last` counts as covered (the coverage rate's test; a
    /// rolling subject may be covered and still due soon).
    pub fn holds(self, last: Option<Date>) -> bool {
        last.is_some_and(|d| d >= self.from && d <= self.to)
    }
}

impl Standing {
    /// `last` is the subject's last counting visit; `since` the day the subject came under the
    /// rule (its tag's date, or the rule's), from which a never-visited subject's first rolling
    /// visit is counted. Never visited and with no such day, it is due today.
    pub fn of(period: Period, last: Option<Date>, since: Option<Date>, today: Date) -> Standing {
        match (period, last.or(since)) {
            (Period::EveryDays(n), Some(from)) => rolling(n, from, today),
            (Period::EveryDays(_), None) => Standing::Due { by: today },
            (Period::Calendar(c), _) => calendar(c, last, today),
        }
    }

    /// The day by which the next visit is wanted.
    pub fn due(self) -> Date {
        match self {
            Standing::Covered { next_due } => next_due,
            Standing::Due { by } => by,
            Standing::Overdue { due } => due,
        }
    }

    /// Whether a list of what falls due by `until` shows a subject standing so: overdue always;
    /// due by then; and a rolling visit falling due by then although the last one still covers
    /// (a calendar period once covered is done until the next period).
    pub fn listed_by(self, period: Period, until: Date) -> bool {
        match self {
            Standing::Overdue { .. } => true,
            Standing::Due { by } => by <= until,
            Standing::Covered { next_due } => {
                matches!(period, Period::EveryDays(_)) && next_due <= until
            }
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Standing::Covered { .. } => "已覆盖",
            Standing::Due { .. } => "待走访",
            Standing::Overdue { .. } => "已逾期",
        }
    }
}

/// Whether a list of what falls due by `until` can show anyone under a rule of `period`: under a
/// calendar period that ends after `until` no one (covered in it is done; not yet covered is due
/// at its end), so the due list need not read that rule's subjects at all.
pub fn may_fall_due(period: Period, today: Date, until: Date) -> bool {
    match period {
        Period::Calendar(c) => c.span(today).1 <= until,
        Period::EveryDays(_) => true,
    }
}

fn rolling(days: u16, from: Date, today: Date) -> Standing {
    let due = from + Duration::days(days.into());
    if today > due {
        Standing::Overdue { due }
    } else if today >= due - Duration::days(DUE_SOON_DAYS) {
        Standing::Due { by: due }
    } else {
        Standing::Covered { next_due: due }
    }
}

fn calendar(period: Calendar, last: Option<Date>, today: Date) -> Standing {
    let (start, end) = period.span(today);
    if last.is_some_and(|d| d >= start) {
        let (_, next_end) = period.span(end + Duration::days(1));
        Standing::Covered { next_due: next_end }
    } else {
        Standing::Due { by: end }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 12 - 07);

    #[test]
    fn a_weekly_visit_is_due_three_days_ahead_and_overdue_the_day_after() {
        let weekly = Period::EveryDays(7);
        let since = Some(date!(2026 - 01 - 01));
        let on = |last| Standing::of(weekly, Some(last), since, TODAY);
        assert_eq!(
            on(date!(2026 - 12 - 05)),
            Standing::Covered {
                next_due: date!(2026 - 12 - 12)
            }
        );
        assert_eq!(
            on(date!(2026 - 12 - 03)),
            Standing::Due {
                by: date!(2026 - 12 - 10)
            }
        );
        assert_eq!(on(date!(2026 - 11 - 30)), Standing::Due { by: TODAY });
        assert_eq!(
            on(date!(2026 - 11 - 29)),
            Standing::Overdue {
                due: date!(2026 - 12 - 06)
            }
        );
    }

    #[test]
    fn a_subject_never_visited_counts_from_when_it_came_under_the_rule() {
        let weekly = Period::EveryDays(7);
        let fresh = Standing::of(weekly, None, Some(date!(2026 - 12 - 06)), TODAY);
        assert_eq!(
            fresh,
            Standing::Covered {
                next_due: date!(2026 - 12 - 13)
            }
        );
        let old = Standing::of(weekly, None, Some(date!(2026 - 10 - 01)), TODAY);
        assert_eq!(
            old,
            Standing::Overdue {
                due: date!(2026 - 10 - 08)
            }
        );
        // Never visited, and no day to count from: due today.
        assert_eq!(
            Standing::of(weekly, None, None, TODAY),
            Standing::Due { by: TODAY }
        );
        // Never visited is never covered, whatever the standing says about the due date.
        assert!(!Window::on(weekly, TODAY).holds(None));
    }

    #[test]
    fn a_quarterly_visit_covers_the_quarter_and_is_due_by_its_end() {
        let quarterly = Period::Calendar(Calendar::Quarter);
        let since = Some(date!(2026 - 01 - 01));
        let visited = Standing::of(quarterly, Some(date!(2026 - 10 - 02)), since, TODAY);
        assert_eq!(
            visited,
            Standing::Covered {
                next_due: date!(2027 - 03 - 31)
            }
        );
        let last_quarter = Standing::of(quarterly, Some(date!(2026 - 09 - 30)), since, TODAY);
        assert_eq!(
            last_quarter,
            Standing::Due {
                by: date!(2026 - 12 - 31)
            }
        );
        assert_eq!(
            Standing::of(quarterly, None, since, TODAY).due(),
            date!(2026 - 12 - 31)
        );
    }

    #[test]
    fn a_period_that_cannot_fall_due_lists_no_one() {
        let periods = [
            Period::EveryDays(7),
            Period::EveryDays(30),
            Period::Calendar(Calendar::Month),
            Period::Calendar(Calendar::Quarter),
            Period::Calendar(Calendar::Year),
        ];
        let lasts = (0..400)
            .map(|d| Some(TODAY - Duration::days(d)))
            .chain([None]);
        let lasts: Vec<Option<Date>> = lasts.collect();
        for period in periods {
            for horizon in [1, 7, 31, 366] {
                let until = TODAY + Duration::days(horizon - 1);
                let listed = lasts.iter().any(|last| {
                    Standing::of(period, *last, Some(date!(2026 - 01 - 01)), TODAY)
                        .listed_by(period, until)
                });
                if !may_fall_due(period, TODAY, until) {
                    assert!(!listed, "{period:?} by {until}");
                }
            }
        }
        // A quarter ending within the horizon lists; one ending after it does not.
        let quarter = Period::Calendar(Calendar::Quarter);
        assert!(may_fall_due(quarter, TODAY, date!(2026 - 12 - 31)));
        assert!(!may_fall_due(quarter, TODAY, date!(2026 - 12 - 30)));
    }

    #[test]
    fn the_window_holds_exactly_the_visits_that_cover() {
        let w = Window::on(Period::EveryDays(7), TODAY);
        assert!(w.holds(Some(date!(2026 - 11 - 30))));
        assert!(!w.holds(Some(date!(2026 - 11 - 29))));
        assert!(
            !w.holds(Some(date!(2026 - 12 - 08))),
            "a visit after the day is not counted"
        );
        let q = Window::on(Period::Calendar(Calendar::Quarter), TODAY);
        assert!(q.holds(Some(date!(2026 - 10 - 01))));
        assert!(!q.holds(Some(date!(2026 - 09 - 30))));
    }
}
