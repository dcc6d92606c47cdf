//! The text format of the holiday arrangement, meant to be edited by admins:
//!
//! ```text
//! # comment
//! year 2025 国办发明电〔2024〕12号
//! 2025-01-28 off 春节
//! 2025-01-26 work 春节调休
//! ```
//!
//! Every problem is reported with its line number, in Chinese, so an admin can fix the text.

use std::collections::BTreeMap;

use thiserror::Error;
use time::macros::format_description;
use time::{Date, Weekday};

use super::work_calendar::{DayKind, SpecialDay, WorkCalendar, is_weekend};

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("节假日安排第 {line} 行：{problem}")]
pub struct CalendarFileError {
    pub line: usize,
    pub problem: LineProblem,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LineProblem {
    #[error("无法识别“{0}”，应为“YYYY-MM-DD off 名称”“YYYY-MM-DD work 名称”或“year YYYY 文号”")]
    Unrecognised(String),
    #[error("“{0}”不是有效日期，应为 YYYY-MM-DD")]
    BadDate(String),
    #[error("类型“{0}”无效，应为 off（放假）或 work（调休上班）")]
    BadKind(String),
    #[error("缺少名称，如“春节”")]
    MissingName,
    #[error("“{0}”不是有效年份")]
    BadYear(String),
    #[error("缺少通知文号")]
    MissingSource,
    #[error("{year} 年已在第 {first_line} 行声明")]
    DuplicateYear { year: i32, first_line: usize },
    #[error("{date} 已在第 {first_line} 行出现")]
    DuplicateDate { date: Date, first_line: usize },
    #[error("{date} 是{weekday}，本来就上班，不是调休")]
    WorkOnWeekday { date: Date, weekday: &'static str },
}

/// The parsed content with the line each entry came from, to report duplicates.
#[derive(Default)]
struct Collected {
    years: BTreeMap<i32, (String, usize)>,
    days: BTreeMap<Date, (SpecialDay, usize)>,
}

pub(super) fn parse(text: &str) -> Result<WorkCalendar, CalendarFileError> {
    let mut collected = Collected::default();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let content = raw.trim();
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        collected
            .add(content, line)
            .map_err(|problem| CalendarFileError { line, problem })?;
    }
    let years = collected
        .years
        .into_iter()
        .map(|(y, (s, _))| (y, s))
        .collect();
    let days = collected
        .days
        .into_iter()
        .map(|(d, (s, _))| (d, s))
        .collect();
    Ok(WorkCalendar::new(years, days))
}

impl Collected {
    fn add(&mut self, content: &str, line: usize) -> Result<(), LineProblem> {
        let mut words = content.split_whitespace();
        let first = words.next().unwrap_or_default();
        let second = words.next();
        let rest = words.collect::<Vec<_>>().join(" ");
        match (first, second) {
            ("year", Some(year)) => self.add_year(year, rest, line),
            (date, Some(kind)) if date.starts_with(|c: char| c.is_ascii_digit()) => {
                self.add_day(date, kind, rest, line)
            }
            _ => Err(LineProblem::Unrecognised(content.to_string())),
        }
    }

    fn add_year(&mut self, year: &str, source: String, line: usize) -> Result<(), LineProblem> {
        let year: i32 = match year.parse() {
            Ok(y) if year.len() == 4 && year.bytes().all(|b| b.is_ascii_digit()) => y,
            _ => return Err(LineProblem::BadYear(year.to_string())),
        };
        if source.is_empty() {
            return Err(LineProblem::MissingSource);
        }
        if let Some((_, first_line)) = self.years.get(&year) {
            let first_line = *first_line;
            return Err(LineProblem::DuplicateYear { year, first_line });
        }
        self.years.insert(year, (source, line));
        Ok(())
    }

