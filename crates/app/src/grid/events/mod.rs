//! Events (事件): reporting one (any channel), the steps of the city-management loop on the
//! shared lifecycle engine, and the rules the table cannot say: only the handler works an event
//! they hold, nobody checks their own work, a dispatch names a handler inside the community.

mod escalation;
mod read;
mod report;
mod steps;

pub use escalation::escalate_overdue;
pub use read::{alike_before, counted, detail, get, held, listed, of_subject};
pub use report::{EventInput, MOST_LINKS, OutsideReport, Reporting, report, report_from_outside};
pub use steps::{StepInput, act, handlers};

use super::{GridError, GridResult};
use quanke_domain::calendar::{Day, WorkCalendar};
use quanke_domain::event::{Categories, Category};

/// Events on one list.
const SHOWN: i64 = 100;

fn refused(message: &str) -> GridError {
    GridError::Refused(message.to_string())
}

/// The category of `code` among those in force.
pub fn category(code: &str) -> GridResult<&'static Category> {
    Categories::shipped()
        .by_code(code)
        .ok_or_else(|| GridError::Refused(format!("事件类别“{code}”不存在")))
}

/// The due day of an event of `category` filed on `day`: its working days on the calendar.
pub fn due_from(calendar: &WorkCalendar, category: &Category, day: Day) -> Day {
    Day::from(calendar.add_working_days(day.date(), category.days))
}
