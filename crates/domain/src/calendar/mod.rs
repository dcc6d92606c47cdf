//! The Chinese working-day calendar and the deadlines counted on it.
//!
//! Holidays and adjusted working days (调休) change every year by State Council notice, so the
//! calendar is data (`data/holidays.txt`, editable by admins), never constants.

mod day;
#[cfg(feature = "sqlx")]
mod day_sql;
mod deadline;
mod file;
mod work_calendar;

pub use day::{BadDay, Day};
pub use deadline::Pause;
pub use file::{CalendarFileError, LineProblem, weekday_name};
pub use work_calendar::{DayKind, SpecialDay, WorkCalendar};