    fn add_day(
        &mut self,
        date: &str,
        kind: &str,
        name: String,
        line: usize,
    ) -> Result<(), LineProblem> {
        let date = parse_date(date)?;
        let kind = match kind {
            "off" => DayKind::Off,
            "work" => DayKind::Work,
            other => return Err(LineProblem::BadKind(other.to_string())),
        };
        if name.is_empty() {
            return Err(LineProblem::MissingName);
        }
        // A "work" weekday is almost surely a typo in the date, which would otherwise go unseen.
        if kind == DayKind::Work && !is_weekend(date) {
            let weekday = weekday_name(date.weekday());
            return Err(LineProblem::WorkOnWeekday { date, weekday });
        }
        if let Some((_, first_line)) = self.days.get(&date) {
            let first_line = *first_line;
            return Err(LineProblem::DuplicateDate { date, first_line });
        }
        self.days
            .insert(date, (SpecialDay { date, kind, name }, line));
        Ok(())
    }
}

fn parse_date(text: &str) -> Result<Date, LineProblem> {
    Date::parse(text, format_description!("[year]-[month]-[day]"))
        .map_err(|_| LineProblem::BadDate(text.to_string()))
}

/// "星期一" … "星期日".
pub fn weekday_name(weekday: Weekday) -> &'static str {
    match weekday {
        Weekday::Monday => "星期一",
        Weekday::Tuesday => "星期二",
        Weekday::Wednesday => "星期三",
        Weekday::Thursday => "星期四",
        Weekday::Friday => "星期五",
        Weekday::Saturday => "星期六",
        Weekday::Sunday => "星期日",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn problem(text: &str) -> (usize, LineProblem) {
        let err = parse(text).unwrap_err();
        (err.line, err.problem)
    }

    #[test]
    fn reads_years_days_comments_and_blank_lines() {
        let text = "# 2030 试验\n\n  year 2030 某通知 第1号 \n2030-01-01 off 元旦\n2030-01-05 work 元旦 调休\n";
        let calendar = parse(text).unwrap();
        assert!(calendar.covers(2030));
        assert_eq!(calendar.source(2030), Some("某通知 第1号"));
        assert!(!calendar.is_working_day(date!(2030 - 01 - 01))); // Tuesday off
        assert!(calendar.is_working_day(date!(2030 - 01 - 05))); // Saturday worked
        let adjusted = calendar.special_day(date!(2030 - 01 - 05)).unwrap();
        assert_eq!(adjusted.name, "元旦 调休");
    }

    #[test]
    fn an_empty_text_is_a_calendar_of_weekends() {
        let calendar = parse("").unwrap();
        assert!(!calendar.covers(2025));
        assert!(calendar.is_working_day(date!(2025 - 01 - 01)));
    }

    #[test]
    fn bad_lines_are_reported_with_their_number() {
        let text = "year 2025 通知\n2025-01-01 off 元旦\n2025-02-30 off 春节\n";
        assert_eq!(
            problem(text),
            (3, LineProblem::BadDate("2025-02-30".into()))
        );
        assert_eq!(
            parse(text).unwrap_err().to_string(),
            "节假日安排第 3 行：“2025-02-30”不是有效日期，应为 YYYY-MM-DD"
        );
    }

    #[test]
    fn each_kind_of_mistake_is_named() {
        assert_eq!(
            problem("2025/01/01 off 元旦"),
            (1, LineProblem::BadDate("2025/01/01".into()))
        );
        assert_eq!(
            problem("2025-1-1 off 元旦"),
            (1, LineProblem::BadDate("2025-1-1".into()))
        );
        assert_eq!(
            problem("2025-01-01 holiday 元旦"),
            (1, LineProblem::BadKind("holiday".into()))
        );
        assert_eq!(problem("2025-01-01 off"), (1, LineProblem::MissingName));
        assert_eq!(
            problem("year 二〇二五 通知"),
            (1, LineProblem::BadYear("二〇二五".into()))
        );
        assert_eq!(
            problem("year 25 通知"),
            (1, LineProblem::BadYear("25".into()))
        );
        assert_eq!(
            problem("year +202 通知"),
            (1, LineProblem::BadYear("+202".into()))
        );
        assert_eq!(problem("year 2025"), (1, LineProblem::MissingSource));
        assert_eq!(
            problem("春节放假"),
            (1, LineProblem::Unrecognised("春节放假".into()))
        );
        assert_eq!(
            problem("2025-01-01"),
            (1, LineProblem::Unrecognised("2025-01-01".into()))
        );
    }

    #[test]
    fn duplicates_point_at_the_first_occurrence() {
        assert_eq!(
            problem("year 2025 甲\n\nyear 2025 乙"),
            (
                3,
                LineProblem::DuplicateYear {
                    year: 2025,
                    first_line: 1
                }
            )
        );
        let err = parse("2025-01-01 off 元旦\n# x\n2025-01-01 off 元旦").unwrap_err();
        assert_eq!(
            err.to_string(),
            "节假日安排第 3 行：2025-01-01 已在第 1 行出现"
        );
    }

    #[test]
    fn a_working_weekday_is_refused_as_a_likely_typo() {
        // 2025-01-27 is a Monday; the adjusted day was Sunday 2025-01-26.
        let err = parse("2025-01-27 work 春节调休").unwrap_err();
        assert_eq!(
            err.problem,
            LineProblem::WorkOnWeekday {
                date: date!(2025 - 01 - 27),
                weekday: "星期一"
            }
        );
        assert_eq!(
            err.to_string(),
            "节假日安排第 1 行：2025-01-27 是星期一，本来就上班，不是调休"
        );
    }
}
