//! Deadlines counted in working days.
//!
//! Convention, the one a receipt promises: a matter accepted on day D with a limit of N working
//! days is due by the end of the N-th working day after D. D itself never counts, whether or not
//! it is a working day (acceptance may come at closing time, or on a weekend online). N = 0, a
//! matter done on the spot (即办件), is due on D itself.
//!
//! A pause (补正: the case waits for the resident's missing materials) stops the clock: working
//! days from the pause's first day through its last day, both included, do not count, because
//! the resident holds the case then. While a pause is open there is no deadline.

use time::Date;

use super::work_calendar::WorkCalendar;

/// A period, both ends included, when the clock stops; `end` is `None` while it lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pause {
    pub start: Date,
    pub end: Option<Date>,
}

impl WorkCalendar {
    /// The N-th working day after `start` (`start` itself for N = 0).
    ///
    /// # Panics
    /// If the result would be after 9999-12-31, like `Date + Duration`.
    pub fn add_working_days(&self, start: Date, n: u32) -> Date {
        self.nth_counted_day(start, n, |_| false)
    }

    /// The deadline of a case accepted on `accepted` with a limit of `n` working days, skipping
    /// working days inside `pauses`; `None` while a pause is open. A pause whose end precedes
    /// its start contains no day.
    ///
    /// # Panics
    /// If the result would be after 9999-12-31.
    pub fn deadline_with_pauses(&self, accepted: Date, n: u32, pauses: &[Pause]) -> Option<Date> {
        let mut closed = Vec::with_capacity(pauses.len());
        for pause in pauses {
            closed.push((pause.start, pause.end?));
        }
        let paused = |day: Date| {
            closed
                .iter()
                .any(|&(start, end)| start <= day && day <= end)
        };
        Some(self.nth_counted_day(accepted, n, paused))
    }

    /// Working days after `from` up to and including `to`, so that
    /// `working_days_between(d, add_working_days(d, n)) == n`. Negative when `to` is before
    /// `from`: from today to a passed deadline it is minus the working days overdue.
    pub fn working_days_between(&self, from: Date, to: Date) -> i64 {
        if to < from {
            return -self.working_days_between(to, from);
        }
        let mut count = 0;
        let mut day = from;
        while day < to {
            day = next(day);
            count += i64::from(self.is_working_day(day));
        }
        count
    }

    fn nth_counted_day(&self, start: Date, n: u32, paused: impl Fn(Date) -> bool) -> Date {
        let mut day = start;
        let mut counted = 0;
        while counted < n {
            day = next(day);
            if self.is_working_day(day) && !paused(day) {
                counted += 1;
            }
        }
        day
    }
}

fn next(day: Date) -> Date {
    day.next_day()
        .expect("working-day counts stay before year 10000")
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn china() -> WorkCalendar {
        WorkCalendar::default_china()
    }

    fn closed(start: Date, end: Date) -> Pause {
        Pause {
            start,
            end: Some(end),
        }
    }

    #[test]
    fn spring_festival_2025() {
        // Accepted Fri 01-24. 01-25 Sat off; 01-26 Sun 调休 (1); 01-27 Mon (2); 01-28–02-04 春节;
        // 02-05 Wed (3).
        assert_eq!(
            china().add_working_days(date!(2025 - 01 - 24), 3),
            date!(2025 - 02 - 05)
        );
    }

    #[test]
    fn national_day_2025() {
        // Accepted Fri 09-26. 09-27 Sat off; 09-28 Sun 调休 (1); 09-29 (2); 09-30 (3);
        // 10-01–10-08 off; 10-09 Thu (4); 10-10 Fri (5).
        assert_eq!(
            china().add_working_days(date!(2025 - 09 - 26), 5),
            date!(2025 - 10 - 10)
        );
        // One more: 10-11 is a Saturday made a working day (6).
        assert_eq!(
            china().add_working_days(date!(2025 - 09 - 26), 6),
            date!(2025 - 10 - 11)
        );
    }

    #[test]
    fn adjusted_saturday_can_be_the_deadline() {
        // Accepted Fri 2026-02-13; the next day, Saturday 02-14, is a 春节调休 working day (1).
        assert_eq!(
            china().add_working_days(date!(2026 - 02 - 13), 1),
            date!(2026 - 02 - 14)
        );
        // Accepted Thu 02-12: 02-13 (1); 02-14 Sat (2); 02-15–02-23 off; 02-24 Tue (3).
        assert_eq!(
            china().add_working_days(date!(2026 - 02 - 12), 3),
            date!(2026 - 02 - 24)
        );
    }

    #[test]
    fn acceptance_day_never_counts_even_on_a_holiday_or_adjusted_day() {
        // Accepted on holiday Fri 2025-10-03: 10-04–10-08 off; 10-09 Thu (1).
        assert_eq!(
            china().add_working_days(date!(2025 - 10 - 03), 1),
            date!(2025 - 10 - 09)
        );
        // Accepted on adjusted Sat 2025-10-11: 10-12 Sun off; 10-13 Mon (1).
        assert_eq!(
            china().add_working_days(date!(2025 - 10 - 11), 1),
            date!(2025 - 10 - 13)
        );
    }

    #[test]
    fn zero_days_is_the_acceptance_day() {
        assert_eq!(
            china().add_working_days(date!(2025 - 01 - 28), 0),
            date!(2025 - 01 - 28)
        );
    }

    #[test]
    fn counts_across_the_new_year() {
        // Accepted Wed 2025-12-31: 2026-01-01–01-03 元旦; 01-04 Sun 调休 (1); 01-05 Mon (2).
        assert_eq!(
            china().add_working_days(date!(2025 - 12 - 31), 2),
            date!(2026 - 01 - 05)
        );
    }

    #[test]
    fn autumn_holidays_2026() {
        let calendar = china();
        let accepted = date!(2026 - 09 - 18); // Friday
        // 09-19 Sat off; 09-20 Sun 调休 (1); 09-21–09-24 Mon–Thu (2–5).
        assert_eq!(
            calendar.add_working_days(accepted, 5),
            date!(2026 - 09 - 24)
        );
        // 09-25–09-27 中秋; 09-28–09-30 Mon–Wed (6–8).
        assert_eq!(
            calendar.add_working_days(accepted, 8),
            date!(2026 - 09 - 30)
        );
        // 10-01–10-07 国庆; 10-08 Thu (9); 10-09 Fri (10); 10-10 Sat 调休 (11).
        assert_eq!(
            calendar.add_working_days(accepted, 9),
            date!(2026 - 10 - 08)
        );
        assert_eq!(
            calendar.add_working_days(accepted, 11),
            date!(2026 - 10 - 10)
        );
    }

    #[test]
    fn labour_day_2026() {
        // Accepted Thu 04-30: 05-01–05-05 off; 05-06 (1); 05-07 (2); 05-08 Fri (3);
        // 05-09 Sat 调休 (4); 05-10 Sun off; 05-11 Mon (5).
        let accepted = date!(2026 - 04 - 30);
        assert_eq!(china().add_working_days(accepted, 2), date!(2026 - 05 - 07));
        assert_eq!(china().add_working_days(accepted, 5), date!(2026 - 05 - 11));
    }

    #[test]
    fn uncovered_years_count_weekdays_only() {
        // 2027 is not loaded: Fri 2027-01-01 counts as a working day.
        assert_eq!(
            china().add_working_days(date!(2026 - 12 - 31), 1),
            date!(2027 - 01 - 01)
        );
        assert_eq!(
            china().add_working_days(date!(2026 - 12 - 31), 2),
            date!(2027 - 01 - 04)
        );
    }

    #[test]
    fn working_days_in_2025_and_2026() {
        // 2025: 261 weekdays − 18 weekday holidays + 5 adjusted weekend days = 248.
        // 2026: 261 weekdays − 19 weekday holidays + 6 adjusted weekend days = 248.
        let calendar = china();
        assert_eq!(
            calendar.working_days_between(date!(2024 - 12 - 31), date!(2025 - 12 - 31)),
            248
        );
        assert_eq!(
            calendar.working_days_between(date!(2025 - 12 - 31), date!(2026 - 12 - 31)),
            248
        );
    }

    #[test]
    fn working_days_between_excludes_the_start_and_includes_the_end() {
        let calendar = china();
        let (accepted, due) = (date!(2025 - 01 - 24), date!(2025 - 02 - 05));
        assert_eq!(calendar.working_days_between(accepted, due), 3);
        assert_eq!(calendar.working_days_between(due, accepted), -3);
        assert_eq!(calendar.working_days_between(due, due), 0);
        // From the last working day before 国庆 to its last day: nothing to count.
        assert_eq!(
            calendar.working_days_between(date!(2025 - 09 - 30), date!(2025 - 10 - 08)),
            0
        );
        // Two working days overdue on Fri 2025-02-07, the deadline having been Wed 02-05.
        assert_eq!(
            calendar.working_days_between(date!(2025 - 02 - 07), due),
            -2
        );
    }

    #[test]
    fn adding_and_counting_agree_everywhere() {
        let calendar = china();
        let mut accepted = date!(2024 - 12 - 01);
        while accepted <= date!(2027 - 01 - 31) {
            for n in 1..=25 {
                let due = calendar.add_working_days(accepted, n);
                assert!(calendar.is_working_day(due), "{accepted} + {n} = {due}");
                assert_eq!(calendar.working_days_between(accepted, due), i64::from(n));
                let day_before = due.previous_day().unwrap();
                assert_eq!(
                    calendar.working_days_between(accepted, day_before),
                    i64::from(n - 1),
                    "{accepted} + {n}"
                );
            }
            accepted = accepted.next_day().unwrap();
        }
    }

    #[test]
    fn no_pauses_is_the_plain_deadline() {
        let calendar = china();
        let accepted = date!(2025 - 09 - 26);
        assert_eq!(
            calendar.deadline_with_pauses(accepted, 5, &[]),
            Some(calendar.add_working_days(accepted, 5))
        );
    }

    #[test]
    fn a_pause_spanning_a_holiday_adds_only_its_working_days() {
        let calendar = china();
        // Accepted Mon 2025-09-22, 10 working days. Without a pause: 09-23–09-26 (1–4);
        // 09-28 Sun 调休 (5); 09-29, 09-30 (6, 7); 10-09, 10-10 (8, 9); 10-11 Sat 调休 (10).
        let accepted = date!(2025 - 09 - 22);
        assert_eq!(
            calendar.add_working_days(accepted, 10),
            date!(2025 - 10 - 11)
        );
        // Materials asked for on Thu 09-25, brought on Thu 10-09: counted 09-23, 09-24 (1, 2);
        // paused 09-25 … 10-09; 10-10 Fri (3); 10-11 Sat 调休 (4); 10-13–10-17 Mon–Fri (5–9);
        // 10-20 Mon (10).
        let pause = closed(date!(2025 - 09 - 25), date!(2025 - 10 - 09));
        assert_eq!(
            calendar.deadline_with_pauses(accepted, 10, &[pause]),
            Some(date!(2025 - 10 - 20))
        );
    }

    #[test]
    fn a_pause_inside_a_holiday_changes_nothing() {
        // 10-02 … 10-05 holds no working day; the deadline stays 10-10 as without a pause.
        let pause = closed(date!(2025 - 10 - 02), date!(2025 - 10 - 05));
        assert_eq!(
            china().deadline_with_pauses(date!(2025 - 09 - 26), 5, &[pause]),
            Some(date!(2025 - 10 - 10))
        );
    }

    #[test]
    fn a_pause_from_the_acceptance_day() {
        // Accepted Thu 2026-02-12, paused 02-12 … 02-13: 02-13 does not count;
        // 02-14 Sat 调休 (1); 02-15–02-23 春节; 02-24 (2); 02-25 (3).
        let pause = closed(date!(2026 - 02 - 12), date!(2026 - 02 - 13));
        assert_eq!(
            china().deadline_with_pauses(date!(2026 - 02 - 12), 3, &[pause]),
            Some(date!(2026 - 02 - 25))
        );
    }

    #[test]
    fn overlapping_pauses_count_each_day_once() {
        // Accepted Mon 2025-03-03, 5 days; paused 03-04 … 03-06 in two overlapping pieces:
        // 03-07 Fri (1); 03-10–03-13 Mon–Thu (2–5).
        let pauses = [
            closed(date!(2025 - 03 - 04), date!(2025 - 03 - 05)),
            closed(date!(2025 - 03 - 05), date!(2025 - 03 - 06)),
        ];
        assert_eq!(
            china().deadline_with_pauses(date!(2025 - 03 - 03), 5, &pauses),
            Some(date!(2025 - 03 - 13))
        );
    }

    #[test]
    fn reversed_or_earlier_pauses_have_no_effect() {
        // Without pauses: 03-04–03-07 (1–4), 03-10 Mon (5).
        let pauses = [
            closed(date!(2025 - 03 - 06), date!(2025 - 03 - 04)),
            closed(date!(2025 - 02 - 10), date!(2025 - 02 - 20)),
        ];
        assert_eq!(
            china().deadline_with_pauses(date!(2025 - 03 - 03), 5, &pauses),
            Some(date!(2025 - 03 - 10))
        );
    }

    #[test]
    fn an_open_pause_means_no_deadline_yet() {
        let calendar = china();
        let open = Pause {
            start: date!(2025 - 03 - 05),
            end: None,
        };
        let accepted = date!(2025 - 03 - 03);
        assert_eq!(calendar.deadline_with_pauses(accepted, 5, &[open]), None);
        let earlier = closed(date!(2025 - 03 - 04), date!(2025 - 03 - 04));
        assert_eq!(
            calendar.deadline_with_pauses(accepted, 5, &[earlier, open]),
            None
        );
    }
}
